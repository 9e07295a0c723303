"""Review: past drills; per turn the prospect's line and the rep's answer to play back, the transcript lit
word by word during playback, the metrics, reasons and moves; deleting a drill after confirmation.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QMessageBox, QScrollArea, QWidget

from trainer.core import paths
from trainer.core.levels import ladder_for
from trainer.core.pack_model import Pack, Voice
from trainer.speech import tts
from trainer.store.records import DrillRecord, TurnRecord
from trainer.ui import tasks
from trainer.ui.player import Player
from trainer.ui.style import COLORS, score_color
from trainer.ui.summaries import from_record, outcome_text
from trainer.ui.views.base import View
from trainer.ui.widgets.common import Card, EmptyState, button, clear_layout, hbox, label, pill, vbox
from trainer.ui.widgets.score_card import ScoreCard, ScoreRing
from trainer.ui.widgets.transcript import TranscriptView

LINE, ANSWER = "line", "answer"


def prospect_audio(turn: TurnRecord, pack: Pack | None) -> Path:
    """The prospect line's audio: the cached rendering, or rendered again in the persona's voice (worker)."""
    if turn.prospect_audio:
        path = Path(turn.prospect_audio)
        path = path if path.is_absolute() else paths.cache_dir() / path
        if path.is_file():
            return path
    voice = Voice()
    if pack is not None:
        objection = next((o for o in pack.objections if o.id == turn.objection_id), None)
        persona = pack.personas.get(objection.persona) if objection else None
        voice = persona.voice if persona else voice
    return tts.render_voice(turn.prospect_line, voice).path


def gap_text(gap: float | None) -> str:
    """The gap the rep felt after the answer, in words: people answer each other in about 0.2 s."""
    if gap is None:
        return ""
    if gap < 0:
        return "The prospect came in while you were still talking"
    feel = "like a conversation" if gap <= 0.7 else "a noticeable wait"
    return f"The prospect answered {gap:.1f} s after you stopped talking ({feel})"


def repeats_text(repeats: int) -> str:
    """How often the rep asked to hear the line again, in words ('' for never)."""
    if not repeats:
        return ""
    times = "once" if repeats == 1 else "twice" if repeats == 2 else f"{repeats} times"
    return f"You asked to hear the line again {times}: your response time counts from the end of the last replay"


def yielded_text(turn: TurnRecord) -> str:
    """The prospect lines stopped because the rep went on after a pause, in words ('' when none)."""
    return "\n".join(
        f"You went on after a pause: the prospect stopped “{y.line}” {max(0.0, y.stopped_at - y.start):.1f} s in "
        "and let you finish (your answer is scored as one)" for y in turn.yielded
    )


def acts_text(turn: TurnRecord) -> str:
    """What the prospect did after the answer, by temperament, in words for the rep ('' when nothing)."""
    talked = turn.metrics.get("longest_monologue_s")
    said = {
        "cut_in": "The prospect cut in" + (f" after {talked:.0f} s of talk without a pause" if talked else "")
                  + ": “{line}” Make your point, ask, then stop.",
        "hedges": "The prospect heard you hedge: “{line}”",
        "apologies": "The prospect heard you apologise: “{line}”",
        "add_on": "Your question paid off; the prospect gave a little more: “{line}”",
    }
    return "\n".join(said.get(a.kind, "The prospect said: “{line}”").format(line=a.line) for a in turn.acts)


def level_name(pack: Pack | None, level: int) -> str:
    """'Level 3 · Live' (the pack's ladder names the level)."""
    rules = ladder_for(pack).levels.get(level)
    return f"Level {level}" + (f" · {rules.name}" if rules else "")


def when(drill: DrillRecord) -> str:
    """The drill's start in local time, e.g. 'Tue 12 Nov, 14:05'."""
    return drill.started_at.astimezone().strftime("%a %d %b, %H:%M")


class TurnView(Card):
    """One turn: the line and the answer with play buttons, the transcript, the score card."""

    def __init__(self, turn: TurnRecord, pack: Pack | None, play) -> None:
        super().__init__()
        self.turn = turn
        objection = next((o for o in pack.objections if o.id == turn.objection_id), None) if pack else None
        persona = pack.personas.get(objection.persona) if objection else None
        title = f"Turn {turn.number}" + (f" · {objection.category}" if objection else "")
        state = {"scored": None, "recovered": pill("interrupted", "warn"), "recording": pill("not finished", "warn")}
        was_cut_in = any(a.kind == "cut_in" for a in turn.acts)
        cut_in = pill("cut in", "bad") if was_cut_in else None
        self.body.addLayout(hbox(label(title.upper(), "section"), None,
                                 *[w for w in (cut_in, state.get(turn.status)) if w]))
        self.play_line_button = button("▶  Line", None, lambda: play(self, LINE))
        who = persona.name if persona else "Prospect"
        self.body.addLayout(hbox((vbox(label(who, "muted"), label(f"“{turn.prospect_line}”", "quote", wrap=True),
                                       spacing=2), 1), self.play_line_button, spacing=14))
        self.transcript = TranscriptView()
        self.transcript.set_words(turn.words, turn.transcript or "", [
            (mark.id, range(mark.first_word - 1, mark.last_word))
            for mark in turn.moves if mark.covered and mark.first_word is not None and mark.last_word is not None
        ])
        self.play_answer_button = button("▶  Answer", None, lambda: play(self, ANSWER))
        has_audio = turn.recording is not None and turn.recording.is_file()
        self.play_answer_button.setEnabled(has_audio)
        self.body.addLayout(hbox((vbox(label("You", "muted"), self.transcript, spacing=2), 1),
                                 self.play_answer_button, spacing=14))
        self.gap = label(gap_text(turn.timings.gap), "faint", wrap=True)
        self.gap.setVisible(turn.timings.gap is not None and not was_cut_in)  # a cut-in leaves no gap to feel
        self.body.addWidget(self.gap)
        self.repeats = label(repeats_text(turn.repeats), "faint", wrap=True)
        self.repeats.setVisible(bool(turn.repeats))
        self.body.addWidget(self.repeats)
        self.yielded = label(yielded_text(turn), "faint", wrap=True)
        self.yielded.setVisible(bool(turn.yielded))
        self.body.addWidget(self.yielded)
        self.acts = label(acts_text(turn), "faint", wrap=True)
        self.acts.setVisible(bool(turn.acts))
        self.body.addWidget(self.acts)
        if turn.status == "scored":
            self.score_card = ScoreCard()
            self.score_card.set_summary(from_record(turn, pack))
            self.body.addWidget(self.score_card)
        else:
            self.score_card = None
            self.body.addWidget(label("This answer was interrupted before it was scored; its recording is kept.",
                                      "muted", wrap=True))

    def set_playing(self, kind: str | None) -> None:
        """Show which of the two sounds plays (None: neither)."""
        self.play_line_button.setText("■  Stop" if kind == LINE else "▶  Line")
        self.play_answer_button.setText("■  Stop" if kind == ANSWER else "▶  Answer")
        if kind != ANSWER:
            self.transcript.highlight_at(None)


class DrillRow(QWidget):
    """A drill in the list: score, pack, level, turns, date."""

    def __init__(self, drill: DrillRecord, pack: Pack | None) -> None:
        super().__init__()
        score = label("–" if drill.score is None else f"{drill.score:.0f}")
        score.setAlignment(Qt.AlignmentFlag.AlignCenter)
        score.setFixedSize(40, 40)
        tone = COLORS[score_color(drill.score)]
        score.setStyleSheet(f"background: {tone}; color: white; border-radius: 10px; font-weight: 700;")
        title = pack.title if pack else drill.pack_id
        turns = f"{drill.turn_count} turn{'s' if drill.turn_count != 1 else ''}"
        status = "" if drill.status == "finished" else " · stopped" if drill.status == "abandoned" else " · running"
        layout = hbox(score, (vbox(label(title), label(f"{level_name(pack, drill.level)} · {turns}{status}", "muted"),
                                   label(when(drill), "faint"), spacing=1), 1), spacing=12)
        layout.setContentsMargins(12, 10, 12, 10)
        self.setLayout(layout)


class ReviewView(View):
    """Past drills on the left, the chosen drill's turns on the right."""

    key = "review"
    title_text = "Review"
    subtitle_text = "Listen back: the prospect's line, your answer, and what each answer scored."
    icon_name = "review"
    drill_shown = Signal(int)
    drill_deleted = Signal(int)

    def __init__(self, ctx) -> None:
        super().__init__(ctx, scroll=False)
        self.player = Player(lambda: self.ctx.settings.output_device, self)
        self.player.position_changed.connect(self._position)
        self.player.finished.connect(lambda: self._set_playing(None, None))
        self.drill_list = QListWidget()
        self.drill_list.setObjectName("DrillList")
        self.drill_list.setFixedWidth(330)
        self.drill_list.currentItemChanged.connect(self._chosen)
        self.detail = QWidget()
        self.detail_box = vbox(spacing=16)
        self.detail.setLayout(self.detail_box)
        scroller = QScrollArea()
        scroller.setWidgetResizable(True)
        scroller.setWidget(self.detail)
        scroller.setObjectName("Page")
        self.detail.setObjectName("PageBody")
        self.split = QWidget()
        self.split.setLayout(hbox(self.drill_list, (scroller, 1), spacing=18))
        self.empty = EmptyState("review", "No drills yet",
                                "Every drill you do is kept here with its recordings, so you can hear how you "
                                "sounded and what each answer scored.", "Start a drill")
        self.empty.action_clicked.connect(lambda: self.navigate.emit("drill", None))
        self.body.addWidget(self.split, 1)
        self.body.addWidget(self.empty)
        self.body.addStretch(0)
        self.empty.hide()
        self.drill: DrillRecord | None = None
        self.pack: Pack | None = None
        self.turn_views: list[TurnView] = []
        self._wanted: int | None = None
        self._playing: tuple[TurnView, str] | None = None

    # -- the list -----------------------------------------------------------------------

    def activate(self, drill_id: int | None = None) -> None:
        """Open with this drill selected."""
        self._wanted = drill_id
        self.refresh()

    def load(self):
        return self.ctx.store.drills(), self.ctx.packs()

    def show_data(self, data) -> None:
        drills, packs = data
        self.split.setVisible(bool(drills))
        self.empty.setVisible(not drills)
        wanted = self._wanted or (self.drill.id if self.drill else None)
        self._wanted = None
        self.drill_list.blockSignals(True)
        self.drill_list.clear()
        chosen = None
        for drill in drills:
            item = QListWidgetItem()
            item.setData(Qt.ItemDataRole.UserRole, drill.id)
            row = DrillRow(drill, packs.get(drill.pack_id))
            item.setSizeHint(row.sizeHint())
            self.drill_list.addItem(item)
            self.drill_list.setItemWidget(item, row)
            if drill.id == wanted:
                chosen = item
        self.drill_list.blockSignals(False)
        if drills:
            self.drill_list.setCurrentItem(chosen or self.drill_list.item(0))
        else:
            self.drill = None
            clear_layout(self.detail_box)

    def _chosen(self, item: QListWidgetItem | None) -> None:
        if item is not None:
            self.show_drill(item.data(Qt.ItemDataRole.UserRole))

    def show_drill(self, drill_id: int) -> None:
        """Load one drill with its turns and show it."""
        self.player.stop()

        def load():
            drill = self.ctx.store.drill(drill_id)
            return drill, self.ctx.pack(drill.pack_id)

        tasks.run_in_background(load, self._show_drill, owner=self)

    # -- one drill ----------------------------------------------------------------------

    def _show_drill(self, loaded) -> None:
        self.drill, self.pack = loaded
        drill, pack = loaded
        clear_layout(self.detail_box)
        self.turn_views = []
        header = Card()
        ring = ScoreRing(84)
        ring.set_score(drill.score)
        facts = [level_name(pack, drill.level), when(drill), f"engine {(drill.engine or '?').capitalize()}"]
        m = drill.metrics
        stats = []
        if m.get("talk_share") is not None:
            stats.append(f"you talked {m['talk_share']:.0f}% of the time")
        if m.get("wpm"):
            stats.append(f"{m['wpm']:.0f} wpm")
        if "hesitations" in m:
            stats.append(f"{m['hesitations']} hesitation{'s' if m['hesitations'] != 1 else ''}")
        if drill.suds_before is not None or drill.suds_after is not None:
            stats.append(f"anxiety {_suds(drill.suds_before)} → {_suds(drill.suds_after)}")
        self.delete_button = button("Delete drill", "danger", self.confirm_delete)
        header.body.addLayout(hbox(ring, (vbox(label(pack.title if pack else drill.pack_id, "title"),
                                               label(" · ".join(facts), "muted", wrap=True),
                                               label(" · ".join(stats), wrap=True),
                                               label(outcome_text(drill.outcome), "muted", wrap=True), spacing=4), 1),
                                   self.delete_button, spacing=18))
        self.detail_box.addWidget(header)
        for turn in drill.turns:
            view = TurnView(turn, pack, self.play)
            self.turn_views.append(view)
            self.detail_box.addWidget(view)
        if not drill.turns:
            self.detail_box.addWidget(label("This drill was stopped before the first answer.", "muted"))
        self.detail_box.addStretch(1)
        self.drill_shown.emit(drill.id)

    def play(self, view: TurnView, kind: str) -> None:
        """Play (or stop) a turn's line or answer."""
        if self._playing == (view, kind):
            self.player.stop()
            return
        self.player.stop()
        self._set_playing(view, kind)
        if kind == ANSWER:
            self.player.play(view.turn.recording)
            return
        pack = self.pack
        tasks.run_in_background(lambda: prospect_audio(view.turn, pack),
                                lambda path: self._playing == (view, kind) and self.player.play(path), owner=self)

    def _set_playing(self, view: TurnView | None, kind: str | None) -> None:
        if self._playing is not None:
            self._playing[0].set_playing(None)
        self._playing = (view, kind) if view is not None else None
        if view is not None:
            view.set_playing(kind)

    def _position(self, seconds: float) -> None:
        if self._playing and self._playing[1] == ANSWER:
            view = self._playing[0]
            view.transcript.highlight_at((view.turn.rep_start or 0.0) + seconds)

    # -- deleting -----------------------------------------------------------------------

    def confirm_delete(self) -> None:
        """Ask, then delete the drill shown with its recordings."""
        drill = self.drill
        if drill is None:
            return
        answer = QMessageBox.question(
            self, "Delete this drill?",
            f"The drill of {when(drill)} and its {drill.turn_count} recording(s) will be deleted. "
            "This cannot be undone.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Cancel)
        if answer == QMessageBox.StandardButton.Yes:
            self.delete_drill(drill.id)

    def delete_drill(self, drill_id: int) -> None:
        """Delete a drill in the background, then show the list without it."""
        self.player.stop()

        def deleted(_):
            self.drill = None
            self.drill_deleted.emit(drill_id)
            self.refresh()

        tasks.run_in_background(lambda: self.ctx.store.delete_drill(drill_id), deleted, owner=self)

    def shutdown(self) -> None:
        """Release the speaker (at exit)."""
        self.player.close()


def _suds(value: int | None) -> str:
    return "–" if value is None else str(value)

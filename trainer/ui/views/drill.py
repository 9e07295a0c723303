"""Drill: choose, get ready, hear the prospect, answer out loud, see the score, all in one place.

The drill is planned ahead and prepared by `DrillPreparation` (background jobs), then
runs in a `DrillSession` on its own thread; its events arrive as signals
(`DrillBridge`) and only change what is on screen. Stages: setup -> starting (the
engine loads) -> prospect speaking -> get ready (the level's preparation time after
the line, counted down, with the model answer at level 1) -> your turn (live level
meter, partial transcript, answer timer) -> scoring -> the turn's score card -> ...
-> the drill's result.

Keys: Space starts, skips the preparation ("I'm ready") and ends an answer ("I'm
done"); R plays the line again (the answer is then due at the replay's end); Esc
ends the drill.
"""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QStackedWidget, QWidget

from trainer.core.bank import MODEL_ANSWER
from trainer.core.errors import TrainerError
from trainer.core.temperaments import act_heading
from trainer.drill.events import DrillResult
from trainer.drill.plan import DrillPlan
from trainer.store.bank import add_from_turn
from trainer.store.progress import set_level
from trainer.ui import tasks
from trainer.ui.drill_bridge import DrillBridge
from trainer.ui.drill_data import PlannedDrill, current_levels
from trainer.ui.drill_preparation import DrillPreparation
from trainer.ui.drill_session import DrillSession
from trainer.ui.summaries import from_result
from trainer.ui.views.base import View
from trainer.ui.views.drill_result import DrillResultPanel
from trainer.ui.views.drill_setup import DrillChoice, DrillSetup
from trainer.ui.widgets.common import Banner, Card, button, clear_layout, hbox, label, pill, vbox
from trainer.ui.widgets.drill_stage import STAGES, Stage
from trainer.ui.widgets.persona_card import PersonaCard
from trainer.ui.widgets.score_card import ScoreCard

TICK_MS = 100


class DrillView(View):
    """Set up, run and score a drill."""

    key = "drill"
    title_text = "Drill"
    subtitle_text = "Hear the prospect, answer out loud, see what worked. Nothing you say leaves this computer."
    icon_name = "drill"
    stage_changed = Signal(str)
    drill_finished = Signal(object)  # DrillResult
    progress_recorded = Signal(object)  # Progress: ladder, schedule and bank offers after the drill
    take_saved = Signal(object)  # the BankEntry a take became

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.setup = DrillSetup()
        self.setup.start_requested.connect(self.start)
        self.setup.source_changed.connect(self._remember_source)
        # the drill planned ahead on the setup, then planned and prepared at Start (trainer.ui.drill_preparation)
        self.preparation = DrillPreparation(ctx, lambda: self.setup.drill() if self.stage == "setup" else None, self)
        self.setup.choice_changed.connect(self.preparation.choice_changed)
        self.preparation.planned.connect(self._planned)
        self.preparation.ready.connect(self._launch)
        self.preparation.failed.connect(self._prepare_failed)
        self.result_panel = DrillResultPanel()
        self.result_panel.again.connect(self.back_to_setup)
        self.result_panel.review.connect(lambda drill_id: self.navigate.emit("review", {"drill_id": drill_id}))
        self.result_panel.suds_after.connect(self._rate_after)
        self.result_panel.save_take.connect(self.save_take)
        self.result_panel.step_back.connect(self._step_back)
        self._build_live()
        self.pages = QStackedWidget()
        for page in (self.setup, self.live, self.result_panel):
            self.pages.addWidget(page)
        self.body.addWidget(self.pages)
        self.body.addStretch(1)
        self.bridge = DrillBridge(self)
        self._connect_bridge()
        self.ticker = QTimer(self)
        self.ticker.setInterval(TICK_MS)
        self.ticker.timeout.connect(self._tick)
        for key, action in ((Qt.Key.Key_Space, self.space), (Qt.Key.Key_R, self.repeat_line),
                            (Qt.Key.Key_Escape, self.end_drill)):
            QShortcut(QKeySequence(key), self, action, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.stage = "setup"
        self.session: DrillSession | None = None
        self.choice: DrillChoice | None = None
        self.plan = None
        self.persona_name = "The prospect"
        self.result: DrillResult | None = None
        self._prep_until = 0.0
        self._answer_from = 0.0
        self._preset: dict | None = None
        self._line_text = self._answered_line_text = ""  # what the stage shows for this line and the one before
        self._act_text = ""  # the prospect's act on the last answer, said just before this line
        self._chips: dict[int, QWidget] = {}  # each scored turn's chip, by turn number

    def _build_live(self) -> None:
        self.live = QWidget()
        self.persona = PersonaCard()
        self.level_pill = pill("")
        self.end_button = button("End drill  (Esc)", "danger", self.end_drill)
        self.stage_card = Stage()
        self.error = Banner(tone="error", action="Back")
        self.error.action_clicked.connect(self.back_to_setup)
        self.error.hide()
        self.voice_notice = Banner()  # the natural voice failed and espeak-ng speaks instead
        self.voice_notice.hide()
        self.turn_card = ScoreCard()
        self.turn_holder = Card("Your last answer")
        self.turn_holder.body.addWidget(self.turn_card)
        self.turn_holder.hide()
        self.turn_strip = hbox(spacing=6)
        self.route = label("", "faint", wrap=True)
        self.live.setLayout(vbox(hbox((self.persona, 1), self.level_pill, self.end_button, spacing=12),
                                 self.error, self.voice_notice, self.stage_card, self.turn_holder, self.turn_strip,
                                 self.route, None,
                                 spacing=14))
        for widget in self.live.findChildren(QWidget):
            widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    def _connect_bridge(self) -> None:
        b = self.bridge
        b.session_ready.connect(self._session_ready)
        b.prospect_act_will_play.connect(self._prospect_act_will_play)
        b.line_will_play.connect(self._line_will_play)
        b.line_did_play.connect(self._line_did_play)
        b.line_did_repeat.connect(self._line_did_play)
        b.speech_did_start.connect(lambda e: self._set_stage("speaking"))
        b.speech_did_pause.connect(lambda e: self._answer_stage("pausing"))
        b.speech_did_resume.connect(lambda e: self._answer_stage("speaking"))
        b.partial_transcript.connect(lambda e: self.stage_card.partial.setText(e.text))
        b.level_meter.connect(lambda e: self.stage_card.meter.set_level(e.rms, e.peak))
        b.turn_did_end.connect(lambda e: self._set_stage("scoring"))
        b.answer_did_resume.connect(self._answer_did_resume)
        b.turn_scored.connect(self._turn_scored)
        b.drill_did_finish.connect(self._finished)
        b.error.connect(lambda e: self.error.show_text(f"The drill stopped: {e.message}", "error"))
        b.session_ended.connect(self._session_ended)

    # -- loading and presets --------------------------------------------------------------

    def load(self):
        packs = self.ctx.packs()
        return packs, current_levels(self.ctx.store, packs)

    def show_data(self, data) -> None:
        packs, levels = data
        self.setup.set_packs(packs, self.ctx.settings.last_pack, levels)
        settings = self.ctx.settings
        self.setup.set_source(settings.answer_source, settings.answer_folder)
        if self._preset:
            self.setup.preset(**self._preset)
            self._preset = None

    def activate(self, pack_id: str, objection_id: str | None = None, level: int | None = None) -> None:
        """Open the setup with this pack (objection, level) chosen."""
        if self.stage == "setup":
            self.pages.setCurrentWidget(self.setup)
            self._preset = {"pack_id": pack_id, "objection_id": objection_id, "level": level}
            self.refresh()

    def _remember_source(self, source: str, folder) -> None:
        if (source, folder) != (self.ctx.settings.answer_source, self.ctx.settings.answer_folder):
            self.ctx.update_settings(answer_source=source, answer_folder=folder)

    # -- starting -------------------------------------------------------------------------

    def start(self) -> None:
        """Show the live page and get the chosen drill ready (`DrillPreparation`); it runs once ready."""
        if self.stage != "setup":
            return
        choice = self.setup.choice()
        if choice is None:
            return
        self.choice = choice
        self.ctx.update_settings(last_pack=choice.pack.id)
        self._reset_live()
        self.persona.set_persona(None)
        self.level_pill.setText("")
        self.stage_card.line.setText("Getting your drill ready…")
        self.stage_card.help.hide()
        self.stage_card.hints.setText("Esc  back")
        self.pages.setCurrentWidget(self.live)
        self.setFocus()
        self._set_stage("starting")
        self.plan = None
        self.preparation.start(choice)
        self.ticker.start()

    def _planned(self, planned: PlannedDrill) -> None:
        self.plan = plan = planned.plan
        rules, objection = plan.rules, plan.objections[0]
        self.persona_name = planned.persona.name if planned.persona else "The prospect"
        self.persona.set_persona(planned.persona)
        self.level_pill.setText(f"Level {rules.level} · {rules.name}")
        self._show_help(planned.help)
        self.stage_card.line.setText(f"“{objection.lines[0]}”" if rules.script_visible and not rules.random_lines
                                     else f"{self.persona_name} will speak first. Listen, then answer out loud.")

    def _prepare_failed(self, error: BaseException) -> None:
        self.ticker.stop()
        self._set_stage("setup")
        self.pages.setCurrentWidget(self.setup)
        if isinstance(error, TrainerError):
            self.setup.show_problem(str(error))
        else:
            tasks.report_error(error)

    def _show_help(self, help) -> None:
        self.stage_card.help.setVisible(bool(help.text))
        self.stage_card.help_title.setText("MODEL ANSWER" if help.kind == MODEL_ANSWER else "YOUR OPENER")
        self.stage_card.help_text.setText(help.text + (f"\n\nTip: {help.tip}" if help.tip else ""))

    def _launch(self, plan: DrillPlan, answers: list) -> None:
        """The drill is planned and the engine loaded: run it (answers: files standing in for the microphone)."""
        if self.session is not None:
            return
        self.stage_card.hints.setText("Esc  end the drill")
        self.session = DrillSession(self.ctx, plan, self.bridge, answers or None, self.choice.suds_before)
        self.session.start()

    def _session_ready(self, event) -> None:
        self.route.setText(f"The prospect: {event.prospect_to} · your answers: {event.answers_from} · "
                           f"speech engine: {event.engine.capitalize()}")

    # -- the turns ------------------------------------------------------------------------

    def _prospect_act_will_play(self, event) -> None:
        """The prospect acts on the answer (cuts in, reacts, adds): shown with the line it comes before, or alone."""
        self._act_text = f"{act_heading(event.persona, event.kind)}: “{event.line}”"
        self.stage_card.line.setText(self._act_text)
        self._set_stage("prospect")

    def _line_will_play(self, event) -> None:
        if event.notice:
            self.voice_notice.show_text(f"The prospect's voice: {event.notice}")
        if event.help is not None:  # what the level shows with this line (a follow-up's own model answer ...)
            self._show_help(event.help)
        visible = self.plan.rules.script_visible
        self._answered_line_text = self._line_text
        self._line_text = f"“{event.line}”" if visible else f"Listen to {event.persona}…"
        self.stage_card.line.setText(f"{self._act_text}\n{self._line_text}" if self._act_text else self._line_text)
        self._act_text = ""
        self.stage_card.partial.setText("")
        self.stage_card.meter.reset()
        self.stage_card.hints.setText(f"Turn {event.turn}   ·   Esc  end the drill")
        self._set_stage("prospect")

    def _line_did_play(self, event) -> None:
        """The line (or its repeat) has played: count down the preparation time, if any, then it is your turn."""
        now = time.monotonic()
        due = getattr(event, "answer_due", None)
        if due is not None and due > event.end:
            self._prep_until = self._answer_from = now + (due - event.end)
            self._set_stage("prep")
            self.stage_card.hints.setText("Space  I'm ready   ·   R  repeat the line   ·   Esc  end the drill")
            return
        self._begin_answer(now)

    def _begin_answer(self, now: float) -> None:
        self._prep_until = 0.0
        self._answer_from = now
        self._set_stage("answer")
        done = "Space  I'm done   ·   " if self.choice and self.choice.answer_folder is None else ""
        self.stage_card.hints.setText(f"{done}R  repeat the line   ·   Esc  end the drill")

    def _turn_scored(self, event) -> None:
        result = event.result
        self.turn_card.set_summary(from_result(result, self.choice.pack if self.choice else None))
        self.turn_holder.show()
        score = result.assessment.card.score if result.assessment.card else None
        tone = "good" if (score or 0) >= 70 else "warn" if (score or 0) >= 50 else "bad"
        chip = pill(f"Turn {result.number} · {score if score is not None else '–'}", tone)
        self.turn_strip.insertWidget(self.turn_strip.count() - 1, chip)
        self._chips[result.number] = chip

    def _answer_did_resume(self, event) -> None:
        """The rep went on after the end was decided: the prospect stopped; the answer's score is taken back."""
        chip = self._chips.pop(event.turn, None)
        if chip is not None:
            chip.deleteLater()
        self.turn_holder.hide()
        self._line_text = self._answered_line_text
        self.stage_card.line.setText(self._line_text)
        self._set_stage("speaking")

    def _finished(self, event) -> None:
        self.ticker.stop()
        self.result = result = event.result
        pack = self.plan.pack
        self.result_panel.show_result(result, pack)
        self.pages.setCurrentWidget(self.result_panel)
        self._set_stage("finished")
        if result.progress is not None:  # the runner rescheduled, moved the ladder and chose takes to offer
            self.result_panel.show_progress(result.progress, pack)
        self.drill_finished.emit(result)
        if result.progress is not None:
            self.progress_recorded.emit(result.progress)

    def save_take(self, turn_id: int) -> None:
        """Put a take of the drill into the rep's opener bank (its own copy of the audio)."""
        ctx, pack = self.ctx, self.plan.pack

        def saved(outcome) -> None:
            entry, added = outcome
            self.result_panel.take_saved(turn_id, added)
            self.take_saved.emit(entry)

        tasks.run_in_background(lambda: add_from_turn(ctx.store, turn_id, pack), saved, owner=self)

    def _step_back(self, level: int) -> None:
        ctx, pack = self.ctx, self.plan.pack
        tasks.run_in_background(lambda: set_level(ctx.store, pack, level), lambda _: self.back_to_setup(), owner=self)

    def _session_ended(self, event) -> None:
        self.session = None
        self.ticker.stop()
        if self.stage != "finished":  # an error before the drill could finish: stay on the live page, say why
            self.stage_card.hints.setText("")
            self._set_stage("stopped")

    def _rate_after(self, drill_id: int, rating: int) -> None:
        tasks.run_in_background(lambda: self.ctx.store.rate_suds(drill_id, after=rating), owner=self)

    # -- the clock and the keys -----------------------------------------------------------

    def _tick(self) -> None:
        now = time.monotonic()
        if self.stage == "prep":
            left = self._prep_until - now
            self.stage_card.clock.setText(f"{max(0, left):.0f}")
            if left <= 0:
                self._begin_answer(now)
        elif self.stage in ("answer", "speaking", "pausing"):
            window = self.plan.rules.answer_window_s
            spent = max(0.0, now - self._answer_from)
            self.stage_card.clock.setText(f"{max(0.0, window - spent):.0f} s left" if window
                                          else f"{int(spent) // 60}:{int(spent) % 60:02d}")
        else:
            self.stage_card.clock.setText("")

    def space(self) -> None:
        """Space: start the drill, skip the preparation ("I'm ready"), or end the answer ("I'm done")."""
        if self.stage == "setup" and self.pages.currentWidget() is self.setup:
            self.start()
        elif self.stage == "prep" and self.session is not None:
            self.session.skip_prep()
            self._begin_answer(time.monotonic())
        elif self.stage in ("answer", "speaking", "pausing") and self.session is not None:
            if not self.session.finish_answer():
                self.stage_card.hints.setText("Your answer comes from a file: it ends by itself.")

    def repeat_line(self) -> None:
        """R: hear the prospect's line again; the answer is due when it has played."""
        session = self.session
        if session is not None and self.stage in ("prep", "answer", "speaking", "pausing") and session.repeat_line():
            self._set_stage("prospect")
            self.stage_card.hints.setText("The line again…   ·   Esc  end the drill")

    def end_drill(self) -> None:
        """Esc: end the drill now (what was answered is kept), or leave while it starts."""
        if self.session is not None:
            self._set_stage("stopping")
            self.session.stop()
        elif self.stage == "starting":
            self.back_to_setup()

    def back_to_setup(self) -> None:
        """Show the setup for another drill."""
        if self.session is not None:
            return
        self.preparation.cancel()
        self.ticker.stop()
        self._set_stage("setup")
        self.pages.setCurrentWidget(self.setup)
        self.setup.suds.set_rating(None)
        self.refresh()

    def _answer_stage(self, stage: str) -> None:
        """Between speaking and pausing in an answer (never over a later stage: events may trail the end)."""
        if self.stage in ("speaking", "pausing"):
            self._set_stage(stage)

    def _set_stage(self, stage: str) -> None:
        if stage == self.stage:
            return
        self.stage = stage
        if stage in STAGES:
            self.stage_card.set_stage(stage)
        self.end_button.setEnabled(stage not in ("stopping", "stopped", "finished"))
        self.stage_changed.emit(stage)

    def _reset_live(self) -> None:
        self.error.hide()
        self.voice_notice.hide()
        self.turn_holder.hide()
        clear_layout(self.turn_strip)
        self._chips.clear()
        self.turn_strip.addStretch(1)
        self.route.setText("")
        self.stage_card.partial.setText("")
        self.stage_card.meter.reset()

    def shutdown(self) -> None:
        """Stop a running drill and wait for its thread to store what was said (at exit)."""
        session = self.session
        if session is not None:
            session.stop()
            session.wait(10.0)

"""After a drill: the drill score, every answer's score card, how anxious the rep feels now, what next.

Shown by the drill view once the runner reports `DrillDidFinish`; the drill is
already stored by then, so everything here only reads it or adds to it.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from trainer.core.pack_model import Pack
from trainer.drill_events import STOPPED_BY_REP, DrillResult
from trainer.ui.summaries import from_result, outcome_text
from trainer.ui.widgets.common import Card, button, clear_layout, hbox, label, vbox
from trainer.ui.widgets.score_card import ScoreCard, ScoreRing, verdict
from trainer.ui.widgets.suds import SudsSlider


class TurnResultCard(Card):
    """One answer of the drill: the line, what was heard, the score card."""

    def __init__(self, turn, pack: Pack | None) -> None:
        super().__init__(f"Turn {turn.number}")
        self.turn = turn
        self.body.addWidget(label(f"“{turn.line}”", "quote", wrap=True))
        heard = turn.transcript.strip() or "No words were heard."
        self.body.addWidget(label(f"You said: {heard}", "muted", wrap=True))
        self.score_card = ScoreCard()
        self.score_card.set_summary(from_result(turn, pack))
        self.body.addWidget(self.score_card)
        self.actions = hbox(None)
        self.body.addLayout(self.actions)


class DrillResultPanel(QWidget):
    """The finished drill; `again` and `review` say what the rep wants next, `suds_after` carries the rating."""

    again = Signal()
    review = Signal(int)
    suds_after = Signal(int, int)  # drill id, rating

    def __init__(self) -> None:
        super().__init__()
        self.ring = ScoreRing(110)
        self.headline = label("", "title")
        self.facts = label("", "muted", wrap=True)
        self.outcome = label("", wrap=True)
        self.reasons = vbox(spacing=4)
        header = Card()
        header.body.addLayout(hbox(self.ring, (vbox(self.headline, self.facts, self.outcome, self.reasons,
                                                    spacing=6), 1), spacing=22))
        self.suds = SudsSlider("How anxious do you feel now?")
        self.suds.rated.connect(self._rated)
        feel = Card("After the drill")
        feel.body.addWidget(self.suds)
        self.turns = vbox(spacing=16)
        self.again_button = button("Drill again", "primary", self.again.emit)
        self.review_button = button("Open in Review", None, lambda: self.review.emit(self.result.drill_id))
        self.setLayout(vbox(header, feel, self.turns, hbox(None, self.review_button, self.again_button), None,
                            spacing=16))
        self.result: DrillResult | None = None
        self.turn_cards: list[TurnResultCard] = []

    def show_result(self, result: DrillResult, pack: Pack | None) -> None:
        """Show a finished (or stopped) drill."""
        self.result = result
        score = result.card.score if result.card else None
        self.ring.set_score(score)
        stopped = result.stop_reason == STOPPED_BY_REP
        self.headline.setText("Drill stopped" if stopped and not result.turns else verdict(score))
        facts = [f"{len(result.turns)} answer{'s' if len(result.turns) != 1 else ''}"]
        m = result.metrics
        if m is not None and m.talk_share is not None:
            facts.append(f"you talked {m.talk_share:.0f}% of the time")
        if m is not None and m.wpm:
            facts.append(f"{m.wpm:.0f} wpm")
        if m is not None:
            facts.append(f"{m.hesitations} hesitation{'s' if m.hesitations != 1 else ''}")
        self.facts.setText(" · ".join(facts))
        ending = "You ended the drill; the answer in progress is kept as a recording." if stopped else ""
        self.outcome.setText(outcome_text(result.outcome) or ending)
        clear_layout(self.reasons)
        if result.card:
            for reason in [r for r in result.card.reasons if r.component == "talk_share"][:1]:
                self.reasons.addWidget(label(reason.text, "muted", wrap=True))
        self.suds.set_rating(None)
        clear_layout(self.turns)
        self.turn_cards = [TurnResultCard(turn, pack) for turn in result.turns]
        for card in self.turn_cards:
            self.turns.addWidget(card)

    def _rated(self, value: int) -> None:
        if self.result is not None:
            self.suds_after.emit(self.result.drill_id, value)

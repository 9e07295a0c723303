"""After a drill: the drill score, every answer's score card, how anxious the rep feels now, what next.

Shown by the drill view once the runner reports `DrillDidFinish`; the drill is
already stored by then, so everything here only reads it or adds to it.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from trainer.core.bank import BankOffer
from trainer.core.ladder import HOLD, OFFER_STEP_BACK, PROMOTE, TOP
from trainer.core.pack_model import Pack
from trainer.drill.events import STOPPED_BY_REP, DrillResult
from trainer.store.progress import Progress
from trainer.ui.style import set_kind
from trainer.ui.summaries import due_words, from_result, outcome_text
from trainer.ui.widgets.common import Card, button, clear_layout, hbox, label, pill, vbox
from trainer.ui.widgets.score_card import ScoreCard, ScoreRing, verdict
from trainer.ui.widgets.suds import SudsSlider


DECISIONS = {  # ladder action -> (pill tone, pill text)
    PROMOTE: ("good", "Level up"),
    HOLD: ("", "Keep going"),
    OFFER_STEP_BACK: ("warn", "Step back?"),
    TOP: ("good", "Top level"),
}


class TurnResultCard(Card):
    """One answer of the drill: the line, what was heard, the score card, and saving the take to the bank."""

    def __init__(self, turn, pack: Pack | None) -> None:
        super().__init__(f"Turn {turn.number}")
        self.turn = turn
        self.body.addWidget(label(f"“{turn.line}”", "quote", wrap=True))
        heard = turn.transcript.strip() or "No words were heard."
        self.body.addWidget(label(f"You said: {heard}", "muted", wrap=True))
        self.score_card = ScoreCard()
        self.score_card.set_summary(from_result(turn, pack))
        self.body.addWidget(self.score_card)
        self.bank_note = label("", "muted", wrap=True)
        self.save_button = button("Save to my bank", "primary")
        self.save_button.hide()
        self.body.addLayout(hbox((self.bank_note, 1), self.save_button))

    def offer(self, offer: BankOffer | None) -> None:
        """Offer the take for the bank (a good take), or let the rep keep any take with words."""
        if offer is not None:
            self.bank_note.setText(f"Worth keeping in your own words: {offer.reason}.")
            set_kind(self.save_button, "primary")
        else:
            self.bank_note.setText("")
            self.save_button.setText("Save to my bank anyway")
            set_kind(self.save_button, "link")
        self.save_button.setVisible(bool(self.turn.transcript.strip()))

    def saved(self, added: bool) -> None:
        """Show that the take is in the bank."""
        self.save_button.hide()
        self.bank_note.setText("Saved to your bank: it is shown at level 2 for this objection." if added
                               else "These words are in your bank already.")


class DrillResultPanel(QWidget):
    """The finished drill; `again` and `review` say what the rep wants next, `suds_after` carries the rating."""

    again = Signal()
    review = Signal(int)
    suds_after = Signal(int, int)  # drill id, rating
    save_take = Signal(int)  # turn id
    step_back = Signal(int)  # the level the rep accepted to step back to

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
        self.progress = Card("What changed")
        self.progress.hide()
        self.turns = vbox(spacing=16)
        self.again_button = button("Drill again", "primary", self.again.emit)
        self.review_button = button("Open in Review", None, lambda: self.review.emit(self.result.drill_id))
        self.setLayout(vbox(header, self.progress, feel, self.turns, hbox(None, self.review_button, self.again_button), None,
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
        self.progress.hide()
        clear_layout(self.turns)
        self.turn_cards = [TurnResultCard(turn, pack) for turn in result.turns]
        for card in self.turn_cards:
            self.turns.addWidget(card)
            card.save_button.clicked.connect(lambda _=False, c=card: self.save_take.emit(c.turn.turn_id))

    def show_progress(self, progress: Progress, pack: Pack | None) -> None:
        """What the drill changed: the ladder's decision, when its objections come back, takes worth keeping."""
        while self.progress.body.count() > 1:  # keep the heading
            item = self.progress.body.takeAt(1)
            if item.widget() is not None:
                item.widget().deleteLater()
            elif item.layout() is not None:
                clear_layout(item.layout())
        for decision in progress.decisions:
            tone, title = DECISIONS[decision.action]
            row = hbox(pill(title, tone), (label(decision.reason[0].upper() + decision.reason[1:], wrap=True), 1),
                       spacing=10)
            if decision.action == OFFER_STEP_BACK:
                row.addWidget(button(f"Go to level {decision.to_level}", None,
                                     lambda _=False, lv=decision.to_level: self.step_back.emit(lv)))
            self.progress.body.addLayout(row)
        for review in progress.reviews:
            line = pack.objection(review.objection_id).lines[0] if pack else review.objection_id
            self.progress.body.addWidget(label(f"“{line}” comes back {due_words(review.due)}.", "muted", wrap=True))
        offered = {offer.turn_id: offer for offer in progress.offers}
        for card in self.turn_cards:
            card.offer(offered.get(card.turn.turn_id))
        self.progress.setVisible(bool(progress.decisions or progress.reviews))

    def take_saved(self, turn_id: int, added: bool) -> None:
        """A take is in the bank now."""
        for card in self.turn_cards:
            if card.turn.turn_id == turn_id:
                card.saved(added)

    def _rated(self, value: int) -> None:
        if self.result is not None:
            self.suds_after.emit(self.result.drill_id, value)

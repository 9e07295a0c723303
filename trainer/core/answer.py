"""Assessing one answer: metrics, rubric coverage and the turn score in one call.

Shared by `trainer score`, the drill runner and the app, so an answer scores the same
everywhere. Without a node (no pack/objection), only the metrics are computed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from trainer.core.lexicon import default_lexicon, lexicon_for
from trainer.core.metrics import TurnMetrics, model_answer_seconds, turn_metrics
from trainer.core.pack_model import Node, Objection, Pack
from trainer.core.meaning import CueRecogniser, Recogniser
from trainer.core.rubric import RubricResult
from trainer.core.scoring import ScoreCard, score_turn
from trainer.core.targets import Targets
from trainer.core.transcript import FilledPauses, Span, Word


@dataclass(frozen=True)
class Assessment:
    """What one answer earned: metrics always; rubric and score card when a node was given."""

    metrics: TurnMetrics
    rubric: RubricResult | None = None
    card: ScoreCard | None = None

    def as_json(self) -> dict[str, Any]:
        """The `metrics`, `rubric`, `score` and `reasons` keys of `trainer score --json`."""
        card = self.card.as_json() if self.card else None
        return {
            "metrics": self.metrics.as_json(),
            "rubric": self.rubric.as_json() if self.rubric else None,
            "rubric_method": self.rubric.method if self.rubric else None,
            "rubric_evidence": {m.move.id: m.evidence or None for m in self.rubric.moves} if self.rubric else None,
            "score": card["score"] if card else None,
            "reasons": card["reasons"] if card else [],
            "components": card["components"] if card else None,
        }


def assess_answer(
    words: Sequence[Word],
    spans: Sequence[Span],
    prospect_end: float | None,
    node: Node | None = None,
    pack: Pack | None = None,
    *,
    prospect_start: float | None = None,
    level: int | None = None,
    recogniser: Recogniser | None = None,
    answer_from: float | None = None,
    cut_in: bool = False,
    filled_pauses: FilledPauses | None = None,
) -> Assessment:
    """Score an answer to `node` against `pack`'s targets and lexicon (defaults without a pack).

    `level` is the ladder level drilled (its target overrides apply; talk-over may be free);
    without it an objection is scored at its own level and a bare answer charges talk-over.
    `prospect_start` (with `prospect_end`) bounds the line, for talk-over. `answer_from` is
    when the answer was due, when later than the line's end (the end of a repeat of the line,
    or of the level's preparation time): latency runs from there. `filled_pauses` (found in the
    answer's sound) count the fillers the engine left out.
    `recogniser` judges the rubric's moves (`trainer.meaning.recogniser.shared_recogniser()`:
    by meaning when the model is installed); without one, by cue phrase. `cut_in`: the prospect
    cut in on the answer (the score card's length advice counts it).
    """
    targets = pack.targets if pack else Targets()
    if level is None and isinstance(node, Objection):
        targets = targets.at_level(node.level)
    else:
        targets = targets.at_level(level)
    lexicon = lexicon_for(pack.lexicon, pack.source or pack.id) if pack else default_lexicon()
    metrics = turn_metrics(
        words, spans, prospect_end, lexicon, targets.hesitation_s, prospect_start=prospect_start,
        model_answer_s=model_answer_seconds(node.model_answer) if node is not None else None,
        answer_from=answer_from, filled_pauses=filled_pauses,
    )
    if node is None:
        return Assessment(metrics)
    rubric = (recogniser or CueRecogniser()).check(node, words, spans)
    return Assessment(metrics, rubric, score_turn(metrics, rubric, targets, level, cut_in=cut_in))

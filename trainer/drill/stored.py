"""A drill's results in the forms the store keeps: moves as word numbers, paths relative to their folder,
and the whole drill's metrics and score computed from its turns.

Pure functions of the runner's results (no audio, no database), kept apart from the runner,
which owns the turns as they happen.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from trainer.core import paths
from trainer.core.lexicon import lexicon_for
from trainer.core.metrics import DrillMetrics, drill_metrics
from trainer.core.pack_model import Pack
from trainer.core.rubric import RubricResult
from trainer.core.scoring import ScoreCard, score_drill
from trainer.core.transcript import PROSPECT, REP, Turn
from trainer.drill.events import TurnResult
from trainer.store.records import MoveMark


def drill_summary(results: Sequence[TurnResult], pack: Pack, level: int) -> tuple[DrillMetrics, ScoreCard | None]:
    """The drill's metrics over all its turns (the prospect's and the rep's) and its score (None: nothing scored)."""
    turns: list[Turn] = []
    for r in results:
        turns.append(Turn(PROSPECT, r.prospect_start, r.prospect_end, r.line))
        turns.append(Turn(REP, r.rep_start, r.rep_end, r.transcript, r.words, r.spans, r.filled_pauses))
    targets = pack.targets.at_level(level)
    metrics = drill_metrics(turns, lexicon_for(pack.lexicon, pack.source or pack.id), targets.hesitation_s,
                            [r.assessment.metrics.model_answer_s for r in results], [r.answer_due for r in results])
    cards = [r.assessment.card for r in results if r.assessment.card is not None]
    return metrics, score_drill(cards, metrics, targets) if cards else None


def move_marks(rubric: RubricResult | None) -> tuple[MoveMark, ...]:
    """A rubric result as stored: each move, covered or not, with its evidence as 1-based word numbers."""
    if rubric is None:
        return ()
    return tuple(
        MoveMark(m.move.id, m.covered, *((m.word_range.start + 1, m.word_range.stop) if m.word_range else (None, None)))
        for m in rubric.moves
    )


def relative_path(path: Path, folder: Path) -> str:
    """A stored file's path relative to `folder` (posix) when it is inside it, else absolute."""
    try:
        return path.relative_to(folder).as_posix()
    except ValueError:
        return str(path)


def cache_relative(path: Path) -> str:
    """A rendered line's path as stored: relative to the cache folder (rebuildable), else absolute."""
    return relative_path(path, paths.cache_dir())

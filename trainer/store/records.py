"""What the store hands out and takes in: plain, immutable dataclasses (no ORM).

Rows are turned into records here, in one place, so every reader sees the same
types: datetimes for wall-clock columns, dicts/tuples for JSON columns, absolute
paths for recordings.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from trainer.core.scoring import Reason
from trainer.core.transcript import Word


@dataclass(frozen=True)
class TurnHandle:
    """A turn that has begun: its row exists (status 'recording') and its recording path is fixed."""

    turn_id: int
    drill_id: int
    number: int
    recording: Path  # absolute path for a RecordingWriter


@dataclass(frozen=True)
class MoveMark:
    """One rubric move of a stored turn: covered or not, and the answer words that earned it (1-based, inclusive)."""

    id: str
    covered: bool
    first_word: int | None = None
    last_word: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "covered": self.covered, "words": None if self.first_word is None else [self.first_word, self.last_word]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "MoveMark":
        words = data.get("words") or (None, None)
        return cls(str(data["id"]), bool(data["covered"]), words[0], words[1])


@dataclass(frozen=True)
class YieldedLine:
    """A prospect line stopped mid-way because the rep went on with their answer (issue 15).

    The runner had ended the turn on a pause and started `line`; the rep spoke again
    within its first moments, so the line stopped at `stopped_at` and the answer went on.
    Times are drill-clock seconds.
    """

    line: str
    start: float  # the line's speech began
    stopped_at: float  # the rep's voice was heard again and the line was stopped

    def as_json(self) -> dict[str, Any]:
        return {"line": self.line, "start": round(self.start, 3), "stopped_at": round(self.stopped_at, 3)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "YieldedLine":
        return cls(str(data["line"]), float(data["start"]), float(data["stopped_at"]))


@dataclass(frozen=True)
class ProspectAct:
    """What the prospect did after an answer, by temperament (issue 19): `kind` is `cut_in` (they cut in on
    a monologue), `hedges` or `apologies` (a reaction to them), or `add_on` (more after a good question).

    `line` is what they said, `at` when it started (drill-clock seconds; None if it never played).
    """

    kind: str
    line: str
    at: float | None = None

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "line": self.line, "at": None if self.at is None else round(self.at, 3)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "ProspectAct":
        return cls(str(data["kind"]), str(data["line"]), None if data.get("at") is None else float(data["at"]))


@dataclass(frozen=True)
class TurnTimings:
    """Drill-clock seconds at which the turn's pipeline steps happened (latency accounting)."""

    end_of_turn: float | None = None  # the end-of-turn decision
    transcript_final: float | None = None
    score_ready: float | None = None
    next_audio_start: float | None = None  # the prospect's next line started
    speech_end: float | None = None  # the rep's last voiced frame of the answer

    @property
    def gap(self) -> float | None:
        """The gap the rep feels: from their last voiced frame to the prospect's next audio (seconds)."""
        if self.speech_end is None or self.next_audio_start is None:
            return None
        return self.next_audio_start - self.speech_end


@dataclass(frozen=True)
class TurnRecord:
    """One stored turn: the prospect's line, the rep's answer, its score and evidence."""

    id: int
    drill_id: int
    number: int
    objection_id: str
    node_id: str
    prospect_line: str
    prospect_audio: str | None
    prospect_start: float | None
    prospect_end: float | None
    recording: Path | None
    rep_start: float | None
    rep_end: float | None
    transcript: str | None
    score: float | None
    components: dict[str, Any]
    metrics: dict[str, Any]
    covered: tuple[str, ...]
    timings: TurnTimings
    status: str  # recording | scored | recovered
    created_at: datetime
    words: tuple[Word, ...] = ()
    reasons: tuple[Reason, ...] = ()
    moves: tuple[MoveMark, ...] = ()  # in rubric order, with evidence; () for turns stored before it was kept
    rubric_method: str | None = None  # "meaning" or "cues"; None before it was kept
    yielded: tuple[YieldedLine, ...] = ()  # prospect lines stopped because the rep went on with this answer
    repeats: int = 0  # times the line was played again at the rep's request
    answer_due: float | None = None  # when later than prospect_end: the end of the preparation time or a repeat
    acts: tuple[ProspectAct, ...] = ()  # what the prospect did after this answer (a cut-in, a reaction)

    def evidence(self, move_id: str) -> str:
        """The words that earned a move, as the engine wrote them ('' when none are known)."""
        for mark in self.moves:
            if mark.id == move_id and mark.first_word is not None:
                return " ".join(w.text.strip() for w in self.words[mark.first_word - 1 : mark.last_word])
        return ""


@dataclass(frozen=True)
class DrillRecord:
    """One stored drill; `turns` is filled by `Store.drill()`, empty in listings."""

    id: int
    pack_id: str
    pack_version: str
    level: int
    started_at: datetime
    ended_at: datetime | None
    outcome: str | None
    score: float | None
    metrics: dict[str, Any]
    engine: str
    mode: str
    status: str  # in_progress | finished | abandoned
    suds_before: int | None
    suds_after: int | None
    turn_count: int
    turns: tuple[TurnRecord, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (times as ISO strings, paths as strings)."""
        return _plain(self)


def _plain(value: Any) -> Any:
    if hasattr(value, "__dataclass_fields__"):
        return {name: _plain(getattr(value, name)) for name in value.__dataclass_fields__}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    return value


def to_json(value: Any) -> str | None:
    """A JSON column's text (None stays NULL)."""
    return None if value is None else json.dumps(value, sort_keys=True)


def _from_json(text: str | None, empty: Any) -> Any:
    return empty if text is None else json.loads(text)


def _time(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def drill_record(row: sqlite3.Row, turns: tuple[TurnRecord, ...] = ()) -> DrillRecord:
    """A drills row (with a `turn_count` column) as a record."""
    return DrillRecord(
        id=row["id"],
        pack_id=row["pack_id"],
        pack_version=row["pack_version"],
        level=row["level"],
        started_at=_time(row["started_at"]),
        ended_at=_time(row["ended_at"]),
        outcome=row["outcome"],
        score=row["score"],
        metrics=_from_json(row["metrics"], {}),
        engine=row["engine"],
        mode=row["mode"],
        status=row["status"],
        suds_before=row["suds_before"],
        suds_after=row["suds_after"],
        turn_count=row["turn_count"],
        turns=turns,
    )


def turn_record(
    row: sqlite3.Row,
    data_dir: Path,
    words: tuple[Word, ...] = (),
    reasons: tuple[Reason, ...] = (),
) -> TurnRecord:
    """A turns row as a record, its recording resolved against the data folder."""
    return TurnRecord(
        id=row["id"],
        drill_id=row["drill_id"],
        number=row["number"],
        objection_id=row["objection_id"],
        node_id=row["node_id"],
        prospect_line=row["prospect_line"],
        prospect_audio=row["prospect_audio"],
        prospect_start=row["prospect_start"],
        prospect_end=row["prospect_end"],
        recording=data_dir / row["rep_recording"] if row["rep_recording"] else None,
        rep_start=row["rep_start"],
        rep_end=row["rep_end"],
        transcript=row["transcript"],
        score=row["score"],
        components=_from_json(row["components"], {}),
        metrics=_from_json(row["metrics"], {}),
        covered=tuple(_from_json(row["covered"], [])),
        moves=tuple(MoveMark.from_json(m) for m in _from_json(row["moves"], [])),
        rubric_method=row["rubric_method"],
        yielded=tuple(YieldedLine.from_json(y) for y in _from_json(row["yielded"], [])),
        repeats=row["repeats"],
        answer_due=row["answer_due_at"],
        acts=tuple(ProspectAct.from_json(a) for a in _from_json(row["acts"], [])),
        timings=TurnTimings(
            row["end_of_turn_at"], row["transcript_final_at"], row["score_ready_at"], row["next_audio_at"],
            row["speech_end_at"],
        ),
        status=row["status"],
        created_at=_time(row["created_at"]),
        words=words,
        reasons=reasons,
    )

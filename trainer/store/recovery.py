"""Finding drills whose process died, and keeping what they recorded.

A drill still 'in_progress' whose lock nobody holds was cut off (crash, kill -9,
power cut). Its scored turns stay as they are; a turn that was still recording
keeps its audio (header repaired) as status 'recovered': unscored, listed by
`trainer db check`, and scorable later with `Store.commit_turn`. A turn cut off
before any audio arrived keeps its row, without a recording. The drill becomes
'abandoned'.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any, ContextManager, Mapping, Protocol, Sequence

from trainer.store.locks import DrillLock
from trainer.store.recordings import repair_recording
from trainer.store.records import TurnRecord


class RecoveringStore(Protocol):
    """What recovery needs of the store. `trainer.store.db.Store` is one; it calls `recover()` from
    `startup()`, so naming what is needed here, instead of importing it, keeps the two modules out
    of an import cycle."""

    data_dir: Path

    def query(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> list[sqlite3.Row]: ...

    def transaction(self, doing: str = "saving") -> ContextManager[sqlite3.Connection]: ...

    def turns_where(self, where: str = "1", params: Sequence[Any] = ()) -> list[TurnRecord]: ...

    def holds_lock(self, drill_id: int) -> bool: ...


def recover(store: RecoveringStore) -> tuple[list[TurnRecord], list[int]]:
    """Recover every drill left running by a dead process; returns (recovered turns, abandoned drill ids)."""
    recovered: list[int] = []
    abandoned: list[int] = []
    for row in store.query("SELECT id FROM drills WHERE status = 'in_progress' ORDER BY id"):
        drill_id = row["id"]
        if store.holds_lock(drill_id):
            continue
        lock = DrillLock(store.data_dir, drill_id)
        if not lock.try_acquire():
            continue  # still running in another process
        try:
            recovered += _recover_drill(store, drill_id)
            abandoned.append(drill_id)
        finally:
            lock.release()
    if not recovered:
        return [], abandoned
    return store.turns_where(f"id IN ({','.join('?' * len(recovered))})", recovered), abandoned


def _recover_drill(store: RecoveringStore, drill_id: int) -> list[int]:
    interrupted = store.turns_where("drill_id = ? AND status = 'recording'", (drill_id,))
    silent = [turn.id for turn in interrupted if not _keep_audio(turn)]
    with store.transaction("recovering an interrupted drill") as conn:
        conn.execute("UPDATE turns SET status = 'recovered' WHERE drill_id = ? AND status = 'recording'", (drill_id,))
        conn.executemany("UPDATE turns SET rep_recording = NULL WHERE id = ?", [(i,) for i in silent])
        conn.execute(
            "UPDATE drills SET status = 'abandoned', ended_at = coalesce("
            " (SELECT max(created_at) FROM turns WHERE drill_id = drills.id), started_at) WHERE id = ?",
            (drill_id,),
        )
    return [turn.id for turn in interrupted]


def _keep_audio(turn: TurnRecord) -> bool:
    """Repair the turn's recording; False (and the useless file removed) when it holds no audio."""
    if turn.recording is None or not turn.recording.exists():
        return False
    if repair_recording(turn.recording):
        return True
    turn.recording.unlink()
    return False

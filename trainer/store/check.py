"""`trainer db check`: is the database sound, and do the recordings on disk match it?

Problems (the check fails): SQLite's integrity and foreign-key checks, recordings
the database refers to that are missing, and files under `recordings/` nothing
refers to (orphans). Notices (the check passes): turns recovered from a crash,
which are kept, unscored, until the rep scores or deletes them, and turns still
recording in a drill another process is running right now.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from trainer.store.db import Store
from trainer.store.locks import DrillLock
from trainer.store.recordings import RECORDINGS_DIR


@dataclass(frozen=True)
class RecoveredTurn:
    """A turn whose answer was cut off by a crash: where it is and its recording (if any audio)."""

    drill_id: int
    turn_number: int
    recording: str | None


@dataclass(frozen=True)
class CheckReport:
    """The findings of `check()`; `ok` is True when there is no problem (notices are fine)."""

    database: Path
    integrity: list[str] = field(default_factory=list)
    foreign_keys: list[str] = field(default_factory=list)
    missing_recordings: list[str] = field(default_factory=list)
    orphan_recordings: list[str] = field(default_factory=list)
    recovered_turns: list[RecoveredTurn] = field(default_factory=list)
    interrupted_turns: list[RecoveredTurn] = field(default_factory=list)
    turns_recording: int = 0

    @property
    def ok(self) -> bool:
        """True when nothing needs fixing."""
        return not (self.integrity or self.foreign_keys or self.missing_recordings or self.orphan_recordings)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of the report."""
        return {**asdict(self), "database": str(self.database), "ok": self.ok}

    def lines(self) -> list[str]:
        """The report as lines of text for the terminal, problems first, each with its fix."""
        out = [f"database: {self.database}"]
        out += [f"problem: integrity check: {line}" for line in self.integrity]
        out += [f"problem: broken reference: {line}" for line in self.foreign_keys]
        if self.integrity or self.foreign_keys:
            out.append(f"  fix: restore the newest good copy from {self.database.parent / 'backups'}")
        out += [f"problem: recording missing: {path}" for path in self.missing_recordings]
        out += [f"problem: recording nothing refers to (orphan): {path}" for path in self.orphan_recordings]
        if self.orphan_recordings:
            out.append("  fix: move the orphan files out of the recordings folder if you want to keep them, else delete them")
        for turn in self.recovered_turns:
            audio = turn.recording or "no audio"
            out.append(f"notice: drill {turn.drill_id} turn {turn.turn_number} was interrupted and kept unscored ({audio})")
        for turn in self.interrupted_turns:
            out.append(
                f"notice: drill {turn.drill_id} turn {turn.turn_number} was interrupted; "
                "the next start of RepDrill keeps it as a recovered recording"
            )
        if self.turns_recording:
            out.append(f"notice: {self.turns_recording} turn(s) are being recorded by a running drill")
        out.append("ok" if self.ok else "problems found")
        return out


def check(store: Store) -> CheckReport:
    """Check the database and the recordings folder of `store`; changes nothing."""
    integrity = [row[0] for row in store.query("PRAGMA integrity_check")]
    foreign_keys = [
        f"{row['table']} row {row['rowid']} -> {row['parent']}" for row in store.query("PRAGMA foreign_key_check")
    ]
    referenced = {
        row["path"]
        for row in store.query(
            "SELECT rep_recording AS path FROM turns WHERE rep_recording IS NOT NULL AND status != 'recording'"
            " UNION SELECT recording FROM bank_entries WHERE recording IS NOT NULL"
        )
    }
    live = {
        row["path"]
        for row in store.query("SELECT rep_recording AS path FROM turns WHERE status = 'recording' AND rep_recording IS NOT NULL")
    }
    on_disk = {
        path.relative_to(store.data_dir).as_posix()
        for path in (store.data_dir / RECORDINGS_DIR).rglob("*")
        if path.is_file()
    }
    recovered = [
        RecoveredTurn(row["drill_id"], row["number"], row["rep_recording"])
        for row in store.query("SELECT drill_id, number, rep_recording FROM turns WHERE status = 'recovered' ORDER BY drill_id, number")
    ]
    recording = [
        RecoveredTurn(row["drill_id"], row["number"], row["rep_recording"])
        for row in store.query("SELECT drill_id, number, rep_recording FROM turns WHERE status = 'recording' ORDER BY drill_id, number")
    ]
    dead = {turn.drill_id for turn in recording if not _running(store, turn.drill_id)}
    return CheckReport(
        database=store.path,
        integrity=[] if integrity == ["ok"] else integrity,
        foreign_keys=foreign_keys,
        missing_recordings=sorted(p for p in referenced if not store.resolve(p).is_file()),
        orphan_recordings=sorted(on_disk - referenced - live),
        recovered_turns=recovered,
        interrupted_turns=[turn for turn in recording if turn.drill_id in dead],
        turns_recording=sum(turn.drill_id not in dead for turn in recording),
    )


def _running(store: Store, drill_id: int) -> bool:
    """True when a live process (this one included) holds the drill's lock."""
    if store.holds_lock(drill_id):
        return True
    lock = DrillLock(store.data_dir, drill_id)
    if not lock.try_acquire():
        return True
    lock.release(remove=False)
    return False

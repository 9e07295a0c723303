"""The store: drills, turns, words and reasons in SQLite, recordings beside it.

One `Store` per process and data folder. The database is `<data dir>/repdrill.sqlite`
in WAL mode with foreign keys on, `synchronous=FULL` (a committed turn survives a
power cut) and a busy timeout, so the app and a terminal command can share it.
Every turn is written in one transaction: `begin_turn` creates the row (status
'recording') and fixes the recording's path before any audio arrives,
`commit_turn` stores transcript, words, metrics, score and reasons at once.
A drill whose process died is found by `startup()` (see `trainer.store.recovery`).
"""

from __future__ import annotations

import shutil
import sqlite3
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

from trainer.core import paths
from trainer.core.errors import TrainerError
from trainer.core.scoring import Reason
from trainer.core.transcript import Word
from trainer.store import backup, migrations
from trainer.store.failures import STORAGE_ERRORS, disk_full, free_bytes, storage_error
from trainer.store.locks import DrillLock
from trainer.store.recordings import drill_recordings_dir, rep_recording_path
from trainer.store.recovery import recover
from trainer.store.records import (
    DrillRecord,
    MoveMark,
    ProspectAct,
    TurnHandle,
    TurnRecord,
    TurnTimings,
    YieldedLine,
    drill_record,
    to_json,
    turn_record,
)

DATABASE_NAME = "repdrill.sqlite"
BUSY_TIMEOUT_S = 5.0
MIN_FREE_BYTES = 32 << 20  # a drill of 20 half-minute answers is ~20 MB of WAV
DRILL_STATUSES = ("in_progress", "finished", "abandoned")

_DRILLS_WITH_COUNTS = (
    "SELECT d.*, (SELECT count(*) FROM turns t WHERE t.drill_id = d.id) AS turn_count FROM drills d"
)


def utc_now() -> datetime:
    """The current wall-clock time in UTC (the store's default clock)."""
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class Startup:
    """What `Store.startup()` did: turns recovered from a crash, drills closed, backup written."""

    recovered: list[TurnRecord] = field(default_factory=list)
    abandoned_drills: list[int] = field(default_factory=list)
    backup: Path | None = None


class Store:
    """The rep's drills and recordings in one data folder."""

    def __init__(
        self,
        data_dir: str | Path | None = None,
        *,
        clock: Callable[[], datetime] = utc_now,
        min_free_bytes: int = MIN_FREE_BYTES,
    ) -> None:
        """Open (creating if needed) and migrate the database in `data_dir` (default: `paths.data_dir()`)."""
        self.data_dir = Path(data_dir) if data_dir is not None else paths.data_dir()
        self.path = self.data_dir / DATABASE_NAME
        self.backups_dir = self.data_dir / backup.BACKUPS_DIR
        self.clock = clock
        self.min_free_bytes = min_free_bytes
        self._mutex = threading.RLock()
        self._locks: dict[int, DrillLock] = {}
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(
                self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
            )
        except STORAGE_ERRORS as error:
            raise storage_error(error, self.data_dir, "opening the database") from None
        self._conn.row_factory = sqlite3.Row
        try:
            self._conn.execute("PRAGMA journal_mode = WAL")
            self._conn.execute("PRAGMA foreign_keys = ON")
            self._conn.execute("PRAGMA synchronous = FULL")
            version = migrations.schema_version(self._conn)
            if 0 < version < migrations.SCHEMA_VERSION:
                backup.write_backup(self._conn, self.backups_dir, self.clock())
            migrations.migrate(self._conn, self.path)
        except STORAGE_ERRORS as error:
            self._conn.close()
            raise storage_error(error, self.data_dir, "opening the database") from None
        except TrainerError:
            self._conn.close()
            raise

    # -- plumbing ---------------------------------------------------------------------------

    def close(self) -> None:
        """Close the database and let go of the locks of drills still running here."""
        for lock in self._locks.values():
            lock.release(remove=False)
        self._locks.clear()
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    @contextmanager
    def transaction(self, doing: str = "saving") -> Iterator[sqlite3.Connection]:
        """One write transaction (BEGIN IMMEDIATE ... COMMIT, ROLLBACK on any error).

        Disk and database failures come out as a `TrainerError` naming the data folder.
        """
        with self._mutex:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    yield self._conn
                    self._conn.execute("COMMIT")
                except BaseException:
                    if self._conn.in_transaction:
                        self._conn.execute("ROLLBACK")
                    raise
            except STORAGE_ERRORS as error:
                raise storage_error(error, self.data_dir, doing) from None

    def query(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> list[sqlite3.Row]:
        """Rows of a read-only query (for modules that own their own tables, e.g. the bank)."""
        with self._mutex:
            try:
                return self._conn.execute(sql, params).fetchall()
            except STORAGE_ERRORS as error:
                raise storage_error(error, self.data_dir, "reading the database") from None

    def now_text(self) -> str:
        """The store clock's current time as stored (ISO 8601, UTC, milliseconds)."""
        return self.clock().astimezone(timezone.utc).isoformat(timespec="milliseconds")

    def resolve(self, relative: str) -> Path:
        """The absolute path of a file stored relative to the data folder."""
        return self.data_dir / relative

    # -- start of a session -----------------------------------------------------------------

    def startup(self, keep_backups: int = backup.KEEP, interval: timedelta = backup.INTERVAL) -> Startup:
        """What the app and `trainer drill` do on start: recover crashed drills, back up if due."""
        recovered, abandoned = recover(self)
        written = None
        if backup.backup_due(self.backups_dir, self.clock(), interval):
            written = self.backup(keep_backups)
        return Startup(recovered, abandoned, written)

    def backup(self, keep: int = backup.KEEP) -> Path:
        """Write a backup now and keep only the newest `keep`; returns the new file."""
        with self._mutex:
            written = backup.write_backup(self._conn, self.backups_dir, self.clock())
        backup.prune_backups(self.backups_dir, keep)
        return written

    # -- drills -----------------------------------------------------------------------------

    def start_drill(
        self,
        pack_id: str,
        level: int,
        *,
        pack_version: str = "",
        engine: str = "",
        mode: str = "",
        suds_before: int | None = None,
    ) -> int:
        """Record a new drill (status 'in_progress', locked to this process); returns its id.

        Refuses to start when the disk has less than `min_free_bytes` free, so a
        rep is not cut off mid-answer.
        """
        free = free_bytes(self.data_dir)
        if free is not None and free < self.min_free_bytes:
            raise disk_full(self.data_dir, f"{free // (1 << 20)} MB free, a drill needs {self.min_free_bytes >> 20} MB")
        with self.transaction("starting a drill") as conn:
            drill_id = conn.execute(
                "INSERT INTO drills (pack_id, pack_version, level, started_at, engine, mode, suds_before)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (pack_id, pack_version, level, self.now_text(), engine, mode, suds_before),
            ).lastrowid
            lock = DrillLock(self.data_dir, drill_id)
            if not lock.try_acquire():  # only a stale file from a rolled-back drill id can be held
                raise TrainerError(f"{lock.path}: held by another RepDrill process; close it and try again")
        self._locks[drill_id] = lock
        return drill_id

    def finish_drill(
        self,
        drill_id: int,
        *,
        outcome: str | None,
        score: float | None = None,
        metrics: Mapping[str, Any] | None = None,
        status: str = "finished",
        suds_after: int | None = None,
    ) -> None:
        """Close a drill ('finished', or 'abandoned' when the rep stopped it).

        A turn still 'recording' (the rep stopped mid-answer) is kept as 'recovered'.
        """
        if status not in DRILL_STATUSES[1:]:
            raise ValueError(f"a drill finishes as 'finished' or 'abandoned', not {status!r}")
        with self.transaction("finishing the drill") as conn:
            changed = conn.execute(
                "UPDATE drills SET ended_at = ?, outcome = ?, score = ?, metrics = ?, status = ?,"
                " suds_after = coalesce(?, suds_after) WHERE id = ?",
                (self.now_text(), outcome, score, to_json(metrics), status, suds_after, drill_id),
            ).rowcount
            if not changed:
                raise _no_drill(drill_id)
            conn.execute("UPDATE turns SET status = 'recovered' WHERE drill_id = ? AND status = 'recording'", (drill_id,))
        lock = self._locks.pop(drill_id, None)
        if lock is not None:
            lock.release()

    def rate_suds(self, drill_id: int, *, before: int | None = None, after: int | None = None) -> None:
        """Store the rep's anxiety rating (SUDS 0-100) before and/or after a drill."""
        for value in (before, after):
            if value is not None and not 0 <= value <= 100:
                raise TrainerError(f"a SUDS rating is 0-100, not {value}")
        with self.transaction("saving the anxiety rating") as conn:
            if not conn.execute(
                "UPDATE drills SET suds_before = coalesce(?, suds_before), suds_after = coalesce(?, suds_after)"
                " WHERE id = ?",
                (before, after, drill_id),
            ).rowcount:
                raise _no_drill(drill_id)

    def drills(
        self,
        *,
        pack_id: str | None = None,
        level: int | None = None,
        status: str | None = None,
        limit: int | None = None,
    ) -> list[DrillRecord]:
        """Stored drills, newest first (without their turns), optionally filtered."""
        where, params = [], []
        for column, value in (("pack_id", pack_id), ("level", level), ("status", status)):
            if value is not None:
                where.append(f"d.{column} = ?")
                params.append(value)
        sql = _DRILLS_WITH_COUNTS + (" WHERE " + " AND ".join(where) if where else "")
        sql += " ORDER BY d.started_at DESC, d.id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return [drill_record(row) for row in self.query(sql, params)]

    def drill(self, drill_id: int) -> DrillRecord:
        """One drill with all its turns, words and reasons."""
        rows = self.query(_DRILLS_WITH_COUNTS + " WHERE d.id = ?", (drill_id,))
        if not rows:
            raise _no_drill(drill_id)
        return drill_record(rows[0], tuple(self.turns_where("drill_id = ?", (drill_id,))))

    def delete_drill(self, drill_id: int) -> None:
        """Delete a drill, its turns and its recordings folder."""
        with self.transaction("deleting the drill") as conn:
            if not conn.execute("DELETE FROM drills WHERE id = ?", (drill_id,)).rowcount:
                raise _no_drill(drill_id)
        lock = self._locks.pop(drill_id, None)
        if lock is not None:
            lock.release()
        shutil.rmtree(self.resolve(drill_recordings_dir(drill_id)), ignore_errors=True)  # leftovers: orphans in `db check`

    # -- turns ------------------------------------------------------------------------------

    def begin_turn(
        self,
        drill_id: int,
        *,
        objection_id: str,
        node_id: str,
        prospect_line: str,
        prospect_audio: str | None = None,
        prospect_start: float | None = None,
        prospect_end: float | None = None,
    ) -> TurnHandle:
        """Create the next turn of a drill (status 'recording') and fix its recording's path."""
        with self.transaction("starting a turn") as conn:
            row = conn.execute(
                "SELECT status, (SELECT coalesce(max(number), 0) + 1 FROM turns WHERE drill_id = ?) AS next"
                " FROM drills WHERE id = ?",
                (drill_id, drill_id),
            ).fetchone()
            if row is None:
                raise _no_drill(drill_id)
            if row["status"] != "in_progress":
                raise ValueError(f"drill {drill_id} is {row['status']}; start a new drill")
            number = row["next"]
            recording = rep_recording_path(drill_id, number)
            turn_id = conn.execute(
                "INSERT INTO turns (drill_id, number, objection_id, node_id, prospect_line, prospect_audio,"
                " prospect_start, prospect_end, rep_recording, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (drill_id, number, objection_id, node_id, prospect_line, prospect_audio,
                 prospect_start, prospect_end, recording, self.now_text()),
            ).lastrowid
        return TurnHandle(turn_id, drill_id, number, self.resolve(recording))

    def commit_turn(
        self,
        turn_id: int,
        *,
        transcript: str,
        words: Iterable[Word],
        score: float | None,
        reasons: Iterable[Reason | Mapping[str, Any]] = (),
        components: Mapping[str, Any] | None = None,
        metrics: Mapping[str, Any] | None = None,
        covered: Iterable[str] = (),
        moves: Iterable[MoveMark] = (),
        rubric_method: str | None = None,
        rep_start: float | None = None,
        rep_end: float | None = None,
        prospect_start: float | None = None,
        prospect_end: float | None = None,
        timings: TurnTimings = TurnTimings(),
        yielded: Iterable[YieldedLine] = (),
        repeats: int = 0,
        answer_due: float | None = None,
        acts: Iterable[ProspectAct] = (),
    ) -> None:
        """Store a turn's result in one transaction and mark it 'scored'.

        `reasons` are the scoring module's `Reason`s (or mappings with `points_lost`,
        `text` and optionally `component`). `moves` keep each rubric move's evidence
        (word numbers as in `words`, 1-based). A 'recovered' turn can be
        committed too, once its recording has been scored after the fact. `repeats`: times
        the line was played again; `answer_due`: when the answer was due, if later than the line's end;
        `acts`: what the prospect did after the answer (a cut-in, a reaction to hedges).
        """
        with self.transaction("saving the turn") as conn:
            changed = conn.execute(
                "UPDATE turns SET transcript = ?, score = ?, components = ?, metrics = ?, covered = ?,"
                " moves = ?, rubric_method = ?,"
                " rep_start = ?, rep_end = ?, prospect_start = coalesce(?, prospect_start),"
                " prospect_end = coalesce(?, prospect_end), end_of_turn_at = ?, transcript_final_at = ?,"
                " score_ready_at = ?, next_audio_at = ?, speech_end_at = ?, yielded = ?, repeats = ?,"
                " answer_due_at = ?, acts = ?, status = 'scored'"
                " WHERE id = ? AND status IN ('recording', 'recovered')",
                (transcript, score, to_json(dict(components or {})), to_json(dict(metrics or {})),
                 to_json(sorted(covered)), to_json([m.as_json() for m in moves]), rubric_method, rep_start, rep_end, prospect_start, prospect_end,
                 timings.end_of_turn, timings.transcript_final, timings.score_ready, timings.next_audio_start,
                 timings.speech_end, to_json([y.as_json() for y in yielded]), repeats, answer_due,
                 to_json([a.as_json() for a in acts]), turn_id),
            ).rowcount
            if not changed:
                raise ValueError(f"turn {turn_id} does not exist or is already scored")
            conn.execute("DELETE FROM words WHERE turn_id = ?", (turn_id,))
            conn.execute("DELETE FROM reasons WHERE turn_id = ?", (turn_id,))
            conn.executemany(
                "INSERT INTO words (turn_id, number, text, start, \"end\", confidence) VALUES (?, ?, ?, ?, ?, ?)",
                [(turn_id, i, w.text, w.start, w.end, w.confidence) for i, w in enumerate(words, 1)],
            )
            conn.executemany(
                "INSERT INTO reasons (turn_id, number, component, points_lost, text) VALUES (?, ?, ?, ?, ?)",
                [(turn_id, i, r.component, r.points_lost, r.text) for i, r in enumerate(map(_reason, reasons), 1)],
            )

    def record_next_audio_start(self, turn_id: int, at: float) -> None:
        """Note when the prospect's next audio started after this turn (known only after commit)."""
        with self.transaction("saving the turn timing") as conn:
            conn.execute("UPDATE turns SET next_audio_at = ? WHERE id = ?", (at, turn_id))

    def turns_where(self, where: str = "1", params: Sequence[Any] = ()) -> list[TurnRecord]:
        """Turns matching a SQL condition on `turns`, in drill and turn order, with words and reasons."""
        rows = self.query(f"SELECT * FROM turns WHERE {where} ORDER BY drill_id, number", params)
        if not rows:
            return []
        ids = [row["id"] for row in rows]
        marks = ",".join("?" * len(ids))
        words: dict[int, list[Word]] = {i: [] for i in ids}
        for w in self.query(f'SELECT * FROM words WHERE turn_id IN ({marks}) ORDER BY turn_id, number', ids):
            words[w["turn_id"]].append(Word(w["text"], w["start"], w["end"], w["confidence"]))
        reasons: dict[int, list[Reason]] = {i: [] for i in ids}
        for r in self.query(f"SELECT * FROM reasons WHERE turn_id IN ({marks}) ORDER BY turn_id, number", ids):
            reasons[r["turn_id"]].append(Reason(r["component"], r["points_lost"], r["text"]))
        return [
            turn_record(row, self.data_dir, tuple(words[row["id"]]), tuple(reasons[row["id"]])) for row in rows
        ]

    def holds_lock(self, drill_id: int) -> bool:
        """True when this store is running `drill_id` (it holds the drill's lock)."""
        return drill_id in self._locks


def _reason(reason: Reason | Mapping[str, Any]) -> Reason:
    if isinstance(reason, Reason):
        return reason
    return Reason(str(reason.get("component", "")), float(reason["points_lost"]), str(reason["text"]))


def _no_drill(drill_id: int) -> TrainerError:
    return TrainerError(f"there is no drill {drill_id}; `trainer history` lists the stored drills")

"""Copies of the database in `<data dir>/backups`, made with SQLite's online backup API.

Policy (like Anki's): on start a copy is made when the newest one is at least an
hour old (or there is none), and always before a schema migration; the newest
`KEEP` copies are kept. Not on every start: the CLI opens the store many times an
hour, and ten copies of the same minute would push out yesterday's. Names carry
the UTC time, so sorting by name is sorting by age.
"""

from __future__ import annotations

import sqlite3
from contextlib import suppress
from datetime import datetime, timedelta, timezone
from pathlib import Path

from trainer.store.failures import STORAGE_ERRORS, storage_error
from trainer.store.recordings import fsync_path

BACKUPS_DIR = "backups"
KEEP = 10
INTERVAL = timedelta(hours=1)
_PREFIX = "repdrill-"
_SUFFIX = ".sqlite"
_STAMP = "%Y%m%dT%H%M%S.%fZ"


def list_backups(folder: Path) -> list[Path]:
    """The backups in `folder`, oldest first."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob(f"{_PREFIX}*{_SUFFIX}") if backup_time(p) is not None)


def backup_time(path: Path) -> datetime | None:
    """When a backup was made (from its name), or None if the name is not a backup's."""
    try:
        return datetime.strptime(path.name[len(_PREFIX) : -len(_SUFFIX)], _STAMP).replace(tzinfo=timezone.utc)
    except ValueError:
        return None


def write_backup(conn: sqlite3.Connection, folder: Path, now: datetime) -> Path:
    """Copy the live database (WAL included) to a new, fsynced file in `folder`; returns its path."""
    final = folder / f"{_PREFIX}{now.astimezone(timezone.utc).strftime(_STAMP)}{_SUFFIX}"
    partial = final.with_name(final.name + ".partial")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        partial.unlink(missing_ok=True)
        copy = sqlite3.connect(partial)
        try:
            conn.backup(copy)
            copy.execute("PRAGMA journal_mode = DELETE")  # a backup is one self-contained file
        finally:
            copy.close()
        fsync_path(partial)
        partial.replace(final)
        fsync_path(folder)
    except STORAGE_ERRORS as error:
        with suppress(OSError):
            partial.unlink(missing_ok=True)
        raise storage_error(error, folder, "backing up the database") from None
    return final


def prune_backups(folder: Path, keep: int = KEEP) -> list[Path]:
    """Delete all but the newest `keep` backups; returns the deleted paths."""
    old = list_backups(folder)[:-keep] if keep > 0 else list_backups(folder)
    for path in old:
        path.unlink(missing_ok=True)
    return old


def backup_due(folder: Path, now: datetime, interval: timedelta = INTERVAL) -> bool:
    """True when there is no backup, or the newest is at least `interval` old."""
    backups = list_backups(folder)
    return not backups or now - backup_time(backups[-1]) >= interval

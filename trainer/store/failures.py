"""Turning disk and database failures into messages a rep can act on.

A full disk, a read-only or missing folder, or a damaged database file each get
one `TrainerError` naming the folder (or file) and the fix, whichever layer
(OS, SQLite, libsndfile) noticed it first.
"""

from __future__ import annotations

import errno
import shutil
import sqlite3
from pathlib import Path

from trainer.core.errors import TrainerError

DATA_DIR_HINT = "or choose another data folder with --data-dir or $TRAINER_DATA"
STORAGE_ERRORS = (OSError, sqlite3.Error)
NEARLY_FULL_BYTES = 1 << 20  # below this much free space a failed write is taken as "disk full"

_FULL_ERRNOS = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
_DENIED_ERRNOS = {errno.EROFS, errno.EACCES, errno.EPERM, errno.ENOTDIR, errno.EEXIST}


def free_bytes(folder: Path) -> int | None:
    """Free space on the disk holding `folder` (or its nearest existing parent); None if unknown."""
    for candidate in (folder, *folder.parents):
        try:
            return shutil.disk_usage(candidate).free
        except OSError:
            continue
    return None


def disk_full(folder: Path, doing: str) -> TrainerError:
    """The message for a disk that has no room left."""
    return TrainerError(
        f"{folder}: the disk is full ({doing}); free some space on it, {DATA_DIR_HINT}"
    )


def storage_error(error: BaseException, folder: Path, doing: str) -> TrainerError:
    """The user-facing error for `error`, raised while `doing` something in `folder`."""
    name = getattr(error, "sqlite_errorname", "") or ""
    number = getattr(error, "errno", None)
    free = free_bytes(folder)
    if number in _FULL_ERRNOS or name == "SQLITE_FULL" or (free is not None and free < NEARLY_FULL_BYTES):
        return disk_full(folder, doing)
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
        return TrainerError(
            f"{folder}: the database file is damaged ({error}); run `trainer db check`, "
            f"or restore the newest copy from {folder / 'backups'}"
        )
    if (
        number in _DENIED_ERRNOS
        or name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM"))
        or isinstance(error, PermissionError)
    ):
        return TrainerError(
            f"{folder}: cannot write there ({doing}: {error}); make the folder writable, {DATA_DIR_HINT}"
        )
    return TrainerError(f"{folder}: {doing} failed ({error}); check the disk, {DATA_DIR_HINT}")


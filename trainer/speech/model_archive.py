"""Unpacking a model zip without letting it write outside the folder it is unpacked into.

A zip is checked before anything is written: members with absolute paths, drive letters,
`..` components or symlink entries are refused, and so is a zip larger than the free space.
Corruption (bad CRC, truncated data) becomes a `TrainerError` naming the zip.
"""

from __future__ import annotations

import re
import shutil
import stat
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from trainer.core.errors import TrainerError

Progress = Callable[[int, int | None], None]  # (bytes done, total bytes or None when unknown)

CHUNK_BYTES = 1 << 20
_DRIVE = re.compile(r"^[A-Za-z]:")


def unsafe_member_reason(info: zipfile.ZipInfo) -> str | None:
    """Why this zip member must not be unpacked (escapes the target folder), or None if it is safe."""
    name = info.filename.replace("\\", "/")
    if name.startswith("/") or _DRIVE.match(name):
        return "absolute path"
    if ".." in PurePosixPath(name).parts:
        return "'..' in its path"
    if stat.S_ISLNK(info.external_attr >> 16):
        return "symbolic link"
    return None


def extract_zip(zip_path: Path, into: Path, progress: Progress | None = None) -> None:
    """Unpack `zip_path` into the existing folder `into`, refusing unsafe or corrupt zips.

    On error the caller removes `into`: this function never cleans up after itself, so
    that the caller's staging folder is the single place anything is written.
    """
    try:
        archive = zipfile.ZipFile(zip_path)
    except (zipfile.BadZipFile, OSError) as error:
        raise TrainerError(
            f"{zip_path}: not a readable zip file ({error}); download it again or unpack it yourself "
            "and install the folder"
        ) from None
    with archive:
        members = archive.infolist()
        for info in members:
            reason = unsafe_member_reason(info)
            if reason:
                raise TrainerError(
                    f"{zip_path}: refusing to unpack member {info.filename!r} ({reason} could write "
                    "outside the models folder); get the model from its official source"
                )
        total = sum(info.file_size for info in members)
        free = shutil.disk_usage(into).free
        if total > free:
            raise TrainerError(
                f"{zip_path}: unpacking needs {total / 1e6:.0f} MB but only {free / 1e6:.0f} MB are free "
                f"on the disk holding {into}; free some space or install elsewhere with --dest"
            )
        done = 0
        for info in members:
            target = into / info.filename.replace("\\", "/")
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                with archive.open(info) as source, open(target, "wb") as sink:
                    while chunk := source.read(CHUNK_BYTES):
                        sink.write(chunk)
                        done += len(chunk)
                        if progress:
                            progress(done, total)
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as error:
                raise TrainerError(
                    f"{zip_path}: the zip is damaged at {info.filename!r} ({error}); download it again"
                ) from None

"""Files written whole or not at all: a report, an assignment, a setting, an imported pack.

A crash, a full disk or a size limit part-way through must not leave a half-written
file under the real name, nor truncate the good one that was there. Everything is
written to a temporary file beside the target and renamed over it at the end (a
rename within one folder is atomic); on any error the temporary file is removed and
the target is as it was.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


@contextmanager
def written_whole(path: str | Path) -> Iterator[Path]:
    """A temporary path beside `path` to write to; it replaces `path` when the block ends, or is removed on error."""
    path = Path(path)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        yield partial
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise

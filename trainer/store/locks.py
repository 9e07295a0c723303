"""Which drills are still alive: each running drill holds a lock file the OS frees when its process dies.

Recovery after a crash must not touch a drill another RepDrill process (the app
and a terminal `trainer drill`, say) is running right now, so "in progress in the
database" is not enough; "in progress and nobody holds its lock" is.
"""

from __future__ import annotations

from pathlib import Path

import filelock

LOCKS_DIR = "locks"


class DrillLock:
    """The lock of one drill, held for as long as the drill runs in this process."""

    def __init__(self, data_dir: Path, drill_id: int) -> None:
        """Name the lock of `drill_id` (nothing is locked yet)."""
        self.path = data_dir / LOCKS_DIR / f"drill-{drill_id}.lock"
        self._lock = filelock.FileLock(str(self.path))

    def try_acquire(self) -> bool:
        """Take the lock without waiting; False when a live process holds it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._lock.acquire(timeout=0)
        except filelock.Timeout:
            return False
        return True

    def release(self, remove: bool = True) -> None:
        """Let go of the lock (and, once the drill is over, remove its file)."""
        if self._lock.is_locked:
            self._lock.release(force=True)
        if remove:
            self.path.unlink(missing_ok=True)

"""Real small or read-only filesystems for the disk tests (store, drill CLI, disk faults)."""

import subprocess

import pytest


def mount_tmpfs(path, options):
    """Mount a tmpfs at `path` (skips the test when this machine does not allow it); returns an unmount function."""
    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"mounting a tmpfs needs root with CAP_SYS_ADMIN ({done.stderr.strip()})")
    return lambda: subprocess.run(["umount", "-l", str(path)], check=True)

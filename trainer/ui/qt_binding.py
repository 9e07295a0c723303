"""Whether the installed Qt binding keeps its references to None: checked once at start-up.

PySide6 6.12.0 on Python 3.11 dropped a reference to None (and True, False) on every call
that returns one; after some minutes of drawing, None's count reached zero and the app
aborted mid-drill ("Fatal Python error: none_dealloc"). pyproject.toml keeps PySide6 below
6.12, but a binding upgraded by hand would still crash; so the app measures the fault
itself (a hundred cheap calls) and refuses to start with the fix, rather than crash later.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject

PROBE_CALLS = 100  # each costs a microsecond; a faulty binding loses one reference a call


def binding_fault() -> str | None:
    """What is wrong with the Qt binding and how to fix it, or None when it keeps its references."""
    if sys.version_info >= (3, 12):
        return None  # None, True and False are immortal: the fault cannot crash the app
    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(PROBE_CALLS):
        probe.setObjectName("probe")
    lost = before - sys.getrefcount(None)
    if lost < PROBE_CALLS // 2:
        return None
    import PySide6

    return (f"PySide6 {PySide6.__version__} on Python {sys.version.split()[0]} loses a reference to None on every "
            f"call ({lost} in {PROBE_CALLS} calls): the app would crash within minutes. Install the version "
            "RepDrill is tested with: run `make setup`, or `.venv/bin/pip install 'PySide6-Essentials<6.12'`.")

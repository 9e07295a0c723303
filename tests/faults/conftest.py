"""Fixtures for the fault tests: a private sound server (the Whisper engine and the pack come from tests/conftest.py)."""

import pytest
from pulse_rig import PulseRig, RigUnavailable

from trainer.core.packs import find_pack
from trainer.speech.whisper_engine import WhisperEngine


@pytest.fixture
def private_rig():
    """A PulseAudio daemon of this test's own, active in this process: a test may kill it."""
    rig = PulseRig()
    try:
        rig.start()
    except RigUnavailable as reason:
        pytest.skip(f"no sound server for the device faults: {reason}")
    try:
        with rig.active():
            yield rig
    finally:
        rig.stop()

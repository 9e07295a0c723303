"""Fixtures for the fault tests: the real Whisper engine, the drill's pack, a private sound server."""

import pytest
from pulse_rig import PulseRig, RigUnavailable

from trainer.core.packs import find_pack
from trainer.speech.whisper_engine import WhisperEngine


@pytest.fixture(scope="session")
def whisper():
    """The bundled tiny.en model, loaded once for every fault test."""
    return WhisperEngine(partial_every_s=None)


@pytest.fixture(scope="session")
def pack():
    """The built-in price-and-budget pack (its 'more-than-expected' objection branches on 'ask')."""
    return find_pack("price-and-budget")


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

"""Helpers for the store tests: audio to record and a recorded turn."""

import numpy as np

from trainer.store.recordings import RecordingWriter


def tone(seconds, value=1000, rate=16_000):
    """Int16 samples of a constant value (easy to compare after a round trip)."""
    return np.full(int(seconds * rate), value, dtype=np.int16)


def record_turn(store, drill_id, seconds=1.0, value=1000, score=75.0, covered=("acknowledge",)):
    """Begin, record and commit one turn; returns its handle."""
    handle = store.begin_turn(drill_id, objection_id="too-expensive", node_id="too-expensive", prospect_line="Too expensive.")
    with RecordingWriter(handle.recording) as writer:
        writer.write(tone(seconds, value))
    store.commit_turn(handle.turn_id, transcript="I understand", words=[], score=score, covered=covered)
    return handle

"""The prospect's output device failing, through a real sound server (PulseAudio null sinks, tests/pulse_rig.py).

The prospect plays through sounddevice/PortAudio; the rep's answers come from files
in real time. The first turn is played, answered and stored; then the device fails
as the second line starts. Two ways a device fails:

- PortAudio aborts the stream (an error raised at the stream's callback boundary, as
  when a USB headset is pulled): the output knows, and so does every sound after it.
- The device hangs (the sink is suspended): nothing reports an error, sound just
  stops flowing; the runner notices the line not starting within 2 s.

Either way: one clear message naming the device, the first turn stays scored, the
second (begun, not answered) is kept as recoverable, the database is sound.
"""

import time

import numpy as np
import pytest
from fault_drills import SHORT_ASK, answers, assert_kept_and_consistent, run_drill
from pulse_rig import SPEAKER_SINK

from trainer.drill.answer_source import AnswerFiles
from trainer.drill.events import LineWillPlay
from trainer.speech.audio import AudioClock, sounddevice_module
from trainer.speech.audio_out import SoundDeviceOutput
from trainer.store.db import Store

pytestmark = pytest.mark.slow


class BreakableOutput(SoundDeviceOutput):
    """A real sound-device output whose stream callback raises PortAudio's abort once `broken` is set."""

    broken = False

    def _callback(self, outdata, frames, time_info, status) -> None:
        if self.broken:
            raise sounddevice_module().CallbackAbort
        super()._callback(outdata, frames, time_info, status)


def drill_until_the_second_line(tmp_path, pack, whisper, output, break_output):
    """A real-time drill whose output `break_output()` breaks as the second line is about to play."""
    spoken = answers(tmp_path / "answers", SHORT_ASK, SHORT_ASK)
    clock = AudioClock()

    def on_event(event):
        if isinstance(event, LineWillPlay) and event.turn == 2:
            break_output()

    audio_in = AnswerFiles([s.path for s in spoken], clock)
    try:
        with Store() as store:
            store.startup()
            run = run_drill(store, whisper, audio_in, output, clock, pack, on_event=on_event)
            assert_kept_and_consistent(store, run, [(1, "scored"), (2, "recovered")])
            first = store.drill(run.drill_id).turns[0]
            assert first.score is not None and "can i ask" in first.transcript.lower()
    finally:
        audio_in.close()
    return run


def test_the_output_stream_aborting(tmp_path, pack, whisper, pulse_rig):
    output = BreakableOutput()

    def abort():
        output.broken = True

    try:
        run = drill_until_the_second_line(tmp_path, pack, whisper, output, abort)
        # any later sound ends at once, unplayed, with the reason (it used to wait forever)
        late = output.play(np.zeros(4800, np.float32), 48_000)
    finally:
        output.close()
    message = str(run.error)
    device = output.device
    assert message.startswith(f"audio output device {device.index} ({device.name}) stopped while playing the "
                              "prospect's line: check the speakers or headset and the sound server")
    assert f"drill {run.drill_id} is stored as abandoned" in message
    assert late.done.is_set() and late.started_at is None and late.error == output.failed is not None


def test_the_output_device_hanging(tmp_path, pack, whisper, pulse_rig):
    output = SoundDeviceOutput()
    hung_at = []

    def suspend_the_speaker():
        pulse_rig.pactl("suspend-sink", SPEAKER_SINK, "1")
        hung_at.append(time.monotonic())

    try:
        run = drill_until_the_second_line(tmp_path, pack, whisper, output, suspend_the_speaker)
        noticed = time.monotonic() - hung_at[0]
    finally:
        output.close()
        pulse_rig.pactl("suspend-sink", SPEAKER_SINK, "0")
    message = str(run.error)
    device = output.device
    assert f"audio output device {device.index} ({device.name}) did not start playing the prospect's line within 2 s" \
        in message
    assert 2.0 <= noticed < 3.5  # OUTPUT_STALL_S after play(), plus a 20 ms chunk and closing the drill

"""The real audio loop: play through PortAudio into a PulseAudio null sink, capture it back.

Needs `pulseaudio` (Debian packages pulseaudio, pulseaudio-utils, libasound2-plugins);
skips with the reason when the daemon cannot start. See docs/audio.md.
"""

import subprocess
import time

import numpy as np
import pytest
import soundfile
from pulse_rig import MIC_SINK, SPEAKER_SINK

from trainer.core.errors import TrainerError
from trainer.speech.audio import resolve_device
from trainer.speech.audio_in import MicrophoneInput
from trainer.speech.audio_out import SoundDeviceOutput
from trainer.speech.wavs import ENGINE_RATE, read_engine_audio

pytestmark = pytest.mark.slow

# Output start/end as reported vs where the sound shows up in the capture. Measured:
# -19 ms (a constant lead in PortAudio's DAC time over PulseAudio), jitter < 2 ms.
TIMING_TOLERANCE_S = 0.03


@pytest.fixture(scope="module")
def loop(pulse_daemon):  # noqa: F811
    """An output and a microphone kept open for the module, the mic hearing the speaker."""
    with pulse_daemon.active():
        output = SoundDeviceOutput()
        mic = MicrophoneInput()
        mic.start()
        try:
            assert output.ready.wait(10), "the output stream never started"
            yield pulse_daemon, output, mic
        finally:
            mic.close()
            output.close()


@pytest.fixture(scope="module")
def spoken_line(tmp_path_factory):
    """A prospect line spoken by espeak-ng at its own rate (22,050 Hz)."""
    path = tmp_path_factory.mktemp("speech") / "line.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-w", str(path),
                    "Thanks for calling, but we already work with a supplier we like."], check=True)
    return path


def capture_between(mic, start, end):
    """The mic's samples from `start` to `end` (monotonic s), and the time of the first one."""
    pieces, first_at = [], None
    while True:
        chunk = mic.read(timeout=5)
        assert chunk is not None, "the microphone stopped delivering chunks"
        if chunk.end <= start:
            continue
        if first_at is None:
            first_at = chunk.captured_at
        pieces.append(chunk.samples)
        if chunk.end >= end:
            return np.concatenate(pieces).astype(np.float32), first_at


def locate(captured, reference):
    """Sample offset of `reference` inside `captured`, and the normalised correlation there."""
    size = 1 << (len(captured) + len(reference)).bit_length()
    scores = np.fft.irfft(np.fft.rfft(captured, size) * np.conj(np.fft.rfft(reference, size)), size)
    lag = int(np.argmax(scores[: len(captured) - len(reference) + 1]))
    segment = captured[lag:lag + len(reference)]
    return lag, float(segment @ reference / (np.linalg.norm(segment) * np.linalg.norm(reference)))


def loud_span(samples, frame=80, threshold=0.05 * 32768):
    """(first, last) sample of the 5 ms frames whose RMS passes `threshold`."""
    frames = samples[: len(samples) // frame * frame].reshape(-1, frame)
    loud = np.flatnonzero(np.sqrt((frames ** 2).mean(axis=1)) > threshold)
    return loud[0] * frame, (loud[-1] + 1) * frame


def test_played_speech_is_captured_back_at_the_reported_times(loop, spoken_line):
    _, output, mic = loop
    playback = output.play(spoken_line)
    assert playback.wait(10)
    done_at = time.monotonic()
    info = soundfile.info(str(spoken_line))
    assert not playback.stopped and playback.error is None
    assert playback.ended_at - playback.started_at == pytest.approx(info.frames / info.samplerate, abs=0.01)
    assert done_at >= playback.ended_at - 0.005  # `done` fires when the sound has been heard
    captured, first_at = capture_between(mic, playback.started_at - 0.5, playback.ended_at + 0.5)
    reference = read_engine_audio(spoken_line).astype(np.float32)
    lag, correlation = locate(captured, reference)
    assert correlation > 0.95
    heard_at = first_at + lag / ENGINE_RATE
    assert heard_at == pytest.approx(playback.started_at, abs=TIMING_TOLERANCE_S)
    assert mic.dropped == 0 and output.underflows == 0


def test_stop_silences_the_sound_at_the_reported_end(loop):
    _, output, mic = loop
    seconds = np.arange(3 * ENGINE_RATE) / ENGINE_RATE
    playback = output.play(0.5 * np.sin(2 * np.pi * 700 * seconds), ENGINE_RATE)
    assert playback.started.wait(5)
    output.stop()
    assert playback.wait(2) and playback.stopped
    heard = playback.ended_at - playback.started_at
    assert 0 < heard < 0.5
    captured, first_at = capture_between(mic, playback.started_at - 0.3, playback.ended_at + 0.3)
    first, last = loud_span(captured)
    assert first_at + first / ENGINE_RATE == pytest.approx(playback.started_at, abs=TIMING_TOLERANCE_S)
    assert first_at + last / ENGINE_RATE == pytest.approx(playback.ended_at, abs=TIMING_TOLERANCE_S)


def test_devices_by_index_and_name(loop):
    by_name = resolve_device("PULSE", "input")
    assert by_name.name == "pulse" and resolve_device(by_name.index, "output") == by_name
    with pytest.raises(TrainerError, match=r"audio device 99 does not exist; input devices: 0 \(pulse\)"):
        resolve_device("99", "input")
    with pytest.raises(TrainerError, match=r"no audio output device is called 'usb headset'; output devices:"):
        resolve_device("usb headset", "output")
    with pytest.raises(TrainerError, match=r"'e' matches several audio input devices: .*give the index"):
        resolve_device("e", "input")


def test_a_full_queue_drops_blocks_but_keeps_their_place_in_time(loop):
    small = MicrophoneInput(queue_seconds=0.1)  # five chunks, nobody reading
    small.start()
    try:
        deadline = time.monotonic() + 10
        # No event to wait on: the count is the only signal. 120 dropped 20 ms blocks is past
        # ORIGIN_SETTLE_SECONDS, after which the clock anchor no longer moves between reads.
        while small.dropped < 120:
            assert time.monotonic() < deadline, "no blocks were dropped"
            time.sleep(0.05)
        chunks = [small.read(timeout=1) for _ in range(7)]
    finally:
        small.close()
    indexes = [chunk.index for chunk in chunks]
    assert np.diff(indexes[:5]).tolist() == [320] * 4
    gap = next(k for k in range(1, 7) if indexes[k] - indexes[k - 1] > 320)
    assert all(
        chunks[k].captured_at - chunks[0].captured_at == pytest.approx((indexes[k] - indexes[0]) / ENGINE_RATE)
        for k in range(7)
    )
    assert gap >= 4


def test_answer_played_into_the_mic_sink_is_what_the_microphone_hears(loop, spoken_line):
    rig, _, _ = loop
    rig.use_source(f"{MIC_SINK}.monitor")
    mic = MicrophoneInput()
    try:
        mic.start()
        assert mic.read(timeout=10) is not None  # the stream is flowing
        began = time.monotonic()
        player = rig.play_into_mic(spoken_line)
        assert player.wait(timeout=20) == 0, player.stderr.read()
        ended = time.monotonic()
        captured, _ = capture_between(mic, began - 0.2, ended + 0.3)
    finally:
        mic.close()
        rig.use_source(f"{SPEAKER_SINK}.monitor")
    _, correlation = locate(captured, read_engine_audio(spoken_line).astype(np.float32))
    assert correlation > 0.95


def test_closing_the_output_ends_the_sound_playing(loop):
    own = SoundDeviceOutput()
    assert own.ready.wait(10)
    playback = own.play(np.zeros(5 * ENGINE_RATE, np.float32), ENGINE_RATE)
    assert playback.started.wait(5)
    began = time.monotonic()
    own.close()
    assert time.monotonic() - began < 1.0
    assert playback.done.is_set() and playback.stopped and playback.error is None
    with pytest.raises(RuntimeError, match="closed"):
        own.play(np.zeros(10, np.float32), ENGINE_RATE)

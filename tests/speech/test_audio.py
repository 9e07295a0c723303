"""Audio in/out without a sound server: file input and output, the clock, device errors.

The real-device loop (PulseAudio null sink) is in test_audio_loop.py.
"""

import os
import subprocess
import sys
import threading
import time

import numpy as np
import pytest
import soundfile
import soxr

from trainer.core.errors import TrainerError
from trainer.speech.audio import AudioClock, list_devices, rescan_devices, resolve_device
from trainer.speech.audio_in import FileInput, MicrophoneInput, _Rechunker, measure_level
from trainer.speech.audio_out import FileOutput, SoundDeviceOutput
from trainer.speech.wavs import read_engine_audio

RATE = 16_000


def tone(seconds, rate, amplitude=0.5, frequency=440.0):
    """A float32 sine."""
    t = np.arange(round(seconds * rate)) / rate
    return (amplitude * np.sin(2 * np.pi * frequency * t)).astype(np.float32)


@pytest.fixture
def stereo_wav(tmp_path):
    """1.01 s of a 440 Hz tone, 22,050 Hz stereo: FileInput must convert it."""
    path = tmp_path / "answer.wav"
    mono = tone(1.01, 22_050)
    soundfile.write(str(path), np.column_stack([mono, mono]), 22_050, subtype="PCM_16")
    return path


def test_file_input_gives_fixed_chunks_on_a_sample_clock(stereo_wav):
    clock = AudioClock(virtual=True, start=100.0)
    source = FileInput(stereo_wav, clock=clock)
    source.start()
    chunks = list(source.chunks())
    expected = read_engine_audio(stereo_wav)
    assert len(expected) == 16_160
    assert len(chunks) == 51  # 50.5 chunks of 320 frames, the last padded
    assert {len(c.samples) for c in chunks} == {320}
    assert all(c.samples.dtype == np.int16 for c in chunks)
    assert [c.index for c in chunks] == list(range(0, 51 * 320, 320))
    assert [c.captured_at for c in chunks] == pytest.approx([100.0 + 0.02 * k for k in range(51)], abs=1e-9)
    joined = np.concatenate([c.samples for c in chunks])
    assert np.array_equal(joined[:16_160], expected)
    assert not joined[16_160:].any()
    assert source.ended and source.read() is None
    assert clock.now() == pytest.approx(100.0 + 51 * 0.02)


def test_file_input_real_time_paces_each_chunk_to_its_capture_end(stereo_wav):
    source = FileInput(stereo_wav, chunk_seconds=0.05)
    started = time.monotonic()
    source.start()
    lateness = []
    for chunk in source.chunks():
        lateness.append(time.monotonic() - chunk.end)
    elapsed = time.monotonic() - started
    assert len(lateness) == 21
    assert min(lateness) >= -0.001  # never handed out before it was "spoken"
    assert max(lateness) < 0.05
    assert elapsed == pytest.approx(1.05, abs=0.06)


def test_file_input_fast_mode_streams_faster_than_real_time(tmp_path):
    path = tmp_path / "long.wav"
    soundfile.write(str(path), tone(20.0, RATE), RATE, subtype="PCM_16")
    source = FileInput(path, clock=AudioClock(virtual=True))
    started = time.monotonic()
    source.start()
    chunks = list(source.chunks())
    assert time.monotonic() - started < 1.0  # 20 s of audio
    assert chunks[-1].end == pytest.approx(20.0, abs=1e-9)


def test_file_input_read_times_out_and_close_interrupts(stereo_wav):
    source = FileInput(stereo_wav, chunk_seconds=0.5)
    source.start()
    asked = time.monotonic()
    assert source.read(timeout=0.05) is None
    assert time.monotonic() - asked == pytest.approx(0.05, abs=0.03)
    closer = threading.Timer(0.1, source.close)
    closer.start()
    asked = time.monotonic()
    assert source.read() is None
    assert time.monotonic() - asked < 0.3
    assert source.ended


def test_level_reports_rms_and_peak_once(tmp_path):
    path = tmp_path / "half.wav"
    soundfile.write(str(path), tone(0.2, RATE, amplitude=0.5), RATE, subtype="PCM_16")
    source = FileInput(path, clock=AudioClock(virtual=True))
    source.start()
    assert source.level() is None
    source.read()
    level = source.level()
    assert level.rms == pytest.approx(0.5 / np.sqrt(2), abs=0.01)
    assert level.peak == pytest.approx(0.5, abs=0.01)
    assert source.level() is None  # one value per block, then nothing until the next
    assert measure_level(np.zeros(0, np.int16)).peak == 0.0


def test_file_output_virtual_clock_writes_wav_and_continues_the_timeline(tmp_path, stereo_wav):
    clock = AudioClock(virtual=True, start=5.0)
    output = FileOutput(tmp_path / "played", clock=clock)
    line = tone(1.5, 22_050)
    playback = output.play(line, 22_050)
    assert playback.done.is_set() and playback.started.is_set()
    assert (playback.started_at, playback.ended_at) == pytest.approx((5.0, 6.5))
    assert not playback.stopped
    written, rate = soundfile.read(str(playback.path), dtype="float32")
    assert rate == 22_050 and np.max(np.abs(written - line)) < 1e-4
    answer = FileInput(stereo_wav, clock=clock)
    answer.start()
    assert answer.read().captured_at == pytest.approx(6.5)  # the rep answers after the line


def test_file_output_real_time_plays_for_the_duration_and_calls_back(tmp_path):
    output = FileOutput(tmp_path)
    finished = []
    called = threading.Event()
    began = time.monotonic()
    playback = output.play(tone(0.3, RATE), RATE)
    playback.add_done_callback(lambda p: (finished.append(p), called.set()))
    assert playback.wait(2)
    assert called.wait(1) and finished == [playback]
    # Never sooner than the sound lasts; later by the machine's scheduling (0.37 s once at load 8, full suite).
    assert 0.28 <= time.monotonic() - began <= 0.6
    assert playback.ended_at - playback.started_at == pytest.approx(0.3, abs=1e-9)
    late = []
    playback.add_done_callback(late.append)  # already done: called at once
    assert late == [playback]


def test_file_output_stop_and_a_new_line_cut_off_the_playing_one(tmp_path):
    output = FileOutput(tmp_path)
    first = output.play(tone(5.0, RATE), RATE)
    second = output.play(tone(5.0, RATE), RATE)
    assert first.wait(1) and first.stopped
    assert first.ended_at - first.started_at < 0.2
    output.stop()
    assert second.wait(1) and second.stopped
    assert second.ended_at - second.started_at < 0.2
    assert [p.path.name for p in output.playbacks] == ["playback-001.wav", "playback-002.wav"]


def test_rechunker_resamples_device_blocks_to_fixed_16k_chunks():
    rate = 48_000
    signal = (tone(1.0, rate, frequency=300.0) * 32767).astype(np.int16)
    blocks = [(i, signal[i:i + 960]) for i in range(0, len(signal), 960)]
    rechunker = _Rechunker(rate, 320)
    out = [piece for index, block in blocks[:25] for piece in rechunker.push(index, block)]
    assert {len(samples) for _, samples in out} == {320}
    assert [index for index, _ in out] == list(range(0, 320 * len(out), 320))
    joined = np.concatenate([samples for _, samples in out]).astype(np.float32)
    reference = soxr.resample(signal[:24_000].astype(np.float32), rate, RATE)[: len(joined)]
    assert np.corrcoef(joined[400:], reference[400:])[0, 1] > 0.999
    # Blocks 25-29 were dropped: chunks restart at the 16 kHz position of block 30.
    after_gap = [piece for index, block in blocks[30:] for piece in rechunker.push(index, block)]
    assert after_gap[0][0] == 30 * 960 // 3


def test_microphone_callback_never_blocks_when_the_queue_is_full():
    import sounddevice

    mic = MicrophoneInput(queue_seconds=0.04)  # room for two chunks
    mic.device_rate = RATE  # set by start(); the callback is driven directly (no sound card)
    block = np.ones((320, 1), np.int16)
    durations = []
    for k in range(50):
        flags = sounddevice.CallbackFlags(2 if k % 10 == 0 else 0)  # input overflow every 10th
        began = time.perf_counter()
        mic._callback(block, 320, None, flags)
        durations.append(time.perf_counter() - began)
    assert mic.dropped == 48
    assert mic.overflows == 5
    assert max(durations) < 0.005
    assert mic._queue.qsize() == 2


@pytest.fixture
def no_sound_server(tmp_path):
    """PortAudio rescanned with no reachable sound server; restored afterwards."""
    saved = {name: os.environ.get(name) for name in ("XDG_RUNTIME_DIR", "PULSE_SERVER")}
    (tmp_path / "runtime").mkdir()
    os.environ["XDG_RUNTIME_DIR"] = str(tmp_path / "runtime")
    os.environ["PULSE_SERVER"] = f"unix:{tmp_path / 'runtime' / 'none'}"
    rescan_devices()
    try:
        if list_devices():
            pytest.skip("this machine has sound devices without a sound server; cannot test 'no device'")
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        rescan_devices()


def test_no_device_errors_say_what_to_connect(no_sound_server):
    with pytest.raises(TrainerError, match=r"no audio input device found: connect a microphone"):
        resolve_device(None, "input")
    with pytest.raises(TrainerError, match=r"no audio input device found.*trainer devices"):
        MicrophoneInput().start()
    with pytest.raises(TrainerError, match=r"no audio output device found: connect speakers"):
        SoundDeviceOutput()


def test_missing_portaudio_is_a_one_line_error():
    code = (
        "import sys; sys.modules['sounddevice'] = None\n"
        "from trainer.cli import main; sys.exit(main(['devices']))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.startswith("trainer: error: the PortAudio library is missing")
    assert "libportaudio2" in done.stderr and len(done.stderr.strip().splitlines()) == 1

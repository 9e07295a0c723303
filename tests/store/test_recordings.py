"""Recordings: written as audio arrives, durable at end of turn, readable after a crash."""

import shutil
import wave

import numpy as np
import pytest
import soundfile
from store_helpers import tone

from trainer.core.errors import TrainerError
from trainer.store.recordings import (
    RecordingWriter,
    header_frames,
    recording_frames,
    rep_recording_path,
    repair_recording,
)


def test_recording_paths_are_relative_and_per_drill():
    assert rep_recording_path(12, 3) == "recordings/12/turn-3-rep.wav"


def test_chunks_as_arrays_or_bytes_are_appended_in_order(tmp_path):
    path = tmp_path / "answer.wav"
    first, second = tone(0.25, 100), tone(0.5, -200)
    with RecordingWriter(path) as writer:
        writer.write(first)
        writer.write(second.tobytes())
        assert writer.frames == 12_000
        assert writer.duration == pytest.approx(0.75)
    assert writer.closed
    samples, rate = soundfile.read(str(path), dtype="int16")
    assert rate == 16_000
    np.testing.assert_array_equal(samples, np.concatenate([first, second]))
    with wave.open(str(path)) as plain:  # the header is complete: any reader sees every frame
        assert (plain.getnframes(), plain.getsampwidth(), plain.getnchannels()) == (12_000, 2, 1)


def test_only_int16_samples_are_accepted(tmp_path):
    with RecordingWriter(tmp_path / "a.wav") as writer:
        with pytest.raises(TypeError, match="int16"):
            writer.write(np.zeros(10, dtype=np.float32))


def test_audio_is_on_disk_before_close_and_a_crashed_file_is_repaired(tmp_path):
    path = tmp_path / "live.wav"
    writer = RecordingWriter(path)
    audio = np.arange(8000, dtype=np.int16)
    writer.write(audio)
    writer.flush()
    crashed = tmp_path / "crashed.wav"
    shutil.copyfile(path, crashed)  # the bytes on disk now are what a kill -9 leaves behind
    writer.close()

    assert header_frames(crashed) is None  # the RIFF header still says "empty": plain readers fail
    assert recording_frames(crashed) == 8000  # libsndfile reads the data anyway
    assert repair_recording(crashed) == 8000
    assert header_frames(crashed) == 8000
    samples, _ = soundfile.read(str(crashed), dtype="int16")
    np.testing.assert_array_equal(samples, audio)


def test_a_sound_recording_is_left_untouched_by_repair(tmp_path):
    path = tmp_path / "ok.wav"
    with RecordingWriter(path) as writer:
        writer.write(tone(0.1))
    before = path.stat().st_mtime_ns
    assert repair_recording(path) == 1600
    assert path.stat().st_mtime_ns == before


def test_a_file_cut_off_inside_its_header_holds_no_audio(tmp_path):
    path = tmp_path / "cut.wav"
    with RecordingWriter(path) as writer:
        writer.write(tone(0.1))
    path.write_bytes(path.read_bytes()[:20])
    assert recording_frames(path) is None
    assert repair_recording(path) is None


def test_a_recording_cannot_be_created_on_a_read_only_disk(read_only_disk):
    with pytest.raises(TrainerError, match=f"{read_only_disk / 'recordings'}: cannot write there"):
        RecordingWriter(read_only_disk / "recordings" / "turn-1-rep.wav")


def test_a_full_disk_while_recording_is_a_clear_error(tiny_disk):
    writer = RecordingWriter(tiny_disk / "turn-1-rep.wav")
    with pytest.raises(TrainerError, match=f"{tiny_disk}: the disk is full \\(recording turn-1-rep.wav\\)"):
        for _ in range(100):
            writer.write(tone(1.0))
    writer.close()
    assert 0 < recording_frames(tiny_disk / "turn-1-rep.wav") < 100 * 16_000  # what fitted is kept

"""Answer files as a drill-long microphone: silence, each answer placed exactly where it was begun."""

import time

import numpy as np
import pytest

from trainer.drill.answer_source import AnswerFiles, answer_files
from trainer.core.errors import TrainerError
from trainer.speech.audio import AudioClock
from trainer.speech.wavs import write_wav

RATE = 16_000


def ramp(path, seconds):
    """A WAV whose samples count up from 1, so positions can be checked after streaming."""
    samples = (np.arange(int(seconds * RATE)) % 30000 + 1).astype(np.int16)
    write_wav(path, samples, RATE)
    return samples


def collect(source, until_s):
    out = []
    while not out or out[-1].end < until_s:
        out.append(source.read())
    return out


def test_an_answer_plays_from_where_it_was_begun_then_silence(tmp_path):
    first = ramp(tmp_path / "a.wav", 0.5)
    clock = AudioClock(virtual=True, start=10.0)
    source = AnswerFiles([tmp_path / "a.wav"], clock)
    source.start()
    before = collect(source, 0.4 + 10.0)
    assert all(not c.samples.any() for c in before)  # silence until an answer is begun
    assert source.begin_answer(10.537) == tmp_path / "a.wav"  # mid-chunk: sample-exact
    assert source.remaining == 0
    chunks = before + collect(source, 12.0 + 10.0)
    audio = np.concatenate([c.samples for c in chunks])
    start = round(0.537 * RATE)
    assert not audio[:start].any()
    np.testing.assert_array_equal(audio[start:start + len(first)], first)
    assert not audio[start + len(first):].any()
    assert [c.captured_at for c in chunks[:3]] == pytest.approx([10.0, 10.02, 10.04])
    assert clock.now() == pytest.approx(chunks[-1].end)


def test_an_answer_begun_in_the_past_starts_at_the_next_chunk(tmp_path):
    ramp(tmp_path / "a.wav", 0.1)
    source = AnswerFiles([tmp_path / "a.wav"], AudioClock(virtual=True))
    source.start()
    collect(source, 1.0)
    source.begin_answer(0.2)
    chunk = source.read()
    assert chunk.captured_at == pytest.approx(1.0) and chunk.samples[0] == 1


def test_real_time_pacing_and_timeout(tmp_path):
    ramp(tmp_path / "a.wav", 0.1)
    source = AnswerFiles([tmp_path / "a.wav"], AudioClock())
    source.start()
    started = time.monotonic()
    chunks = [source.read() for _ in range(10)]
    assert time.monotonic() - started == pytest.approx(0.2, abs=0.05)
    assert chunks[-1].end == pytest.approx(source.clock.now(), abs=0.03)
    source.close()
    assert source.read() is None and source.ended


def test_a_read_with_a_timeout_returns_none_before_the_chunk_is_due(tmp_path):
    ramp(tmp_path / "a.wav", 0.1)
    source = AnswerFiles([tmp_path / "a.wav"], AudioClock(), chunk_seconds=0.2)
    source.start()
    waited = time.monotonic()
    assert source.read(timeout=0.01) is None
    assert time.monotonic() - waited < 0.1
    assert source.read(timeout=1.0) is not None


def test_folder_order_and_bad_folders(tmp_path):
    for name in ("02-b.wav", "01-a.WAV", "notes.txt"):
        (tmp_path / name).write_bytes(b"")
    assert [p.name for p in answer_files(tmp_path)] == ["01-a.WAV", "02-b.wav"]
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(TrainerError, match="no WAV files in it"):
        answer_files(empty)
    with pytest.raises(TrainerError, match="no such folder"):
        answer_files(tmp_path / "missing")


def test_a_broken_wav_is_named_before_anything_plays(tmp_path):
    ramp(tmp_path / "01.wav", 0.2)
    (tmp_path / "02.wav").write_bytes(b"RIFF not really a wave file")
    with pytest.raises(TrainerError, match="02.wav: not a readable WAV file"):
        AnswerFiles.from_folder(tmp_path)

"""Speech spans from voice activity: silences of known length, made with espeak-ng."""

import subprocess

import numpy as np
import pytest

from trainer.speech.vad import speech_spans
from trainer.speech.wavs import ENGINE_RATE, read_engine_audio

TOLERANCE_S = 0.05  # espeak adds ~20 ms of lead-in; a VAD frame is 10 ms


def spoken(text: str, tmp_path, name: str) -> np.ndarray:
    path = tmp_path / f"{name}.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-w", str(path), text], check=True)
    return read_engine_audio(path)


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * ENGINE_RATE), dtype=np.int16)


def test_silence_has_no_spans():
    assert speech_spans(silence(2.0)) == []


def test_known_silences_place_the_spans(tmp_path):
    first = spoken("Hello there, thanks for taking my call.", tmp_path, "a")
    second = spoken("What would it take to earn ten minutes next week?", tmp_path, "b")
    audio = np.concatenate([silence(1.5), first, silence(2.5), second])
    spans = speech_spans(audio)
    assert len(spans) == 2, spans  # the 2.5 s pause splits, the comma pause does not
    assert spans[0].start == pytest.approx(1.5, abs=TOLERANCE_S)
    second_start = 1.5 + len(first) / ENGINE_RATE + 2.5
    assert spans[1].start == pytest.approx(second_start, abs=TOLERANCE_S)
    assert spans[1].end <= len(audio) / ENGINE_RATE


def test_short_pause_is_joined_long_pause_is_not(tmp_path):
    audio = spoken("Absolutely.", tmp_path, "w")
    (span,) = speech_spans(audio)
    word = audio[int(span.start * ENGINE_RATE) : int(span.end * ENGINE_RATE)]  # no lead-in or tail
    joined = speech_spans(np.concatenate([word, silence(0.3), word]))
    split = speech_spans(np.concatenate([word, silence(0.8), word]))
    assert len(joined) == 1
    assert len(split) == 2


def test_offset_shifts_every_span(tmp_path):
    word = spoken("Absolutely.", tmp_path, "w")
    plain = speech_spans(word)
    shifted = speech_spans(word, offset_s=10.0)
    assert [s.start + 10.0 for s in plain] == pytest.approx([s.start for s in shifted])


def test_rejects_float_audio():
    with pytest.raises(ValueError):
        speech_spans(np.zeros(1600, dtype=np.float32))

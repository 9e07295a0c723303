"""Scoring real speech where the truth is known by construction (issue 4 audio tests).

Answers are spoken by the project's TTS with silences of known length inserted, heard
by the real Whisper engine, timed by the VAD, and assessed by the scoring core.
"""

import numpy as np
import pytest

from trainer.core.answer import assess_answer
from trainer.meaning.recogniser import shared_recogniser
from trainer.core.packs import discover_packs
from trainer.core.pack_model import Pack
from trainer.speech.hearing import hear, hear_file
from trainer.speech.whisper_engine import WhisperEngine
from tts_speech import RATE, compose

FIRST = "I hear you, that makes sense for a busy team like yours."
SECOND = "What would have to be true for a short call next week to be worth your time?"
LATENCY_TOLERANCE_S = 0.15
PACE_TOLERANCE = 0.10


def energy_extent(samples: np.ndarray, frame_s: float = 0.01, floor: float = 0.02) -> tuple[float, float]:
    """First and last 10 ms frame whose RMS is above `floor` of the loudest frame: an independent clock."""
    size = int(frame_s * RATE)
    frames = samples[: len(samples) // size * size].astype(np.float32).reshape(-1, size)
    rms = np.sqrt((frames**2).mean(axis=1))
    loud = np.flatnonzero(rms > floor * rms.max())
    return loud[0] * frame_s, (loud[-1] + 1) * frame_s


@pytest.fixture(scope="module")
def paused_answer(whisper, tmp_path_factory):
    """1.5 s before the first word and a 2.5 s pause between two sentences."""
    speech = compose([1.5, FIRST, 2.5, SECOND], tmp_path_factory.mktemp("hearing") / "answer.wav")
    heard = hear(whisper, speech.samples)
    return speech, heard, assess_answer(heard.transcript.words, heard.spans, prospect_end=0.0)


def test_latency_matches_the_inserted_silence(paused_answer):
    _, _, assessment = paused_answer
    assert assessment.metrics.latency_s == pytest.approx(1.5, abs=LATENCY_TOLERANCE_S)
    assert assessment.metrics.hesitation is False  # 1.5 s is under the 2.0 s default limit


def test_pace_matches_words_over_the_energy_measured_span(paused_answer):
    speech, _, assessment = paused_answer
    start, end = energy_extent(speech.samples)
    true_words = len(FIRST.split()) + len(SECOND.split())
    expected_wpm = 60 * true_words / (end - start)
    assert assessment.metrics.wpm == pytest.approx(expected_wpm, rel=PACE_TOLERANCE)


def test_monologue_splits_at_the_long_pause(paused_answer):
    speech, heard, assessment = paused_answer
    assert len(heard.spans) == 2
    longest_part = max(span.duration for span in speech.spans)
    assert assessment.metrics.longest_monologue_s == pytest.approx(longest_part, abs=0.1)
    assert assessment.metrics.talk_s == pytest.approx(sum(s.duration for s in speech.spans), abs=0.15)


def test_later_prospect_end_shortens_latency(paused_answer):
    _, heard, _ = paused_answer
    later = assess_answer(heard.transcript.words, heard.spans, prospect_end=1.0)
    assert later.metrics.latency_s == pytest.approx(0.5, abs=LATENCY_TOLERANCE_S)


def _builtin_packs() -> list[Pack]:
    return [pack for _, pack in discover_packs() if isinstance(pack, Pack)]


# Runs used to differ (0-3 of the 84 answers lost one cue, a different one each time): not
# Whisper, which hears one file the same every time, loaded machine or not, but espeak-ng, whose
# take of a line depended on the lines it had rendered before. tests/tts_speech.py now renders
# every test line in a new engine, and all 84 are heard with every move, run after run. One
# miss is allowed for another CPU (CTranslate2 picks its kernels by instruction set); none may
# miss two. Every model answer covers all its moves as text (tests/core/test_library.py).
SPOKEN_SINGLE_MISSES_ALLOWED = 1


@pytest.mark.slow
def test_every_builtin_model_answer_covers_its_moves_when_spoken(whisper, tmp_path):
    misses, answers = [], 0
    for pack in _builtin_packs():
        for objection in pack.objections:
            # Half a second either side, as a microphone gives: Whisper garbles a first word with no lead-in.
            speech = compose([0.5, objection.model_answer, 0.5], tmp_path / f"{pack.id}-{objection.id}.wav")
            heard = hear(whisper, speech.samples)
            result = assess_answer(heard.transcript.words, heard.spans, 0.0, objection, pack,
                                   recogniser=shared_recogniser())  # as a drill judges them
            answers += 1
            missed = [m for m, ok in result.rubric.as_json().items() if not ok]
            if missed:
                misses.append((len(missed), f"{pack.id}/{objection.id}: missed {missed} in {heard.transcript.text!r}"))
    report = "\n".join(text for _, text in misses)
    assert answers >= 60
    assert all(count == 1 for count, _ in misses), report
    assert len(misses) <= SPOKEN_SINGLE_MISSES_ALLOWED, report


def test_a_bad_answer_covers_nothing_and_scores_low_with_reasons(whisper, tmp_path):
    pack = next(p for p in _builtin_packs() if p.id == "cold-call-brush-offs")
    objection = pack.objection("not-interested")
    speech = compose([0.5, "uh sorry to bother you I guess I'll just send an email", 0.5], tmp_path / "bad.wav")
    heard = hear_file(whisper, speech.path)
    result = assess_answer(heard.transcript.words, heard.spans, 0.0, objection, pack)
    assert not any(result.rubric.as_json().values()), heard.transcript.text
    assert result.card.score < 50
    reasons = " | ".join(r.text for r in result.card.reasons)
    for move in objection.rubric:
        assert f"Missed: {move.id}" in reasons
    assert "sorry to bother" in reasons and "I guess" in reasons  # hedges are named
    assert "say more" in reasons  # too short

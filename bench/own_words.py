"""Benchmark of the meaning recogniser: recall and false credit on the own-words set, typed and spoken, and its cost.

Typed: the answers as written. Spoken: the same answers said by espeak-ng (the project's
TTS) and transcribed by each engine, stored beside the set as `<set>.<engine>.yaml`
(`--transcribe` makes them; they are committed, so a run needs no engine). Both sets
are measured: the calibration set chose the thresholds (scripts/calibrate-moves), the
held-out set never touched them, so its row is the honest one. The cue matcher, which
the recogniser replaces, is measured beside it. Speed: recognising the moves of a
~30 s answer on one thread (p50/p95 over repeats, after load), model load, added RSS (a fresh
user's cache: the lean model made, no answer vectors stored yet).

Run: `.venv/bin/python bench/own_words.py` (about a minute); `--transcribe` first
after changing the sets (several minutes: every answer is spoken and transcribed).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import yaml  # noqa: E402
from own_words import OWN_WORDS, builtin_packs, evaluate, load_set  # noqa: E402
from results import machine, rss_mb, table, write_section  # noqa: E402

from trainer.core.meaning import CueRecogniser  # noqa: E402
from trainer.core.transcript import Word  # noqa: E402

SETS = ("calibration", "heldout")
ENGINES = ("whisper", "vosk")
TARGETS = {"typed": (0.90, 0.05), "spoken": (0.85, 0.07)}  # recall at least, false credit at most


def transcribe_sets(names: tuple[str, ...] = SETS) -> None:
    """Speak every answer of the sets with espeak-ng and store each engine's transcript of it."""
    import english_vosk
    from tts_speech import spoken

    from trainer.speech.engines import load_engine, transcribe

    engines = {"whisper": load_engine("whisper", partials=False)}
    if english_vosk.missing_reason(english_vosk.model_path()) is None:
        engines["vosk"] = load_engine("vosk", english_vosk.model_path())
    else:
        print("no English Vosk model: run `make test` once (it fetches it); Vosk transcripts skipped")
    for name in names:
        items = load_set(name)
        for engine_name, engine in engines.items():
            heard = []
            for n, item in enumerate(items, 1):
                heard.append(transcribe(engine, spoken(item.answer)).text.strip())
                print(f"\r{name} {engine_name}: {n}/{len(items)}", end="", flush=True)
            print()
            path = OWN_WORDS / f"{name}.{engine_name}.yaml"
            header = (f"# {name}.yaml spoken by espeak-ng (en-us) and transcribed by {engine_name}, "
                      "one transcript per answer in order; made by bench/own_words.py --transcribe\n")
            path.write_text(header + yaml.safe_dump(heard, allow_unicode=True, width=1000), encoding="utf-8")


def row(label: str, tallies: dict, target: tuple[float, float]) -> list[str]:
    total = tallies["*"]
    ok = total.recall >= target[0] and total.false_rate <= target[1]
    return [label, f"recall {total.recall:.3f}, false credit {total.false_rate:.3f} "
            f"({total.positives} + {total.negatives} moves)",
            f">= {target[0]:.2f} / <= {target[1]:.2f}", "ok" if ok else "MISSED"]


def per_move(tallies: dict) -> list[list[str]]:
    rows = []
    for move, t in sorted(tallies.items(), key=lambda kv: -(kv[1].positives + kv[1].negatives)):
        if move == "*" or t.positives + t.negatives < 8:
            continue
        recall = "-" if t.recall is None else f"{t.recall:.2f}"
        false = "-" if t.false_rate is None else f"{t.false_rate:.2f}"
        rows.append([move, recall, false, f"{t.positives}/{t.negatives}"])
    return rows


def speed(recogniser) -> list[list[str]]:
    """Moves of a ~30 s answer (75+ words at 150 wpm), its clauses never seen before, on one thread:
    judged whole when it ends, and as a drill does it, with the clauses of the partial texts
    heard while the rep spoke (every 3 words here) encoded before the end."""
    packs = builtin_packs()
    node = packs["cold-call-brush-offs"].objection("not-interested")
    words = []
    for item in load_set("heldout"):
        words += item.answer.split()
        if len(words) >= 75:
            break
    answer = " ".join(words)
    rows = []
    for label, prepared in (("moves of a 30 s answer, one thread", False),
                            ("  the same, clauses prepared from partials (a drill)", True)):
        times = []
        for _ in range(20):
            for window in recogniser._windows([Word(w, 0.0, 0.0) for w in words], ()):
                recogniser.encoder._cache.pop(window.text, None)  # as if the rep had just said it
            if prepared:
                for end in range(3, len(words), 3):
                    recogniser.prepare(" ".join(words[:end]))
            started = time.perf_counter()
            recogniser.check(node, answer)
            times.append(time.perf_counter() - started)
        times.sort()
        p50, p95 = statistics.median(times) * 1000, times[int(0.95 * (len(times) - 1))] * 1000
        rows.append([label, f"p50 {p50:.0f} ms, p95 {p95:.0f} ms ({len(words)} words)", "p95 <= 60 ms",
                     "ok" if p95 <= 60 else "MISSED"])
    rows.append(lean_cost(recogniser.encoder, [w.text for w in recogniser._windows(
        [Word(w, 0.0, 0.0) for w in words], ()) if not w.pair_of]))
    return rows


def lean_cost(encoder, clauses: list[str]) -> list[str]:
    """The time the lean model (int8 in memory) takes to encode the answer's clauses, as a ratio to the
    shipped model loaded as it is (float32 layers), the two alternated in one run on one thread."""
    import onnxruntime as ort

    from trainer.meaning.encoder import model_path

    options = ort.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    sessions = {"lean": encoder._session,
                "shipped": ort.InferenceSession(str(model_path()), sess_options=options, providers=["CPUExecutionProvider"])}
    times: dict[str, list[float]] = {name: [] for name in sessions}
    for _ in range(20):
        for name, session in sessions.items():
            encoder._session = session
            started = time.perf_counter()
            encoder._run(clauses)
            times[name].append(time.perf_counter() - started)
    encoder._session = sessions["lean"]
    lean, shipped = statistics.median(times["lean"]), statistics.median(times["shipped"])
    return ["  lean model (int8 in memory) against the shipped one (float32 layers), same clauses",
            f"{lean / shipped:.2f}x the time (p50 {lean * 1000:.0f} / {shipped * 1000:.0f} ms, {len(clauses)} clauses)", "", ""]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transcribe", action="store_true", help="speak and transcribe the sets first")
    parser.add_argument("--sets", nargs="+", choices=SETS, default=list(SETS), help="which sets to transcribe")
    parser.add_argument("--transcribe-only", action="store_true", help="transcribe, then stop (no measuring)")
    args = parser.parse_args()
    if args.transcribe or args.transcribe_only:
        transcribe_sets(tuple(args.sets))
    if args.transcribe_only:
        return 0
    about = machine()
    # A fresh user's cache: no stored answer vectors (they add up to 20,000 x 1.5 KB over time), and the
    # lean model made beforehand in another process, as the first start does once
    os.environ["TRAINER_CACHE"] = tempfile.mkdtemp(prefix="own-words-cache-")
    subprocess.run([sys.executable, "-c", "from trainer.meaning.encoder import SentenceEncoder; SentenceEncoder()"],
                   check=True, cwd=ROOT)
    before = rss_mb()
    from trainer.meaning.recogniser import load_meaning_recogniser

    started = time.perf_counter()
    recogniser = load_meaning_recogniser()
    ready_s = time.perf_counter() - started
    added = rss_mb() - before  # one recogniser, as a drill holds it
    from trainer.meaning.encoder import SentenceEncoder

    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as empty:
        SentenceEncoder(store=Path(empty) / "none.npz")  # the lean model is in the cache by now
    load_s = time.perf_counter() - started
    cues = CueRecogniser()
    packs = builtin_packs()
    rows, detail, judged = [], [], 0
    for name in SETS:
        for mode in ("typed", *ENGINES):
            engine = None if mode == "typed" else mode
            if engine and not (OWN_WORDS / f"{name}.{engine}.yaml").is_file():
                continue
            items = load_set(name, engine)
            judged += len(items)
            target = TARGETS["typed" if engine is None else "spoken"]
            meaning = evaluate(items, lambda node, text: recogniser.check(node, text).covered, packs)
            by_cue = evaluate(items, lambda node, text: cues.check(node, text).covered, packs)
            rows.append(row(f"{name}, {mode}: meaning", meaning, target))
            rows.append(row(f"{name}, {mode}: cue phrases (before)", by_cue, target))
            if name == "heldout" and mode == "typed":
                detail = per_move(meaning)
    from trainer.drill.freed_memory import return_freed_memory

    return_freed_memory()  # as a drill does after each turn
    used = rss_mb() - before  # before speed(), which loads the shipped model beside the lean one
    rows += speed(recogniser)
    rows.append(["recogniser ready, first in the process (session, vectors, library)", f"{ready_s:.2f} s", "", ""])
    rows.append(["model load, a second time (session + tokenizer)", f"{load_s:.2f} s", "<= 1 s",
                 "ok" if load_s <= 1 else "MISSED"])
    rows.append(["added RSS, loaded", f"{added:.0f} MB", "<= 120 MB", "ok" if added <= 120 else "MISSED"])
    rows.append([f"added RSS after judging every answer above ({judged} answer texts; freed memory returned, "
                 "as a drill does)", f"{used:.0f} MB", "<= 120 MB", "ok" if used <= 120 else "MISSED"])
    body = table(rows) + ["", "Held-out set, typed, per move (moves with 8+ labels):", ""]
    body += table(detail, ("move", "recall", "false credit", "labels true/false"))
    print("\n".join(body))
    write_section("own_words", "Moves by meaning (bench/own_words.py)", about,
                  ["Recall and false credit of the move recogniser on the own-words set; cost per answer.", "", *body])
    print(about)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

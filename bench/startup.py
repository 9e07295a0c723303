"""Benchmark of the app's start: cold start to a usable main window, and memory with the speech engine loaded.

Each run is a fresh Python process (as `trainer` is) that builds the app exactly as
`trainer.ui.app.main()` does, on a data folder holding a short history of real drills.
"Usable" means the first view (Today) has its data on screen. The process then loads
the speech engine the way a drill does and reports its resident memory (VmRSS).
Qt runs offscreen, so no display is needed. Prints a table and writes it into
bench/RESULTS.md (between the `startup` markers).

Run: `.venv/bin/python bench/startup.py` (about a minute on 2 cores).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "ui")]

from results import machine, rss_mb, table, versions, write_section  # noqa: E402

RUNS = 5
START_GOAL_S = 2.0
RSS_GOAL_MB = 450
HISTORY_DRILLS = 4


def child(spawned_at: float, engine: str | None, model: str | None) -> None:
    """In a fresh process: open the app as main() does, time it, then load the engine and measure memory."""
    from PySide6.QtCore import QTimer

    from trainer.ui.app import create_app, dispose
    from trainer.ui.app_settings import AppSettings
    from trainer.ui.context import AppContext
    from trainer.ui.main_window import MainWindow

    app = create_app()
    ctx = AppContext(AppSettings(engine=engine, model=model), save=False)
    window = MainWindow(ctx)
    window.show()
    shown = time.time() - spawned_at
    out: dict[str, float] = {"shown_s": shown}

    def usable() -> None:
        out["usable_s"] = time.time() - spawned_at
        out["rss_window_mb"] = rss_mb()
        started = time.monotonic()
        ctx.engine()  # what a drill does first (in the background there; here the numbers are what matter)
        out["engine_load_s"] = time.monotonic() - started
        out["rss_engine_mb"] = rss_mb()
        out["engine"] = ctx.loaded_engine().name
        window.close()
        QTimer.singleShot(0, app.quit)

    window.views["today"].loaded.connect(usable)
    app.exec()
    dispose(window)
    print(json.dumps(out), flush=True)


def run_child(env: dict, engine: str | None = None, model: str | None = None) -> dict:
    """One fresh app process; returns its measurements."""
    args = [sys.executable, __file__, "--child", repr(time.time()), engine or "", model or ""]
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise SystemExit(f"the app process failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(lines[-1])


def main() -> int:
    about = machine()
    from demo_drills import HISTORY, populate
    from english_vosk import english_model_or_none

    from trainer.speech.models import installed_models
    from trainer.speech.whisper_engine import WhisperEngine

    work = Path(tempfile.mkdtemp(prefix="repdrill-startup-"))
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    for name in ("DATA", "CACHE", "CONFIG", "MODELS"):
        env[f"TRAINER_{name}"] = os.environ[f"TRAINER_{name}"] = str(work / name.lower())
    print(f"a history of {HISTORY_DRILLS} drills in {work} ...", flush=True)
    populate(work / "data", WhisperEngine(partial_every_s=None), work / "work", HISTORY[-HISTORY_DRILLS:])

    runs = [run_child(env) for _ in range(RUNS)]
    usable = [r["usable_s"] for r in runs]
    shown = [r["shown_s"] for r in runs]
    whisper = runs[-1]
    rows = [
        ("start to window shown (fresh process)", f"median {statistics.median(shown):.2f} s, max {max(shown):.2f} s",
         "", ""),
        ("start to usable window (Today's data on screen)",
         f"median {statistics.median(usable):.2f} s, first {usable[0]:.2f} s, max {max(usable):.2f} s",
         f"<= {START_GOAL_S:g} s", "ok" if max(usable) <= START_GOAL_S else "over"),
        ("RSS, window open, no engine", f"{statistics.median(r['rss_window_mb'] for r in runs):.0f} MB", "", ""),
        ("RSS with Whisper tiny.en loaded (the engine used here)",
         f"{whisper['rss_engine_mb']:.0f} MB (load {whisper['engine_load_s']:.2f} s)", f"<= {RSS_GOAL_MB} MB",
         "ok" if whisper["rss_engine_mb"] <= RSS_GOAL_MB else "over"),
    ]
    vosk = next((m.path for m in installed_models() if m.engine == "vosk" and m.language == "en"), None)
    vosk = vosk or english_model_or_none()  # the English model `make test` fetched (tests/english_vosk.py)
    korean = next((m for m in installed_models() if m.engine == "vosk" and m.language == "ko"), None)
    if vosk is not None:
        v = run_child(env, "vosk", str(vosk))
        rows.append((f"RSS with Vosk {vosk.name} loaded", f"{v['rss_engine_mb']:.0f} MB (load {v['engine_load_s']:.2f} s)",
                     f"<= {RSS_GOAL_MB} MB", "ok" if v["rss_engine_mb"] <= RSS_GOAL_MB else "over"))
    else:
        rows.append(("RSS with Vosk small English loaded", "not measured: no English Vosk model installed here",
                     f"<= {RSS_GOAL_MB} MB", ""))
    if korean is not None:
        k = run_child(env, "vosk", str(korean.path))
        rows.append((f"RSS with the Korean Vosk test model ({korean.name}, {korean.size / 1e6:.0f} MB)",
                     f"{k['rss_engine_mb']:.0f} MB (load {k['engine_load_s']:.2f} s)", "", ""))
    lines = table(rows)
    print("\n".join(lines))
    write_section("startup", "App start and memory (`bench/startup.py`)", about, [
        f"Versions: {versions(('PySide6-Essentials', 'faster-whisper', 'vosk'))}.",
        f"{RUNS} fresh processes (Qt offscreen), each opening the app on a data folder with {HISTORY_DRILLS} stored "
        "drills; the first parses the packs, the others find them in the cache (trainer/ui/pack_cache.py). Then "
        "the speech engine is loaded as a drill loads it.",
        "",
        *lines,
    ])
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(float(sys.argv[2]), sys.argv[3] or None, sys.argv[4] or None)
        sys.exit(0)
    sys.exit(main())

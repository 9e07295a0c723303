"""Benchmark of echo cancellation (speakers in the room): how much echo goes, at what CPU cost, and drills with echo.

1. Canceller alone: six espeak-ng lines (two voices, two rates) played through the
   simulated room (`trainer.drill.echo_sim`: a delay, the direct sound, a decaying tail) at
   -25, -18, -12 and -6 dB and 10, 40 and 80 ms; ERLE (echo return loss enhancement,
   dB) over the first line (AEC3 still adapting) and over the lines after it, for
   WebRTC AEC3 alone and with RepDrill's residual gate (and its linear echo estimate); seconds of speech left that
   webrtcvad hears; CPU time per second of audio (one core, process time).
2. Drills: the price-and-budget "more-than-expected" objection answered by two espeak
   files through Whisper tiny.en on a virtual clock (as `trainer drill --fast
   --echo-sim`), at five rooms, against the same drill without echo: prospect words
   in the rep's transcripts, the largest latency and talk-time differences, false
   barge-ins; then the rep starting 1.0, 1.5 and 2.0 s before each line ends (30
   turns): barge-ins detected, words of the line in those transcripts (the prospect's
   only where the line said them, after the room's delay; any others are listed with the
   transcript of the rep's audio as cancelled with no echo in it: `echo_drills.stray_words`,
   `no_echo`), how many of the rep's words the transcript kept (against the same
   drills in headphones), and per room the seconds of the rep's speech over the line
   the gate kept: 10 ms frames before the line's end that webrtcvad hears as speech in
   the rep's own audio and in the cancelled microphone, against those of the rep's own
   audio (`overlap_kept`).

Prints a table and writes the `echo` section of bench/RESULTS.md.
Run: `.venv/bin/python bench/echo.py` (2.5 minutes here at load 3, 11 at load 8).
"""

from __future__ import annotations

import math
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from results import machine, table, versions, write_section  # noqa: E402
from tts_speech import compose, spoken  # noqa: E402

RATE = 16_000
LINES = ["Oh. That's more than I expected.", "Well, right now it costs me nothing. I do the rota myself on Sunday nights.",
         "Gosh, that's expensive for a little business like mine."]
ROOMS = [(level, delay) for level in (-25, -18, -12, -6) for delay in (10, 40, 80)]
DRILL_ROOMS = [(-25, 10), (-18, 60), (-12, 40), (-6, 10), (-6, 80)]
ASKS = "I understand, it's a real number for three shops. Can I ask what you had in mind?"
ASKS_BRIEFLY = "That makes sense. How long does that take you?"
# How long before the line ends the rep starts (each answer file begins with 0.8 s and 0.5 s of
# silence: the rep's words run 0.2-1.5 s over the line).
TALK_OVER_S = (1.0, 1.5, 2.0)
CPU_GOAL = 5.0  # % of one core (issue 16)


def db(samples: np.ndarray) -> float:
    """Mean power in dB (int16 units)."""
    values = samples.astype(np.float64)
    return 10 * math.log10(max(float(np.mean(values * values)), 1e-10))


def erle(heard: np.ndarray, left: np.ndarray) -> str:
    """ERLE in dB as text; 'all' when nothing at all is left (the gate silenced it)."""
    return "all" if not left.any() else f"{db(heard) - db(left):.1f}"


def cancel_in_room(level: float, delay: float, takes: list[np.ndarray]) -> dict:
    """The takes played one after another (a second apart) through the room; ERLE, speech left, CPU."""
    from trainer.drill.echo_sim import RoomEcho, room_response
    from trainer.speech import vad
    from trainer.speech.audio_in import AudioChunk
    from trainer.speech.audio_out import Playback
    from trainer.speech.echo import REFERENCE_LEAD_S, EchoCancellation
    from trainer.speech.echo_canceller import EchoCanceller
    from trainer.speech.played_audio import PlayedAudio

    played, pieces, at = PlayedAudio(), [], 0
    spans = []
    for take in takes:
        playback = Playback(frames=len(take), rate=RATE, started_at=at / RATE, ended_at=(at + len(take)) / RATE)
        playback.done.set()
        played.add(take, playback)
        spans.append((at, at + len(take) + RATE // 2))
        pieces += [take, np.zeros(RATE, np.int16)]
        at += len(take) + RATE
    signal = np.concatenate(pieces)
    signal = signal[: len(signal) // 320 * 320]
    mic = np.clip(np.round(np.convolve(signal.astype(np.float64), room_response(RoomEcho(level, delay)))[:len(signal)]),
                  -32768, 32767).astype(np.int16)
    lead = round(REFERENCE_LEAD_S * RATE)
    reference = np.concatenate([signal[lead:], np.zeros(lead, np.int16)])  # what the gate's canceller is given
    canceller = EchoCanceller()
    aec_only = np.concatenate([canceller.process(mic[i:i + 320], reference[i:i + 320]) for i in range(0, len(mic), 320)])
    echo = EchoCancellation.start(played)
    started = time.process_time()
    gated = np.concatenate([echo.clean(AudioChunk(mic[i:i + 320], i / RATE, i)).samples for i in range(0, len(mic), 320)])
    cpu = time.process_time() - started
    first, later = slice(*spans[0]), slice(spans[1][0], len(mic))
    return {
        "aec_first": db(mic[first]) - db(aec_only[first]), "aec_later": db(mic[later]) - db(aec_only[later]),
        "gate_first": erle(mic[first], gated[first]), "gate_later": erle(mic[later], gated[later]),
        "voiced_aec": sum(s.end - s.start for s in vad.speech_spans(aec_only)),
        "voiced": sum(s.end - s.start for s in vad.speech_spans(gated)),
        "cpu": 100 * cpu / (len(mic) / RATE),
    }


def overlap_kept(tape, turns) -> tuple[float, float]:
    """Seconds of the rep's speech over each turn's line: (really said over it, kept by the cancellation).

    Voiced 10 ms frames (webrtcvad) of the rep's own audio between the line's start and end as
    played, and of those, the frames also voiced in the cancelled microphone (read
    `CANCELLER_LAG_SAMPLES` late, as AEC3's output comes).
    """
    from trainer.speech import vad
    from trainer.speech.echo_canceller import CANCELLER_LAG_SAMPLES

    said, heard = vad.voiced_frames(tape.rep), vad.voiced_frames(tape.cleaned[CANCELLER_LAG_SAMPLES:])
    kept = said[:len(heard)] & heard[:len(said)]
    per_s, really, left = 1000 // vad.FRAME_MS, 0, 0
    for turn in turns:
        start, end = (max(0, round((at - tape.origin) * per_s)) for at in (turn.prospect_start, turn.prospect_end))
        really += int(np.count_nonzero(said[start:end]))
        left += int(np.count_nonzero(kept[start:end]))
    return really / per_s, left / per_s


def drills(folder: Path) -> dict:
    """The drill at each room against the drill without echo; then with the rep talking over each line."""
    from echo_drills import echo_drill, no_echo, prospect_words_heard, stray_words, taped_echo_drill, words, words_kept

    from trainer.core.packs import find_pack
    from trainer.drill.plan import plan_drill
    from trainer.drill.echo_sim import RoomEcho
    from trainer.speech.whisper_engine import WhisperEngine

    engine = WhisperEngine(partial_every_s=None)
    plan = plan_drill(find_pack("price-and-budget"), 4, "more-than-expected", seed=7)
    answers = [compose([0.8, ASKS, 1.0], folder / "01.wav").path,
               compose([0.5, ASKS_BRIEFLY, 1.0], folder / "02.wav").path]
    scripts = [ASKS, ASKS_BRIEFLY]
    clean, _ = echo_drill(folder / "clean", plan, engine, answers, None)
    found = {"words": 0, "latency": 0.0, "talk": 0.0, "false_barge_ins": 0, "turns": 0, "barge_ins": 0,
             "over_turns": 0, "echo_timed": 0, "stray": 0, "stray_turns": 0, "stray_alone": 0,
             "missed": [], "prospect_heard": [],
             "kept": {over_s: [0, 0] for over_s in TALK_OVER_S}, "over_s": {room: [0.0, 0.0] for room in DRILL_ROOMS}}
    for n, (level, delay) in enumerate(DRILL_ROOMS):
        os.environ["TRAINER_CACHE"] = str(folder / f"cache-{n}")  # a new espeak take of each line per drill
        result, _ = echo_drill(folder / f"room-{n}", plan, engine, answers, RoomEcho(level, delay))
        found["words"] += len(prospect_words_heard(result, scripts))
        for turn, reference in zip(result.turns, clean.turns):
            found["turns"] += 1
            found["false_barge_ins"] += turn.barge_ins
            found["latency"] = max(found["latency"], abs(turn.assessment.metrics.latency_s
                                                         - reference.assessment.metrics.latency_s))
            talk = sum(s.end - s.start for s in turn.spans)
            found["talk"] = max(found["talk"], abs(talk - sum(s.end - s.start for s in reference.spans)))
        for over_s in TALK_OVER_S:
            over, _, tape = taped_echo_drill(folder / f"over-{n}-{over_s}", plan, engine, answers,
                                             RoomEcho(level, delay), talk_over_s=over_s)
            found["over_s"][level, delay] = [a + b for a, b in zip(found["over_s"][level, delay],
                                                                   overlap_kept(tape, over.turns))]
            for turn, script in zip(over.turns, scripts):
                stray = stray_words(engine, tape, turn, script, delay / 1000)
                found["stray"] += len(stray)
                found["echo_timed"] += sum(timed for _, _, timed in stray)
                if stray:
                    alone = no_echo(engine, tape, turn)
                    found["stray_alone"] += bool(set(words(alone)) & (set(words(turn.line)) - set(words(script))))
                    found["prospect_heard"] += [
                        f"{level} dB {delay} ms, {over_s:.1f} s over, turn {turn.number}: {text!r} at {start:.2f} s "
                        f"({'where the line said it: echo' if timed else 'not where the line said it'}) in "
                        f"{turn.transcript!r}; the rep's audio as cancelled, no echo at all: {alone[:80]!r}"
                        for text, start, timed in stray]
                    found["stray_turns"] += 1
            found["over_turns"] += len(over.turns)
            found["barge_ins"] += sum(1 for turn in over.turns if turn.barge_ins >= 1)
            found["missed"] += [f"{level} dB {delay} ms, {over_s:.1f} s over, turn {turn.number}: {turn.transcript!r}"
                                for turn in over.turns if turn.barge_ins < 1]
            found["kept"][over_s][0] += sum(words_kept(t.transcript, said) for t, said in zip(over.turns, scripts))
    for over_s in TALK_OVER_S:
        headphones, _ = echo_drill(folder / f"over-headphones-{over_s}", plan, engine, answers, None,
                                   talk_over_s=over_s)
        found["kept"][over_s][1] = sum(words_kept(t.transcript, said) for t, said in zip(headphones.turns, scripts))
    found["said"] = sum(len(words(said)) for said in scripts)
    return found


def main() -> int:
    about = machine()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name in ("DATA", "CACHE", "MODELS"):
            os.environ[f"TRAINER_{name}"] = str(folder / name.lower())
        takes = [spoken(line, voice=voice, rate=rate) for line in LINES[:2] for voice, rate in
                 (("en-us", 175), ("en-gb", 150))] + [spoken(LINES[2])]
        rooms = {room: cancel_in_room(*room, takes) for room in ROOMS}
        found = drills(folder)

    room_rows = [(f"{level} dB, {delay} ms", f"{r['aec_first']:.1f} / {r['aec_later']:.1f}",
                  f"{r['gate_first']} / {r['gate_later']}", f"{r['voiced_aec']:.2f} / {r['voiced']:.2f}",
                  f"{r['cpu']:.2f}")
                 for (level, delay), r in rooms.items()]
    cpu = max(r["cpu"] for r in rooms.values())
    summary = [
        ("CPU per second of audio (AEC3 + gate + linear estimate, one core)", f"{cpu:.2f}% at most", f"<= {CPU_GOAL:.0f}%",
         "met" if cpu <= CPU_GOAL else "missed"),
        ("prospect words in rep transcripts (5 rooms, 10 turns)", str(found["words"]), "0",
         "met" if found["words"] == 0 else "missed"),
        ("latency error against the drill without echo", f"{found['latency']:.2f} s at most", "<= 0.1 s",
         "met" if found["latency"] <= 0.1 else "missed"),
        ("talk-time error against the drill without echo", f"{found['talk']:.2f} s at most", "<= 0.2 s",
         "met" if found["talk"] <= 0.2 else "missed"),
        ("false barge-ins (no one talked over the line)", str(found["false_barge_ins"]), "0",
         "met" if found["false_barge_ins"] == 0 else "missed"),
        ("barge-ins detected, rep 1-2 s over each line", f"{found['barge_ins']} of {found['over_turns']}",
         ">= 95%", "met" if found["barge_ins"] >= 0.95 * found["over_turns"] else "missed"),
        ("prospect words in transcripts with barge-ins (where the line said them)", str(found["echo_timed"]), "0",
         "met" if found["echo_timed"] == 0 else "missed"),
        ("words of the line elsewhere (the rep's words misheard)",
         f"{found['stray'] - found['echo_timed']} (turns: {found['stray_turns']}; also without echo: "
         f"{found['stray_alone']})", "", ""),
    ]
    rooms_n = len(DRILL_ROOMS)
    summary += [(f"rep's words kept, answer begun {over_s:.1f} s before the line's end",
                 f"{kept} of {rooms_n * found['said']} ({100 * kept / (rooms_n * found['said']):.0f}%)",
                 f"headphones: {alone} of {found['said']} ({100 * alone / found['said']:.0f}%)", "")
                for over_s, (kept, alone) in found["kept"].items()]
    summary += [(f"rep's speech over the line kept, {level} dB {delay} ms (voiced s, 1.0-2.0 s over)",
                  f"{kept:.2f} of {really:.2f} s ({100 * kept / really:.0f}%)", "", "")
                for (level, delay), (really, kept) in found["over_s"].items()]
    missed = ["", "Barge-ins not detected:",
              *[f"- {text}" for text in found["missed"]]] if found["missed"] else []
    if found["prospect_heard"]:
        missed += ["", "Words of the prospect's line, not of the answer, in transcripts with barge-ins (a word counts "
                   "as the prospect's when the line said it within 0.25 s of where it was heard, after the room's "
                   "delay):",
                   *[f"- {text}" for text in found["prospect_heard"]]]
    lines = [*table(summary), *missed, "",
             *table(room_rows, ("room (level, delay)", "ERLE AEC3 first / later (dB)",
                                "ERLE with gate first / later (dB)", "voiced s left AEC3 / with gate", "CPU %"))]
    print("\n".join(lines))
    write_section("echo", "Echo cancellation, speakers in the room (`bench/echo.py`)", about, [
        f"Versions: {versions(('livekit', 'faster-whisper'))}.",
        "WebRTC AEC3 (livekit's AudioProcessingModule) and RepDrill's residual gate (trainer/speech/echo.py, with "
        "its linear echo estimate for the rep talking over a line: trainer/speech/echo_filter.py) on "
        "espeak-ng lines through the simulated room of `trainer drill --echo-sim` (level against the line as "
        "played, delay, then a 0.1 s decaying tail). ERLE ('all': nothing at all left) over the first line (the canceller adapting from "
        "nothing) and over the lines after it; 'voiced s left' is what webrtcvad still takes for speech. Drills: "
        "Whisper tiny.en, virtual clock, a new espeak take of each line per drill, against the same drill without "
        "echo.",
        "",
        *lines,
    ])
    return 0


if __name__ == "__main__":
    sys.exit(main())

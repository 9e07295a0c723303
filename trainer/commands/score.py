"""`trainer score`: score recorded answers (or a typed one), with or without a pack's objection.

Several recordings are scored in one run with the engine loaded once and, with Vosk, one
recognizer hearing them one after another, which decodes with less CPU than a fresh one each
(trainer/speech/vosk_engine.py; bench/score.py measures both). A typed answer (`--text`) has
no audio, so its timing metrics are null and its score counts the rubric alone: what a pack
author needs to check that a rubric credits the answers it should.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from dataclasses import replace

from trainer.core.answer import assess_answer
from trainer.core.errors import TrainerError
from trainer.core.pack_model import Node, Pack
from trainer.core.packs import find_objection, resolve_pack
from trainer.core.targets import DEFAULT_WEIGHTS
from trainer.core.transcript import untimed_words
from trainer.meaning.recogniser import fallback_reason, shared_recogniser, warm_up_in_background
from trainer.speech import wavs
from trainer.speech.engines import ENGINE_NAMES, load_engine
from trainer.speech.hearing import hear


# A typed answer has no timing: its score is the rubric's alone.
TEXT_ONLY_WEIGHTS = {name: (1.0 if name == "rubric" else 0.0) for name in DEFAULT_WEIGHTS}


def register(subparsers) -> None:
    """Add `trainer score`."""
    parser = subparsers.add_parser(
        "score",
        help="score recorded answers (talk time, pace, latency, fillers, rubric)",
        description="Transcribe and score answers. With --pack and --objection each answer "
        "is also checked against the objection's rubric and given a score with reasons. "
        "Several files are scored one after another with the engine loaded once (--json: a list). "
        "With --text, score a typed answer instead (no audio: timing is null, the score is the rubric's).",
    )
    parser.add_argument("answers", type=Path, nargs="*", metavar="ANSWER", help="an answer, a WAV file")
    parser.add_argument("--text", help="a typed answer to score instead of a WAV file (checks a rubric)")
    parser.add_argument("--pack", help="pack id (see `trainer packs`) or a pack file")
    parser.add_argument("--objection", help="objection id within the pack, or OBJECTION/FOLLOW-UP for a follow-up turn")
    parser.add_argument(
        "--prospect-end",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="when the prospect stopped speaking, in the file's time (default 0: the file starts then)",
    )
    parser.add_argument("--engine", choices=ENGINE_NAMES, help="speech engine (default: Vosk if installed, else Whisper)")
    parser.add_argument("--model", type=Path, help="model folder for the engine")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.set_defaults(func=run)


def _node(args: argparse.Namespace) -> tuple[Pack | None, Node | None]:
    if args.objection and not args.pack:
        raise TrainerError("--objection needs --pack (the pack the objection belongs to)")
    if not args.pack:
        return None, None
    pack = resolve_pack(args.pack)
    if not args.objection:
        ids = ", ".join(o.id for o in pack.objections[:8])
        raise TrainerError(f"--pack needs --objection too; objections in '{pack.id}' include: {ids}")
    objection_id, _, follow_up = args.objection.partition("/")
    objection = find_objection(pack, objection_id)
    if not follow_up:
        return pack, objection
    if follow_up not in objection.follow_ups:
        known = ", ".join(objection.follow_ups) or "none"
        raise TrainerError(f"objection '{objection_id}' has no follow-up '{follow_up}' (its follow-ups: {known})")
    return pack, objection.follow_ups[follow_up]


def run(args: argparse.Namespace) -> int:
    """Score the answers (or the typed one) and print the results."""
    if bool(args.answers) == (args.text is not None):
        raise TrainerError("give the answer as WAV files or as --text \"...\" (one of the two)")
    if args.prospect_end < 0:
        raise TrainerError("--prospect-end must be 0 or more seconds")
    if args.text is not None:
        return _run_text(args)
    first = wavs.read_engine_audio(args.answers[0])  # bad files fail before the slow engine load
    for path in args.answers[1:]:
        wavs.read_engine_audio(path)  # read twice: ~1% of a file's scoring time, and no file held in memory
    pack, node = _node(args)
    if node is not None:
        warm_up_in_background([node])  # the meaning model loads while the engine transcribes
    engine = load_engine(args.engine, args.model, partials=False)
    recognizer = engine.recognizer()  # one for all the files: see the module docstring
    results = []
    for n, path in enumerate(args.answers):
        samples = first if n == 0 else wavs.read_engine_audio(path)
        result = _scored(path, hear(engine, samples, recognizer), engine.name, args.prospect_end, pack, node)
        if args.json or len(args.answers) == 1:
            results.append(result)
        else:  # each as soon as it is scored
            print(("\n" if n else "") + f"== {path} ==\n" + describe_answer(result), flush=True)
    if len(args.answers) == 1:
        print(json.dumps(results[0], indent=2) if args.json else describe_answer(results[0]))
    elif args.json:
        print(json.dumps(results, indent=2))
    return 0


def _scored(path: Path, heard, engine_name: str, prospect_end: float, pack: Pack | None, node: Node | None) -> dict:
    """One recorded answer's result in the `--json` shape."""
    recogniser = shared_recogniser() if node is not None else None
    assessment = assess_answer(heard.transcript.words, heard.spans, prospect_end, node, pack,
                               recogniser=recogniser, filled_pauses=heard.filled_pauses)
    return {
        "engine": engine_name,
        "audio": {"path": str(path), "duration_s": round(heard.duration_s, 3)},
        "transcript": heard.transcript.text,
        "words": [
            {"text": w.text, "start": round(w.start, 3), "end": round(w.end, 3)} for w in heard.transcript.words
        ],
        **assessment.as_json(),
        "rubric_note": fallback_reason() if node is not None else None,
    }


def _run_text(args: argparse.Namespace) -> int:
    """Score a typed answer: the rubric alone (no audio, so no timing)."""
    if not args.text.strip():
        raise TrainerError("--text is empty: type the answer to score")
    if args.engine or args.model:
        raise TrainerError("--engine and --model are for recorded answers; a --text answer is not transcribed")
    pack, node = _node(args)
    words = untimed_words(args.text)
    if node is not None and pack is not None:
        pack = replace(pack, targets=pack.targets.with_overrides({"weights": TEXT_ONLY_WEIGHTS}))
    recogniser = shared_recogniser() if node is not None else None
    assessment = assess_answer(words, [], None, node, pack, recogniser=recogniser)
    result = {
        "engine": None,
        "audio": None,
        "transcript": args.text,
        "words": [{"text": w.text, "start": None, "end": None} for w in words],
        **assessment.as_json(),
        "rubric_note": fallback_reason() if node is not None else None,
    }
    print(json.dumps(result, indent=2) if args.json else describe_answer(result))
    return 0


def describe_answer(result: dict) -> str:
    """An assessed answer as lines for the terminal (`result`: the `--json` shape, with `engine`)."""
    m = result["metrics"]
    if result["engine"] is None:
        lines = [f"Typed: {result['transcript']}", "(no audio: timing, pace and fillers per minute are not measured)"]
    else:
        latency = "-" if m["latency_s"] is None else f"{m['latency_s']:.2f} s" + (" (hesitation)" if m["hesitation"] else "")
        pace = "-" if m["wpm"] is None else f"{m['wpm']:.0f} wpm"
        fillers = "-" if m["fillers_per_min"] is None else f"{m['fillers_per_min']:.1f}/min"
        if m.get("fillers_in_sound"):
            fillers += f", {m['fillers_in_sound']} heard in the sound"
        lines = [
            f"Heard ({result['engine']}): {result['transcript'] or '(nothing)'}",
            f"Talk {m['talk_s']:.1f} s   pace {pace}   start after {latency}",
            f"Longest monologue {m['longest_monologue_s']:.1f} s   fillers {m['fillers']} "
            f"({fillers})   hedges {m['hedges']}   questions {m['questions']}",
        ]
    if result["rubric"] is not None:
        moves = "  ".join(f"{'✓' if ok else '✗'} {move}" for move, ok in result["rubric"].items())
        lines += [f"Moves: {moves}   ({_method_note(result)})", f"Score: {result['score']}/100"]
        evidence = result.get("rubric_evidence") or {}
        lines += [f"  {move}: \"{words}\"" for move, words in evidence.items() if words]
        lines += [f"  - {reason}" for reason in result["reasons"]]
    return "\n".join(lines)


def _method_note(result: dict) -> str:
    if result.get("rubric_method") == "meaning":
        return "judged by meaning"
    note = result.get("rubric_note")
    return f"judged by cue phrases: {note}" if note else "judged by cue phrases"

"""`trainer score`: score one recorded answer, with or without a pack's objection."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from trainer.core.answer import assess_answer
from trainer.core.errors import TrainerError
from trainer.core.pack_model import Objection, Pack
from trainer.core.packs import find_objection, resolve_pack
from trainer.speech import wavs
from trainer.speech.engines import ENGINE_NAMES, load_engine
from trainer.speech.hearing import hear


def register(subparsers) -> None:
    """Add `trainer score`."""
    parser = subparsers.add_parser(
        "score",
        help="score a recorded answer (talk time, pace, latency, fillers, rubric)",
        description="Transcribe and score one answer. With --pack and --objection the answer "
        "is also checked against the objection's rubric and given a score with reasons.",
    )
    parser.add_argument("answer", type=Path, help="the answer, a WAV file")
    parser.add_argument("--pack", help="pack id (see `trainer packs`) or a pack file")
    parser.add_argument("--objection", help="objection id within the pack")
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


def _objection(args: argparse.Namespace) -> tuple[Pack | None, Objection | None]:
    if args.objection and not args.pack:
        raise TrainerError("--objection needs --pack (the pack the objection belongs to)")
    if not args.pack:
        return None, None
    pack = resolve_pack(args.pack)
    if not args.objection:
        ids = ", ".join(o.id for o in pack.objections[:8])
        raise TrainerError(f"--pack needs --objection too; objections in '{pack.id}' include: {ids}")
    return pack, find_objection(pack, args.objection)


def run(args: argparse.Namespace) -> int:
    """Score the answer and print the result."""
    if args.prospect_end < 0:
        raise TrainerError("--prospect-end must be 0 or more seconds")
    samples = wavs.read_engine_audio(args.answer)  # bad files fail before the slow engine load
    pack, objection = _objection(args)
    engine = load_engine(args.engine, args.model, partials=False)
    heard = hear(engine, samples)
    assessment = assess_answer(heard.transcript.words, heard.spans, args.prospect_end, objection, pack)
    result = {
        "engine": engine.name,
        "audio": {"path": str(args.answer), "duration_s": round(heard.duration_s, 3)},
        "transcript": heard.transcript.text,
        "words": [
            {"text": w.text, "start": round(w.start, 3), "end": round(w.end, 3)} for w in heard.transcript.words
        ],
        **assessment.as_json(),
    }
    print(json.dumps(result, indent=2) if args.json else describe_answer(result))
    return 0


def describe_answer(result: dict) -> str:
    """An assessed answer as lines for the terminal (`result`: the `--json` shape, with `engine`)."""
    m = result["metrics"]
    latency = "-" if m["latency_s"] is None else f"{m['latency_s']:.2f} s" + (" (hesitation)" if m["hesitation"] else "")
    lines = [
        f"Heard ({result['engine']}): {result['transcript'] or '(nothing)'}",
        f"Talk {m['talk_s']:.1f} s   pace {m['wpm']:.0f} wpm   start after {latency}",
        f"Longest monologue {m['longest_monologue_s']:.1f} s   fillers {m['fillers']} "
        f"({m['fillers_per_min']:.1f}/min)   hedges {m['hedges']}   questions {m['questions']}",
    ]
    if result["rubric"] is not None:
        moves = "  ".join(f"{'✓' if ok else '✗'} {move}" for move, ok in result["rubric"].items())
        lines += [f"Moves: {moves}", f"Score: {result['score']}/100"]
        lines += [f"  - {reason}" for reason in result["reasons"]]
    return "\n".join(lines)

"""`trainer voices`, `trainer say` and `trainer transcribe`: the speech layer from the command line.

They let a user (or a coach writing a pack) hear a persona's voice, and check what the
speech engines make of a recording, without starting a drill.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

from trainer.core.errors import TrainerError
from trainer.core.transcript import Transcript
from trainer.speech import engines, tts, wavs


def register(subparsers) -> None:
    """Add `voices`, `say` and `transcribe` to the `trainer` parser."""
    voices = subparsers.add_parser(
        "voices",
        help="list the voices the prospect can speak with",
        description="List the text-to-speech voices (id, language, name) and the timbre variants "
        "that can follow an espeak-ng voice after '+', e.g. en-us+f2. The natural voice (Piper, id 'joe') "
        "comes first when it is installed; male English personas speak with it.",
    )
    voices.add_argument("--language", metavar="PREFIX", help="only voices whose language starts with PREFIX (e.g. en)")
    voices.add_argument("--json", action="store_true", help='print {"voices": [...], "variants": [...]} as JSON')
    voices.set_defaults(func=run_voices)

    say = subparsers.add_parser(
        "say",
        help="speak a line with a prospect voice",
        description="Render a line with the prospect's text-to-speech voice (cached) and play it, "
        "or write it to a WAV with --out.",
    )
    say.add_argument("text", help="the line to speak")
    say.add_argument("--voice", default=tts.DEFAULT_VOICE, help="voice id, language or name, optionally +variant, "
                     f"or joe for the natural voice (default {tts.DEFAULT_VOICE}; see `trainer voices`)")
    say.add_argument("--gender", help="male or female (picks a timbre variant when the voice has none)")
    say.add_argument("--rate", type=int, default=tts.DEFAULT_RATE, help=f"words per minute (default {tts.DEFAULT_RATE})")
    say.add_argument("--pitch", type=int, default=tts.DEFAULT_PITCH, help=f"0-99 (default {tts.DEFAULT_PITCH})")
    say.add_argument("--out", type=Path, metavar="FILE.wav", help="write the WAV here instead of playing it")
    say.add_argument("--device", help="output device index or name (default: the system's; see `trainer devices`)")
    say.add_argument("--no-play", action="store_true", help="only render and print the cached WAV's path")
    say.set_defaults(func=run_say)

    transcribe = subparsers.add_parser(
        "transcribe",
        help="transcribe a WAV file with word times",
        description="Transcribe an audio file offline and print its words with start/end times (seconds) "
        "and confidence. Engine: --engine, else Vosk when a Vosk model is installed, else Whisper.",
    )
    transcribe.add_argument("file", type=Path, metavar="FILE.wav", help="the recording (any rate or channels)")
    transcribe.add_argument("--engine", help="vosk or whisper (default: chosen as above)")
    transcribe.add_argument("--model", type=Path, metavar="PATH", help="the model folder to use")
    transcribe.add_argument("--json", action="store_true",
                            help='print {"engine", "text", "words": [{"text", "start", "end", "confidence"}]}')
    transcribe.set_defaults(func=run_transcribe)


def run_voices(args) -> int:
    """Print the voices (and variants) as a table or JSON."""
    voices = [
        voice for voice in tts.list_voices()
        if not args.language or any(lang.startswith(args.language.lower()) for lang in voice.languages)
    ]
    if not voices:
        raise TrainerError(f"no voice speaks a language starting with {args.language!r}; run `trainer voices` for all")
    variants = tts.list_variants()
    if args.json:
        print(json.dumps({
            "voices": [{"id": v.id, "name": v.name, "languages": list(v.languages), "gender": v.gender,
                        "natural": v.natural} for v in voices],
            "variants": variants,
        }, indent=2, ensure_ascii=False))
        return 0
    rows = [("id", "language", "name")] + [(f"{v.id} *" if v.natural else v.id, ", ".join(v.languages), v.name)
                                           for v in voices]
    widths = [max(len(row[column]) for row in rows) for column in range(2)]
    for row in rows:
        print(f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]}")
    if any(v.natural for v in voices):
        print("\n* natural voice (Piper): male English personas speak with it; --rate and --pitch make variants")
    if variants:
        short = [v for v in variants if len(v) <= 2]
        print(f"\nvariants (append with '+', e.g. en-us+f2): {', '.join(sorted(short))}"
              f"{f' and {len(variants) - len(short)} named ones (--json lists them)' if len(variants) > len(short) else ''}")
    return 0


def run_say(args) -> int:
    """Render the line; write it to --out, or play it (just print the path when there is no speaker)."""
    line = tts.render(args.text, args.voice, gender=args.gender, rate=args.rate, pitch=args.pitch)
    summary = (f"{line.duration_s:.2f} s, speech {line.speech_start_s:.2f}-{line.speech_end_s:.2f} s, "
               f"voice {tts.resolve_voice(args.voice, args.gender)}")
    if args.out is not None:
        try:
            args.out.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(line.path, args.out)
        except OSError as error:
            raise TrainerError(f"cannot write {args.out}: {error.strerror}; choose a writable --out path") from None
        print(f"{args.out}  ({summary})")
        return 0
    print(f"{line.path}  ({summary})")
    if not args.no_play:
        _play(line, args.device)
    return 0


def _play(line: tts.RenderedLine, device: str | None) -> None:
    """Play a rendered line on the output device; with no device at all, say so and carry on."""
    from trainer.speech.audio_out import SoundDeviceOutput

    try:
        output = SoundDeviceOutput(device)
    except TrainerError as error:
        if device is not None:
            raise
        print(f"trainer: note: not played: {error}", file=sys.stderr)
        return
    try:
        playback = output.play(line.path)
        if not playback.wait(timeout=line.duration_s + 5.0) or playback.error:
            raise TrainerError(f"playing {line.path} on {output.device.name} failed "
                               f"({playback.error or 'it never finished'}); check `trainer devices`")
    finally:
        output.close()


def run_transcribe(args) -> int:
    """Transcribe the file with the chosen engine; print text and words (or JSON)."""
    samples = wavs.read_engine_audio(args.file)  # a bad file fails before a slow model load
    engine = engines.load_engine(args.engine, args.model, partials=False)
    transcript = engines.transcribe(engine, samples)
    print(json.dumps(transcript_json(engine.name, transcript), indent=2, ensure_ascii=False) if args.json
          else format_transcript(engine.name, transcript))
    return 0


def transcript_json(engine_name: str, transcript: Transcript) -> dict:
    """The `--json` shape of a transcript."""
    return {
        "engine": engine_name,
        "text": transcript.text,
        "words": [
            {"text": w.text, "start": round(w.start, 3), "end": round(w.end, 3), "confidence": round(w.confidence, 3)}
            for w in transcript.words
        ],
    }


def format_transcript(engine_name: str, transcript: Transcript) -> str:
    """Text, then one line per word: start, end, confidence, word."""
    lines = [f"engine: {engine_name}", f"text: {transcript.text or '(no speech recognised)'}"]
    lines += [f"{w.start:7.2f} {w.end:7.2f}  {w.confidence:4.2f}  {w.text}" for w in transcript.words]
    return "\n".join(lines)

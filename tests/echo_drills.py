"""Drills from answer files with the speakers simulated in the room: for the echo tests and bench/echo.py.

Import it as `from echo_drills import echo_drill, prospect_words_heard` (tests/ is on
sys.path). A drill runs on a virtual clock as `trainer drill --answers DIR --fast
--echo-sim DB:MS` does: the prospect's lines mixed into the answer files through the
simulated room (`trainer.drill.echo_sim`), and the drill's echo cancellation on.

A word of the prospect's line in the rep's transcript is either the line's echo or the
rep's own words misheard (cancellation over a loud line damages them). `taped_echo_drill`
keeps the drill's audio (`Tape`) to tell which: `stray_words` says whether the line said
the word where it was heard (`echo_timed`), and `no_echo` transcribes the rep's own audio
damaged as the cancellation damaged it, with no echo in it at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
from rapidfuzz.distance import Levenshtein

from trainer.drill.answer_source import AnswerFiles
from trainer.drill.runner import DrillRunner
from trainer.core.transcript import Word
from trainer.drill.events import DrillResult, TurnResult
from trainer.drill.plan import DrillPlan
from trainer.drill.echo_sim import EchoedAnswers, RoomEcho
from trainer.speech.audio import AudioClock
from trainer.speech.audio_in import AudioChunk
from trainer.speech.audio_out import FileOutput
from trainer.speech.echo import QUIET_RMS, EchoCancellation
from trainer.speech.echo_canceller import CANCELLER_LAG_SAMPLES
from trainer.speech.played_audio import PlayedAudio
from trainer.speech.wavs import ENGINE_RATE, read_engine_audio
from trainer.store.db import Store

FRAME = ENGINE_RATE // 100
ECHO_TIMING_TOLERANCE_S = 0.25  # Whisper's word times are good to ~0.1-0.2 s


class TapedAnswers(EchoedAnswers):
    """`EchoedAnswers` keeping, by sample index: the rep alone, the speakers, the microphone, the cleaned chunks."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.rep: dict[int, np.ndarray] = {}
        self.cleaned: dict[int, np.ndarray] = {}
        self.speakers: dict[int, np.ndarray] = {}
        self.heard: dict[int, np.ndarray] = {}  # the microphone: the rep and the echo

    def _samples_at(self, index: int) -> np.ndarray:
        self.rep[index] = AnswerFiles._samples_at(self, index)  # the answer files as they play, no echo
        self.speakers[index] = self.played.samples(self._origin + index / ENGINE_RATE, self.chunk_frames)
        self.heard[index] = super()._samples_at(index)
        return self.heard[index]

    def note_cleaned(self, chunk: AudioChunk) -> None:
        """Keep a chunk as the drill's echo cancellation returned it."""
        self.cleaned[chunk.index] = chunk.samples.copy()

    @property
    def origin(self) -> float:
        """Clock time of the input's sample 0."""
        return self._origin

    def stream(self, which: dict[int, np.ndarray]) -> np.ndarray:
        """`rep` or `cleaned` as one array from the drill's first sample."""
        return np.concatenate([which[index] for index in sorted(which)])


@dataclass
class Tape:
    """A drill's audio from the input's first sample: the rep alone, the cleaned microphone, what the speakers played."""

    rep: np.ndarray
    cleaned: np.ndarray  # what the drill heard: the microphone after cancellation (without it: as heard)
    speakers: np.ndarray  # before the room's delay
    origin: float  # clock time of sample 0

    def turn(self, turn: TurnResult) -> tuple[slice, np.ndarray]:
        """Where the turn's recording lies on the tape, and the recording (the cleaned samples the engine heard)."""
        recording = read_engine_audio(turn.recording)
        first = round((turn.rep_start - self.origin) * ENGINE_RATE)
        for shift in sorted(range(-12 * FRAME, 12 * FRAME + 1, FRAME), key=abs):
            at = slice(first + shift, first + shift + len(recording))
            if at.start >= 0 and np.array_equal(self.cleaned[at], recording):
                return at, recording
        raise ValueError(f"turn {turn.number}'s recording is not on the tape")


def echo_drill(folder: Path, plan: DrillPlan, engine, answers: Sequence[Path], echo: RoomEcho | None,
               *, talk_over_s: float = 0.0, on_event=None) -> tuple[DrillResult, EchoCancellation | None]:
    """Run `plan` answered by `answers`, with the room's `echo` (None: headphones, no echo, no canceller).

    `talk_over_s`: each answer starts that long before the prospect's line ends (a barge-in);
    `on_event` gets the drill's events.
    """
    result, cancellation, _ = taped_echo_drill(folder, plan, engine, answers, echo, talk_over_s=talk_over_s,
                                               on_event=on_event)
    return result, cancellation


def taped_echo_drill(folder: Path, plan: DrillPlan, engine, answers: Sequence[Path], echo: RoomEcho | None,
                     *, talk_over_s: float = 0.0, on_event=None,
                     cancel: bool = True) -> tuple[DrillResult, EchoCancellation | None, Tape]:
    """As `echo_drill`, also returning the drill's `Tape` (for telling echo from the rep's own words misheard).

    `cancel` False leaves the echo in (the rep said headphones while the speakers were on).
    """
    clock = AudioClock(virtual=True)
    played = PlayedAudio()
    audio_in = TapedAnswers(list(answers), echo, played, clock, talk_over_s=talk_over_s)
    cancellation = EchoCancellation.start(played) if echo is not None and cancel else None
    output = FileOutput(folder / "played", clock) if cancellation is not None or echo is None else \
        _NotedOutput(folder / "played", clock, played)
    with Store() as store:
        store.startup()
        runner = DrillRunner(plan, store=store, engine=engine, audio_in=audio_in, audio_out=output, clock=clock,
                             echo=cancellation, mode="answers,fast", on_event=on_event or (lambda event: None))
        if cancellation is not None:
            audio_in.chunk_filter = lambda chunk: _noted(audio_in, cancellation.clean(chunk))
        result = runner.run()
    cleaned = audio_in.stream(audio_in.cleaned if cancellation is not None else audio_in.heard)
    tape = Tape(audio_in.stream(audio_in.rep), cleaned, audio_in.stream(audio_in.speakers), audio_in.origin)
    return result, cancellation, tape


class _NotedOutput(FileOutput):
    """A file output noting each line in `played` itself (the drill's echo cancellation does that when it is on)."""

    def __init__(self, folder: Path, clock: AudioClock, played: PlayedAudio) -> None:
        super().__init__(folder, clock)
        self.played = played

    def play(self, audio, rate=None):
        playback = super().play(audio, rate)
        self.played.add_file(playback.path, playback)
        return playback


def _noted(audio_in: TapedAnswers, chunk: AudioChunk) -> AudioChunk:
    audio_in.note_cleaned(chunk)
    return chunk


def words(text: str) -> list[str]:
    """Lower-case words of a transcript or script line."""
    return re.findall(r"[a-z]+", text.lower())  # "it's" is "it" and "s": Whisper writes either


def prospect_words_heard(result: DrillResult, scripts: Sequence[str]) -> list[str]:
    """Words of each turn's prospect line found in the rep's transcript but not in what the rep said (`scripts`)."""
    found = []
    for turn, script in zip(result.turns, scripts):
        said = set(words(script))
        only_prospect = set(words(turn.line)) - said
        found += [w for w in words(turn.transcript) if w in only_prospect]
    return found


def words_kept(transcript: str, script: str) -> int:
    """How many of the words said (`script`) the transcript holds, in order (aligned by word edit distance)."""
    said = words(script)
    return sum(op.src_end - op.src_start for op in Levenshtein.opcodes(said, words(transcript)) if op.tag == "equal")


def stray_words(engine, tape: Tape, turn: TurnResult, script: str, delay_s: float) -> list[tuple[str, float, bool]]:
    """Words of the turn's line (not of the answer) in its transcript: (word, start s, timed where the line said it).

    Times come from a pass over the turn's recording with word times, the line's from a pass over what
    the speakers played over the same stretch (`echo_timed`).
    """
    only_line = set(words(turn.line)) - set(words(script))
    at, recording = tape.turn(turn)
    heard = [w for w in engine.transcribe(recording).words if set(words(w.text)) & only_line]
    if not heard:
        return []
    line = engine.transcribe(tape.speakers[at]).words
    return [(w.text, w.start, echo_timed(w, line, delay_s)) for w in heard]


def no_echo(engine, tape: Tape, turn: TurnResult) -> str:
    """The transcript of the turn's rep audio brought down frame by frame as the cancellation left it, no echo in it."""
    at, _ = tape.turn(turn)
    return engine.transcribe(rep_through_cancellation(tape.rep[at], tape.cleaned[at])).text


def rep_through_cancellation(rep: np.ndarray, cleaned: np.ndarray) -> np.ndarray:
    """The rep's own audio (no echo at all) with each 10 ms frame brought down to what the cancellation left of it.

    The counterpart of a turn's cleaned audio without the prospect in it: where its
    transcript holds the same kind of stray word, the word came from the rep's damaged
    speech, not from the line's echo.
    """
    out = np.zeros(len(rep), np.int16)
    lag = CANCELLER_LAG_SAMPLES  # the canceller's output comes this late
    for start in range(0, len(rep) - FRAME - lag + 1, FRAME):
        said, left = _rms(rep[start:start + FRAME]), _rms(cleaned[start + lag:start + lag + FRAME])
        if said > 0 and left >= QUIET_RMS:  # fainter is silence (Whisper writes whole sentences into a murmur)
            out[start:start + FRAME] = np.round(rep[start:start + FRAME] * min(1.0, left / said))
    return out


def echo_timed(heard: Word, line: Sequence[Word], delay_s: float) -> bool:
    """Whether the line said the same word where `heard` is (the line's word times moved on by the room's delay)."""
    text = set(words(heard.text))
    return any(text & set(words(said.text)) and said.start + delay_s - ECHO_TIMING_TOLERANCE_S <= heard.end
               and heard.start <= said.end + delay_s + ECHO_TIMING_TOLERANCE_S for said in line)


def _rms(samples: np.ndarray) -> float:
    values = samples.astype(np.float64)
    return float(np.sqrt(np.mean(values * values))) if len(values) else 0.0

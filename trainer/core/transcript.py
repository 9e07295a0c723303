"""Shared transcript types: words from an ASR engine, speech spans from the audio.

Times are seconds. Word times come from the engine and are approximate; speech
spans come from voice activity detection and are the clock for every metric.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Word:
    """One recognised word with the engine's (approximate) times."""

    text: str
    start: float
    end: float
    confidence: float = 1.0


def untimed_words(text: str) -> list[Word]:
    """Typed or partial text as words without times (a typed answer, an engine's partial): only what
    depends on the words can be judged from them."""
    return [Word(token, 0.0, 0.0) for token in text.split()]


@dataclass(frozen=True)
class Span:
    """A run of voiced audio (docs/metrics.md: silences < 0.5 s are joined)."""

    start: float
    end: float

    @property
    def duration(self) -> float:
        return self.end - self.start


@dataclass(frozen=True)
class FilledPauses:
    """Filled pauses ("uh", "um") found in an answer's sound (`trainer.speech.filled_pause`), for the filler count.

    `words_placed`: the engine's word times are close enough to the sound that a filled pause
    under a word it wrote is that word (Vosk: word edges within 80 ms); Whisper stretches a word
    over the filler it left out, so under Whisper's words a filled pause is still a filler.
    """

    spans: tuple[Span, ...] = ()
    words_placed: bool = False

    def from_time(self, t: float) -> "FilledPauses":
        """Only those starting at or after `t` (e.g. once the prospect's line has ended)."""
        return FilledPauses(tuple(p for p in self.spans if p.start >= t), self.words_placed)


@dataclass
class Transcript:
    """What an engine heard in one answer: the text and its words."""

    text: str
    words: list[Word] = field(default_factory=list)


PROSPECT = "prospect"
REP = "rep"


@dataclass(frozen=True)
class Turn:
    """One turn of a drill, on the drill clock.

    A prospect turn (`speaker == PROSPECT`) is a spoken line: `start`/`end` bound its
    audio without leading/trailing silence, `text` is the line. A rep turn (`REP`) is an
    answer: `start`/`end` bound the listening window, `words` come from the engine and
    `spans` from voice activity detection on the rep's audio.
    """

    speaker: str
    start: float
    end: float
    text: str = ""
    words: tuple[Word, ...] = ()
    spans: tuple[Span, ...] = ()
    filled_pauses: FilledPauses | None = None  # found in the rep's sound, for the filler count

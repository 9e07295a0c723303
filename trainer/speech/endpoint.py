"""End of the rep's turn, decided while the audio streams in.

An `Endpointer` is fed the rep's audio of one turn (16 kHz int16 chunks with their
capture times, from the moment the prospect's line starts) and classifies it in
10 ms frames with webrtcvad, the same detector and settings `trainer.speech.vad`
uses for speech spans. It reports, as events returned by `feed()`:

- `SpeechStarted`: a new stretch of speech (after a silence of at least the span
  join gap); `over_prospect` when the prospect's line was still playing (a barge-in).
- `MonologueTooLong`: the rep has talked for `monologue_limit_s` with no silence of
  1.5 s (the monologue definition). It does not end the turn: the runner decides
  (at level 5 the prospect cuts in).
- `SpeechPaused`: the rep went quiet mid-answer and the turn is held open for them
  (the end-of-turn model waits longer than `PAUSE_NOTICE_S`): the live view keeps
  saying it is listening.
- `TurnEnded`, once, with its reason:
  - `SILENCE`: speech heard after the line ended, then silence long enough to end the
    turn. By default the end-of-turn model (`trainer.core.turn_end`) sets how long from
    the words heard so far (`hear_words()`: Vosk's live partial, Whisper's pass at the
    start of the pause) and the pitch at the end of the speech (`trainer.speech.pitch`):
    ~0.25 s after a finished sentence, up to the level's patience (~3 s) after "and",
    "the", "um" or "can I ask", after speech that ran on past the last word written, or
    after a held "uh" the sound shows (`trainer.speech.filled_pause`). With `endpoint_ms` set, the fixed rule instead: that
    much silence, whatever was said (the first version's rule, kept for comparison);
  - `WINDOW`: the answer window ran out while the rep was answering;
  - `NO_ANSWER`: nothing said after the line ended, within the window (or within
    `no_answer_s` when the level has no window);
  - `DONE`: `finish_answer()` was called (the rep pressed Space: "I'm done");
  - `STOPPED`: `stop()` was called (the rep pressed stop);
  - or whatever reason the runner gives `end_now()` (e.g. `CUT_IN`).

`reopen()` takes back a SILENCE end that was a wrong guess (the rep went on talking as
the prospect's next line began: `trainer.drill.going_on.RESUME_WITHIN_S`): the turn listens
again, and cannot end on silence until the rep's speech is heard again.

The answer may be due later than the line's end (`answer_due_at()`): after the level's
preparation time, or at the end of the line played again at the rep's request. Until
then the turn does not end, and the answer window and the no-answer wait run from
there; speech after the line's end cuts a preparation short (the rep is ready).

The turn never ends on silence while the prospect is still talking: speech that
only overlapped the line is counted as a barge-in, and the endpointer keeps
waiting for the answer. Until `prospect_ended()` is called (the output reports the
line's real end) the line counts as playing.

A voiced run shorter than `vad.MIN_STRETCH_S` is not speech (as in the spans).
The metrics' speech spans are not taken from here: they come from `vad.speech_spans`
on the recorded turn audio, exactly as `trainer score` measures a file.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
import webrtcvad

from trainer.core.metrics import JOIN_GAP_S, MONOLOGUE_GAP_S
from trainer.core.turn_end import (
    DEFAULT_PATIENCE_S,
    UNHEARD,
    UNKNOWN,
    Judgement,
    hold_s,
    judge_ending,
    judge_words,
)
from trainer.speech import filled_pause, pitch, vad
from trainer.speech.audio_in import AudioChunk
from trainer.speech.wavs import ENGINE_RATE

SILENCE = "silence"
WINDOW = "window"
NO_ANSWER = "no_answer"
STOPPED = "stopped"
DONE = "done"
CUT_IN = "cut_in"

FIXED_RULE_MS = 700  # the first version's fixed silence rule, what `--endpoint-ms` compares against
DEFAULT_NO_ANSWER_S = 20.0  # without an answer window: give up waiting for a first word after this
FRAME_S = vad.FRAME_MS / 1000
MIN_RUN_FRAMES = round(vad.MIN_STRETCH_S / FRAME_S)
WHY_WORDS = 5  # the last words heard, quoted in the reason a turn ended or is held
PAUSE_NOTICE_S = 0.4  # a silence held open longer than this is reported as SpeechPaused
SOON_S = 1.0  # a hold this short may end the turn soon (`may_end_soon`): the longest after finished words
HISTORY_S = max(pitch.TAIL_S, filled_pause.MAX_S) + 0.5  # audio kept for the pitch and a filled pause at the end


@dataclass(frozen=True)
class EndpointSettings:
    """When a turn ends: silence after speech, the answer window, waiting for a first word, monologues.

    `endpoint_ms` None: the end-of-turn model, waiting at most `patience_s` (the level's);
    a number: the fixed rule, that much silence ends the turn.
    """

    endpoint_ms: int | None = None
    patience_s: float = DEFAULT_PATIENCE_S
    answer_window_s: float | None = None  # from the end of the prospect's line; None: no limit
    no_answer_s: float = DEFAULT_NO_ANSWER_S  # used when there is no answer window
    monologue_limit_s: float | None = None  # report MonologueTooLong past this; None: never

    def __post_init__(self) -> None:
        if self.endpoint_ms is not None and self.endpoint_ms <= 0:
            raise ValueError(f"endpoint_ms must be positive or None, not {self.endpoint_ms}")
        if self.patience_s <= 0:
            raise ValueError(f"patience_s must be positive, not {self.patience_s}")
        for name in ("answer_window_s", "monologue_limit_s"):
            value = getattr(self, name)
            if value is not None and value <= 0:
                raise ValueError(f"{name} must be positive or None, not {value}")


@dataclass(frozen=True)
class SpeechStarted:
    """The rep started a new stretch of speech at `at`; `over_prospect` if the line was still playing."""

    at: float
    over_prospect: bool


@dataclass(frozen=True)
class MonologueTooLong:
    """The rep has talked since `started_at` without a 1.5 s silence, past the monologue limit, at `at`."""

    at: float
    started_at: float


@dataclass(frozen=True)
class SpeechPaused:
    """The rep is silent since `since` mid-answer, and the turn is held open up to `holding_s` after it."""

    at: float
    since: float
    holding_s: float
    why: str


@dataclass(frozen=True)
class TurnEnded:
    """The turn is over: why, when the rule fired (audio time), and when the rep's speech last ended.

    `why` says, for a SILENCE end, what the end-of-turn model heard ("a finished
    sentence, falling pitch") or that the fixed rule fired.
    """

    reason: str
    at: float
    speech_end: float | None
    why: str = ""


EndpointEvent = SpeechStarted | MonologueTooLong | SpeechPaused | TurnEnded


class Endpointer:
    """Decides, frame by frame, when the rep's turn is over (see the module docstring)."""

    def __init__(self, settings: EndpointSettings = EndpointSettings(), prospect_end: float | None = None) -> None:
        """Start listening; `prospect_end` is when the line's speech ends, if already known."""
        self.settings = settings
        self.prospect_end = prospect_end
        self.answer_due: float | None = None  # when later than prospect_end: the preparation's or a repeat's end
        self.onset: float | None = None  # start of the rep's first speech
        self.barge_ins = 0  # stretches of speech that started while the prospect talked
        self.ended: TurnEnded | None = None
        self._vad = webrtcvad.Vad(vad.AGGRESSIVENESS)
        self._stop = threading.Event()
        self._done = threading.Event()
        self._rest = np.empty(0, np.int16)
        self._rest_at = 0.0
        self._heard_until: float | None = None  # end of the latest frame classified
        self._run_start: float | None = None  # start of the current voiced run
        self._run_frames = 0
        self._speech_end: float | None = None  # end of the last voiced frame of real speech
        self._stretch_start: float | None = None  # start of the current stretch of speech
        self._stretch_barged = False
        self._monologue_start: float | None = None
        self._monologue_reported = False
        self._words: tuple[str, float] | None = None  # the latest words heard, and the audio time they cover
        self._words_end: tuple[float | None, bool] = (None, False)  # where the words written end, streamed?
        self._history: list[np.ndarray] = []  # the latest audio (for the pitch), ending at _history_end
        self._history_end = 0.0
        self._contour: tuple[float, str] | None = None  # (speech end it was measured at, contour)
        self._filled: tuple[float, bool] | None = None  # (speech end, whether it ends on a filled pause)
        self._paused_reported: float | None = None  # the speech end of the last SpeechPaused
        self._reopened = False  # reopen()ed and no speech heard since: no end on silence

    # -- inputs ---------------------------------------------------------------------------

    def prospect_ended(self, at: float) -> None:
        """The prospect's line stopped at `at` (learned late: a stretch counted as a barge-in after it is not)."""
        self.prospect_end = at
        if self._stretch_barged and self._stretch_start is not None and self._stretch_start >= at:
            self._stretch_barged = False
            self.barge_ins -= 1

    def answer_due_at(self, at: float) -> None:
        """The answer is due at `at` (clock time), not at the line's end: a preparation time, or a repeat."""
        self.answer_due = at

    def hear_words(self, text: str, through: float, words_end: float | None = None, streamed: bool = False) -> None:
        """The words of the answer so far, final for the audio up to `through` (clock time).

        A streaming engine's partial lags the audio it was fed: the caller gives the time
        its words have settled for (`trainer.drill.turn.PARTIAL_SETTLE_S`). `words_end`:
        where the words written end (clock time: a pass's last word end; for a `streamed`
        partial, the audio fed when its text last changed), to tell when the speech ran on
        past them (`trainer.core.turn_end.judge_ending`).
        """
        if self._words is None or through >= self._words[1]:
            self._words = (text, through)
            self._words_end = (words_end, streamed)

    def finish_answer(self) -> None:
        """The rep says they are done: end the turn at the next `feed()` or `poll()` (safe from any thread)."""
        self._done.set()

    def stop(self) -> None:
        """End the turn at the next `feed()` or `poll()` (safe from any thread)."""
        self._stop.set()

    def end_now(self, reason: str, at: float, why: str = "") -> TurnEnded:
        """End the turn now for a reason of the caller's (e.g. CUT_IN); returns the end (the first one wins)."""
        if self.ended is None:
            self.ended = TurnEnded(reason, at, self._speech_end, why)
        return self.ended

    def reopen(self) -> None:
        """Take back the end of the turn (the rep went on after it): listen again from the next `feed()`.

        The silence that ended the turn does not end it again: only a silence after new speech does.
        """
        self.ended = None
        self._rest = np.empty(0, np.int16)  # frames of the chunk the end fell in were not classified
        self._reopened = True
        self._paused_reported = self._speech_end  # the pause was lived through already

    def poll(self, now: float) -> TurnEnded | None:
        """The end of the turn if `stop()` was called (between chunks, when no audio arrives)."""
        if self.ended is None and self._stop.is_set():
            return self.end_now(STOPPED, self._heard_until if self._heard_until is not None else now)
        if self.ended is None and self._done.is_set():
            return self.end_now(DONE, self._heard_until if self._heard_until is not None else now)
        return self.ended

    def feed(self, chunk: AudioChunk) -> list[EndpointEvent]:
        """Classify a chunk of the turn's audio; the events it caused, in time order."""
        if self.ended is not None:
            return []
        if self._stop.is_set():
            return [self.end_now(STOPPED, chunk.captured_at)]
        if self._done.is_set():
            return [self.end_now(DONE, chunk.captured_at)]
        self._remember(chunk)
        samples = chunk.samples
        if len(self._rest):
            samples = np.concatenate([self._rest, samples])
            start = self._rest_at
        else:
            start = chunk.captured_at
        count = len(samples) // vad.FRAME_SAMPLES
        events: list[EndpointEvent] = []
        for i in range(count):
            frame = samples[i * vad.FRAME_SAMPLES:(i + 1) * vad.FRAME_SAMPLES]
            at = start + i * FRAME_S
            voiced = self._vad.is_speech(frame.tobytes(), ENGINE_RATE)
            events += self._frame(at, voiced)
            if self.ended is not None:
                return events
        self._rest = samples[count * vad.FRAME_SAMPLES:]
        self._rest_at = start + count * vad.FRAME_SAMPLES / ENGINE_RATE
        return events

    # -- state ----------------------------------------------------------------------------

    @property
    def answered(self) -> bool:
        """True once the rep has spoken after the prospect's line ended."""
        return (
            self._speech_end is not None and self.prospect_end is not None and self._speech_end > self.prospect_end
        )

    @property
    def speech_end(self) -> float | None:
        """End of the last voiced frame of speech heard so far (clock); None before any."""
        return self._speech_end

    @property
    def silent_since(self) -> float | None:
        """When the answer's speech last ended, while the rep is silent and the turn may end on it.

        None while the rep talks or before they answered. Lets a caller start work
        that the end of turn will need (e.g. a slow engine's final pass) during the silence.
        """
        if self.answered and self._run_frames < MIN_RUN_FRAMES:
            return self._speech_end
        return None

    @property
    def wants_words(self) -> bool:
        """True while the end-of-turn model waits in a silence for words that cover it (start a pass now),
        or for the engine to write the end of the speech."""
        silent_since = self.silent_since
        if self.settings.endpoint_ms is not None or self.ended is not None or silent_since is None:
            return False
        judgement = self._judgement(silent_since)
        return judgement.state == UNHEARD or judgement.words_pending

    @property
    def may_end_soon(self) -> bool:
        """True while the rep is silent after answering and this silence may end the turn within `SOON_S`
        (the words read finished, or are not in yet): work the end will need can start now."""
        holding = self.holding() if self.ended is None else None
        return holding is not None and (holding[0] <= SOON_S or self.wants_words)

    def holding(self) -> tuple[float, str] | None:
        """While the rep is silent after answering: the silence that will end the turn and why; else None."""
        silent_since = self.silent_since
        if silent_since is None:
            return None
        if self.settings.endpoint_ms is not None:
            return self.settings.endpoint_ms / 1000, f"the fixed rule ({self.settings.endpoint_ms} ms)"
        judgement = self._judgement(silent_since)
        contour = self._end_contour(silent_since)
        heard = " ".join(self._words[0].split()[-WHY_WORDS:]) if self._words is not None else ""
        why = f"{judgement.why or 'words not heard yet'}, {contour} pitch" + (f" ('...{heard}')" if heard else "")
        return hold_s(judgement, contour, self.settings.patience_s), why

    def _judgement(self, speech_end: float) -> Judgement:
        """The words' judgement, when the words heard cover the speech up to `speech_end`."""
        if self._words is None or self._words[1] < speech_end + FRAME_S:
            return Judgement(UNHEARD)
        words_end, streamed = self._words_end
        unwritten = None if words_end is None else speech_end - words_end
        return judge_ending(judge_words(self._words[0]), unwritten, streamed, self._ends_filled(speech_end),
                            settled_silence_s=self._words[1] - speech_end)

    def _speech_until(self, speech_end: float) -> np.ndarray:
        """The audio kept, up to `speech_end`."""
        audio = np.concatenate(self._history) if self._history else np.zeros(0, np.int16)
        cut = len(audio) - max(0, round((self._history_end - speech_end) * ENGINE_RATE))
        return audio[:max(0, cut)]

    def _ends_filled(self, speech_end: float) -> bool:
        """Whether the speech that ended at `speech_end` ends on a filled pause (measured once per pause)."""
        if self._filled is None or self._filled[0] != speech_end:
            self._filled = (speech_end, filled_pause.ends_in_filled_pause(self._speech_until(speech_end)) is not None)
        return self._filled[1]

    def _end_contour(self, speech_end: float) -> str:
        """The pitch at the end of the speech that ended at `speech_end` (measured once per pause)."""
        if self._contour is None or self._contour[0] != speech_end:
            audio = self._speech_until(speech_end)
            label = pitch.end_contour(audio)[0] if len(audio) else UNKNOWN
            self._contour = (speech_end, label)
        return self._contour[1]

    def _remember(self, chunk: AudioChunk) -> None:
        """Keep the latest HISTORY_S of audio for the pitch."""
        self._history.append(chunk.samples)
        self._history_end = chunk.end
        kept = sum(len(h) for h in self._history)
        while len(self._history) > 1 and kept - len(self._history[0]) >= HISTORY_S * ENGINE_RATE:
            kept -= len(self._history.pop(0))

    def _frame(self, at: float, voiced: bool) -> list[EndpointEvent]:
        end = at + FRAME_S
        self._heard_until = end
        events: list[EndpointEvent] = []
        if voiced:
            if self._run_start is None:
                self._run_start, self._run_frames = at, 0
            self._run_frames += 1
            if self._run_frames == MIN_RUN_FRAMES:
                self._reopened = False
                events += self._speech_begins(self._run_start)
            if self._run_frames >= MIN_RUN_FRAMES:
                self._speech_end = end
                events += self._check_monologue(end)
        else:
            self._run_start, self._run_frames = None, 0
        ended = self._check_end(end)
        if ended is not None:
            events.append(ended)
        else:
            events += self._check_pause(end)
        return events

    def _check_pause(self, now: float) -> list[EndpointEvent]:
        holding = self.holding()
        if holding is None or self._paused_reported == self._speech_end or now - self._speech_end < PAUSE_NOTICE_S:
            return []
        self._paused_reported = self._speech_end
        return [SpeechPaused(now, self._speech_end, holding[0], holding[1])]

    def _speech_begins(self, at: float) -> list[EndpointEvent]:
        if self.onset is None:
            self.onset = at
        last = self._speech_end
        if last is None or at - last >= MONOLOGUE_GAP_S:
            self._monologue_start, self._monologue_reported = at, False
        if last is not None and at - last < JOIN_GAP_S:
            return []  # the same stretch of speech, after a short pause
        over = self.prospect_end is None or at < self.prospect_end
        if not over and self.answer_due is not None and at < self.answer_due:
            self.answer_due = at  # the rep starts before the preparation is over: ready now
        self._stretch_start, self._stretch_barged = at, over
        self.barge_ins += over
        return [SpeechStarted(at, over)]

    def _check_monologue(self, now: float) -> list[EndpointEvent]:
        limit = self.settings.monologue_limit_s
        if limit is None or self._monologue_reported or self._monologue_start is None:
            return []
        if now - self._monologue_start <= limit:
            return []
        self._monologue_reported = True
        return [MonologueTooLong(now, self._monologue_start)]

    def _check_end(self, now: float) -> TurnEnded | None:
        line_end = self.prospect_end
        if line_end is None or now < line_end or self._reopened:
            return None  # never end while the prospect is talking, or on the silence a reopened turn ended on
        if self.answer_due is not None and self.answer_due > line_end:
            line_end = self.answer_due  # the answer is due later: after the preparation time or a repeat
            if now < line_end:
                return None
        settings = self.settings
        holding = self.holding()
        if holding is not None:
            hold, why = holding
            if now - self._speech_end >= hold - 1e-9:
                fixed = settings.endpoint_ms is not None
                return self.end_now(SILENCE, self._speech_end + hold if fixed else now, f"{why}: {hold:.2f} s")
        window = settings.answer_window_s
        if window is not None and now >= line_end + window:
            return self.end_now(WINDOW if self.answered else NO_ANSWER, line_end + window)
        if window is None and not self.answered and now >= line_end + settings.no_answer_s:
            return self.end_now(NO_ANSWER, line_end + settings.no_answer_s)
        return None

"""The rep's side of one drill turn: the input streamed to the recording, the endpointer and the engine.

`RepTurn.listen()` reads the drill's (already open) input from the moment the
prospect's line starts until the endpointer ends the turn; each chunk goes to the
turn's `RecordingWriter` (on disk as it arrives), to the `Endpointer`, and to a
`Transcriber` (`trainer.drill.transcriber`), which runs the recognizer on its own
thread so a slow engine (a Whisper partial pass) never delays the end-of-turn decision. The words heard so far
go back to the endpointer, whose end-of-turn model judges them in the rep's pauses:
Vosk's live partials; with Whisper, a pass over the answer started at the beginning
of each pause (the same pass serves as the final result if the turn ends there). On a
virtual clock (`--fast`, tests) the loop waits for those words in a pause, so a run
decides exactly as a real-time one would with an instant engine. `hear()` then gives
the final words, the speech spans and the filled pauses, all on the drill clock: spans
and filled pauses come from the recorded turn audio (`trainer.speech.hearing`), as in
`trainer score`.

An end on silence is a guess. While the next line begins, `watch_for_more()` reads
on (`trainer.drill.going_on`); if the rep's speech starts again soon, `go_on()` takes the
turn back (the runner stops the line) and the answer continues: same recording, one
transcript from a fresh recognizer that hears the whole answer again.

The answer is due at the end of the line, or later: `prep_s` after it (the level's
preparation time; the rep may `skip_prep()`), or at the end of the line played again
(`repeat_line()`, the rep's R). The endpointer waits for it, the answer window runs
from it and so does the response latency (`answer_due`); `repeats` counts the replays.

Faults end the turn at once with a `TrainerError` (the runner keeps the audio so
far): the engine raising (named, whatever it raised), and the prospect's line not
playing (the output failed, or did not start or finish it within `OUTPUT_STALL_S`).
An input device that fails raises from its own `read()`.
"""

from __future__ import annotations

import queue
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from typing import Callable

import numpy as np

from trainer.drill import going_on
from trainer.drill.answer_source import AnswerFiles
from trainer.core.errors import TrainerError
from trainer.core.transcript import Transcript, Word
from trainer.drill.transcriber import Transcriber
from trainer.drill.events import (
    DrillEvent,
    LevelMeter,
    LineDidPlay,
    LineDidRepeat,
    PartialTranscript,
    SpeechDidPause,
    SpeechDidResume,
    SpeechDidStart,
)
from trainer.speech.audio import AudioClock
from trainer.speech.audio_in import AudioChunk, AudioInput, measure_level
from trainer.speech.audio_out import AudioOutput, Playback
from trainer.speech.filled_pause import filled_pauses
from trainer.speech.hearing import HeardAnswer, heard_with
from trainer.speech.endpoint import (
    CUT_IN,
    STOPPED,
    Endpointer,
    MonologueTooLong,
    SpeechPaused,
    SpeechStarted,
    TurnEnded,
)
from trainer.speech.tts import RenderedLine
from trainer.speech.wavs import ENGINE_RATE
from trainer.store.recordings import RecordingWriter

READ_TIMEOUT_S = 0.1  # how often the loop looks at the stop flag when no audio comes
METER_EVERY_S = 0.05
# Silence after the answer before Whisper's pass starts: its words decide the end of turn, so it
# starts early; shorter gaps inside words and between them would start passes for nothing.
SPECULATE_AFTER_S = 0.1
# A streaming partial's words are taken as final for the audio fed up to this long ago. Vosk's
# partial (the small English model, 20 ms chunks) on 48 espeak-ng answers (8 answers x 3 voices
# x 2 rates, endings after 'and', 'um', 'the', 'can I ask' and clean ones) held its final words
# 0.1 s after the speech ended at the median, 0.29 s for 90%, and ~0.95 s for 4 that revised a
# word late. 0.3 s costs a finished question 0.05 s over its 0.25 s hold.
PARTIAL_SETTLE_S = 0.3
# A line not started this long after play(), or not finished this long after its length, has failed
# (a hung or suspended output device reports nothing; a sound starts 110-170 ms after play()).
OUTPUT_STALL_S = 2.0


class RepTurn:
    """Streams one turn's audio from the line's start (`opened`) until the endpointer ends the turn."""

    def __init__(
        self,
        number: int,
        *,
        audio_in: AudioInput,
        clock: AudioClock,
        drill_start: float,
        endpointer: Endpointer,
        writer: RecordingWriter,
        transcriber: Transcriber,
        emit: Callable[[DrillEvent], None],
        stop: threading.Event,
        cut_in: bool,
        prep_s: float = 0.0,
    ) -> None:
        """Wire one turn's consumers; nothing is read until `listen()`. `prep_s`: preparation time after the line."""
        self.number = number
        self.audio_in = audio_in
        self.clock = clock
        self.drill_start = drill_start
        self.endpointer = endpointer
        self.writer = writer
        self.transcriber = transcriber
        self.emit = emit
        self.stop = stop
        self.cut_in = cut_in
        self.prep_s = prep_s
        self.repeats = 0  # times the line was played again at the rep's request
        self.audio_start: float | None = None  # capture time of the turn's first sample (clock)
        self.line_start: float | None = None  # the line's speech on the clock
        self.line_end: float | None = None
        self.answer_file = None
        self._chunks: list[np.ndarray] = []
        self._pending: list[AudioChunk] = []  # chunks read ahead, taken before the input's next ones
        self._listening: tuple = ()  # listen()'s arguments, for go_on()
        self._spoke = False
        self._meter_at = float("-inf")
        self._wants_repeat = threading.Event()
        self._wants_answer_now = threading.Event()
        self._repeat: Playback | None = None  # the replay of the line in progress, until it has played
        self._pauses_ahead: tuple[float, Future] | None = None  # filled pauses found in a silence that may end the turn
        self._pauses_finder: ThreadPoolExecutor | None = None

    def listen(self, opened: float, playback: Playback, rendered: RenderedLine, output: AudioOutput,
               pending: list[AudioChunk] = ()) -> TurnEnded:
        """Stream until the end of turn; chunks captured before `opened` (between turns) are dropped.

        `pending`: chunks already read from the input (by the previous turn's `watch_for_more()`), taken first.
        """
        self._pending = list(pending)
        self._line_reported = False
        try:
            return self._stream(opened, playback, rendered, output)
        finally:
            if not self._line_reported and self.line_start is not None:
                self._line_played(playback)

    def _stream(self, opened: float, playback: Playback, rendered: RenderedLine, output: AudioOutput) -> TurnEnded:
        self._listening = (opened, playback, rendered, output)
        while True:
            self.transcriber.check()
            _check_playing(playback, opened, self.clock.now(), output)
            if self.line_end is None and playback.started_at is not None:
                self._line_started(playback, rendered)
            if not self._line_reported and playback.done.is_set() and self.line_end is not None:
                self._line_played(playback)
            self._follow_requests(rendered, output)
            if self.stop.is_set():
                self.endpointer.stop()
                output.stop()
            ended = self.endpointer.poll(self.clock.now())
            chunk = None
            if not ended:
                chunk = self._pending.pop(0) if self._pending else self.audio_in.read(timeout=READ_TIMEOUT_S)
            if chunk is None:
                if ended is None and self.audio_in.ended:
                    ended = self.endpointer.end_now(STOPPED, self.clock.now())
                if ended is not None:
                    return ended
                continue
            if chunk.end <= opened:
                continue
            ended = self._take(chunk)
            if ended is not None:
                return ended

    def _take(self, chunk: AudioChunk) -> TurnEnded | None:
        """One chunk of the answer to the recording, the engine and the endpointer; the end, if it came."""
        if self.audio_start is None:
            self.audio_start = chunk.captured_at
        self._chunks.append(chunk.samples)
        self.writer.write(chunk.samples)
        self.transcriber.feed(chunk.samples)
        self._speculate(chunk.end)
        self._find_pauses_ahead(chunk.end)
        self._give_words()
        ended = self._consume(self.endpointer.feed(chunk))
        self._report(chunk)
        return ended

    def watch_for_more(self, playback: Playback | None, rendered: RenderedLine | None,
                       opened: float) -> tuple[float, float] | None:
        """After a SILENCE end, while the next line begins: when the rep's speech began again and when that was
        heard (clock), or None (`trainer.drill.going_on.watch`). Every chunk read is kept, in order, for whichever
        turn it belongs to: this one if the rep went on (`go_on()`), else the next (`listen(..., pending=)`)."""
        return going_on.watch(self.audio_in, self.clock, self.stop, self._pending, playback, rendered, opened,
                              stall_s=OUTPUT_STALL_S, read_timeout_s=READ_TIMEOUT_S)

    def words_so_far(self) -> str:
        """The words heard by now (the engine's latest partial, or a finished pass; "" before any): at the end
        of turn the runner chooses the dialogue's branch from them, before the final result is in."""
        words = self.transcriber.words()
        return "" if words is None else words[0]

    def handed_on(self) -> list[AudioChunk]:
        """The chunks `watch_for_more()` read, for the next turn (this one did not go on)."""
        pending, self._pending = self._pending, []
        return pending

    def go_on(self, transcriber: Transcriber) -> TurnEnded:
        """The rep went on with this answer after its end was decided: listen until it ends again.

        `transcriber` is a fresh one: it hears the whole answer again from its start, so
        the turn keeps one transcript. The chunks `watch_for_more()` read come first.
        """
        self.transcriber = transcriber
        if self._chunks:
            transcriber.feed(np.concatenate(self._chunks))
        self.endpointer.reopen()
        return self._stream(*self._listening)

    def hear(self) -> HeardAnswer:
        """The final transcript, speech spans and filled pauses of the turn, on the drill clock."""
        ended = self.endpointer.ended
        transcript = self.transcriber.finish(ended.speech_end if ended is not None else None)
        offset = self._drill(self.audio_start) if self.audio_start is not None else 0.0
        words = [Word(w.text, w.start + offset, w.end + offset, w.confidence) for w in transcript.words]
        samples = np.concatenate(self._chunks) if self._chunks else np.zeros(0, np.int16)
        ahead, found = self._pauses_ahead, None
        if ahead is not None and ended is not None and ahead[0] == ended.speech_end:
            found = ahead[1].result()  # only silence came after the audio they were found in
        if self._pauses_finder is not None:
            self._pauses_finder.shutdown(wait=True)
            self._pauses_finder = None
        heard = heard_with(Transcript(transcript.text, words), samples, self.transcriber.engine_name, offset,
                           found_pauses=found)
        if self.line_end is None:
            return heard
        # A held "uh" while the prospect still speaks could be their voice left in a speaker's echo: only the
        # rep's own time counts (a filler said over the line is rare, and the engine's words still count it).
        return replace(heard, filled_pauses=heard.filled_pauses.from_time(self._drill(self.line_end)))

    @property
    def audio_end(self) -> float | None:
        """Capture time just after the turn's last sample (clock)."""
        if self.audio_start is None:
            return None
        return self.audio_start + sum(len(c) for c in self._chunks) / ENGINE_RATE

    def _speculate(self, now: float) -> None:
        """In a pause: start Whisper's pass (its words end the turn, its result is the final one); on a
        virtual clock, wait for the words the end-of-turn model needs, as an instant engine would give them."""
        endpointer, transcriber = self.endpointer, self.transcriber
        silent_since = endpointer.silent_since
        if self.clock.virtual:
            if not endpointer.wants_words:
                return
            if not transcriber.speculates:
                transcriber.catch_up()
            elif now - silent_since >= SPECULATE_AFTER_S and not transcriber.speculated(silent_since):
                transcriber.wait_speculation()
                transcriber.speculate(np.concatenate(self._chunks), silent_since)
                transcriber.wait_speculation()
            return
        if (
            transcriber.speculates
            and silent_since is not None
            and now - silent_since >= SPECULATE_AFTER_S
            and not transcriber.speculated(silent_since)
        ):
            transcriber.speculate(np.concatenate(self._chunks), silent_since)

    def _find_pauses_ahead(self, now: float) -> None:
        """In a silence that may end the turn soon (real clock): find the answer's filled pauses now, on a
        worker thread, so that hearing the answer after the end does not wait for them: they cost ~4 ms a
        second of answer audio on an idle core, and in bench/turns.py's real-time drill (8 s turns, load 10-16)
        hearing took p50 81 ms after the end with them, 2 ms without. The audio after the silence began holds
        no speech if the turn ends on it, so the same are found (tests/test_drill_turn_taking.py)."""
        endpointer = self.endpointer
        silent_since = endpointer.silent_since
        if (self.clock.virtual or silent_since is None or now - silent_since < SPECULATE_AFTER_S
                or (self._pauses_ahead is not None and self._pauses_ahead[0] == silent_since)
                or not endpointer.may_end_soon):
            return
        if self._pauses_finder is None:
            self._pauses_finder = ThreadPoolExecutor(max_workers=1, thread_name_prefix="filled-pauses")
        self._pauses_ahead = (silent_since, self._pauses_finder.submit(filled_pauses, np.concatenate(self._chunks)))

    def _give_words(self) -> None:
        """Hand the endpointer the words heard so far, on its clock."""
        words = self.transcriber.words()
        if words is not None and self.audio_start is not None:
            text, covered, streamed, end = words
            settle = PARTIAL_SETTLE_S if streamed else 0.0
            self.endpointer.hear_words(text, self.audio_start + covered / ENGINE_RATE - settle,
                                       None if end is None else self.audio_start + end / ENGINE_RATE, streamed)

    def repeat_line(self) -> bool:
        """Play the line again once it has been heard (the rep's R; any thread); False before then."""
        if not self._line_reported or self.endpointer.ended is not None:
            return False
        self._wants_repeat.set()
        return True

    def skip_prep(self) -> None:
        """The rep is ready: the answer is due now, not at the end of the preparation time (any thread)."""
        self._wants_answer_now.set()

    @property
    def answer_due(self) -> float | None:
        """When the answer was due (clock), when later than the line's end: after the preparation or a repeat."""
        due = self.endpointer.answer_due
        return due if due is not None and self.line_end is not None and due > self.line_end else None

    def _follow_requests(self, rendered: RenderedLine, output: AudioOutput) -> None:
        """The rep's requests: ready before the preparation is over, or the line again (the answer is then
        due at the end of the replay's speech). An answer file begins when a preparation time ends."""
        due = self.endpointer.answer_due
        if self._wants_answer_now.is_set():
            self._wants_answer_now.clear()
            if due is not None and self.line_end is not None and due > self.clock.now():
                due = max(self.line_end, self.clock.now())
                self.endpointer.answer_due_at(due)
        if (self.prep_s > 0 and self.answer_file is None and isinstance(self.audio_in, AnswerFiles)
                and due is not None and self.clock.now() >= due):
            self.answer_file = self.audio_in.begin_answer(due)
        if self._wants_repeat.is_set() and self._repeat is None:
            self._wants_repeat.clear()
            self.repeats += 1
            self.endpointer.answer_due_at(self.clock.now() + rendered.duration_s + OUTPUT_STALL_S)  # until it starts
            self._repeat = output.play(rendered.path)
        replay = self._repeat
        if replay is None:
            return
        if replay.error is not None:
            raise TrainerError(f"{replay.error} while playing the prospect's line again: check the speakers or "
                               "headset and the sound server")
        if replay.started_at is not None:
            self.endpointer.answer_due_at(replay.started_at + rendered.speech_end_s)
        if replay.done.is_set():
            self._repeat = None
            start = replay.started_at + rendered.speech_start_s
            self.emit(LineDidRepeat(self.number, self._drill(start), self._drill(self.endpointer.answer_due),
                                    self.repeats))

    def _line_started(self, playback: Playback, rendered: RenderedLine) -> None:
        self.line_start = playback.started_at + rendered.speech_start_s
        self.line_end = playback.started_at + rendered.speech_end_s
        self.endpointer.prospect_ended(self.line_end)
        if self.prep_s > 0:
            self.endpointer.answer_due_at(self.line_end + self.prep_s)  # answer files begin then (_follow_requests)
        elif isinstance(self.audio_in, AnswerFiles):
            self.answer_file = self.audio_in.begin_answer(self.line_end)

    def _line_played(self, playback: Playback) -> None:
        self._line_reported = True
        if playback.stopped and playback.ended_at is not None:  # cut short: the speech heard ended there
            self.line_end = max(self.line_start, min(self.line_end, playback.ended_at))
        due = self.answer_due
        self.emit(LineDidPlay(self.number, self._drill(self.line_start), self._drill(self.line_end), playback.stopped,
                              None if due is None else self._drill(due)))

    def _consume(self, events) -> TurnEnded | None:
        for event in events:
            if isinstance(event, SpeechStarted) and not self._spoke:
                self._spoke = True
                self.emit(SpeechDidStart(self.number, self._drill(event.at), event.over_prospect))
            elif isinstance(event, SpeechStarted):
                self.emit(SpeechDidResume(self.number, self._drill(event.at), event.over_prospect))
            elif isinstance(event, SpeechPaused):
                self.emit(SpeechDidPause(self.number, self._drill(event.since), event.holding_s, event.why))
            elif isinstance(event, MonologueTooLong) and self.cut_in:
                return self.endpointer.end_now(CUT_IN, event.at)
            elif isinstance(event, TurnEnded):
                return event
        return None

    def _report(self, chunk: AudioChunk) -> None:
        while True:
            try:
                partial = self.transcriber.partials.get_nowait()
            except queue.Empty:
                break
            self.emit(PartialTranscript(self.number, partial))
        if chunk.end - self._meter_at >= METER_EVERY_S:
            # with echo cancellation on (a chunk filter), the meter shows the cleaned chunk, not the speakers' echo
            level = measure_level(chunk.samples) if self.audio_in.chunk_filter is not None else self.audio_in.level()
            if level is not None:
                self._meter_at = chunk.end
                self.emit(LevelMeter(self.number, level.rms, level.peak))

    def _drill(self, clock_time: float) -> float:
        return clock_time - self.drill_start


def _check_playing(playback: Playback, opened: float, now: float, output: AudioOutput) -> None:
    """Raise a TrainerError when the prospect's line failed to play, or has hung."""
    if playback.error is not None:
        problem = f"{playback.error} while playing the prospect's line"
    elif playback.started_at is None and now - opened > OUTPUT_STALL_S:
        problem = f"{_output_name(output)} did not start playing the prospect's line within {OUTPUT_STALL_S:.0f} s"
    elif (playback.started_at is not None and not playback.done.is_set()
          and now > playback.started_at + playback.duration + OUTPUT_STALL_S):
        problem = f"{_output_name(output)} stopped partway through the prospect's line"
    else:
        return
    raise TrainerError(f"{problem}: check the speakers or headset and the sound server, or pick another output "
                       "device (`trainer devices` lists them)")


def _output_name(output: AudioOutput) -> str:
    device = getattr(output, "device", None)
    return f"audio output device {device.index} ({device.name})" if device is not None else "the audio output"

"""Whether the rep went on after a guessed end of turn, while the prospect's next line begins (issue 15).

An end on silence is a guess, and a wrong guess is cheap, as between people: the rep's
speech starting again soon into the next line takes the turn back, the line stops and
the answer goes on (`trainer.drill.turn.RepTurn.go_on`). This is the watch that tells.
"""

from __future__ import annotations

import threading

from trainer.core.metrics import JOIN_GAP_S
from trainer.speech.audio import AudioClock
from trainer.speech.audio_in import AudioChunk, AudioInput
from trainer.speech.audio_out import Playback
from trainer.speech.endpoint import Endpointer, SpeechStarted
from trainer.speech.tts import RenderedLine

# The rep's speech starting again this soon into the prospect's next line (or before it starts) takes the
# turn back and the line stops (issue 15 asks for ~1.5 s; not tuned on data). A line shorter than this is
# watched to its end: after that, the rep answers it.
RESUME_WITHIN_S = 1.5
# ... and only speech that lasts: a word, not a cough, a click or a blip of the line's own echo (a
# real sound server let 60-170 ms of echo through now and then; each stopped the line once).
RESUME_SPEECH_S = 0.25


def watch(audio_in: AudioInput, clock: AudioClock, stop: threading.Event, kept: list[AudioChunk],
          playback: Playback | None, rendered: RenderedLine | None, opened: float, *,
          stall_s: float, read_timeout_s: float) -> tuple[float, float] | None:
    """When the rep's speech began again and when that was heard (clock), if it began before `RESUME_WITHIN_S`
    into the line's speech (or the line's end, if sooner) and lasted `RESUME_SPEECH_S`; None if it did not.
    With no line (`playback` None: the drill's last answer), the window is `RESUME_WITHIN_S` from `opened`.

    Every chunk read is appended to `kept`, in order. A line not started `stall_s` after `opened` ends the
    watch (the next turn reports the stalled output).
    """
    detector = Endpointer()  # no prospect end: it only reports where speech starts
    began = None  # the start of the stretch of speech heard in the window, until it lasts or ends
    while not stop.is_set():
        started = opened if playback is None else playback.started_at
        if started is None and clock.now() - opened > stall_s:
            break
        chunk = audio_in.read(timeout=read_timeout_s)
        if chunk is None:
            if audio_in.ended:
                break
            continue
        kept.append(chunk)
        for event in detector.feed(chunk):
            if isinstance(event, SpeechStarted):
                began = event.at
        if began is not None and detector.speech_end - began >= RESUME_SPEECH_S:
            return began, chunk.end
        if began is not None and chunk.end - detector.speech_end >= JOIN_GAP_S:
            began = None  # too short to be the rep going on
        if started is not None and began is None:
            until = started + (RESUME_WITHIN_S if rendered is None
                               else min(rendered.speech_start_s + RESUME_WITHIN_S, rendered.speech_end_s))
            if chunk.captured_at >= until:
                break
    return None

"""A drill through the real audio loop with the microphone hearing the speakers, against the drill from files.

The PulseAudio rig (tests/pulse_rig.py) as in test_audio_loop_drill.py: the prospect is
played by sounddevice into the "speaker" sink; the rep's microphone captures the "room"
sink, into which each answer WAV is played when the line has been heard out. Here the
room also hears the speaker through a PulseAudio loopback at -12 dB (its own latency,
resampling and clock: not the simulation), and the drill's echo cancellation is on.
The transcript and timing must match the drill from files without echo; no prospect
word and no barge-in may come from the echo. And a rep who starts each answer 1.75 s
before the line ends is a barge-in every turn through the same loop. Skipped (with the
reason) when the sound server cannot start.
"""

import threading

import pytest
import soundfile
from echo_drills import prospect_words_heard
from rapidfuzz.distance import Levenshtein
from tts_speech import compose

from trainer.core.packs import find_pack
from trainer.core.text import tokens
from trainer.drill.answer_source import AnswerFiles
from trainer.drill.events import LineWillPlay
from trainer.drill.plan import plan_drill
from trainer.drill.runner import DrillRunner
from trainer.speech.audio import AudioClock
from trainer.speech.audio_out import FileOutput
from trainer.speech.echo import EchoCancellation
from trainer.speech.whisper_engine import WhisperEngine
from trainer.store.db import Store

pytestmark = pytest.mark.slow

SHORT_ASK = "Can I ask what you had in mind?"
ASKS_WITHOUT_VALUE = "That makes sense. How long does that take you?"
ECHO_DB = -12.0
PAPLAY_START_S = 0.5  # an answer lands 0-0.5 s after LineDidPlay (test_audio_loop_drill.py)
LOOP_TALK_S = 0.2  # talk time through the real loop against the same drill from files (issue 16)


def drill(store, engine, audio_in, audio_out, clock, echo=None, on_event=None):
    plan = plan_drill(find_pack("price-and-budget"), 4, "more-than-expected", seed=7)
    return DrillRunner(plan, store=store, engine=engine, audio_in=audio_in, audio_out=audio_out, clock=clock,
                       on_event=on_event or (lambda event: None), mode="audio loop", echo=echo).run()


def test_a_drill_with_the_microphone_hearing_the_speakers(tmp_path, pulse_rig):
    engine = WhisperEngine(partial_every_s=None)
    spoken = [compose([lead, text, 1.0], tmp_path / f"{n}.wav")
              for n, (lead, text) in enumerate(((0.8, SHORT_ASK), (0.5, ASKS_WITHOUT_VALUE)), 1)]
    clock = AudioClock(virtual=True)
    with Store(tmp_path / "files") as store:
        from_files = drill(store, engine, AnswerFiles([s.path for s in spoken], clock),
                           FileOutput(tmp_path / "played", clock), clock)

    echo = EchoCancellation.start()
    with pulse_rig.answering_room([s.path for s in spoken]) as room, pulse_rig.speaker_in_mic(ECHO_DB), \
            Store(tmp_path / "loop") as store:
        looped = drill(store, engine, room.microphone, room.output, AudioClock(), echo, room.on_event)

    # the microphone did hear the speakers: the canceller measured their echo while the lines played
    assert echo.gate.measured and echo.gate.coupling > 0.05, echo.gate.coupling
    assert [t.node_id for t in looped.turns] == [t.node_id for t in from_files.turns]
    assert prospect_words_heard(looped, [SHORT_ASK, ASKS_WITHOUT_VALUE]) == []
    for loop, files in zip(looped.turns, from_files.turns):
        assert Levenshtein.distance(tokens(loop.transcript), tokens(files.transcript)) <= 1, (
            loop.transcript, files.transcript)
        # Under load the echo's delay moves between the lines (by up to 65 ms, within a line up to 105 ms with
        # two busy loops on the 2 cores, load 9-13): with the delay measured over 3 s and kept from line to line
        # this failed 2 runs in 10 so (AEC3 re-adapting let 70-170 ms of the second line's echo through as the
        # rep); with it measured for each line, 0 in 10 under the same load (trainer/speech/echo.py LINE_*).
        # At load 14-16 (two benchmarks besides) 4 of 8 failed: twice the drill itself broke (the answer never
        # heard), twice the delay moved by 70-240 ms within a line with no dropout to show it (not followed).
        assert (loop.barge_ins, loop.assessment.metrics.talk_over_count) == (0, 0)
        m, f = loop.assessment.metrics, files.assessment.metrics
        print(f"turn {loop.number}: talk {m.talk_s:.2f} s through the loop, {f.talk_s:.2f} s from files; "
              f"latency {m.latency_s:.2f} s against {f.latency_s:.2f} s")
        # Measured since the gate knows the echo's delay 1.5 s into the drill (trainer/speech/echo.py
        # DELAY_FIRST_FRAMES): within 0.02 s in 4 runs, 3 of them with two busy loops on the 2 cores.
        # Before, CI measured 1.95 s against 1.64 s, and under load 3 runs in 4 had a false barge-in:
        # echo AEC3 leaked in the first line passed the gate as the rep.
        assert m.talk_s == pytest.approx(f.talk_s, abs=LOOP_TALK_S)
        assert f.latency_s - 0.1 <= m.latency_s <= f.latency_s + PAPLAY_START_S + 0.1


# Each answer starts this long before its line ends: its words 0.95-1.25 s before, paplay's start (~0.5 s, measured
# by the barge-ins found 0.55-0.78 s before the end) less. At 1.5 s too little of the answer was over the line: once in
# CI and 1 run in 6 with two busy loops the gate passed none of it (no barge-in, the first word 0.07 s after the line).
# At 1.75 s, 10 runs at load 12-15: every turn a barge-in; one run heard two answers as one turn (the drill, not the gate).
TALK_OVER_S = 1.75


def test_a_rep_talking_over_the_line_through_the_loop_is_a_barge_in(tmp_path, pulse_rig):
    """The rep starts each answer while the line still plays, through the real loop with the echo: every turn is
    a barge-in (the talk-over metric), and the words said after the line ended are all there."""
    engine = WhisperEngine(partial_every_s=None)
    spoken = [compose([lead, text, 1.0], tmp_path / f"{n}.wav")
              for n, (lead, text) in enumerate(((0.8, SHORT_ASK), (0.5, ASKS_WITHOUT_VALUE)), 1)]
    echo = EchoCancellation.start()
    timers: list[threading.Timer] = []
    with pulse_rig.answering_room([s.path for s in spoken]) as room, pulse_rig.speaker_in_mic(ECHO_DB), \
            Store(tmp_path / "loop") as store:
        def speak_over(event) -> None:
            if isinstance(event, LineWillPlay) and len(timers) < len(room.answers):
                answer = room.answers[len(timers)]
                timer = threading.Timer(max(0.0, soundfile.info(str(event.audio)).duration - TALK_OVER_S),
                                        lambda: room.speakers.append(pulse_rig.play_into_mic(answer)))
                timers.append(timer)
                timer.start()
        looped = drill(store, engine, room.microphone, room.output, AudioClock(), echo, speak_over)
        for timer in timers:
            timer.join()

    # Words said over the line may be garbled ("and ask you to have in mind", once in 16 runs "And I guess you
    # have been mine"): without the ask the drill ends after the first turn (the pack's branch), so the second
    # turn is checked only when it was reached, and the words only for being there.
    assert looped.turns and len(looped.turns[0].transcript.split()) >= 3
    for turn in looped.turns:
        print(f"turn {turn.number}: {turn.barge_ins} barge-in(s), latency {turn.assessment.metrics.latency_s:.2f} s, "
              f"{turn.transcript!r}")
        assert turn.barge_ins >= 1 and turn.assessment.metrics.talk_over_count >= 1
        assert turn.assessment.metrics.latency_s < 0

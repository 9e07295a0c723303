"""A whole drill through a real audio loop, compared with the same drill from files.

Through the PulseAudio rig (tests/pulse_rig.py): the prospect is played by
sounddevice/PortAudio into the "speaker" null sink, and the rep's microphone is a
real PortAudio input stream capturing the "room" sink's monitor, into which each
answer WAV is played (paplay) as soon as the runner reports the line heard out
(`LineDidPlay`). The same answers then run as answer files on a virtual clock
(`trainer drill --fast`). Both runs must follow the script the same way and hear
and time the answers the same, within the tolerances below. Run with each English
engine: Whisper tiny.en and Vosk's small English model (the engine of record).
Skipped (with the reason) when the sound server cannot start. Locally:
docs/reliability.md.
"""

import numpy as np
import pytest
import soundfile
from rapidfuzz.distance import Levenshtein
from tts_speech import compose

from trainer.drill.answer_source import AnswerFiles
from trainer.core.packs import find_pack
from trainer.core.text import tokens
from trainer.drill.runner import DrillRunner
from trainer.drill.plan import plan_drill
from trainer.speech.audio import AudioClock
from trainer.speech.audio_out import FileOutput
from trainer.speech.vosk_engine import VoskEngine
from trainer.speech.whisper_engine import WhisperEngine
from trainer.store.check import check
from trainer.store.db import Store

pytestmark = pytest.mark.slow

SHORT_ASK = "Can I ask what you had in mind?"
ASKS_WITHOUT_VALUE = "That makes sense. How long does that take you?"
LEADS = (0.8, 0.5)  # the rep's response latency in each answer file
# Tolerances, loop vs files. The loop's audio is resampled twice (16 -> 48 -> 16 kHz) and
# passes a sound server, so the VAD's 10 ms frames may fall a frame or two differently.
SPAN_S = 0.06  # a speech span's length (talk time)
WPM = 6.0  # pace: the same words over a span within SPAN_S
LATENCY_S = 0.03  # latency once the answer's real start in the capture is accounted for
PAPLAY_START_S = (0.0, 0.5)  # from LineDidPlay to the answer's first sample in the capture
# Word edits between the loop's transcript and the files': an engine may hear the resampled audio a
# little differently. Whisper: one word. Vosk's small English model: two, measured once in three runs
# ("can i ask what you have in mind" looped, "... you've had in mind" from the file).
WORD_EDITS = {"whisper": 1, "vosk": 2}


@pytest.fixture(scope="module", params=["whisper", "vosk-en"])
def engine(request):
    """The bundled Whisper tiny.en, or the small English Vosk model `make test` fetched; loaded once each."""
    if request.param == "whisper":
        return WhisperEngine(partial_every_s=None)
    return VoskEngine(request.getfixturevalue("english_vosk_model"))


@pytest.fixture(scope="module")
def spoken(tmp_path_factory):
    """The two answers, each with its leading silence and a second of silence after."""
    folder = tmp_path_factory.mktemp("answers")
    return [compose([lead, text, 1.0], folder / f"{n}.wav")
            for n, (lead, text) in enumerate(zip(LEADS, (SHORT_ASK, ASKS_WITHOUT_VALUE)), 1)]


def drill(store, engine, audio_in, audio_out, clock, on_event=None):
    plan = plan_drill(find_pack("price-and-budget"), 4, "more-than-expected", seed=7)
    runner = DrillRunner(plan, store=store, engine=engine, audio_in=audio_in, audio_out=audio_out, clock=clock,
                         on_event=on_event or (lambda event: None), mode="audio loop")
    return runner.run()


def answer_offset(recording, answer):
    """Where `answer`'s first sample landed inside `recording` (seconds), by cross-correlating its speech."""
    captured = soundfile.read(str(recording), dtype="float32")[0]
    speech = answer.spans[0]
    reference = answer.samples[round(speech.start * 16_000):round(speech.end * 16_000)].astype(np.float32) / 32768
    size = 1 << (len(captured) + len(reference)).bit_length()
    scores = np.fft.irfft(np.fft.rfft(captured, size) * np.conj(np.fft.rfft(reference, size)), size)
    lag = int(np.argmax(scores[: len(captured) - len(reference) + 1]))
    segment = captured[lag:lag + len(reference)]
    match = float(segment @ reference / (np.linalg.norm(segment) * np.linalg.norm(reference)))
    return lag / 16_000 - speech.start, match


def test_a_drill_through_the_sound_server_matches_the_same_drill_from_files(tmp_path, engine, spoken, pulse_rig):
    clock = AudioClock(virtual=True)
    with Store(tmp_path / "files") as store:
        from_files = drill(store, engine, AnswerFiles([s.path for s in spoken], clock),
                           FileOutput(tmp_path / "played", clock), clock)

    with pulse_rig.answering_room([s.path for s in spoken]) as room, Store(tmp_path / "loop") as store:
        looped = drill(store, engine, room.microphone, room.output, AudioClock(), room.on_event)
        stored = store.drill(looped.drill_id)
        assert check(store).ok
    microphone, line_ends = room.microphone, room.line_ends

    # the same script, the same way
    assert [t.node_id for t in looped.turns] == [t.node_id for t in from_files.turns] == [
        "more-than-expected", "compared-to"]
    assert (looped.status, looped.outcome) == (from_files.status, from_files.outcome) == (
        "finished", "Lucia agrees it's tiring but says money is tight. No decision.")
    assert microphone.overflows == 0 and microphone.dropped == 0  # no input frame lost
    assert [t.status for t in stored.turns] == ["scored", "scored"]

    for loop, files, answer, line_end in zip(looped.turns, from_files.turns, spoken, line_ends):
        heard, expected = tokens(loop.transcript), tokens(files.transcript)
        assert Levenshtein.distance(heard, expected) <= WORD_EDITS[engine.name], (loop.transcript, files.transcript)
        assert loop.covered == files.covered
        m, f = loop.assessment.metrics, files.assessment.metrics
        assert m.talk_s == pytest.approx(f.talk_s, abs=SPAN_S)
        assert m.wpm == pytest.approx(f.wpm, abs=WPM)
        assert (loop.end_reason, loop.barge_ins) == ("silence", 0)
        # latency: the answer file's own silence, plus however late paplay put it into the room
        offset, match = answer_offset(loop.recording, answer)
        assert match > 0.9  # the answer itself, resampled twice, is in the recording
        landed = loop.rep_start + offset  # where the answer's first sample was captured (drill clock)
        assert PAPLAY_START_S[0] <= landed - line_end <= PAPLAY_START_S[1]
        assert m.latency_s == pytest.approx(f.latency_s + (landed - loop.prospect_end), abs=LATENCY_S)

"""The transcriber of one turn: the engine on its own thread, and Whisper's final pass started during the silence."""

import pytest
from tts_speech import compose

from trainer.drill.transcriber import Transcriber
from trainer.speech.whisper_engine import WhisperEngine

pytestmark = pytest.mark.slow

ANSWER = "Fair enough. Can I ask what matters most to you here?"


class CountingEngine:
    """The real Whisper engine, counting the final passes its recognizers make."""

    name = "whisper"

    def __init__(self, engine):
        self.engine = engine
        self.final_passes = 0

    def recognizer(self):
        recognizer = self.engine.recognizer()
        finish = recognizer.finish

        def counted():
            self.final_passes += 1
            return finish()

        recognizer.finish = counted
        return recognizer


@pytest.fixture(scope="module")
def answer(tmp_path_factory):
    return compose([0.4, ANSWER, 1.0], tmp_path_factory.mktemp("turn") / "answer.wav").samples


def feed(transcriber, samples):
    for start in range(0, len(samples), 320):
        transcriber.feed(samples[start:start + 320])


def test_a_final_pass_speculated_for_the_ending_silence_is_the_result(whisper, answer):
    engine = CountingEngine(whisper)
    transcriber = Transcriber(engine)
    assert transcriber.speculates
    feed(transcriber, answer)
    assert transcriber.speculate(answer, key=2.9)
    transcript = transcriber.finish(2.9)
    assert engine.final_passes == 1  # the buffered answer was not transcribed a second time
    assert "can i ask what matters most" in transcript.text.lower()
    assert transcript.words[0].start == pytest.approx(0.4, abs=0.3)


def test_speech_after_the_speculated_silence_gets_a_pass_of_its_own(whisper, answer):
    engine = CountingEngine(whisper)
    transcriber = Transcriber(engine)
    feed(transcriber, answer[:16_000])
    transcriber.speculate(answer[:16_000], key=0.9)
    assert not transcriber.speculate(answer, key=1.5)  # one pass at a time (a pass takes far longer than this call)
    assert transcriber.speculated(0.9) and not transcriber.speculated(1.5)
    feed(transcriber, answer[16_000:])
    transcript = transcriber.finish(2.9)  # the turn ended on a later silence
    assert engine.final_passes == 2
    assert "what matters most" in transcript.text.lower()


def test_abandon_ends_without_a_final_pass(whisper, answer):
    engine = CountingEngine(whisper)
    transcriber = Transcriber(engine)
    feed(transcriber, answer)
    transcriber.abandon()
    assert engine.final_passes == 0

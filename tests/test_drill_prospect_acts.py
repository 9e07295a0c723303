"""The prospect's temperament acts in real drills (issue 19 item 3): cut-ins, reactions to hedges, the warm add-on.

Drills on a virtual clock (as `trainer drill --fast` runs them): espeak-ng answers as the
microphone, the real Whisper engine, real SQLite, the lines written by the file output.
A hostile persona at level 5 lets the rep talk 10 s without a pause
(trainer/data/temperaments.yaml), then cuts in with the pack's line; at level 1 the
same persona is warm at most (the level's ceiling) and never cuts in.
"""

from dataclasses import replace

import drill_runs
import pytest
import soundfile
from tts_speech import compose

from trainer.core.levels import level_persona
from trainer.core.packs import load_pack_text
from trainer.core.temperaments import cut_in_after_s, generic_lines
from trainer.drill.events import LineWillPlay, ProspectActWillPlay
from trainer.drill.plan import plan_drill
from trainer.drill.prospect_acts import BREATH_S, join_lines
from trainer.speech import tts
from trainer.speech.endpoint import CUT_IN
from trainer.speech.wavs import read_engine_audio

pytestmark = pytest.mark.slow

PACK = """\
id: acts-demo
title: Temperament acts
version: "1.0"
author: Tests
description: A hostile and a warm prospect.
language: en
personas:
  - id: hal
    name: Hal Price
    role: Owner of a print shop
    temperament: hostile
    voice: {language: en-us, gender: male, rate: 170}
    interruptions: ["Sorry, what are you actually asking me?"]
  - id: wendy
    name: Wendy Moss
    role: Office manager at a dental practice
    temperament: warm
    voice: {language: en-gb, gender: female, rate: 170}
objections:
  - id: not-interested
    category: brush-off
    level: 5
    persona: hal
    lines: ["Not interested.", "We're fine, thanks."]
    rubric:
      acknowledge: [fair enough, i hear you]
      ask: [can i ask, how do you]
    model_answer: Fair enough. Can I ask how you handle orders today?
    next:
      - goto: pushback
    follow_ups:
      pushback:
        lines: ["So what do you want?"]
        rubric:
          ask: [could we, would you]
        model_answer: Could we take ten minutes on Thursday?
  - id: tell-me-more
    category: brush-off
    level: 1
    persona: wendy
    lines: ["Oh, what's this about?", "Go on then, what is it?"]
    rubric:
      acknowledge: [good question, sure]
      ask: [can i ask, how do you]
    model_answer: Sure. Can I ask how you book appointments today?
"""
# one breath of ~17 s, no sentence end to stop at: the end-of-turn model never ends it on a pause
RAMBLING = [0.5, " and ".join(["we help print shops like yours plan every job and cut the overtime"] * 4), 1.0]
HEDGED = [0.5, "Maybe we could just talk for a bit, I guess?", 1.0]
ASKS = [0.5, "Sure. Can I ask how you book appointments today?", 1.0]


@pytest.fixture(scope="module")
def pack():
    return load_pack_text(PACK, "acts-demo.yaml")


def answers(folder, *parts_per_answer):
    folder.mkdir(exist_ok=True)
    return [compose(parts, folder / f"{n:02d}.wav").path for n, parts in enumerate(parts_per_answer, 1)]


def rendered(pack, plan, objection_id, line):
    """A line as the runner renders it (the persona's voice at the level; cached)."""
    objection = pack.objection(objection_id)
    return tts.render_voice(line, level_persona(pack.personas[objection.persona], plan.rules).voice)


def heard(whisper, path):
    """What the engine hears in a played WAV, lower case."""
    return whisper.transcribe(read_engine_audio(path)).text.lower()


def test_a_hostile_prospect_at_level_5_cuts_in_with_the_pack_line_and_reacts_to_hedges(tmp_path, pack, whisper):
    plan = plan_drill(pack, 5, "not-interested", seed=3)
    limit = cut_in_after_s("hostile", 5, plan.rules.cut_in_after_s)
    assert limit == 10  # hostile at level 5, under the level's 15 s
    result, stored, events, report = drill_runs.run_drill(tmp_path, plan, whisper,
                                                          answers(tmp_path / "answers", RAMBLING, HEDGED))
    first, second = result.turns
    assert first.end_reason == CUT_IN
    assert first.rep_end == pytest.approx(first.spans[0].start + limit, abs=0.05)
    assert [r.text for r in first.assessment.card.reasons if r.component == "length"] == [
        f"The prospect cut in after {limit} s of talk without a pause - make your point in one breath, ask, then stop"]
    assert second.node_id == "pushback" and second.end_reason != CUT_IN

    cut_in, reaction = (turn.acts for turn in stored.turns)
    assert [(a.kind, a.line) for a in cut_in] == [("cut_in", "Sorry, what are you actually asking me?")]
    assert [a.kind for a in reaction] == ["hedges"] and reaction[0].line in generic_lines("hedges")
    assert cut_in[0].at == pytest.approx(first.timings.next_audio_start, abs=1e-3)
    assert first.acts == cut_in and second.acts == reaction  # the drill's result says so too (--json)
    assert first.as_json()["acts"] == [{"kind": "cut_in", "line": cut_in[0].line, "at": round(cut_in[0].at, 3)}]
    assert reaction[0].at is not None and reaction[0].at >= second.rep_end - 1e-3  # stored to the millisecond
    # announced as they are said: the cut-in just before the follow-up's line, the reaction after the last answer
    said = [e for e in events if isinstance(e, (ProspectActWillPlay, LineWillPlay))]
    assert [(type(e).__name__, e.turn) for e in said] == [
        ("LineWillPlay", 1), ("ProspectActWillPlay", 1), ("LineWillPlay", 2), ("ProspectActWillPlay", 2)]
    assert [(said[1].kind, said[1].line), (said[3].kind, said[3].line)] == [
        ("cut_in", cut_in[0].line), ("hedges", reaction[0].line)]

    # played: the cut-in then the follow-up as one sound, and the reaction on its own after the last answer
    played = sorted((tmp_path / "played").glob("playback-*.wav"))
    assert len(played) == 3
    act = rendered(pack, plan, "not-interested", cut_in[0].line)
    line = rendered(pack, plan, "not-interested", "So what do you want?")
    expected_s = act.duration_s + BREATH_S + line.duration_s
    assert soundfile.info(str(played[1])).duration == pytest.approx(expected_s, abs=0.01)
    words = heard(whisper, played[1])
    assert "actually asking" in words and "what do you want" in words, words
    said = rendered(pack, plan, "not-interested", reaction[0].line)
    assert soundfile.info(str(played[2])).duration == pytest.approx(said.duration_s, abs=0.01)
    assert {"you sound": "You sound unsure.", "telling me": "Are you asking me or telling me?"}.get(
        next((k for k in ("you sound", "telling me") if k in heard(whisper, played[2])), "")) == reaction[0].line
    assert report.ok


def test_at_level_1_the_same_hostile_prospect_is_warm_and_never_cuts_in(tmp_path, pack, whisper):
    hostile_at_one = replace(pack.objection("not-interested"), level=1)
    pack_one = replace(pack, objections=(hostile_at_one, pack.objection("tell-me-more")))
    plan = plan_drill(pack_one, 1, "not-interested", seed=3)
    assert level_persona(pack.personas["hal"], plan.rules).temperament == "warm"
    result, stored, _, _ = drill_runs.run_drill(tmp_path, plan, whisper, answers(tmp_path / "answers", RAMBLING))
    [turn] = result.turns
    assert turn.end_reason != CUT_IN
    assert turn.spans[-1].end - turn.spans[0].start > 14  # the whole rambling answer was heard out
    assert stored.turns[0].acts == ()


def test_a_warm_prospect_gives_a_little_more_after_a_good_question(tmp_path, pack, whisper):
    plan = plan_drill(pack, 1, "tell-me-more", seed=3)
    result, stored, _, _ = drill_runs.run_drill(tmp_path, plan, whisper, answers(tmp_path / "answers", ASKS))
    [turn] = result.turns
    assert "ask" in turn.covered
    [act] = stored.turns[0].acts
    assert act.kind == "add_on" and act.line in generic_lines("add_ons")
    played = sorted((tmp_path / "played").glob("playback-*.wav"))
    assert len(played) == 2 and "question" in heard(whisper, played[1])


def test_an_act_joined_to_a_line_is_one_sound_and_once_joined_is_reused_without_reading_the_lines():
    act = tts.render("Sorry, what are you actually asking me?", "en-us")
    line = tts.render("So what do you want?", "en-us")
    joined = join_lines(act, line)
    assert joined.duration_s == pytest.approx(act.duration_s + BREATH_S + line.duration_s, abs=1e-3)
    assert soundfile.info(str(joined.path)).duration == pytest.approx(joined.duration_s, abs=1e-6)
    assert joined.speech_start_s == act.speech_start_s
    assert joined.speech_end_s == pytest.approx(act.duration_s + BREATH_S + line.speech_end_s, abs=1e-3)
    for rendered in (act, line):  # the drill thread joins them just before the next line: no reading them again
        rendered.path.rename(rendered.path.with_suffix(".moved"))
    assert join_lines(act, line) == joined

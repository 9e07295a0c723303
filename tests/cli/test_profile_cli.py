"""`trainer profile` and `trainer selfcheck` on a real store, with one-line errors for wrong input."""

import io
import json

import pytest
from practice_pack import install_pack
from profile_history import store_answers

from trainer.cli import main
from trainer.core.reluctance import default_areas
from trainer.store.db import Store

COUNT = len(default_areas().statements())


@pytest.fixture
def data(isolated_dirs):
    install_pack(isolated_dirs / "data")
    return isolated_dirs / "data"


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_profile_json_has_the_issues_fields_and_the_focus(data, capsys):
    with Store() as store:
        for _ in range(3):
            store_answers(store, "too-expensive", [(2.8, 1, 60)])
            store_answers(store, "call-next-quarter", [(0.6, 0, 90)])
    code, out, err = run(capsys, "profile", "--json")
    assert (code, err) == (0, "")
    profile = json.loads(out)
    assert profile["focus"] == "talking-money" and profile["focus_source"] == "drills"
    first = profile["areas"][0]
    assert {"id", "label", "drills", "hesitation_rate", "median_latency_s", "hedges_per_answer", "suds_before",
            "mean_score", "trend", "reason"} <= set(first)
    assert (first["id"], first["drills"], first["hesitation_rate"], first["median_latency_s"]) == (
        "talking-money", 3, 1.0, 2.8)
    code, out, _ = run(capsys, "profile")
    assert out.startswith("Focus: Talking about price and budget (from your drills)")
    assert "Talking about price and budget: 3 of 3 answers came after a hesitation; you wait 2.8 s" in out


def test_profile_without_drills_says_there_is_no_focus_yet(data, capsys):
    code, out, _ = run(capsys, "profile", "--json")
    assert code == 0 and json.loads(out)["focus"] is None
    code, out, _ = run(capsys, "profile")
    assert out.startswith("Focus: none yet - too few drills")


def test_selfcheck_with_answers_is_stored_and_shown_beside_the_drills(data, capsys):
    answers = ",".join("4" if area == "reaching-up" else "1" for area, _ in default_areas().statements())
    code, out, err = run(capsys, "selfcheck", "--answers", answers)
    assert (code, err) == (0, "")
    assert "  Calling people senior to you: you said 100/100; your drills show: no drills here yet" in out
    assert out.rstrip().endswith("Focus: Calling people senior to you (from your self-check)")
    assert json.loads(run(capsys, "profile", "--json")[1])["focus"] == "reaching-up"


def test_selfcheck_asks_each_statement_and_asks_again_on_a_wrong_answer(data, capsys, monkeypatch):
    replies = ["often", "9", *["2"] * COUNT]
    stdin = io.StringIO("\n".join(replies) + "\n")
    stdin.isatty = lambda: True
    monkeypatch.setattr("sys.stdin", stdin)
    code, out, _ = run(capsys, "selfcheck")
    assert code == 0
    assert out.count("'often' is not an answer: type one digit, 0 never, 1 rarely") == 1
    assert "'9' is not an answer" in out
    assert "Opening a call to a stranger: you said 50/100" in out


def test_selfcheck_stopped_half_way_saves_nothing(data, capsys, monkeypatch):
    stdin = io.StringIO("1\n2\n")
    stdin.isatty = lambda: True
    monkeypatch.setattr("sys.stdin", stdin)
    code, _, err = run(capsys, "selfcheck")
    assert code == 1 and "the self-check was not finished (input ended); nothing was saved" in err
    assert json.loads(run(capsys, "profile", "--json")[1])["selfcheck_taken"] is None


@pytest.mark.parametrize("argv, message", [
    (["selfcheck", "--answers", "1,2,3"], f"3 answers given; the self-check has {COUNT} statements"),
    (["selfcheck", "--answers", ",".join(["5"] * COUNT)], "answer '5' is not one of 0-4"),
    (["selfcheck", "--answers", ""], f"0 answers given; the self-check has {COUNT} statements"),
    (["selfcheck"], f"not a terminal: give the {COUNT} answers with --answers"),
])
def test_wrong_selfcheck_input_is_one_clear_line(data, capsys, monkeypatch, argv, message):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    code, out, err = run(capsys, *argv)
    assert code == 1 and out == "" and message in err and err.count("\n") == 1


def test_selfcheck_lists_its_statements(data, capsys):
    code, out, _ = run(capsys, "selfcheck", "--list")
    assert code == 0 and len(out.splitlines()) == COUNT <= 20


def test_today_puts_new_objections_of_the_focus_area_first(data, capsys):
    with Store() as store:
        for _ in range(3):  # hesitating when asked to call later: the focus is asking for the next step
            store_answers(store, "call-next-quarter", [(3.1, 2, 50)], level=1)
    code, out, _ = run(capsys, "today", "--json")
    assert code == 0
    items = json.loads(out)["items"]  # without a focus, too-expensive (the pack's first level-1 objection) leads
    assert items[0]["objection"] == "call-next-quarter"
    assert items[0]["why"] == "new at level 1; your focus: asking for the next step"
    # the built-in packs' stalls join the block (a pack not met yet), all before the price objection
    focused = [i["why"].endswith("your focus: asking for the next step") for i in items]
    assert focused == sorted(focused, reverse=True) and any(i["pack"] != "practice-demo" for i in items[:2])

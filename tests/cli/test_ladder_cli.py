"""`trainer level`, `trainer today` and `trainer suds` on a real store, with one-line errors for wrong input."""

import json
from datetime import datetime, timedelta, timezone

import pytest
from practice_pack import OBJECTIONS, demo_pack, install_pack, store_drill, turn

from trainer.cli import main
from trainer.core import paths
from trainer.store.db import Store
from trainer.store.progress import record_progress
from trainer.store.reviews import record_review


@pytest.fixture
def pack(isolated_dirs):
    """The practice pack, installed in this test's packs folder."""
    install_pack(isolated_dirs / "data")
    return demo_pack()


def run(capsys, *argv):
    """Exit code, stdout, stderr of one `trainer` command."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_level_before_any_practice(pack, capsys):
    assert run(capsys, "level") == (0, "no practice yet: `trainer today` proposes where to start\n", "")
    code, out, _ = run(capsys, "level", "--pack", "practice-demo")
    assert code == 0
    assert out.splitlines()[:2] == [
        "practice-demo: level 1 (Warm-up): model answer shown, 10 s to prepare, no answer limit, prospect warm at most, "
        "fixed lines",
        "  no level-1 drills yet; three of your next 4 must score 70+ without a hesitation to move up",
    ]


def test_level_after_drills_shows_promotion_categories_and_anxiety(pack, capsys):
    with Store() as store:
        for score, suds in ((75, (70, 40)), (82, (60, 30)), (90, (50, 30))):
            drill_id = store_drill(store, 1, [turn("too-expensive", score)], suds=suds, audio=False)
            record_progress(store, pack, drill_id)
        store_drill(store, 2, [turn("no-budget", 72)], audio=False)
    code, out, _ = run(capsys, "level")
    lines = out.splitlines()
    assert code == 0
    assert lines[0].startswith("practice-demo: level 2 (Own words): your bank shown, 5 s to prepare")
    assert lines[1] == "  1 of your 1 level-2 drill so far scored 70+ without a hesitation; two more to move up"
    assert "  your anxiety before level-1 drills fell from 70 to 50 over 3 drills" in lines
    assert "  your anxiety drops 27 points during a level-1 drill, on average" in lines
    code, out, _ = run(capsys, "level", "--pack", "practice-demo", "--json")
    [report] = json.loads(out)
    assert [(s["category"], s["level"], s["action"]) for s in report["scopes"]] == [
        (None, 2, "hold"), ("price", 2, "hold"), ("timing", 2, "hold")
    ]
    assert report["scopes"][0]["needed"] == 2 and report["anxiety"]["1"][0].startswith("your anxiety before")


def test_level_set_moves_the_rep_and_checks_its_input(pack, capsys):
    assert run(capsys, "level", "--pack", "practice-demo", "--set", "3")[0] == 0
    assert run(capsys, "level", "--pack", "practice-demo", "--set", "2", "--category", "timing")[0] == 0
    code, out, _ = run(capsys, "level", "--pack", "practice-demo")
    assert out.splitlines()[0].startswith("practice-demo: level 3 (Live)")
    assert "  timing: level 2 (Own words); no level-2 timing drills yet;" in out


@pytest.mark.parametrize(
    "argv, message",
    [
        (["level", "--set", "2"], "--set needs --pack: say which pack's level to change"),
        (["level", "--pack", "practice-demo", "--category", "price"], "--category goes with --set"),
        (["level", "--pack", "practice-demo", "--set", "9"], "there is no level 9; levels are 1-5"),
        (["level", "--pack", "practice-demo", "--set", "2", "--category", "pricing"],
         "pack 'practice-demo' has no category 'pricing' with its own level; categories: price, timing"),
        (["level", "--pack", "practise-demo"], "no pack with id 'practise-demo' - did you mean 'practice-demo'?"),
        (["today", "--pack", "nope.yaml"], "nope.yaml:1:1: cannot read the file"),
        (["suds", "1"], "give --before N and/or --after N"),
        (["suds", "1", "--before", "50"], "there is no drill 1; `trainer history` lists the stored drills"),
    ],
)
def test_wrong_input_is_one_line_and_exit_1(pack, capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 1 and out == ""
    assert err.startswith("trainer: error: ") and message in err and err.count("\n") == 1


def test_suds_rating_out_of_range(pack, capsys):
    with Store() as store:
        drill_id = store_drill(store, 1, [turn("too-expensive", 60)], audio=False)
    code, _, err = run(capsys, "suds", str(drill_id), "--after", "120")
    assert (code, err) == (1, "trainer: error: a SUDS rating is 0-100, not 120\n")
    assert run(capsys, "suds", str(drill_id), "--before", "60", "--after", "35") == (
        0, f"drill {drill_id}: anxiety before 60, after 35\n", ""
    )


def test_today_proposes_new_objections_at_the_level_and_how_to_drill_them(pack, capsys):
    code, out, _ = run(capsys, "today", "--pack", "practice-demo")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Today's practice: 2 objection(s), about 6 minutes"  # only two are open at level 1
    assert [line.split()[1:4] for line in lines[1:3]] == [
        ["practice-demo", "/", "too-expensive"], ["practice-demo", "/", "call-next-quarter"],
    ]
    assert "level 1  ~3 min  (new at level 1)" in lines[1]
    assert lines[-1] == "Drill one: trainer drill --pack practice-demo --objection too-expensive --level 1 --mic"


def test_today_never_proposes_a_retired_or_unknown_objection(isolated_dirs, capsys):
    install_pack(isolated_dirs / "data", objections=OBJECTIONS[1:])  # too-expensive is gone from the pack
    with Store(clock=lambda: datetime.now(timezone.utc) - timedelta(days=3)) as store:  # all due by now
        for pack_id, objection_id in (("practice-demo", "too-expensive"), ("no-longer-installed", "some-objection"),
                                      ("practice-demo", "call-next-quarter")):
            record_review(store, pack_id, objection_id, 20)
    code, out, _ = run(capsys, "today", "--json")
    plan = json.loads(out)
    proposed = {(item["pack"], item["objection"]) for item in plan["items"]}
    assert plan["items"][0]["objection"] == "call-next-quarter" and plan["items"][0]["why"] == "due for 2 days"
    assert ("practice-demo", "too-expensive") not in proposed
    assert not any(pack_id == "no-longer-installed" for pack_id, _ in proposed)
    assert proposed <= {("practice-demo", o[0]) for o in OBJECTIONS[1:]}


def test_today_with_nothing_open(isolated_dirs, capsys):
    install_pack(isolated_dirs / "data", objections=(("late", "price", 3, "Not now."), ("later", "price", 3, "No.")))
    code, out, _ = run(capsys, "today", "--pack", "practice-demo")
    assert (code, out) == (0, "nothing to practise today: no objection is due and none is open at your level\n")


def test_a_user_pack_replacing_a_built_in_one_is_listed_once(isolated_dirs, capsys):
    builtin = paths.BUILTIN_SCENARIOS / "price-and-budget.yaml"
    user_copy = install_pack(isolated_dirs / "data").with_name("my-price-and-budget.yaml")
    user_copy.write_text(builtin.read_text(encoding="utf-8").replace("title:", "title: My", 1), encoding="utf-8")
    with Store() as store:
        store_drill(store, 1, [turn("more-than-expected", 80)], pack_id="price-and-budget", audio=False)
    code, out, _ = run(capsys, "level")
    assert code == 0
    assert [line.split(":")[0] for line in out.splitlines() if not line.startswith(" ")] == ["price-and-budget"]
    code, out, _ = run(capsys, "level", "--json")
    assert [(item["pack"], item["title"].startswith("My")) for item in json.loads(out)] == [("price-and-budget", True)]
    code, out, _ = run(capsys, "today", "--json")
    proposed = [(item["pack"], item["objection"]) for item in json.loads(out)["items"]]
    assert proposed and len(proposed) == len(set(proposed))
    assert {pack_id for pack_id, _ in proposed} == {"price-and-budget"}

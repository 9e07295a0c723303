"""`trainer bank ...` on a real store: bank a take, edit, star, retire, export and import; one-line errors."""

import json

import pytest
from practice_pack import install_pack, store_drill, turn

from trainer.cli import main
from trainer.store.db import Store

WORDS = "Fair point. What would it need to pay back for you?"


@pytest.fixture
def take(isolated_dirs):
    """The practice pack installed and one stored drill with a good take; returns the turn id."""
    install_pack(isolated_dirs / "data")
    with Store() as store:
        drill_id = store_drill(store, 1, [turn("too-expensive", 86, WORDS), turn("call-next-quarter", 30, "")])
        return store.drill(drill_id).turns[0].id


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_bank_a_take_then_edit_star_retire(take, capsys):
    assert run(capsys, "bank", "list")[1].startswith("no bank entries yet")
    code, out, _ = run(capsys, "bank", "add", "--turn", str(take), "--pack", "practice-demo", "--tag", "roi")
    assert (code, out) == (0, "banked as entry 1: practice-demo/too-expensive\n")
    assert run(capsys, "bank", "add", "--turn", str(take))[1] == (
        "already banked as entry 1 (same words for too-expensive); nothing added\n"
    )
    code, out, _ = run(capsys, "bank", "edit", "1", "--text", "Fair. What would it need to pay back?", "--tag",
                       "Short", "--untag", "roi")
    assert out.splitlines()[:3] == [
        "bank entry 1: practice-demo / too-expensive (price), active",
        "  say: Fair. What would it need to pay back?",
        f"  heard in the take: {WORDS}",
    ]
    assert "  tags: short" in out and "  score: 86" in out and "recordings/bank/1.wav" in out
    assert "  practise it: trainer drill --pack practice-demo --objection too-expensive --level 2 --mic" in out
    assert run(capsys, "bank", "star", "1")[1] == "bank entry 1 starred\n"
    [listed] = json.loads(run(capsys, "bank", "list", "--json")[1])
    assert (listed["starred"], listed["tags"], listed["score"], listed["category"]) == (True, ["short"], 86, "price")
    assert run(capsys, "bank", "retire", "1")[1] == "bank entry 1 retired\n"
    assert run(capsys, "bank", "list")[1].startswith("no bank entries yet")
    assert run(capsys, "bank", "list", "--all")[1].split()[:3] == ["1", "*R", "practice-demo/too-expensive"]
    assert run(capsys, "bank", "retire", "1", "--undo")[1] == "bank entry 1 is back\n"
    assert json.loads(run(capsys, "bank", "show", "1", "--json")[1])["retired"] is False


def test_typed_opener_and_filters(take, capsys):
    assert run(capsys, "bank", "add", "--pack", "practice-demo", "--objection", "no-budget", "--text",
               "Which budget is it?", "--tag", "budget")[0] == 0
    run(capsys, "bank", "add", "--turn", str(take))
    assert [e["objection"] for e in json.loads(run(capsys, "bank", "list", "--json", "--tag", "budget")[1])] == [
        "no-budget"]
    assert [e["id"] for e in json.loads(run(capsys, "bank", "list", "--json", "--objection", "too-expensive")[1])] == [2]


@pytest.mark.parametrize("name", ["bank.md", "bank.csv"])
def test_export_and_import_round_trip_without_duplicates(take, capsys, tmp_path, monkeypatch, name):
    run(capsys, "bank", "add", "--turn", str(take), "--pack", "practice-demo", "--tag", "roi")
    run(capsys, "bank", "add", "--pack", "practice-demo", "--objection", "no-budget", "--text", "Which budget?")
    run(capsys, "bank", "star", "2")
    path = tmp_path / name
    assert run(capsys, "bank", "export", str(path)) == (0, f"2 entries written to {path}\n", "")
    before = json.loads(run(capsys, "bank", "list", "--json")[1])
    assert run(capsys, "bank", "import", str(path))[1] == f"{path}: 0 added, 0 updated, 2 already in your bank\n"

    monkeypatch.setenv("TRAINER_DATA", str(tmp_path / "fresh"))
    assert run(capsys, "bank", "import", str(path))[1] == f"{path}: 2 added, 0 updated, 0 already in your bank\n"
    assert run(capsys, "bank", "import", str(path))[1] == f"{path}: 0 added, 0 updated, 2 already in your bank\n"
    after = json.loads(run(capsys, "bank", "list", "--json")[1])
    same = ("key", "pack", "objection", "category", "text", "transcript", "tags", "score", "starred", "retired",
            "created_at", "updated_at")
    assert [{k: e[k] for k in same} for e in after] == [{k: e[k] for k in same} for e in before]
    assert [e["recording"] is not None for e in after] == [e["recording"] is not None for e in before]


@pytest.mark.parametrize(
    "argv, message",
    [
        (["bank", "show", "9"], "there is no bank entry 9; `trainer bank list --all` lists them"),
        (["bank", "star", "9"], "there is no bank entry 9"),
        (["bank", "edit", "9", "--text", "x"], "there is no bank entry 9"),
        (["bank", "edit", "1"], "nothing to change: give --text, --tag or --untag"),
        (["bank", "add", "--objection", "no-budget"], "--objection needs --pack and --text"),
        (["bank", "add", "--pack", "practice-demo", "--objection", "too-cheap", "--text", "x"],
         "pack 'practice-demo' has no objection 'too-cheap'; it has: too-expensive, no-budget"),
        (["bank", "add", "--turn", "999"], "there is no turn 999"),
        (["bank", "export", "bank.txt"], "bank.txt: unknown bank file type '.txt'; use .md (Markdown) or .csv"),
        (["bank", "import", "missing.csv"], "missing.csv: cannot read the bank file"),
    ],
)
def test_wrong_input_is_one_line_and_exit_1(take, capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 1 and out == ""
    assert err.startswith("trainer: error: ") and message in err and err.count("\n") == 1


def test_a_take_without_words_and_a_malformed_file(take, capsys, tmp_path):
    code, _, err = run(capsys, "bank", "add", "--turn", str(take + 1))
    assert code == 1 and f"turn {take + 1} has no transcribed answer to bank" in err
    path = tmp_path / "broken.md"
    path.write_text("# bank\n\n## practice-demo / too-expensive\n\n- starred: perhaps\n\n> Hi\n")
    code, _, err = run(capsys, "bank", "import", str(path))
    assert (code, err) == (1, f"trainer: error: {path}:3: starred is 'perhaps'; write yes or no\n")

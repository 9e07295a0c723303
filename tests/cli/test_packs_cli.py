"""`trainer validate` and `trainer packs`: exit codes, every problem listed, counts read from the files."""

import json
import re
import subprocess
import sys
from collections import Counter

import pytest
import yaml

from tests.core.test_pack_errors import BASE
from tests.core.test_packs import docs_example
from trainer.cli import main
from trainer.core import paths

BUILTIN = sorted(paths.BUILTIN_SCENARIOS.glob("*.yaml"))
PROBLEM_LINE = re.compile(r"^(?P<file>.+\.yaml):(?P<line>\d+):(?P<col>\d+): (?P<message>.+)$")


@pytest.fixture
def broken(tmp_path):
    """A pack with four problems: level, persona, a typo'd key and so a missing rubric."""
    path = tmp_path / "broken.yaml"
    path.write_text(
        BASE.replace("level: 2", "level: 9").replace("    persona: pat\n", "    persona: pet\n").replace("    rubric:\n      ack", "    rubirc:\n      ack"),
        encoding="utf-8",
    )
    return path


def test_validate_built_in_packs_exits_0(capsys):
    assert main(["validate", *map(str, BUILTIN)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == len(BUILTIN) and all(line.endswith("objections)") and ": ok (" in line for line in out)


def test_validate_lists_every_problem_and_exits_1(capsys, broken, tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text(docs_example(), encoding="utf-8")
    assert main(["validate", str(broken), str(good)]) == 1
    out = capsys.readouterr().out.splitlines()
    problems = [PROBLEM_LINE.match(line) for line in out if line.startswith(str(broken))]
    assert all(problems) and len(problems) == 4
    assert [int(m["line"]) for m in problems] == [13, 15, 16, 18]
    assert "objection 'no-thanks' is missing required key 'rubric'" == problems[0]["message"]
    assert "unknown key 'rubirc' - did you mean 'rubric'?" == problems[3]["message"]
    assert f"{good}: ok (demo-gatekeeper, 2 objections)" in out
    assert out[-1] == "1 of 2 files invalid, 4 problems"


def test_validate_json_for_tools(capsys, broken):
    assert main(["validate", "--json", str(broken)]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["valid"] is False
    (result,) = report["files"]
    assert result["path"] == str(broken) and result["valid"] is False
    assert [(p["line"], p["column"]) for p in result["problems"]] == [(13, 5), (15, 12), (16, 14), (18, 5)]


def test_validate_a_folder_and_a_missing_file(capsys, tmp_path):
    folder = tmp_path / "packs"
    folder.mkdir()
    (folder / "a.yaml").write_text(docs_example(), encoding="utf-8")
    (folder / "b.yml").write_text(BASE, encoding="utf-8")
    assert main(["validate", str(folder)]) == 0
    assert capsys.readouterr().out.count(": ok (") == 2
    assert main(["validate", str(tmp_path / "missing.yaml")]) == 1
    assert "missing.yaml:1:1: cannot read the file" in capsys.readouterr().out
    assert main(["validate", str(tmp_path / "packs" / "..")]) == 1  # a folder without packs
    assert "no pack files" in capsys.readouterr().out


def test_packs_lists_counts_per_level_and_category_read_from_the_files(capsys):
    assert main(["packs"]) == 0
    out = capsys.readouterr().out
    for path in BUILTIN:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        levels = Counter(o["level"] for o in raw["objections"])
        categories = Counter(o["category"] for o in raw["objections"])
        block = out[out.index(f"\n{raw['id']}  v{raw['version']}  [built-in]"):]
        assert f"objections: {len(raw['objections'])}, personas: {len(raw['personas'])}" in block.splitlines()[2]
        assert block.splitlines()[3].split() == ["levels:", *(f"{k}:{levels[k]}" for k in sorted(levels))]
        assert block.splitlines()[4].split() == ["categories:", *(f"{k}:{categories[k]}" for k in sorted(categories))]


def test_packs_shows_the_users_packs_and_flags_broken_ones(capsys):
    user = paths.user_packs_dir()
    user.mkdir(parents=True)
    (user / "mine.yaml").write_text(docs_example(), encoding="utf-8")
    (user / "oops.yaml").write_text("id: oops\nlevel: [\n", encoding="utf-8")
    assert main(["packs", "list"]) == 0
    out = capsys.readouterr().out
    assert f"Your packs:     {user}" in out
    assert "demo-gatekeeper  v1.0  [yours]  Getting past the front desk" in out
    assert f"! {user / 'oops.yaml'}: broken - YAML syntax" in out and f"run `trainer validate {user / 'oops.yaml'}`" in out


def test_packs_show_prints_personas_objections_and_branches(capsys):
    assert main(["packs", "show", "cold-call-brush-offs"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Cold-call brush-offs (cold-call-brush-offs v1.0, en) by RepDrill")
    assert "  tony: Tony Russo, Owner of a restaurant-supply distributor in Queens - hostile; voice en-us-nyc male 205 wpm pitch 44" in out
    assert "[not-interested] level 1, brush-off, Dana Whitfield" in out
    assert "  if covered ask -> spreadsheets" in out
    assert "  if missed acknowledge -> pushback" in out
    assert '  otherwise => "Dana says \'no thanks\' and hangs up."' in out
    assert "  follow-up monday-mess:" in out
    assert "Targets: answer_length_band_s [3, 30]" in out


def test_packs_show_unknown_id_is_a_clear_error(capsys):
    assert main(["packs", "show", "cold-call"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("trainer: error: no pack with id 'cold-call'")
    assert "(list them with `trainer packs`)" in err


@pytest.mark.slow
def test_trainer_command_exit_codes(broken, tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text(docs_example(), encoding="utf-8")
    ok = subprocess.run([sys.executable, "-m", "trainer", "validate", str(good)], capture_output=True, text=True)
    bad = subprocess.run([sys.executable, "-m", "trainer", "validate", str(broken)], capture_output=True, text=True)
    assert (ok.returncode, bad.returncode) == (0, 1), ok.stderr + bad.stderr
    assert bad.stdout.count(f"{broken}:") == 4

"""Habit areas of call reluctance: the built-in file, objections' `areas:` in packs, and broken area files."""

import pytest

from tests.core.test_pack_errors import BASE
from trainer.core.errors import TrainerError
from trainer.core.packs import PackError, dump_pack, load_pack_text, packs_in_use
from trainer.core.reluctance import MAX_STATEMENTS, default_areas, load_areas


def test_built_in_areas_cover_every_built_in_objection():
    areas = default_areas()
    assert len(areas.areas) >= 6 and len(set(areas.ids)) == len(areas.ids)
    assert 0 < len(areas.statements()) <= MAX_STATEMENTS
    for pack in packs_in_use():
        for objection in pack.objections:
            assert objection.areas, f"{pack.id}/{objection.id} has no areas: tag it"
            assert set(objection.areas) <= set(areas.ids)
            exercised = areas.of_objection(objection)
            assert set(objection.areas) < set(exercised)  # plus the area every drill exercises
            assert "preparing-instead-of-calling" in exercised


def test_an_untagged_objection_takes_the_areas_of_its_category():
    pack = load_pack_text(BASE, "base.yaml")
    assert pack.objections[0].areas == ()
    assert default_areas().of_objection(pack.objections[0]) == ("opening-cold", "preparing-instead-of-calling")


def test_areas_are_loaded_and_written_back():
    text = BASE.replace("    category: brush-off\n", "    category: brush-off\n    areas: [talking-money, reaching-up]\n")
    pack = load_pack_text(text, "tagged.yaml")
    assert pack.objections[0].areas == ("talking-money", "reaching-up")
    assert load_pack_text(dump_pack(pack), "again.yaml") == pack
    assert default_areas().of_objection(pack.objections[0]) == (
        "reaching-up", "talking-money", "preparing-instead-of-calling")


def test_an_unknown_area_is_named_with_its_line_and_the_fix():
    text = BASE.replace("    category: brush-off\n", "    category: brush-off\n    areas: [opening-cold, talking-mony]\n")
    with pytest.raises(PackError) as caught:
        load_pack_text(text, "mypack.yaml")
    (problem,) = caught.value.problems
    assert (problem.file, problem.line) == ("mypack.yaml", 15)
    assert "unknown area 'talking-mony' - did you mean 'talking-money'?" in problem.message


def test_areas_must_be_a_list_of_ids():
    text = BASE.replace("    category: brush-off\n", "    category: brush-off\n    areas: Opening Cold\n")
    with pytest.raises(PackError) as caught:
        load_pack_text(text, "mypack.yaml")
    assert [p.line for p in caught.value.problems] == [15]


@pytest.mark.parametrize("content, message", [
    ("areas: []\n", "needs a non-empty list 'areas:'"),
    ("areas:\n  - id: a\n    label: A\n    description: d\n    signals: [loudness]\n", "area 'a': unknown signal(s) loudness"),
    ("areas:\n  - id: a\n    label: A\n    signals: [avoided]\n", "area 'a': 'description' must be a text"),
    ("areas:\n  - id: a\n    label: A\n    description: d\n    signals: [avoided]\n    selfcheck: [" + ", ".join(["x"] * 21) + "]\n",
     "the self-check has 21 statements; at most 20"),
    ("areas: [\n", "not valid YAML"),
])
def test_a_broken_areas_file_is_named_with_what_is_wrong(tmp_path, content, message):
    path = tmp_path / "reluctance.yaml"
    path.write_text(content)
    with pytest.raises(TrainerError) as caught:
        load_areas(path)
    assert str(path) in str(caught.value) and message in str(caught.value)

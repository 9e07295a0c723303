"""Level rules: the built-in table matches docs/ladder.md, and a broken levels file says what is wrong."""

import pytest

from trainer.core.errors import TrainerError
from trainer.core.levels import default_levels, level_rules, load_levels


def test_built_in_levels_follow_the_design_table():
    levels = default_levels()
    assert sorted(levels) == [1, 2, 3, 4, 5]
    assert [levels[n].answer_window_s for n in (1, 2, 3, 4)] == [None, None, 30, 20]
    assert levels[4].max_answers >= 2  # "2-3 turn branching follow-ups"
    assert not levels[1].random_lines and levels[3].random_lines
    assert levels[5].objections_per_drill > 1 and levels[5].cut_in_after_s is not None
    assert levels[1].cut_in_after_s is None  # the warm-up: nobody cuts in
    assert [levels[n].cut_in_after_s for n in (2, 3, 4, 5)] == sorted((60, 30, 20, 15), reverse=True)


def test_unknown_level_names_the_range():
    with pytest.raises(TrainerError, match="there is no level 9; levels are 1-5"):
        level_rules(9)


@pytest.mark.parametrize(
    "text, message",
    [
        ("levels: []", "expected a `levels:` list"),
        ("levels:\n  - {level: 1, name: A, window: 3}", "unknown keys: window"),
        ("levels:\n  - {name: A}", "levels item 1: expected a mapping with an integer `level`"),
        ("levels:\n  - {level: 1}", "levels item 1: .*name"),
        ("levels:\n  - {level: 1, name: A, max_answers: 0}", "level 1: max_answers"),
        ("levels: [", "cannot read the level rules"),
    ],
)
def test_broken_levels_file(tmp_path, text, message):
    path = tmp_path / "levels.yaml"
    path.write_text(text)
    with pytest.raises(TrainerError, match=message):
        load_levels(path)

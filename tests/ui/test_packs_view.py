"""Packs: installed packs with their counts, importing a pack file (all or nothing), assignments."""

from datetime import date, timedelta

from practice_pack import pack_text
from PySide6.QtWidgets import QLabel

from trainer.core import paths
from trainer.ui.widgets.charts import LevelBars
from trainer.ui.views.packs import due_text

BROKEN = """\
id: broken-pack
title: Broken
version: "1.0"
author: Tests
description: Two mistakes.
language: en
personas:
  - id: dana
    name: Dana
    role: Buyer
objections:
  - id: too-expensive
    category: price
    level: 9
    persona: nobody
    lines: ["Too expensive."]
    rubric: {acknowledge: [fair]}
    model_answer: Fair.
"""


def open_packs(make_window, qtbot):
    window = make_window()
    view = window.views["packs"]
    with qtbot.waitSignal(view.loaded, timeout=20_000):
        window.go("packs")
    return window, view


def test_installed_packs_show_their_objections_per_level(make_window, qtbot):
    window, view = open_packs(make_window, qtbot)
    assert len(view.pack_cards) == 7  # the built-in library
    pack = window.ctx.pack("price-and-budget")
    [bars] = view.pack_cards["price-and-budget"].findChildren(LevelBars)
    assert bars.counts == {lv: sum(o.level == lv for o in pack.objections) for lv in range(1, 6)}
    assert sum(bars.counts.values()) == len(pack.objections) == 10


def test_a_broken_pack_shows_every_problem_with_its_line_and_nothing_is_imported(make_window, qtbot, tmp_path):
    window, view = open_packs(make_window, qtbot)
    broken = tmp_path / "broken.yaml"
    broken.write_text(BROKEN)
    with qtbot.waitSignal(view.import_finished, timeout=20_000):
        view.import_file(broken)
    assert view.problems_card.isVisible() and not view.result_banner.isVisible()
    problems = [view.problem_list.item(i).text() for i in range(view.problem_list.count())]
    assert len(problems) >= 2
    assert any(p.startswith("line 14, ") and "level" in p for p in problems), problems
    assert any(p.startswith("line 15, ") and "nobody" in p for p in problems), problems
    assert "broken.yaml has" in view.problems_title.text()
    folder = paths.user_packs_dir()
    assert not folder.exists() or list(folder.iterdir()) == []
    assert "broken-pack" not in view.pack_cards


def test_a_valid_pack_is_imported_and_its_assignment_shows_the_drills_to_do(make_window, qtbot, tmp_path):
    window, view = open_packs(make_window, qtbot)
    due = date.today() + timedelta(days=2)
    assigned = tmp_path / "from-my-coach.yaml"
    assigned.write_text(pack_text(f"assignment:\n  assigned_by: Coach Kim\n  assigned_to: Alex\n"
                                  f"  due: \"{due.isoformat()}\"\n  target_level: 2\n  drills_required: 4\n"))
    with qtbot.waitSignal(view.loaded, timeout=20_000):
        view.import_file(assigned)
    assert view.result_banner.isVisible() and "Practice demo" in view.result_banner.text.text()
    assert (paths.user_packs_dir() / "practice-demo.yaml").read_text() == assigned.read_text()
    assert "practice-demo" in view.pack_cards
    texts = [w.text() for w in view.assignments.findChildren(QLabel)]
    assert view.assignments.isVisible()
    assert "Coach Kim assigned this to Alex: 4 drills at level 2 or higher" in texts
    assert "0 of 4 done" in texts and "due in 2 days" in texts


def test_due_dates_read_as_words():
    today = date(2026, 3, 10)
    assert due_text(date(2026, 3, 9), today) == ("overdue by 1 day", "bad")
    assert due_text(today, today) == ("due today", "warn")
    assert due_text(date(2026, 3, 20), today) == ("due in 10 days", "muted")
    assert due_text(None, today) == ("no due date", "muted")


def test_parsed_packs_are_cached_until_a_pack_file_changes(tmp_path):
    from trainer.core.packs import discover_packs
    from trainer.ui import pack_cache

    first = pack_cache.installed_packs()
    assert (paths.cache_dir() / pack_cache.CACHE_NAME).is_file()
    assert [p for _, p in first] == [p for _, p in discover_packs()]
    mine = paths.user_packs_dir() / "practice-demo.yaml"
    mine.parent.mkdir(parents=True)
    mine.write_text(pack_text())
    again = pack_cache.installed_packs()  # a new file: parsed again, not the stale list
    assert "practice-demo" in [p.id for _, p in again] and len(again) == len(first) + 1
    mine.write_text(pack_text().replace("Practice demo", "Practice demo, edited"))
    edited = dict((p.id, p) for _, p in pack_cache.installed_packs())
    assert edited["practice-demo"].title == "Practice demo, edited"

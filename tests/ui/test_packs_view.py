"""Packs: installed packs with their counts, importing a pack or an assignment file (all or nothing),
every assignment with its progress."""

from datetime import date, timedelta

import pytest
from open_view import open_view
from practice_pack import pack_text

from trainer.core import paths
from trainer.core.assignments import (
    DONE,
    OPEN,
    OVERDUE,
    PackAssignment,
    assignments_dir,
    write_assignment,
)
from trainer.core.pack_model import Assignment
from trainer.store.db import Store
from trainer.ui.widgets.assignment_row import AssignmentRow, BrokenAssignmentRow
from trainer.ui.widgets.charts import LevelBars

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
    return window, open_view(window, qtbot, "packs")


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
    assert view.assignments.isVisible()
    [row] = view.assignment_views  # the pack's own block is listed with imported files
    p = row.progress
    assert (p.pack, p.assigned_by, p.assigned, p.target_level, p.drills_required, p.drills_done, p.status) == (
        "practice-demo", "Coach Kim", None, 2, 4, 0, OPEN)
    assert row.count.text() == "0 of 4 drills" and row.due.text() == "due in 2 days"
    assert row.level == 1  # not at level 2 yet: practise at their own level


def write_from_coach(folder, pack_id, *, target, required, due_in, assigned_ago, to="Sam"):
    """An assignment file as `trainer assign` writes it; returns its path."""
    today = date.today()
    item = PackAssignment(pack_id, Assignment("Kim Ortiz", to, today + timedelta(days=due_in), target, required),
                          today - timedelta(days=assigned_ago))
    path = folder / f"{pack_id}-{to}.yaml"
    write_assignment(item, path)
    return path


def counted(pack_id, target, assigned_ago):
    """Finished drills of the pack at the target level or above, since the day assigned (the rule, from the store)."""
    since = date.today() - timedelta(days=assigned_ago)
    with Store() as store:
        return sum(d.level >= target and d.started_at.astimezone().date() >= since
                   for d in store.drills(pack_id=pack_id, status="finished"))


@pytest.mark.slow
def test_an_imported_assignment_is_listed_with_its_progress_and_reimporting_says_so(make_window, qtbot, history,
                                                                                   tmp_path):
    window, view = open_packs(make_window, qtbot)
    assert not view.assignments.isVisible()
    sent = write_from_coach(tmp_path, "price-and-budget", target=1, required=5, due_in=3, assigned_ago=5)
    with qtbot.waitSignal(view.loaded, timeout=20_000):
        view.import_assignment(sent)
    # history: price-and-budget at level 1 nine and three days ago, at level 3 one day ago -> two since day -5
    assert counted("price-and-budget", 1, 5) == 2
    due = date.today() + timedelta(days=3)
    assert view.result_banner.text.text() == (
        f"Kim Ortiz assigned you “Price and budget”: 5 drills at level 1 or higher by {due.day} {due:%B}"
        f"{'' if due.year == date.today().year else f' {due.year}'}. So far 2 of 5 done.")
    kept = assignments_dir() / "price-and-budget--sam.yaml"
    assert [p.name for p in assignments_dir().iterdir()] == [kept.name]
    assert kept.read_text() == sent.read_text()
    [row] = view.assignment_views
    assert (row.progress.drills_done, row.progress.status) == (2, OPEN)
    assert row.count.text() == "2 of 5 drills" and row.bar.value() == 2 and row.bar.maximum() == 5
    assert row.due.text() == "due in 3 days"

    with qtbot.waitSignal(view.loaded, timeout=20_000):
        view.import_assignment(sent)
    assert view.result_banner.text.text().startswith("You had this assignment already; nothing changed.")
    write_from_coach(tmp_path, "price-and-budget", target=3, required=2, due_in=3, assigned_ago=5)
    with qtbot.waitSignal(view.loaded, timeout=20_000):
        view.import_assignment(sent)
    assert view.result_banner.text.text().endswith("So far 1 of 2 done. It replaces the earlier assignment of this pack.")
    assert len(list(assignments_dir().iterdir())) == 1
    [row] = view.assignment_views
    assert (row.progress.target_level, row.progress.drills_done, row.progress.status) == (3, 1, OPEN)


@pytest.mark.slow
def test_overdue_assignments_come_first_and_practise_opens_the_drill_at_the_rep_s_level(make_window, qtbot, history,
                                                                                       tmp_path):
    window, view = open_packs(make_window, qtbot)
    for path, said in ((write_from_coach(tmp_path, "price-and-budget", target=1, required=2, due_in=10,
                                         assigned_ago=5), "Already done: 2 of 2."),
                       (write_from_coach(tmp_path, "cold-call-brush-offs", target=2, required=3, due_in=-2,
                                         assigned_ago=10), "So far 0 of 3 done, 2 days overdue.")):
        with qtbot.waitSignal(view.loaded, timeout=20_000):
            view.import_assignment(path)
        assert view.result_banner.text.text().endswith(said)
    late, done = view.assignment_views
    assert (late.progress.pack, late.progress.status, late.progress.drills_done) == ("cold-call-brush-offs", OVERDUE, 0)
    assert late.due.text() == "2 days OVERDUE" and late.due.property("kind") == "pill_bad"
    assert (done.progress.pack, done.progress.status, done.progress.drills_done) == ("price-and-budget", DONE, 2)
    assert done.due.text() == "done" and done.due.property("kind") == "pill_good"

    drill = window.views["drill"]
    with qtbot.waitSignal(drill.loaded, timeout=10_000):
        late.practise_button.click()  # the rep is at level 1 in the pack, below the target 2
    assert window.current_view() is drill
    assert (drill.setup.pack_combo.currentData(), drill.setup.level_combo.currentData()) == ("cold-call-brush-offs", 1)


def test_a_broken_assignment_file_is_refused_naming_the_file_and_line_and_nothing_is_kept(make_window, qtbot,
                                                                                          tmp_path):
    window, view = open_packs(make_window, qtbot)
    good = write_from_coach(tmp_path, "price-and-budget", target=1, required=2, due_in=3, assigned_ago=0)
    broken = tmp_path / "from-kim.yaml"
    broken.write_text(good.read_text().replace("pack: price-and-budget", "pack: negotiation-101"))
    with qtbot.waitSignal(view.import_finished, timeout=20_000):
        view.import_assignment(broken)
    text = view.result_banner.text.text()
    assert view.result_banner.isVisible() and view.result_banner.property("kind") == "banner_error"
    assert text.startswith("from-kim.yaml was not imported (nothing was copied):\nline 4, column 7: "), text
    assert "pack 'negotiation-101' is not installed here" in text and str(paths.user_packs_dir()) in text
    assert not assignments_dir().exists() or list(assignments_dir().iterdir()) == []
    assert view.import_assignment_button.isEnabled() and not view.assignments.isVisible()


def test_a_broken_file_in_the_assignments_folder_is_listed_with_its_problem(make_window, qtbot):
    kept = assignments_dir() / "old.yaml"
    kept.parent.mkdir(parents=True)
    kept.write_text("format: repdrill-assignment/1\npack: price-and-budget\nassigned: 2025-02-30\n"
                    "assignment: {assigned_by: Kim, assigned_to: Sam}\n")
    window, view = open_packs(make_window, qtbot)
    [row] = view.assignments.findChildren(BrokenAssignmentRow)
    assert row.message.text() == "line 3, column 11: '2025-02-30' is not a real date - use YYYY-MM-DD"
    assert view.assignments.isVisible() and view.assignments.findChildren(AssignmentRow) == []


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

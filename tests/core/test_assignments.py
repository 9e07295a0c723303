"""Assignment files (read, written, every problem at its line) and progress counted from drills."""

from dataclasses import dataclass
from datetime import date, datetime, timezone

import pytest

from trainer.core import paths
from trainer.core.assignments import (
    DONE,
    OPEN,
    NEW,
    OVERDUE,
    REPLACED,
    UNCHANGED,
    AssignmentError,
    AssignmentValueError,
    PackAssignment,
    assignment_file_name,
    assignment_progress,
    assignment_text,
    import_assignment,
    installed_assignments,
    load_assignment,
    load_assignment_text,
    new_assignment,
    pack_file_to_send,
    sent_file_name,
    write_assignment,
)
from trainer.core.pack_model import Assignment
from trainer.core.packs import find_pack, load_pack, load_pack_text

PACKS = [find_pack("price-and-budget"), find_pack("cold-call-brush-offs")]
ITEM = PackAssignment("price-and-budget", Assignment("Kim Ortiz", "Sam Lee", date(2025, 3, 14), 3, 2), date(2025, 3, 3))

GOOD = """\
format: repdrill-assignment/1
pack: price-and-budget
assigned: 2025-03-03
assignment:
  assigned_by: Kim Ortiz
  assigned_to: Sam Lee
  due: 2025-03-14
  target_level: 3
  drills_required: 2
"""


@dataclass(frozen=True)
class Drill:
    pack_id: str
    level: int
    status: str
    started_at: datetime


def at(day: int, hour: int = 12) -> datetime:
    return datetime(2025, 3, day, hour, tzinfo=timezone.utc)


def test_written_file_reads_back_as_the_same_assignment():
    text = assignment_text(ITEM)
    assert text.startswith("# RepDrill assignment from Kim Ortiz to Sam Lee.")
    assert "assigned: 2025-03-03\n" in text and "due: 2025-03-14\n" in text  # dates unquoted
    assert load_assignment_text(text, "a.yaml", PACKS) == PackAssignment(**{**vars(ITEM), "source": "a.yaml"})
    assert load_assignment_text(GOOD, "a.yaml", PACKS) == load_assignment_text(text, "a.yaml", PACKS)


def test_defaults_of_the_block_are_the_packs_defaults():
    text = GOOD.replace("  due: 2025-03-14\n  target_level: 3\n  drills_required: 2\n", "")
    item = load_assignment_text(text)
    assert (item.assignment.due, item.assignment.target_level, item.assignment.drills_required) == (None, 1, 1)


def problems(text, packs=PACKS):
    with pytest.raises(AssignmentError) as caught:
        load_assignment_text(text, "a.yaml", packs)
    return [str(p) for p in caught.value.problems]


def test_every_problem_is_named_at_its_line():
    broken = (GOOD.replace("pack: price-and-budget", "pack: no-such-pack")
              .replace("assigned: 2025-03-03", "assigned: 2025-02-30")
              .replace("assigned_by: Kim Ortiz", "assigned_by: ''")
              .replace("target_level: 3", "target_level: 9")
              .replace("  due:", "  dew:"))
    assert problems(broken) == [
        "a.yaml:2:7: pack 'no-such-pack' is not installed here - put the coach's pack file in "
        f"{paths.user_packs_dir()} (or import it in the Packs view), then import the "
        "assignment again",
        "a.yaml:3:11: '2025-02-30' is not a real date - use YYYY-MM-DD",
        "a.yaml:5:16: 'assigned_by' must not be empty",
        "a.yaml:7:3: unknown key 'dew' - did you mean 'due'?",
        "a.yaml:8:17: 'target_level' is 9, out of range - use 1 to 5",
    ]


def test_other_formats_and_missing_parts_are_refused_with_the_fix():
    assert problems(GOOD.replace("/1", "/2")) == [
        "a.yaml:1:9: format 'repdrill-assignment/2' is not an assignment this RepDrill reads - it reads "
        "'repdrill-assignment/1'; ask the coach for a new file"]
    assert problems("format: repdrill-assignment/1\npack: price-and-budget\n") == [
        "a.yaml:1:1: the file is missing required key 'assigned'",
        "a.yaml:1:1: the file is missing required key 'assignment'"]
    assert problems("pack: [\n") == ["a.yaml:2:1: YAML syntax: while parsing a flow node expected the node content, but found '<stream end>'"]


def test_the_pack_need_not_be_installed_when_no_packs_are_given():
    assert load_assignment_text(GOOD.replace("price-and-budget", "coach-own-pack")).pack_id == "coach-own-pack"


def test_progress_counts_finished_drills_at_the_level_since_assigned():
    drills = [
        Drill("price-and-budget", 3, "finished", at(2)),  # before it was assigned
        Drill("price-and-budget", 2, "finished", at(4)),  # below the target level
        Drill("price-and-budget", 3, "abandoned", at(5)),  # not finished
        Drill("cold-call-brush-offs", 3, "finished", at(5)),  # another pack
        Drill("price-and-budget", 4, "finished", at(6)),  # counts: above the target level
    ]
    progress = assignment_progress(ITEM, drills, date(2025, 3, 10), level=3)
    assert (progress.drills_done, progress.status, progress.level) == (1, OPEN, 3)
    assert progress.line(date(2025, 3, 10)) == (
        "price-and-budget: 1 of 2 drills at level 3+ (you are at level 3) due 2025-03-14 (in 4 days), from Kim Ortiz")
    late = assignment_progress(ITEM, drills, date(2025, 3, 15))
    assert late.status == OVERDUE
    assert late.line(date(2025, 3, 15)).startswith("OVERDUE - price-and-budget: 1 of 2")
    assert late.line(date(2025, 3, 15)).endswith("due 2025-03-14 (1 day ago), from Kim Ortiz")
    on_the_day = assignment_progress(ITEM, drills, date(2025, 3, 14))
    assert on_the_day.status == OPEN and "(today)" in on_the_day.line(date(2025, 3, 14))
    done = assignment_progress(ITEM, drills + [Drill("price-and-budget", 3, "finished", at(20))], date(2025, 3, 21))
    assert (done.drills_done, done.status) == (2, DONE)  # done late is done


def test_a_packs_own_block_counts_every_drill_of_the_pack():
    item = PackAssignment("price-and-budget", Assignment("Kim", "Sam", None, 1, 2))
    drills = [Drill("price-and-budget", 1, "finished", at(1)), Drill("price-and-budget", 1, "finished", at(2))]
    progress = assignment_progress(item, drills, date(2030, 1, 1))
    assert (progress.drills_done, progress.status, progress.due) == (2, DONE, None)


def test_installed_assignments_lists_files_broken_files_and_pack_blocks(tmp_path):
    folder = tmp_path / "assignments"
    write_assignment(ITEM, folder / assignment_file_name(ITEM))
    (folder / "broken.yaml").write_text(GOOD.replace("target_level: 3", "target_level: high"))
    (folder / "notes.txt").write_text("not an assignment")
    pack_text = open(find_pack("referrals").source).read()
    with_block = load_pack_text(pack_text + "assignment:\n  assigned_by: Kim\n  assigned_to: Sam\n", "referrals.yaml")
    found = installed_assignments(PACKS + [with_block], folder)
    assert [type(f).__name__ for f in found] == ["AssignmentError", "PackAssignment", "PackAssignment"]
    assert str(found[0].problems[0]).endswith("broken.yaml:8:17: 'target_level' should be a whole number, "
                                              "not the text 'high'")
    assert found[1].source == str(folder / "price-and-budget--sam-lee.yaml") and found[1].assigned == date(2025, 3, 3)
    assert (found[2].pack_id, found[2].assigned, found[2].source) == ("referrals", None, "referrals.yaml")
    assert installed_assignments(PACKS, tmp_path / "missing") == []


def test_file_name_is_one_per_pack_and_rep_and_writing_replaces_whole(tmp_path):
    assert assignment_file_name(ITEM) == "price-and-budget--sam-lee.yaml"
    odd = PackAssignment("referrals", Assignment("Kim", "  Zoë / O'Neil ", None))
    assert assignment_file_name(odd) == "referrals--zo-o-neil.yaml"
    path = tmp_path / "a.yaml"
    write_assignment(ITEM, path)
    later = PackAssignment(ITEM.pack_id, Assignment("Kim Ortiz", "Sam Lee", date(2025, 4, 1), 4, 6), date(2025, 3, 20))
    write_assignment(later, path)
    assert load_assignment(path).assignment.drills_required == 6
    assert [p.name for p in tmp_path.iterdir()] == ["a.yaml"]  # no temporary file left behind


def test_import_keeps_a_checked_copy_and_a_newer_one_replaces_it(tmp_path):
    folder = tmp_path / "assignments"
    sent = tmp_path / "from-coach.yaml"
    sent.write_text(GOOD.replace("target_level: 3", "target_level: nine"))
    with pytest.raises(AssignmentError):
        import_assignment(sent, PACKS, folder)
    assert not folder.exists()  # nothing imported
    sent.write_text(GOOD)
    item, kept, outcome = import_assignment(sent, PACKS, folder)
    assert (kept, outcome, item.source) == (folder / "price-and-budget--sam-lee.yaml", NEW, str(kept))
    assert load_assignment(kept, PACKS) == item
    sent.write_text(GOOD.replace("drills_required: 2", "drills_required: 4"))
    item, kept, outcome = import_assignment(sent, PACKS, folder)
    assert (outcome, item.assignment.drills_required, len(list(folder.iterdir()))) == (REPLACED, 4, 1)
    assert import_assignment(sent, PACKS, folder)[2] == UNCHANGED  # the very same one again


# -- a coach's new assignment (`trainer assign` and the app's Assign dialog) ---------------------

TODAY = date(2025, 3, 10)


def test_a_new_assignment_is_the_file_the_rep_imports():
    item = new_assignment(PACKS[0], "  Sam Lee ", " Kim Ortiz", date(2025, 3, 14), 3, 2, TODAY)
    assert item == PackAssignment("price-and-budget", Assignment("Kim Ortiz", "Sam Lee", date(2025, 3, 14), 3, 2),
                                  TODAY)
    assert load_assignment_text(assignment_text(item), "sent.yaml", PACKS) == PackAssignment(**{**vars(item),
                                                                                              "source": "sent.yaml"})
    assert sent_file_name(item) == "price-and-budget--sam-lee.assignment.yaml"
    edges = new_assignment(PACKS[0], "Sam", "Kim", TODAY, 5, 1000, TODAY)  # due today, the top level, 1000 drills
    assert (edges.assignment.due, edges.assignment.target_level, edges.assignment.drills_required) == (TODAY, 5, 1000)


@pytest.mark.parametrize("change, field, message", [
    ({"to": "  "}, "to", "to: give the rep's name"),
    ({"by": ""}, "by", "by: give your name (the rep sees who assigned it)"),
    ({"due": date(2025, 3, 9)}, "due", "due 2025-03-09 is in the past; give a day from 2025-03-10 on"),
    ({"level": 6}, "level", "level 6: pack 'price-and-budget' has levels 1-5"),
    ({"level": 0}, "level", "level 0: pack 'price-and-budget' has levels 1-5"),
    ({"drills": 0}, "drills", "drills 0: give 1 to 1000 drills"),
    ({"drills": 1001}, "drills", "drills 1001: give 1 to 1000 drills"),
])
def test_a_new_assignment_refuses_a_bad_value_and_names_it(change, field, message):
    values = {"to": "Sam", "by": "Kim", "due": date(2025, 3, 14), "level": 3, "drills": 2} | change
    with pytest.raises(AssignmentValueError) as caught:
        new_assignment(PACKS[0], today=TODAY, **values)
    assert (caught.value.field, str(caught.value)) == (field, message)
    assert caught.value.reason and caught.value.reason[0].isupper()  # a sentence for a form


def test_a_new_assignment_that_would_not_load_is_refused_as_the_import_would():
    with pytest.raises(AssignmentError) as caught:
        new_assignment(PACKS[0], "S" * 201, "Kim", date(2025, 3, 14), 3, 2, TODAY)
    (problem,) = caught.value.problems
    assert problem.file == f"price-and-budget--{'s' * 201}.assignment.yaml" and "assigned_to" in problem.message


def test_only_a_pack_that_is_not_built_in_must_go_along(tmp_path):
    assert pack_file_to_send(PACKS[0]) is None
    own = tmp_path / "own.yaml"
    own.write_text(open(find_pack("referrals").source).read().replace("id: referrals", "id: coach-own"))
    assert pack_file_to_send(load_pack(own)) == own

"""Team → Assign a pack…: the form writes the file a rep imports; bad values and write errors are said and nothing is
written; the level follows the pack's ladder; the coach's name and the folder are remembered."""

from datetime import date, timedelta
from pathlib import Path

import pytest
from open_view import open_view
from PySide6.QtCore import QDate

from trainer.core import paths
from trainer.core.assignments import AssignmentValueError, import_assignment
from trainer.core.errors import TrainerError
from trainer.core.levels import default_ladder, ladder_for
from trainer.core.packs import find_pack
from trainer.ui.app_settings import load_settings
from trainer.ui.context import AppContext
from trainer.ui.views.assign_dialog import AssignDialog, SentAssignment

SAVE_TIMEOUT_MS = 20_000
PACK = "price-and-budget"
OWN_LEVEL_2 = "Own words, no notes"  # the coach's own pack renames level 2


@pytest.fixture
def team(make_window, qtbot):
    """The Team view of a new window, loaded."""
    return open_view(make_window(), qtbot, "team")


@pytest.fixture
def outbox(tmp_path) -> Path:
    """An empty folder the coach saves into (tmp_path also holds the test's data and settings)."""
    folder = tmp_path / "outbox"
    folder.mkdir()
    return folder


@pytest.fixture
def own_pack() -> Path:
    """A coach's own pack in the packs folder (not built in), whose ladder renames level 2."""
    path = paths.user_packs_dir() / "coach-own.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = Path(find_pack("referrals").source).read_text(encoding="utf-8").replace("id: referrals", "id: coach-own")
    path.write_text(text + f"ladder:\n  levels:\n    - level: 2\n      name: {OWN_LEVEL_2}\n", encoding="utf-8")
    return path


def opened(dialog: AssignDialog, qtbot) -> AssignDialog:
    """`dialog` once its packs are filled in."""
    if not dialog.pack.count():
        with qtbot.waitSignal(dialog.ready, timeout=20_000):
            pass
    return dialog


def assign_dialog(team, qtbot) -> AssignDialog:
    """The dialog the Team view's "Assign a pack…" button opens."""
    [assign] = [b for b in team.findChildren(type(team.export_button)) if b.text() == "Assign a pack…"]
    assert assign.isVisible()
    assign.click()
    return opened(team.findChildren(AssignDialog)[-1], qtbot)


def fill(dialog: AssignDialog, rep="Sam Lee", pack=PACK, due=10, level=3, drills=4, coach="Kim Ortiz") -> None:
    dialog.pack.setCurrentIndex(dialog.pack.findData(pack))
    dialog.rep.setText(rep)
    dialog.due.setDate(QDate.currentDate().addDays(due))
    dialog.level.setValue(level)
    dialog.drills.setValue(drills)
    dialog.coach.setText(coach)


def save(dialog: AssignDialog, qtbot, path: Path):
    """Save through the dialog and wait for the background job; returns what `save_finished` carried."""
    with qtbot.waitSignal(dialog.save_finished, timeout=SAVE_TIMEOUT_MS) as finished:
        dialog.save_to(path)
    return finished.args[0]


def shown_errors(dialog: AssignDialog) -> dict[str, str]:
    return {field: error.text() for field, error in dialog.errors.items() if error.isVisible()}


def test_a_saved_assignment_is_the_file_a_rep_imports(team, qtbot, tmp_path, outbox):
    dialog = assign_dialog(team, qtbot)
    assert dialog.drills.value() == 5 and dialog.due.date() == QDate.currentDate().addDays(7)  # the defaults
    assert [dialog.pack.itemData(i) for i in range(dialog.pack.count())] == list(team.ctx.packs())
    fill(dialog)
    assert dialog.summary.text() == (f"Sam Lee does 4 drills of {find_pack(PACK).title} at level 3 "
                                     f"({default_ladder().levels[3].name}) or above by "
                                     f"{QDate.currentDate().addDays(10).toString('dddd d MMMM')}.")
    sent = save(dialog, qtbot, outbox / "for-sam")  # no .yaml typed: the rep's import looks for .yaml
    assert isinstance(sent, SentAssignment) and sent.path == outbox / "for-sam.assignment.yaml"
    assert [p.name for p in outbox.iterdir()] == ["for-sam.assignment.yaml"]  # and no temporary file left

    item, kept, _ = import_assignment(sent.path, team.ctx.packs().values(), tmp_path / "rep")  # on the rep's side
    a = item.assignment
    assert (item.pack_id, a.assigned_to, a.assigned_by, a.due, a.target_level, a.drills_required, item.assigned) == (
        PACK, "Sam Lee", "Kim Ortiz", date.today() + timedelta(days=10), 3, 4, date.today())
    assert kept.name == "price-and-budget--sam-lee.yaml"

    banner = dialog.banner
    assert banner.isVisible() and banner.path == sent.path and banner.show_folder.isVisible()
    assert banner.text.text() == (f"Saved in {outbox}. Send for-sam.assignment.yaml to Sam Lee; they import it in "
                                  "Packs → Import assignment…")
    assert dialog.isVisible() and dialog.save_button.isEnabled()  # open for the next rep
    assert dialog.suggested_path(sent.item) == outbox / "price-and-budget--sam-lee.assignment.yaml"
    dialog.close()
    again = assign_dialog(team, qtbot)  # the Team view offers the folder used last
    assert again.folder == outbox


def test_the_level_follows_the_chosen_packs_ladder_and_its_file_goes_along(own_pack, team, qtbot, outbox):
    dialog = assign_dialog(team, qtbot)
    packs = team.ctx.packs()
    for index in range(dialog.pack.count()):
        dialog.pack.setCurrentIndex(index)
        ladder = ladder_for(packs[dialog.pack.itemData(index)])
        assert (dialog.level.minimum(), dialog.level.maximum()) == (1, ladder.top) == (1, 5)
        dialog.level.setValue(2)
        assert dialog.level_name.text() == f"{ladder.levels[2].name}   (levels 1-5)"
    fill(dialog, pack="coach-own", level=2)
    assert dialog.level_rules().name == OWN_LEVEL_2 and dialog.level_name.text().startswith(OWN_LEVEL_2)
    fill(dialog, pack=PACK, level=2)
    assert dialog.level_rules().name == default_ladder().levels[2].name != OWN_LEVEL_2
    dialog.level.setValue(9)  # beyond the ladder cannot be picked
    assert dialog.level.value() == 5

    fill(dialog, pack="coach-own", rep="Ana Ruiz")
    sent = save(dialog, qtbot, outbox / "ana.yaml")
    assert sent.pack_file == own_pack and sent.item.pack_id == "coach-own"
    assert dialog.banner.text.text().endswith(f"'coach-own' is not a built-in pack: send its file {own_pack} along "
                                              "too (it goes in their packs folder, before the assignment).")


def test_bad_values_are_said_by_their_field_and_nothing_is_written(team, qtbot, outbox):
    dialog = assign_dialog(team, qtbot)
    fill(dialog, rep="   ")
    error = save(dialog, qtbot, outbox / "x.yaml")
    assert isinstance(error, AssignmentValueError)
    assert shown_errors(dialog) == {"to": "Give the rep's name."} and not dialog.banner.isVisible()
    dialog.rep.setText("Sam")
    assert shown_errors(dialog) == {}  # the note goes once the value is changed
    fill(dialog, coach="")
    save(dialog, qtbot, outbox / "x.yaml")
    assert shown_errors(dialog) == {"by": "Give your name: the rep sees it."}
    assert list(outbox.iterdir()) == []

    dialog.due.setDate(QDate.currentDate().addDays(-1))  # a day that has passed cannot be picked
    assert dialog.due.date() == QDate.currentDate() and dialog.due.minimumDate() == QDate.currentDate()
    dialog.drills.setValue(5000)
    assert dialog.drills.value() == 1000

    fill(dialog, rep="S" * 201)  # a name too long for the file: the import's own check says so
    error = save(dialog, qtbot, outbox / "x.yaml")
    assert isinstance(error, TrainerError) and not dialog.banner.again.isVisible()
    assert dialog.banner.text.text() == ("The assignment was not saved: 'assigned_to' is 201 characters long - "
                                         "at most 200")
    assert list(outbox.iterdir()) == []
    fill(dialog)  # fixed: the errors go and the file is written
    assert isinstance(save(dialog, qtbot, outbox / "x.yaml"), SentAssignment)
    assert shown_errors(dialog) == {} and (outbox / "x.yaml").is_file()


def test_a_folder_that_is_gone_or_a_file_that_cannot_be_written_is_said_with_the_fix(team, qtbot, outbox):
    dialog = assign_dialog(team, qtbot)
    fill(dialog)
    gone = outbox / "usb-stick" / "sam.yaml"
    error = save(dialog, qtbot, gone)
    assert isinstance(error, TrainerError) and not gone.parent.exists()  # no folder made behind the coach's back
    banner = dialog.banner
    assert banner.text.text() == (f"The assignment was not saved: the folder {gone.parent} does not exist (moved, or "
                                  "a drive taken out?); choose another folder")
    assert banner.again.isVisible() and not banner.show_folder.isVisible()
    taken = outbox / "sam.assignment.yaml"
    taken.mkdir()  # a folder where the file should go: writing it fails (even as root)
    save(dialog, qtbot, taken)
    assert banner.text.text() == (f"The assignment was not saved: {taken}: cannot write the file (Is a directory); "
                                  "choose a folder you can write to")
    assert [p.name for p in outbox.iterdir()] == ["sam.assignment.yaml"] and not any(taken.iterdir())
    assert team.isVisible() and dialog.isVisible() and dialog.save_button.isEnabled()  # the app keeps going
    assert isinstance(save(dialog, qtbot, outbox / "sam.yaml"), SentAssignment)


def test_the_coachs_name_is_remembered_for_the_next_dialog(qtbot, app, outbox):
    ctx = AppContext(load_settings())  # settings saved to the test's config folder, as the app does
    first = opened(AssignDialog(ctx, folder=outbox), qtbot)
    qtbot.addWidget(first)
    assert first.coach.text() == ""
    fill(first, coach="  Kim Ortiz ")
    assert isinstance(save(first, qtbot, outbox / "sam.yaml"), SentAssignment)
    assert load_settings().coach_name == "Kim Ortiz"
    later = opened(AssignDialog(AppContext(load_settings()), folder=outbox), qtbot)  # the app opened again
    qtbot.addWidget(later)
    assert later.coach.text() == "Kim Ortiz"

"""Bank: search and filters, editing words, tags and stars in place, retiring, practising, export and import."""

import pytest
from open_view import open_view
from PySide6.QtCore import Qt

from trainer.core.bank import BankEntry
from trainer.store.bank import add_entry, bank_entries
from trainer.store.db import Store
from trainer.ui.views.bank import STAR, TAGS, TEXT

ENTRIES = [
    BankEntry(None, "It starts at six dollars per person per month. How many people do you have?",
              "just-give-me-the-price", "price-and-budget", "price", tags=("numbers",), score=88),
    BankEntry(None, "Fair enough. The reason I called is overtime on driver swaps.",
              "not-interested", "cold-call-brush-offs", "brush-off", tags=("opener", "short"), score=82),
    BankEntry(None, "Happy to. What matters most for the clinics right now?",
              "send-me-an-email", "cold-call-brush-offs", "brush-off", score=75, starred=True),
]


@pytest.fixture
def bank(make_window, qtbot):
    with Store() as store:
        for entry in ENTRIES:
            add_entry(store, entry)
    window = make_window()
    return window, open_view(window, qtbot, "bank")


def shown_texts(view):
    return [view.table.item(row, TEXT).text() for row in range(view.table.rowCount())]


def stored():
    with Store() as store:
        return {e.objection_id: e for e in bank_entries(store, include_retired=True)}


def test_search_and_filters_narrow_the_table(bank):
    window, view = bank
    assert len(shown_texts(view)) == 3 and view.empty.isHidden()
    view.search.setText("overtime swaps")
    assert shown_texts(view) == [ENTRIES[1].text]
    view.search.clear()
    view.category.setCurrentIndex(view.category.findData("price"))
    assert shown_texts(view) == [ENTRIES[0].text]
    view.category.setCurrentIndex(0)
    view.tag.setCurrentIndex(view.tag.findData("short"))
    assert shown_texts(view) == [ENTRIES[1].text]
    view.tag.setCurrentIndex(0)
    view.starred.setChecked(True)
    assert shown_texts(view) == [ENTRIES[2].text]


def test_words_and_tags_are_edited_in_place_and_stored(bank, qtbot):
    window, view = bank
    row = shown_texts(view).index(ENTRIES[0].text)
    with qtbot.waitSignal(view.entry_changed, timeout=10_000):
        view.table.item(row, TEXT).setText("It starts at six dollars a head. How many people and sites?")
    with qtbot.waitSignal(view.entry_changed, timeout=10_000):
        view.table.item(row, TAGS).setText("numbers, Price First")
    entry = stored()["just-give-me-the-price"]
    assert entry.text == "It starts at six dollars a head. How many people and sites?"
    assert entry.tags == ("numbers", "price-first")
    assert view.table.item(row, TAGS).text() == "numbers, price-first"  # shown as stored


def test_an_edit_the_bank_refuses_is_undone_and_said(bank, qtbot):
    window, view = bank
    row = shown_texts(view).index(ENTRIES[0].text)
    view.table.item(row, TEXT).setText("   ")
    qtbot.waitUntil(lambda: window.error_banner.isVisible(), timeout=10_000)
    assert "the new text is empty" in window.error_banner.text.text()
    assert view.table.item(row, TEXT).text() == ENTRIES[0].text
    assert stored()["just-give-me-the-price"].text == ENTRIES[0].text


def test_starring_retiring_and_restoring(bank, qtbot):
    window, view = bank
    row = shown_texts(view).index(ENTRIES[1].text)
    with qtbot.waitSignal(view.entry_changed, timeout=10_000):
        view.table.cellClicked.emit(row, STAR)
    assert stored()["not-interested"].starred
    view.table.selectRow(shown_texts(view).index(ENTRIES[1].text))
    with qtbot.waitSignal(view.entry_changed, timeout=10_000):
        view.retire_button.click()
    assert stored()["not-interested"].retired and ENTRIES[1].text not in shown_texts(view)
    view.retired.setChecked(True)
    view.table.selectRow(shown_texts(view).index(ENTRIES[1].text))
    assert view.retire_button.text() == "Restore"
    with qtbot.waitSignal(view.entry_changed, timeout=10_000):
        view.retire_button.click()
    assert not stored()["not-interested"].retired


def test_practise_opens_a_level_2_drill_on_the_entrys_objection(bank, qtbot):
    window, view = bank
    view.table.selectRow(shown_texts(view).index(ENTRIES[0].text))
    drill = window.views["drill"]
    with qtbot.waitSignal(drill.loaded, timeout=10_000):
        view.practise_button.click()
    assert window.current_view() is drill
    setup = drill.setup
    assert (setup.pack_combo.currentData(), setup.objection_combo.currentData(), setup.level_combo.currentData()) == (
        "price-and-budget", "just-give-me-the-price", 2)


def test_export_then_import_adds_nothing_twice(bank, qtbot, tmp_path):
    window, view = bank
    path = tmp_path / "openers.md"
    view.export_to(path)
    qtbot.waitUntil(lambda: path.exists() and "Exported 3" in view.count.text(), timeout=10_000)
    assert ENTRIES[0].text in path.read_text()
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.import_from(path)
    assert "0 new" in view.note.text() and len(stored()) == 3


def test_an_empty_bank_says_how_it_fills(make_window, qtbot):
    window = make_window()
    view = open_view(window, qtbot, "bank")
    assert view.empty.isVisible() and view.table.isHidden()
    assert "80" in view.empty.text.text()
    with qtbot.waitSignal(window.views["drill"].loaded, timeout=10_000):
        qtbot.mouseClick(view.empty.button, Qt.MouseButton.LeftButton)
    assert window.current_view() is window.views["drill"]

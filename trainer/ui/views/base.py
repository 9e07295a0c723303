"""What every view has: a page frame, a way to ask for another view, and a load in the background.

A view's `load()` runs in a background job and returns plain data (it reads the
store, the packs, the models); `show(data)` puts it on screen on the UI thread and
the view emits `loaded`. Tests wait on `loaded` instead of sleeping.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal

from trainer.ui import tasks
from trainer.ui.context import AppContext
from trainer.ui.widgets.common import Page


class View(Page):
    """A page of the app; subclasses set `key`, `title_text`, `subtitle_text`, `icon_name`, `load()` and `show()`."""

    key = ""
    title_text = ""
    subtitle_text = ""
    icon_name = ""
    navigate = Signal(str, object)  # view key, options for its activate()
    loaded = Signal()

    def __init__(self, ctx: AppContext, *, scroll: bool = True) -> None:
        super().__init__(self.title_text, self.subtitle_text, scroll=scroll)
        self.ctx = ctx
        self._loading = False
        self._again = False

    def refresh(self) -> None:
        """Load the view's data in the background and show it (a refresh asked during a load runs after it)."""
        if self._loading:
            self._again = True
            return
        self._loading = True
        tasks.run_in_background(self.load, self._show_loaded, self._load_failed, owner=self)

    def load(self) -> Any:
        """Read what the view shows (runs on a worker thread: no widgets here)."""
        return None

    def show_data(self, data: Any) -> None:
        """Put loaded data on screen (UI thread)."""

    def _show_loaded(self, data: Any) -> None:
        self._loading = False
        self.show_data(data)
        self.loaded.emit()
        if self._again:
            self._again = False
            self.refresh()

    def _load_failed(self, error: BaseException) -> None:
        self._loading = False
        tasks.report_error(error)
        self.loaded.emit()

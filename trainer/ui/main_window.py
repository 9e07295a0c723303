"""The main window: a sidebar to move between the views, the views, and app-wide notices.

Thin on purpose: it builds the views, switches between them, shows one banner for
what is missing (no microphone, no speech model) and one for errors from background
jobs, and shuts things down in order at exit.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from trainer import __version__
from trainer.core import paths
from trainer.core.errors import TrainerError
from trainer.speech import natural_voice
from trainer.ui import tasks
from trainer.ui.context import AppContext
from trainer.ui.health import Health, check_health
from trainer.ui.style import COLORS
from trainer.ui.widgets.common import Banner, label
from trainer.ui.widgets.icons import icon

log = logging.getLogger(__name__)
PRELOAD_AFTER_MS = 1500  # the speech engine loads this long after the window is usable


def view_classes() -> list[type]:
    """The views in navigation order (each has `key`, `title_text`, `icon_name`, `refresh()`)."""
    from trainer.ui.views.bank import BankView
    from trainer.ui.views.drill import DrillView
    from trainer.ui.views.packs import PacksView
    from trainer.ui.views.progress import ProgressView
    from trainer.ui.views.review import ReviewView
    from trainer.ui.views.settings import SettingsView
    from trainer.ui.views.team import TeamView
    from trainer.ui.views.today import TodayView

    return [TodayView, DrillView, ReviewView, BankView, ProgressView, PacksView, TeamView, SettingsView]


class MainWindow(QMainWindow):
    """Sidebar + pages. `go(key, **options)` shows a view (and hands it the options)."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.health: Health | None = None
        self.setWindowTitle("RepDrill")
        self.resize(1240, 820)
        self.setMinimumSize(980, 640)
        self.views = {}
        self._build()
        tasks.set_error_handler(self.show_error)
        run = tasks.run_in_background
        run(ctx.startup, self._started, owner=self)
        self.check_health()

    def _build(self) -> None:
        self.nav = QListWidget()
        self.nav.setObjectName("Nav")
        self.nav.setIconSize(QSize(18, 18))
        self.nav.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.pages = QStackedWidget()
        self.pages.setObjectName("Pages")
        for view_class in view_classes():
            view = view_class(self.ctx)
            view.navigate.connect(self.go)
            if hasattr(view, "settings_changed"):
                view.settings_changed.connect(self.check_health)
            self.views[view.key] = view
            self.pages.addWidget(view)
            item = QListWidgetItem(icon(view.icon_name, COLORS["sidebar_text"], "#ffffff"), "  " + view.title_text)
            item.setData(Qt.ItemDataRole.UserRole, view.key)
            self.nav.addItem(item)
        self.nav.currentRowChanged.connect(self._row_changed)
        first = next(iter(self.views.values()))
        first.loaded.connect(self._schedule_preload)

        sidebar = QWidget()
        sidebar.setObjectName("Sidebar")
        sidebar.setFixedWidth(212)
        side = QVBoxLayout(sidebar)
        side.setContentsMargins(14, 20, 14, 14)
        side.setSpacing(4)
        brand = label("RepDrill")
        brand.setObjectName("Brand")
        tag = label("Objection practice, out loud")
        tag.setObjectName("BrandTag")
        side.addWidget(brand)
        side.addWidget(tag)
        side.addSpacing(18)
        side.addWidget(self.nav, 1)
        foot = label(f"v{__version__} · offline", wrap=True)
        foot.setObjectName("SidebarFoot")
        foot.setToolTip(f"Your data: {paths.data_dir()}")
        side.addWidget(foot)

        self.notice = Banner(action="Open Settings")
        self.notice.action_clicked.connect(lambda: self.go("settings"))
        self.notice.hide()
        self.error_banner = Banner(tone="error", action="Dismiss")
        self.error_banner.action_clicked.connect(self.error_banner.hide)
        self.error_banner.hide()
        content = QWidget()
        content.setObjectName("Content")
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        for banner in (self.error_banner, self.notice):
            holder = QHBoxLayout()
            holder.setContentsMargins(24, 12, 24, 0)
            holder.addWidget(banner)
            column.addLayout(holder)
        column.addWidget(self.pages, 1)

        root = QWidget()
        row = QHBoxLayout(root)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(sidebar)
        row.addWidget(content, 1)
        self.setCentralWidget(root)
        self.nav.setCurrentRow(0)

    # -- navigation ---------------------------------------------------------------------

    def go(self, key: str, options: dict | None = None) -> None:
        """Show the view `key`; `options` go to its `activate()` (e.g. the drill to open)."""
        view = self.views.get(key)
        if view is None:
            return
        if options and hasattr(view, "activate"):
            view.activate(**options)
        row = list(self.views).index(key)
        if self.nav.currentRow() != row:
            self.nav.setCurrentRow(row)
        elif not options:
            view.refresh()

    def current_view(self):
        """The view on screen."""
        return self.pages.currentWidget()

    def _row_changed(self, row: int) -> None:
        view = list(self.views.values())[row]
        self.pages.setCurrentWidget(view)
        self.notice.action.setVisible(view is not self.views.get("settings"))  # no "Open Settings" on Settings
        view.refresh()

    # -- notices ------------------------------------------------------------------------

    def check_health(self) -> None:
        """Look for the microphone, speaker and engine again (after settings change)."""
        settings = self.ctx.settings
        tasks.run_in_background(lambda: check_health(settings), self._health_done, owner=self)

    def _health_done(self, health: Health) -> None:
        self.health = health
        problems = []
        if health.microphone_problem:
            problems.append("No microphone found - you can still practise with answer files, "
                            "review your drills and plan.")
        if health.engine_problem:
            problems.append(f"Answers cannot be transcribed: {health.engine_problem}.")
        if problems:
            self.notice.show_text(" ".join(problems))
        else:
            self.notice.hide()

    def _schedule_preload(self) -> None:
        """Once the first view is on screen, load the speech engine in the background (once)."""
        next(iter(self.views.values())).loaded.disconnect(self._schedule_preload)
        QTimer.singleShot(PRELOAD_AFTER_MS, self._preload_engine)

    def _preload_engine(self) -> None:
        # a drill then starts without waiting for the model; a missing engine is the health banner's to say
        tasks.run_in_background(self.ctx.engine, on_error=lambda error: log.info("engine not loaded: %s", error),
                                owner=self)
        # and the natural voice's model, so that a drill's first line does not wait for it (bench/voices.py)
        if natural_voice.installed():
            tasks.run_in_background(natural_voice.warm_up, owner=self,
                                    on_error=lambda error: log.info("natural voice not started: %s", error))

    def _started(self, startup) -> None:
        if startup.recovered:
            self.statusBar().showMessage(
                f"{len(startup.recovered)} interrupted answer(s) from an earlier drill were kept as recordings", 10_000)

    def show_error(self, error: BaseException) -> None:
        """Show an error from a background job: a TrainerError as it is, anything else as a bug."""
        if isinstance(error, TrainerError):
            text = str(error)
        else:
            log.error("unexpected error", exc_info=error)
            text = f"Something went wrong ({type(error).__name__}: {error}). The details are in the log."
        self.error_banner.show_text(text, "error")

    # -- exit ---------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        """Stop a running drill, let background jobs return, close the store."""
        for view in self.views.values():
            if hasattr(view, "shutdown"):
                view.shutdown()
        tasks.wait_for_jobs()
        self.ctx.close()
        tasks.set_error_handler(None)
        super().closeEvent(event)

"""The desktop app's entry point: the QApplication, the shared context and the main window.

`trainer` (no arguments) and `trainer gui` call `main()`. The window appears at
once; the store, packs and speech engine open in the background behind it.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QApplication

from trainer.ui.app_settings import apply_data_dir, load_settings
from trainer.ui.context import AppContext
from trainer.ui.main_window import MainWindow
from trainer.ui.qt_binding import binding_fault
from trainer.ui.style import apply_style


def create_app(argv: list[str] | None = None) -> QApplication:
    """The QApplication with RepDrill's name and look (the existing one in tests)."""
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("RepDrill")
    app.setApplicationDisplayName("RepDrill")
    app.setDesktopFileName("repdrill")
    apply_style(app)
    return app


def main(argv: list[str] | None = None) -> int:
    """Open the main window and run until it is closed; returns the exit code."""
    fault = binding_fault()
    if fault is not None:
        print(f"trainer: {fault}", file=sys.stderr)
        return 2
    settings = load_settings()
    apply_data_dir(settings)
    app = create_app(argv)
    window = MainWindow(AppContext(settings))
    window.show()
    code = app.exec()
    dispose(window)
    return code


def dispose(window: MainWindow) -> None:
    """Delete the closed window now, while the QApplication exists (not at interpreter exit, which crashes)."""
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)

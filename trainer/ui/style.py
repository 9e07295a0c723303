"""The app's look: one calm palette, one type scale, one stylesheet.

Widgets ask for a look by object name or by the dynamic property `kind`
(`card`, `title`, `subtitle`, `muted`, `primary`, `pill` ...) rather than setting
colours themselves, so the whole app changes in one place. Painted widgets (charts,
the level meter, the score ring) read the same colours from `COLORS`.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QWidget

COLORS = {
    "bg": "#f4f5f8",
    "surface": "#ffffff",
    "surface_alt": "#f8f9fb",
    "border": "#e3e6ec",
    "text": "#1d2433",
    "muted": "#6b7385",
    "faint": "#a3aab8",
    "accent": "#4c5fd5",
    "accent_dark": "#3b4cc0",
    "accent_soft": "#eceffd",
    "good": "#1f9d68",
    "good_soft": "#e4f5ec",
    "warn": "#c98209",
    "warn_soft": "#fcf3e1",
    "bad": "#d14747",
    "bad_soft": "#fbeaea",
    "sidebar": "#1e2433",
    "sidebar_text": "#c3c8d4",
    "sidebar_active": "#2e3650",
    "band": "#1f9d68",
}

ASSETS = Path(__file__).resolve().parent / "assets"  # the stylesheet's arrow images

FONT_FAMILIES = ["Inter", "Segoe UI", "SF Pro Text", "Helvetica Neue", "Cantarell", "Nimbus Sans", "DejaVu Sans"]
BASE_POINT_SIZE = 10


def color(name: str) -> QColor:
    """A palette colour as a QColor (for painted widgets)."""
    return QColor(COLORS[name])


def score_color(score: float | None) -> str:
    """The colour name for a 0-100 score: good from 70 (the ladder's pass mark), warn from 50, else bad."""
    if score is None:
        return "faint"
    return "good" if score >= 70 else "warn" if score >= 50 else "bad"


def set_kind(widget: QWidget, kind: str) -> QWidget:
    """Give a widget a look from the stylesheet (`kind` property) and re-polish it; returns the widget."""
    widget.setProperty("kind", kind)
    widget.style().unpolish(widget)
    widget.style().polish(widget)
    return widget


STYLESHEET = """
QWidget { color: %(text)s; font-size: 10pt; }
QMainWindow, QWidget#Content, QStackedWidget#Pages, QScrollArea#Page, QWidget#PageBody { background: %(bg)s; }
QToolTip { background: %(text)s; color: white; border: none; padding: 5px 8px; border-radius: 4px; }

QWidget#Sidebar { background: %(sidebar)s; }
QLabel#Brand { color: white; font-size: 15pt; font-weight: 700; padding: 4px 6px; }
QLabel#BrandTag { color: %(sidebar_text)s; font-size: 8.5pt; padding: 0 6px; }
QListWidget#Nav { background: transparent; border: none; outline: none; }
QListWidget#Nav::item { color: %(sidebar_text)s; padding: 9px 12px; margin: 2px 0; border-radius: 8px; }
QListWidget#Nav::item:hover { background: #262d40; color: white; }
QListWidget#Nav::item:selected { background: %(sidebar_active)s; color: white; }
QLabel#SidebarFoot { color: #7d8597; font-size: 8.5pt; padding: 6px; }

QLabel[kind="title"] { font-size: 18pt; font-weight: 650; }
QLabel[kind="subtitle"] { color: %(muted)s; font-size: 10.5pt; }
QLabel[kind="section"] { color: %(muted)s; font-size: 8.5pt; font-weight: 700; letter-spacing: 0.6px; }
QLabel[kind="muted"] { color: %(muted)s; }
QLabel[kind="faint"] { color: %(faint)s; }
QLabel[kind="good"] { color: %(good)s; font-weight: 600; }
QLabel[kind="big"] { font-size: 22pt; font-weight: 700; }
QLabel[kind="quote"] { font-size: 14pt; font-weight: 500; }
QLabel[kind="error"] { color: %(bad)s; }

QFrame[kind="card"] { background: %(surface)s; border: 1px solid %(border)s; border-radius: 12px; }
QFrame[kind="inset"] { background: %(surface_alt)s; border: 1px solid %(border)s; border-radius: 10px; }
QFrame[kind="banner"] { background: %(warn_soft)s; border: 1px solid #f0dcae; border-radius: 10px; }
QFrame[kind="banner_error"] { background: %(bad_soft)s; border: 1px solid #f1c4c4; border-radius: 10px; }
QFrame[kind="banner_good"] { background: %(good_soft)s; border: 1px solid #bfe5d1; border-radius: 10px; }
QFrame[kind="divider"] { background: %(border)s; max-height: 1px; min-height: 1px; border: none; }

QLabel[kind="pill"] { background: %(accent_soft)s; color: %(accent_dark)s; border-radius: 10px; padding: 2px 9px; font-size: 9pt; font-weight: 600; }
QLabel[kind="pill_good"] { background: %(good_soft)s; color: %(good)s; border-radius: 10px; padding: 2px 9px; font-size: 9pt; font-weight: 600; }
QLabel[kind="pill_warn"] { background: %(warn_soft)s; color: %(warn)s; border-radius: 10px; padding: 2px 9px; font-size: 9pt; font-weight: 600; }
QLabel[kind="pill_bad"] { background: %(bad_soft)s; color: %(bad)s; border-radius: 10px; padding: 2px 9px; font-size: 9pt; font-weight: 600; }
QLabel[kind="pill_muted"] { background: #eef0f4; color: %(muted)s; border-radius: 10px; padding: 2px 9px; font-size: 9pt; font-weight: 600; }

QPushButton { background: %(surface)s; border: 1px solid #d5d9e2; border-radius: 8px; padding: 7px 14px; font-weight: 600; }
QPushButton:hover { background: #f3f5f9; border-color: #c4c9d5; }
QPushButton:pressed { background: #e9ecf2; }
QPushButton:disabled { color: %(faint)s; background: #f6f7f9; border-color: #e6e8ee; }
QPushButton[kind="primary"] { background: %(accent)s; border: 1px solid %(accent)s; color: white; }
QPushButton[kind="primary"]:hover { background: %(accent_dark)s; border-color: %(accent_dark)s; }
QPushButton[kind="primary"]:disabled { background: #aeb6e8; border-color: #aeb6e8; color: #f3f4fb; }
QPushButton[kind="big"] { background: %(accent)s; border: 1px solid %(accent)s; color: white; font-size: 11.5pt; padding: 11px 26px; border-radius: 10px; }
QPushButton[kind="big"]:hover { background: %(accent_dark)s; }
QPushButton[kind="big"]:disabled { background: #aeb6e8; border-color: #aeb6e8; }
QPushButton[kind="danger"] { color: %(bad)s; }
QPushButton[kind="danger"]:hover { background: %(bad_soft)s; border-color: #efc0c0; }
QPushButton[kind="danger"]:disabled { color: %(faint)s; background: #f6f7f9; border-color: #e6e8ee; }
QPushButton[kind="link"] { background: transparent; border: none; color: %(accent)s; padding: 2px 4px; }
QPushButton[kind="link"]:hover { text-decoration: underline; }
QPushButton[kind="round"] { border-radius: 15px; min-width: 30px; max-width: 30px; min-height: 30px; max-height: 30px; padding: 0; }

QLineEdit, QComboBox, QSpinBox, QDateEdit, QPlainTextEdit, QTextEdit { background: %(surface)s; border: 1px solid #d5d9e2; border-radius: 8px; padding: 6px 9px; selection-background-color: %(accent)s; }
QLineEdit:focus, QComboBox:focus, QSpinBox:focus, QDateEdit:focus, QPlainTextEdit:focus { border-color: %(accent)s; }
QComboBox { min-width: 110px; }
QComboBox::drop-down, QDateEdit::drop-down { border: none; width: 24px; }
QComboBox::down-arrow, QDateEdit::down-arrow { image: url(%(down_arrow)s); width: 12px; height: 12px; }
QComboBox QAbstractItemView { background: %(surface)s; border: 1px solid %(border)s; selection-background-color: %(accent_soft)s; selection-color: %(text)s; outline: none; }
QCheckBox { spacing: 7px; }

QTableView, QListWidget, QTreeWidget { background: %(surface)s; border: 1px solid %(border)s; border-radius: 10px; gridline-color: #eef0f4; selection-background-color: %(accent_soft)s; selection-color: %(text)s; outline: none; }
QTableView::item, QListWidget::item { padding: 6px; border: none; }
QListWidget#DrillList::item { border-bottom: 1px solid #eef0f4; padding: 0; }
QListWidget#DrillList::item:selected { background: %(accent_soft)s; }
QHeaderView::section { background: %(surface_alt)s; color: %(muted)s; border: none; border-bottom: 1px solid %(border)s; padding: 7px 8px; font-size: 8.5pt; font-weight: 700; }
QTableCornerButton::section { background: %(surface_alt)s; border: none; }

QSlider::groove:horizontal { height: 6px; background: #e4e7ee; border-radius: 3px; }
QSlider::sub-page:horizontal { background: %(accent)s; border-radius: 3px; }
QSlider::handle:horizontal { background: white; border: 2px solid %(accent)s; width: 14px; height: 14px; margin: -6px 0; border-radius: 9px; }
QProgressBar { background: #e4e7ee; border: none; border-radius: 5px; height: 10px; text-align: center; color: transparent; }
QProgressBar::chunk { background: %(accent)s; border-radius: 5px; }

QScrollArea { border: none; background: transparent; }
QScrollBar:vertical { background: transparent; width: 10px; margin: 2px; }
QScrollBar::handle:vertical { background: #cfd4de; border-radius: 4px; min-height: 30px; }
QScrollBar::add-line:vertical, QScrollBar::sub-line:vertical { height: 0; }
QScrollBar:horizontal { background: transparent; height: 10px; margin: 2px; }
QScrollBar::handle:horizontal { background: #cfd4de; border-radius: 4px; min-width: 30px; }
QScrollBar::add-line:horizontal, QScrollBar::sub-line:horizontal { width: 0; }
QStatusBar { background: %(surface)s; color: %(muted)s; border-top: 1px solid %(border)s; }
QMessageBox QLabel { font-size: 10pt; }
""" % {**COLORS, "down_arrow": (ASSETS / "chevron-down.svg").as_posix()}


def apply_style(app: QApplication) -> None:
    """Give the whole app its font, palette and stylesheet."""
    font = QFont()
    font.setFamilies(FONT_FAMILIES)
    font.setPointSize(BASE_POINT_SIZE)
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    app.setFont(font)
    app.setStyle("Fusion")
    palette = app.palette()
    palette.setColor(QPalette.ColorRole.Window, color("bg"))
    palette.setColor(QPalette.ColorRole.Base, color("surface"))
    palette.setColor(QPalette.ColorRole.Text, color("text"))
    palette.setColor(QPalette.ColorRole.WindowText, color("text"))
    palette.setColor(QPalette.ColorRole.Highlight, color("accent"))
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor("white"))
    app.setPalette(palette)
    app.setStyleSheet(STYLESHEET)

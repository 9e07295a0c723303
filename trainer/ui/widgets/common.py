"""Building blocks every view uses: the page frame, cards, labels, pills, banners and empty states.

They keep views short and make every page look the same: a title and a one-line
subtitle, then cards on a calm background.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from trainer.ui.style import COLORS, set_kind
from trainer.ui.widgets.icons import pixmap

PAGE_MARGIN = 28


def label(text: str = "", kind: str | None = None, *, wrap: bool = False, selectable: bool = False) -> QLabel:
    """A label with a look from the stylesheet (`title`, `subtitle`, `section`, `muted` ...)."""
    widget = QLabel(text)
    if kind:
        set_kind(widget, kind)
    if wrap:
        widget.setWordWrap(True)
    if selectable:
        widget.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return widget


def pill(text: str, tone: str = "") -> QLabel:
    """A small rounded tag; `tone` is '', 'good', 'warn', 'bad' or 'muted'."""
    widget = label(text, f"pill_{tone}" if tone else "pill")
    widget.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
    return widget


def button(text: str, kind: str | None = None, on_click=None, *, tooltip: str = "") -> QPushButton:
    """A push button with a look (`primary`, `big`, `danger`, `link` ...) and a click handler."""
    widget = QPushButton(text)
    widget.setCursor(Qt.CursorShape.PointingHandCursor)
    if kind:
        set_kind(widget, kind)
    if on_click is not None:
        widget.clicked.connect(on_click)
    if tooltip:
        widget.setToolTip(tooltip)
    return widget


class Card(QFrame):
    """A white rounded panel with an optional section heading; add widgets to `body`."""

    def __init__(self, heading: str = "", *, kind: str = "card", spacing: int = 10, margins: int = 18) -> None:
        super().__init__()
        set_kind(self, kind)
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(margins, margins - 2, margins, margins)
        self.body.setSpacing(spacing)
        if heading:
            self.heading = label(heading.upper(), "section")
            self.body.addWidget(self.heading)


def hbox(*items, spacing: int = 8, margins: int = 0) -> QHBoxLayout:
    """A horizontal layout of widgets/layouts (None adds a stretch; `(item, n)` gives an item stretch n)."""
    return _fill(QHBoxLayout(), items, spacing, margins)


def vbox(*items, spacing: int = 8, margins: int = 0) -> QVBoxLayout:
    """A vertical layout of widgets/layouts (None adds a stretch; `(item, n)` gives an item stretch n)."""
    return _fill(QVBoxLayout(), items, spacing, margins)


def _fill(layout, items, spacing: int, margins: int):
    layout.setSpacing(spacing)
    layout.setContentsMargins(margins, margins, margins, margins)
    for item in items:
        item, stretch = item if isinstance(item, tuple) else (item, 0)
        if item is None:
            layout.addStretch(1)
        elif isinstance(item, QLayout):
            layout.addLayout(item, stretch)
        else:
            layout.addWidget(item, stretch)
    return layout


def divider() -> QFrame:
    """A thin horizontal line."""
    line = QFrame()
    set_kind(line, "divider")
    return line


def clear_layout(layout: QLayout) -> None:
    """Remove and delete everything in a layout (to rebuild a list of cards)."""
    while layout.count():
        item = layout.takeAt(0)
        if item.widget() is not None:
            item.widget().deleteLater()
        elif item.layout() is not None:
            clear_layout(item.layout())


class Page(QScrollArea):
    """A view's frame: title, subtitle and actions on top, then `body` (scrolls when tall)."""

    def __init__(self, title: str, subtitle: str = "", *, scroll: bool = True) -> None:
        super().__init__()
        self.setObjectName("Page")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        if not scroll:
            self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        inner = QWidget()
        inner.setObjectName("PageBody")
        outer = QVBoxLayout(inner)
        outer.setContentsMargins(PAGE_MARGIN, PAGE_MARGIN - 6, PAGE_MARGIN, PAGE_MARGIN)
        outer.setSpacing(18)
        self.title = label(title, "title")
        self.subtitle = label(subtitle, "subtitle", wrap=True)
        self.actions = QHBoxLayout()
        self.actions.setSpacing(8)
        header = QHBoxLayout()
        header.addLayout(vbox(self.title, self.subtitle, spacing=2), 1)
        header.addLayout(self.actions)
        outer.addLayout(header)
        self.body = QVBoxLayout()
        self.body.setSpacing(16)
        outer.addLayout(self.body, 1)
        self.setWidget(inner)


class Banner(QFrame):
    """A one-line notice with an optional action: 'No microphone found ... [Settings]'."""

    action_clicked = Signal()

    def __init__(self, text: str = "", tone: str = "warn", action: str = "") -> None:
        super().__init__()
        self.text = label(text, wrap=True)
        self.action = button(action, "link", self.action_clicked.emit) if action else None
        self.set_tone(tone)
        layout = hbox((self.text, 1), *([self.action] if self.action else []))
        layout.setContentsMargins(14, 10, 14, 10)
        self.setLayout(layout)

    def set_tone(self, tone: str) -> None:
        """'warn' (amber), 'error' (red) or 'good' (green)."""
        set_kind(self, "banner" if tone == "warn" else f"banner_{tone}")

    def show_text(self, text: str, tone: str = "warn") -> None:
        """Show the banner with `text`."""
        self.text.setText(text)
        self.set_tone(tone)
        self.show()


class EmptyState(QFrame):
    """What a view shows before there is anything in it: an icon, a sentence, and what to do."""

    action_clicked = Signal()

    def __init__(self, icon: str, title: str, text: str, action: str = "") -> None:
        super().__init__()
        set_kind(self, "card")
        picture = QLabel()
        picture.setPixmap(pixmap(icon, COLORS["faint"], 40))
        picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        heading = label(title)
        heading.setStyleSheet("font-size: 13pt; font-weight: 650;")
        heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text = label(text, "muted", wrap=True)
        self.text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        items = [None, picture, heading, self.text]
        if action:
            self.button = button(action, "primary", self.action_clicked.emit)
            items.append(hbox(None, self.button, None))
        items.append(None)
        layout = vbox(*items, spacing=10)
        layout.setContentsMargins(40, 36, 40, 36)
        self.setLayout(layout)
        self.setMinimumHeight(240)

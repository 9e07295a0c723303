"""Line icons drawn as small SVGs, tinted to any colour (no icon files to ship or lose).

Each icon is the inside of a 24x24 SVG with round 2 px strokes; `icon(name, color)`
renders it at the sizes Qt asks for.
"""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QIcon, QImage, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

SHAPES = {
    "today": '<circle cx="12" cy="12" r="4"/><path d="M12 2v2M12 20v2M4.9 4.9l1.4 1.4M17.7 17.7l1.4 1.4'
             'M2 12h2M20 12h2M4.9 19.1l1.4-1.4M17.7 6.3l1.4-1.4"/>',
    "drill": '<rect x="9" y="2.5" width="6" height="12" rx="3"/><path d="M5 11a7 7 0 0 0 14 0M12 18v3.5M8.5 21.5h7"/>',
    "review": '<path d="M3 12a9 9 0 1 0 3-6.7L3 8"/><path d="M3 3v5h5"/><path d="M12 7v5l3.5 2"/>',
    "bank": '<path d="M6 3h12a1 1 0 0 1 1 1v17l-7-4-7 4V4a1 1 0 0 1 1-1z"/>',
    "progress": '<path d="M3 3v18h18"/><path d="M7 15l4-5 3 3 5-7"/>',
    "packs": '<path d="M12 2.5l9.5 5-9.5 5-9.5-5z"/><path d="M2.5 12l9.5 5 9.5-5"/><path d="M2.5 16.5l9.5 5 9.5-5"/>',
    "team": '<circle cx="9" cy="8" r="3.5"/><path d="M2.5 20.5c0-3.6 2.9-6.5 6.5-6.5s6.5 2.9 6.5 6.5"/>'
            '<path d="M16 4.7a3.5 3.5 0 0 1 0 6.6M18.5 14.4c1.8.9 3 2.9 3 6.1"/>',
    "settings": '<path d="M4 6h9M17 6h3M4 12h3M11 12h9M4 18h11M19 18h1"/>'
                '<circle cx="15" cy="6" r="2"/><circle cx="9" cy="12" r="2"/><circle cx="17" cy="18" r="2"/>',
    "play": '<path d="M7 4.5v15l12-7.5z" fill="currentColor"/>',
    "stop": '<rect x="6" y="6" width="12" height="12" rx="2" fill="currentColor"/>',
    "star": '<path d="M12 3l2.8 5.7 6.2.9-4.5 4.4 1.1 6.2L12 17.3 6.4 20.2l1.1-6.2L3 9.6l6.2-.9z"/>',
    "star_filled": '<path d="M12 3l2.8 5.7 6.2.9-4.5 4.4 1.1 6.2L12 17.3 6.4 20.2l1.1-6.2L3 9.6l6.2-.9z" '
                   'fill="currentColor"/>',
    "trash": '<path d="M4 7h16M9 7V4h6v3M6 7l1 13h10l1-13M10 11v6M14 11v6"/>',
    "import": '<path d="M12 3v12M7 10l5 5 5-5"/><path d="M4 17v3h16v-3"/>',
    "check": '<path d="M4.5 12.5l5 5 10-11"/>',
    "cross": '<path d="M6 6l12 12M18 6L6 18"/>',
    "mic_off": '<path d="M3 3l18 18"/><path d="M9 9v2a3 3 0 0 0 5.1 2.1M15 9.3V5.5a3 3 0 0 0-5.8-1"/>'
               '<path d="M5 11a7 7 0 0 0 11.5 5.4M19 11a7 7 0 0 1-.6 2.8M12 18v3.5"/>',
    "flame": '<path d="M12 21.5c-4 0-7-2.8-7-6.6 0-3.4 2.5-5.4 3.8-8.1.5 2 1.6 3 2.7 3.4C11.4 7 12.6 4.4 15 2.5'
             'c.3 3.3 4 5.9 4 11.2 0 4.4-3 7.8-7 7.8z"/>',
}


def _svg(name: str, color: str) -> bytes:
    body = SHAPES[name].replace("currentColor", color)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" stroke="{color}" '
        f'stroke-width="2" stroke-linecap="round" stroke-linejoin="round">{body}</svg>'
    ).encode()


@lru_cache(maxsize=None)
def pixmap(name: str, color: str, size: int = 20, ratio: float = 2.0) -> QPixmap:
    """The icon as a pixmap `size` logical pixels wide, sharp at device pixel `ratio`."""
    renderer = QSvgRenderer(QByteArray(_svg(name, color)))
    side = round(size * ratio)
    image = QImage(side, side, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    renderer.render(painter, QRectF(0, 0, side, side))
    painter.end()
    result = QPixmap.fromImage(image)
    result.setDevicePixelRatio(ratio)
    return result


def icon(name: str, color: str, active_color: str | None = None) -> QIcon:
    """The icon in `color` (and `active_color` when selected, e.g. in the navigation)."""
    result = QIcon()
    result.addPixmap(pixmap(name, color), QIcon.Mode.Normal)
    if active_color:
        result.addPixmap(pixmap(name, active_color), QIcon.Mode.Selected)
        result.addPixmap(pixmap(name, active_color), QIcon.Mode.Active)
    return result

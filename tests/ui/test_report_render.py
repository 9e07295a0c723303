"""The HTML report of real drills, rendered by Qt's rich text: its data: URI charts show, and a screenshot is kept.

The whole page (not just what fits in a window) is painted from the browser's
document into a PNG: in the test's folder, and into docs/screenshots/report.png (which
docs/coaches.md shows) when $REPDRILL_SCREENSHOTS names that folder, as `make
screenshots` does, so a plain test run leaves the tree clean.
"""

import os

from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QColor, QImage, QPainter, QTextDocument
from PySide6.QtWidgets import QTextBrowser

from trainer.core.assignments import PackAssignment, assignment_file_name, assignments_dir, write_assignment
from trainer.core.pack_model import Assignment, Pack
from trainer.core.packs import discover_packs
from trainer.reports.charts import COLOURS
from trainer.reports.html import render_html
from trainer.store.db import Store
from trainer.store.report_data import collect_report



def report_of_history():
    """The report of the UI tests' drill history, with one assignment done and one overdue."""
    packs = [p for _, p in discover_packs() if isinstance(p, Pack)]
    with Store() as store:
        today = store.clock().astimezone().date()
        handed_out = [
            PackAssignment("price-and-budget", Assignment("Kim Ortiz", "Sam Lee", today + timedelta(days=5), 1, 3),
                           today - timedelta(days=30)),
            PackAssignment("cold-call-brush-offs", Assignment("Kim Ortiz", "Sam Lee", today - timedelta(days=1), 2, 2),
                           today - timedelta(days=14)),
        ]
        for item in handed_out:
            write_assignment(item, assignments_dir() / assignment_file_name(item))
        return collect_report(store, packs, handed_out, rep="Sam Lee")


def test_qt_renders_the_report_with_its_charts(history, qtbot, app, tmp_path):
    report = report_of_history()
    assert report.summary.drills == 4 and [a.status for a in report.assignments] == ["done", "overdue"]
    html = render_html(report)
    browser = QTextBrowser()
    qtbot.addWidget(browser)
    browser.setHtml(html)
    browser.resize(900, 700)
    browser.show()
    qtbot.waitExposed(browser)

    document = browser.document()
    sources = [part.split('"')[0] for part in html.split('<img src="')[1:]]
    assert len(sources) == 3 and all(s.startswith("data:image/png;base64,") for s in sources)
    sizes = []
    for source in sources:
        image = document.resource(QTextDocument.ResourceType.ImageResource, QUrl(source))
        assert image is not None and not image.isNull(), "Qt did not load a data: URI image"
        sizes.append((image.width(), image.height()))
    assert sizes == [(792, 286), (792, 484), (792, 264)]

    document.setTextWidth(browser.viewport().width())
    height = int(document.size().height())
    assert 2000 < height < 6000
    shot = QImage(int(document.textWidth()), height, QImage.Format.Format_RGB32)  # the whole page, not the window
    shot.fill(QColor("white"))
    painter = QPainter(shot)
    document.drawContents(painter)
    painter.end()
    accent = QColor(COLOURS["accent"])
    drawn = sum(  # the score lines and dots of the charts, in the accent colour
        1 for y in range(0, shot.height(), 2) for x in range(0, shot.width(), 2)
        if _near(shot.pixelColor(x, y), accent)
    )
    assert drawn > 500, f"only {drawn} accent-coloured pixels: the charts were not drawn"
    folder = Path(os.environ.get("REPDRILL_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    assert shot.save(str(folder / "report.png"))


def _near(colour: QColor, target: QColor, tolerance: int = 24) -> bool:
    return (abs(colour.red() - target.red()) + abs(colour.green() - target.green())
            + abs(colour.blue() - target.blue())) <= tolerance

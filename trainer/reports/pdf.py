"""The report as a PDF (A4) drawn with matplotlib: real text (a PDF reader can search and copy it), vector charts.

Pages: the summary (headline numbers, assignments, levels, trends); the charts
(scores, talk metrics, anxiety), left out when the period has no drill; then the
anxiety sentences, the best openers and the drill list. Text that does not fit
continues on a new page. No browser or other program is needed.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from matplotlib import rc_context
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from trainer.core.report_model import Report
from trainer.reports import sections
from trainer.reports.charts import COLOURS, has_suds, metrics_figure, score_figure, suds_figure

PAGE_IN = (8.27, 11.69)  # A4 portrait, inches
MARGIN_IN = 0.75
MONO_WIDTH = 0.602  # DejaVu Sans Mono's advance width, in ems
_SMALLEST_PT = 6.0  # tables shrink to fit the page down to this size, then wrap
_MARK_COLOURS = {"done": COLOURS["good"], "better": COLOURS["good"], "overdue": COLOURS["bad"],
                 "worse": COLOURS["bad"]}
_RC = {"pdf.fonttype": 42, "font.family": "DejaVu Sans"}  # TrueType fonts: text extracts cleanly


class _TextPages:
    """Writes lines top to bottom on A4 pages, starting a new page when one is full."""

    def __init__(self, pdf: PdfPages, footer: str):
        self.pdf = pdf
        self.footer = footer
        self.page: Figure | None = None
        self.y = 0.0  # inches from the top

    def _new_page(self) -> None:
        self.close_page()
        self.page = Figure(figsize=PAGE_IN)
        self.y = MARGIN_IN

    def close_page(self) -> None:
        """Finish the current page (with its footer) and add it to the PDF."""
        if self.page is not None:
            self.page.text(MARGIN_IN / PAGE_IN[0], 0.4 / PAGE_IN[1], self.footer, fontsize=7, color=COLOURS["muted"])
            self.pdf.savefig(self.page)
            self.page = None

    def room(self, height: float) -> None:
        """Make sure `height` inches fit on this page."""
        if self.page is None or self.y + height > PAGE_IN[1] - MARGIN_IN:
            self._new_page()

    def line(self, text: str, size: float = 9.5, *, x: float = 0.0, gap: float = 1.45, **style) -> None:
        """One line of text at `x` inches from the margin, `gap` line heights below the previous one."""
        height = size / 72 * gap
        self.room(height)
        self.y += height
        self.page.text((MARGIN_IN + x) / PAGE_IN[0], 1 - self.y / PAGE_IN[1], text, fontsize=size,
                       color=style.pop("color", COLOURS["text"]), **style)

    def paragraph(self, text: str, size: float = 9.5, width: int = 105, **style) -> None:
        """Wrapped text."""
        for part in textwrap.wrap(text, width) or [""]:
            self.line(part, size, **style)

    def heading(self, text: str) -> None:
        """A section heading (kept with at least three lines after it)."""
        self.room(0.9)
        self.line(text, 13, gap=2.2, fontweight="bold", color=COLOURS["accent"])

    def table(self, table: sections.Table) -> None:
        """Columns of text aligned in a monospaced font; the header repeats on a new page. A table too wide for the
        page at the smallest size (the hesitation table with its reasons) wraps its widest column onto more lines."""
        widths = [max(len(h), *(len(r[i]) for r in table.rows)) + 2 for i, h in enumerate(table.headers)]
        room = round((PAGE_IN[0] - 2 * MARGIN_IN) * 72 / (MONO_WIDTH * _SMALLEST_PT))  # characters across at 6 pt
        excess = sum(widths) - 2 - room  # the last column's gap is not drawn
        if excess > 0:
            widest = widths.index(max(widths))
            widths[widest] = max(len(table.headers[widest]) + 2, widths[widest] - excess)

        def row_lines(cells) -> list[str]:
            columns = [textwrap.wrap(cell, width - 2) or [""] for cell, width in zip(cells, widths)]
            return ["".join((column[n] if n < len(column) else "").ljust(width) for column, width in zip(columns, widths))
                    .rstrip() for n in range(max(map(len, columns)))]

        header = row_lines(table.headers)[0]
        # as large as fits between the margins, 6-8.5 pt (the drills table with the prospect's acts needs ~6 pt)
        size = max(_SMALLEST_PT, min(8.5, (PAGE_IN[0] - 2 * MARGIN_IN) * 72 / (MONO_WIDTH * sum(widths))))
        self.room(3 * size / 72 * 1.45)
        self.line(header, size, family="DejaVu Sans Mono", color=COLOURS["muted"], fontweight="bold")
        for number, row in enumerate(table.rows):
            lines = row_lines(row)
            page = self.page
            self.room(len(lines) * size / 72 * 1.45)
            if self.page is not page:
                self.line(header, size, family="DejaVu Sans Mono", color=COLOURS["muted"], fontweight="bold")
            mark = table.marks[number] if number < len(table.marks) else ""
            for text in lines:
                self.line(text, size, family="DejaVu Sans Mono", color=_MARK_COLOURS.get(mark, COLOURS["text"]))


def _headline(pages: _TextPages, report: Report) -> None:
    pairs = sections.headline(report)
    column = (PAGE_IN[0] - 2 * MARGIN_IN) / len(pairs)
    pages.room(0.9)
    top = pages.y
    for number, (value, label) in enumerate(pairs):
        pages.y = top
        pages.line(value, 16, x=number * column, gap=2.0, fontweight="bold", color=COLOURS["accent"])
        for part in textwrap.wrap(label, 22):
            pages.line(part, 7.5, x=number * column, gap=1.35, color=COLOURS["muted"])
    pages.y = top + 0.9


def _charts_page(pdf: PdfPages, report: Report, footer: str) -> None:
    page = Figure(figsize=PAGE_IN, layout="constrained")
    page.get_layout_engine().set(w_pad=MARGIN_IN / 2, h_pad=0.1)
    charts = [score_figure, metrics_figure] + ([suds_figure] if has_suds(report) else [])
    heights = {score_figure: 2.6, metrics_figure: 4.4, suds_figure: 2.4}
    free = PAGE_IN[1] - 2 * MARGIN_IN - sum(heights[c] for c in charts)
    parts = page.subfigures(len(charts) + 2, 1, height_ratios=[MARGIN_IN, *(heights[c] for c in charts), MARGIN_IN + free])
    x = MARGIN_IN / PAGE_IN[0]
    parts[0].text(x, 0.2, "Trends in charts", fontsize=13, fontweight="bold", color=COLOURS["accent"])
    for chart, part in zip(charts, parts[1:]):
        chart(report, part)
    parts[-1].text(x, 0.4 / (MARGIN_IN + free), footer, fontsize=7, color=COLOURS["muted"])
    pdf.savefig(page)


def write_pdf(report: Report, path: str | Path) -> int:
    """Write the report to `path` as a PDF; returns the number of pages."""
    footer = f"{sections.title(report)} - {sections.PRIVACY}"
    with rc_context(_RC), PdfPages(path, metadata={"Title": sections.title(report), "Author": report.rep,
                                                   "Creator": f"RepDrill {report.app_version}"}) as pdf:
        pages = _TextPages(pdf, footer)
        pages.line(sections.title(report), 20, gap=1.4, fontweight="bold")
        pages.paragraph(sections.subtitle(report), 9, color=COLOURS["muted"])
        pages.y += 0.15
        _headline(pages, report)
        if not report.drills:
            pages.line("No finished drills in this period.", 10)
        for heading, table in (("Assignments", sections.assignments(report)),
                               ("Levels reached", sections.levels(report)),
                               ("Trends", sections.trends(report) if report.drills else None)):
            if table is not None and table.rows:
                pages.heading(heading)
                pages.table(table)
        pages.close_page()
        if report.drills:
            _charts_page(pdf, report, footer)
        if report.profile is not None:
            pages.heading("Where they hesitate")
            pages.paragraph(sections.focus(report))
            pages.table(sections.hesitation(report))
        if report.anxiety:
            pages.heading("Anxiety (SUDS)")
            for line in report.anxiety:
                pages.paragraph(f"{line.capitalize()}.")
        if lines := sections.bank(report):
            pages.heading("Best openers from the bank")
            for line in lines:
                pages.paragraph(line)
        if report.drills:
            pages.heading("Drills")
            pages.table(sections.drills(report))
            if note := sections.prospect_note(report):
                pages.paragraph(note, 8)
        pages.close_page()
        return pdf.get_pagecount()

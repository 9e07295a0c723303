"""The report's HTML (self-contained, charts as PNG data), PDF (expected pages, real text) and CSV forms."""

import base64
import csv
import io
import shutil
import struct
import subprocess
from dataclasses import replace
from datetime import datetime, timezone
from html.parser import HTMLParser

import pytest
from report_samples import sample_drills, sample_report

from trainer import __version__
from trainer.core.report_model import report_json
from trainer.reports.csv import COLUMNS, render_csv
from trainer.reports.html import render_html
from trainer.reports.pdf import write_pdf

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="pdftotext (Debian poppler-utils, scripts/install-system-deps) is not installed")


class Page(HTMLParser):
    """The text shown (not the title or styles) and the images of an HTML page."""

    def __init__(self, html):
        super().__init__()
        self.text, self.images, self.tags, self.inside = [], [], set(), None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.inside = tag
        if tag == "img":
            self.images.append(dict(attrs))

    def handle_data(self, data):
        if data.strip() and self.inside not in ("style", "title"):
            self.text.append(data.strip())


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def local(moment) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def test_html_is_self_contained_with_three_charts_and_every_section():
    page = Page(render_html(sample_report()))
    sizes = [png_size(base64.b64decode(img["src"].removeprefix("data:image/png;base64,"))) for img in page.images]
    assert sizes == [(792, 286), (792, 484), (792, 264)]  # 7.2 x 2.6 / 4.4 / 2.4 inches at 110 dpi
    assert all(img["alt"] for img in page.images)
    assert not {"script", "link", "iframe"} & page.tags
    text = page.text
    for expected in ("Practice report: Sam Lee", "Assignments", "Levels reached", "Trends", "Anxiety (SUDS)",
                     "Best openers from the bank", "Drills", "OVERDUE", "4 of 4", "0 of 3", "Live",
                     "\u2191 up", "25%", "67"):
        assert expected in text, expected
    assert text[1] == "All packs, 2025-03-01 to 2025-03-20. Made " + local(sample_report().generated_at) + \
        f" with RepDrill {__version__}."
    assert "Your anxiety before level-1 drills fell from 70 to 63 over 2 drills." in text
    assert "\u2605 \u201cI understand, it's a real number. Can I ask what you had in mind?\u201d " \
           "(price-and-budget / more-than-expected, score 88)" in text
    assert [local(d.started_at) for d in sample_report().drills] == [t for t in text if t.startswith("2025-03-")][-6:]
    assert text[-1].startswith("Numbers and text only: the rep's recordings stay on the rep's computer")


def test_html_escapes_what_the_rep_wrote_and_leaves_out_empty_parts():
    report = replace(sample_report("<b>Sam</b> & co", drills=()), anxiety=(), bank=())
    html = render_html(report)
    page = Page(html)
    assert "<b>Sam</b>" not in html and "Practice report: <b>Sam</b> & co" in page.text
    assert page.images == [] and "No finished drills in this period." in page.text
    for missing in ("Trends", "Anxiety (SUDS)", "Best openers from the bank", "Drills"):
        assert missing not in page.text


def pdf_pages(path) -> list[str]:
    count = int(next(line.split()[-1] for line in subprocess.run(
        ["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()
        if line.startswith("Pages:")))
    return [subprocess.run(["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(path), "-"], capture_output=True,
                           text=True, check=True).stdout for n in range(1, count + 1)]


def test_pdf_has_the_summary_the_charts_and_the_details_as_text(tmp_path):
    path = tmp_path / "report.pdf"
    assert write_pdf(sample_report(), path) == 3
    summary, charts, details = pdf_pages(path)
    for expected in ("Practice report: Sam Lee", "All packs, 2025-03-01 to 2025-03-20", "drills done", "Assignments",
                     "OVERDUE", "Levels reached", "Price and budget", "Trends", "Drill score", "52", "82",
                     "Anxiety before drills (SUDS)"):
        assert expected in summary, expected
    for expected in ("Trends in charts", "Drill scores", "Talk share (%)", "Pace (words per minute)",
                     "Fillers per minute", "Hesitations per answer", "Anxiety before and after drills"):
        assert expected in charts, expected
    assert "Anxiety (SUDS)" in details and "Your anxiety before level-1 drills fell from 70 to 63 over 2 drills." in details
    assert "I understand, it's a real number. Can I ask what you had in mind?" in details
    drill_lines = [line.split() for line in details.splitlines() if line.strip().startswith("2025-03-")]
    assert [line[2:5] for line in drill_lines] == [["price-and-budget", str(d.level), f"{d.score:.0f}"]
                                                   for d in sample_report().drills]
    for page in (summary, charts, details):
        assert "recordings stay on the rep's computer" in page  # the footer
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Practice report: Sam Lee" in info and f"RepDrill {__version__}" in info


def test_a_long_drill_list_continues_on_new_pages_with_its_header(tmp_path):
    start = datetime(2025, 1, 1, 9, tzinfo=timezone.utc)
    many = [replace(d, id=n + 1) for n, d in enumerate(sample_drills(start, 0.5) * 20)]  # 120 drills
    path = tmp_path / "long.pdf"
    pages = write_pdf(sample_report(drills=many), path)
    texts = pdf_pages(path)
    assert pages == len(texts) >= 4
    rows = [line for text in texts[2:] for line in text.splitlines() if line.strip().startswith("2025-")]
    assert len(rows) == 120
    assert all("Started" in text and "Hesitations" in text for text in texts[2:])  # the header on every page


def test_pdf_of_an_empty_period_has_no_charts_page(tmp_path):
    path = tmp_path / "empty.pdf"
    assert write_pdf(sample_report(drills=()), path) == 2
    summary, details = pdf_pages(path)
    assert "No finished drills in this period." in summary and "Trends in charts" not in summary + details
    assert "Best openers from the bank" in details


def test_csv_is_one_row_per_drill_with_raw_values():
    report = sample_report()
    rows = list(csv.DictReader(io.StringIO(render_csv(report))))
    assert tuple(rows[0]) == COLUMNS
    assert rows == [{k: "" if v is None else str(v) for k, v in d.items()} for d in report_json(report)["drills"]]
    assert rows[0]["started_at"] == "2025-03-09T09:00:00+00:00" and rows[0]["score"] == "50.0"
    assert render_csv(sample_report(drills=())) == ",".join(COLUMNS) + "\n"


def test_the_prospects_acts_are_in_the_pdfs_drill_table_within_the_margins(tmp_path):
    """Issue 19: the drills table's Prospect column, the widest cell there is, still ends inside the right margin."""
    import re

    drills = [replace(d, cut_ins=2, reactions=1, add_ons=1, repeats=2) if n == 0 else replace(d, cut_ins=0)
              for n, d in enumerate(sample_drills())]
    path = tmp_path / "report.pdf"
    write_pdf(sample_report(drills=tuple(drills)), path)
    details = pdf_pages(path)[-1]
    assert "Prospect" in details and "cut in 2, unsure 1, more 1" in details
    assert "Prospect: what the prospect did after the answers" in " ".join(details.split())
    boxes = subprocess.run(["pdftotext", "-bbox", "-f", "3", "-l", "3", str(path), "-"], capture_output=True,
                           text=True, check=True).stdout
    right = max(float(x) for x in re.findall(r'xMax="([0-9.]+)"', boxes))
    assert right <= (8.27 - 0.75) * 72 + 1  # A4, 0.75 in margins, in points


def test_the_hesitation_table_wraps_its_reasons_inside_the_margins(tmp_path):
    """The hesitation table with its reasons is wider than the page at the smallest size: the Why column wraps onto
    more lines instead of running into the right margin, and every word of the reasons is still there."""
    import re

    from trainer.core.report_model import ProfileArea, ReportProfile

    reasons = ("only 2 drills so far: 1 more before your drills speak for this area",
               "you waited 3.4 s before answering on average; hedged 1.5 times an answer, more than anywhere else")
    areas = tuple(ProfileArea(f"area-{n}", f"Area number {n}", 4, 0.5, 2.2, 1.0, 60.0, 71.0, 1, "worse", reason, 40.0,
                              True)
                  for n, reason in enumerate(reasons))
    report = replace(sample_report(), profile=ReportProfile("area-1", "drills", areas))
    path = tmp_path / "report.pdf"
    write_pdf(report, path)
    page = next(n for n, text in enumerate(pdf_pages(path), 1) if "Where they hesitate" in text)
    text = " ".join(pdf_pages(path)[page - 1].split())
    assert all(word in text for reason in reasons for word in reason.split())
    boxes = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(path), "-"],
                           capture_output=True, text=True, check=True).stdout
    right = max(float(x) for x in re.findall(r'xMax="([0-9.]+)"', boxes))
    assert right <= (8.27 - 0.75) * 72 + 1  # A4, 0.75 in margins, in points

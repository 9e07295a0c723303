"""A rep's report in the forms people read: HTML, PDF and CSV (JSON is `trainer.core.report_model`).

`write_report` is what the CLI and the app call. Importing this package is light:
the form's module (and matplotlib with it) is loaded only when a report is written,
never at start-up.
"""

from __future__ import annotations

from pathlib import Path

from trainer.core.errors import TrainerError
from trainer.core.report_model import Report, dump_report
from trainer.core.whole_files import written_whole

REPORT_FORMATS = ("html", "pdf", "csv", "json")


def report_format(path: str | Path) -> str:
    """The format a file name asks for by its extension (.html/.htm, .pdf, .csv, .json); TrainerError otherwise."""
    suffix = Path(path).suffix.lstrip(".").lower()
    kind = "html" if suffix == "htm" else suffix
    if kind not in REPORT_FORMATS:
        raise TrainerError(f"{path}: say which format with --format {'|'.join(REPORT_FORMATS)} "
                           "(or end the file name in .html, .pdf, .csv or .json)")
    return kind


def report_text(report: Report, kind: str) -> str:
    """The report as text in a text format: 'html', 'csv' or 'json'."""
    if kind == "json":
        return dump_report(report)
    if kind == "csv":
        from trainer.reports.csv import render_csv

        return render_csv(report)
    if kind == "html":
        from trainer.reports.html import render_html

        return render_html(report)
    raise ValueError(f"{kind!r} is not a text format of the report")


def write_report(report: Report, kind: str, path: str | Path) -> None:
    """Write the report to `path` in `kind` (one of REPORT_FORMATS), whole or not at all; TrainerError naming the
    file if it cannot (an earlier file of that name is then left as it was)."""
    path = Path(path)
    try:
        with written_whole(path) as partial:
            if kind == "pdf":
                from trainer.reports.pdf import write_pdf

                write_pdf(report, partial)
            else:
                partial.write_text(report_text(report, kind), encoding="utf-8")
    except OSError as error:
        raise TrainerError(f"{path}: cannot write the report ({error.strerror or error}); choose another file") from None

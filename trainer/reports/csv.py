"""The report's drills as CSV, one row per finished drill, for spreadsheets.

The columns are the `drills` fields of the JSON report (docs/report-format.md), raw
numbers with a dot as decimal mark, times in ISO 8601 and empty cells for missing
values; the totals, levels and assignments are in the JSON and HTML forms.
"""

from __future__ import annotations

import csv
import io
from dataclasses import fields

from trainer.core.report_model import DrillPoint, Report, report_json

COLUMNS = tuple(f.name for f in fields(DrillPoint))


def render_csv(report: Report) -> str:
    """The CSV text: a header row, then the drills oldest first."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in report_json(report)["drills"]:
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return out.getvalue()

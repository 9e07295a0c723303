"""The report as one self-contained HTML file: charts embedded as base64 PNG, no scripts, no links out.

It opens in any browser and in Qt's rich text (QTextBrowser), so the app can show
it as written; the styles keep to what both understand (tables, colours, padding).
"""

from __future__ import annotations

import base64
from html import escape

from trainer.core.report_model import Report
from trainer.reports import sections
from trainer.reports.charts import ALT_TEXT, COLOURS, has_suds, metrics_figure, png_bytes, score_figure, suds_figure

CHART_WIDTH_PX = 720

_CSS = f"""
body {{ font-family: 'Segoe UI', 'Helvetica Neue', Arial, sans-serif; color: {COLOURS['text']};
        background: #ffffff; margin: 24px; max-width: 900px; }}
h1 {{ font-size: 22px; margin: 0 0 4px 0; }}
h2 {{ font-size: 16px; margin: 26px 0 8px 0; color: {COLOURS['accent']}; }}
p.sub {{ color: {COLOURS['muted']}; margin: 0 0 14px 0; }}
table.grid {{ border-collapse: collapse; width: 100%; }}
table.grid th {{ text-align: left; color: {COLOURS['muted']}; font-weight: 600; background: #f4f5f8; }}
table.grid th, table.grid td {{ border-bottom: 1px solid {COLOURS['grid']}; }}
td.big {{ font-size: 22px; font-weight: bold; color: {COLOURS['accent']}; }}
td.label {{ color: {COLOURS['muted']}; font-size: 12px; }}
tr.done td, tr.better td {{ color: {COLOURS['good']}; }}
tr.overdue td, tr.worse td {{ color: {COLOURS['bad']}; font-weight: bold; }}
li {{ margin-bottom: 4px; }}
p.privacy {{ color: {COLOURS['muted']}; font-size: 12px; border-top: 1px solid {COLOURS['grid']};
             padding-top: 8px; margin-top: 28px; }}
img {{ max-width: 100%; height: auto; }}
"""


def _table(table: sections.Table) -> str:
    if not table.rows:
        return ""
    head = "".join(f"<th>{escape(h)}</th>" for h in table.headers)
    body = []
    for number, row in enumerate(table.rows):
        mark = table.marks[number] if number < len(table.marks) else ""
        cells = "".join(f"<td>{escape(cell)}</td>" for cell in row)
        body.append(f'<tr class="{mark}">{cells}</tr>' if mark else f"<tr>{cells}</tr>")
    return (f'<table class="grid" cellpadding="6" cellspacing="0" width="100%"><tr>{head}</tr>'
            + "".join(body) + "</table>")


def _image(chart, report: Report) -> str:
    data = base64.b64encode(png_bytes(chart(report))).decode("ascii")
    return f'<p><img src="data:image/png;base64,{data}" width="{CHART_WIDTH_PX}" alt="{escape(ALT_TEXT[chart])}"></p>'


def _headline(report: Report) -> str:
    pairs = sections.headline(report)
    values = "".join(f'<td class="big" align="center">{escape(v)}</td>' for v, _ in pairs)
    labels = "".join(f'<td class="label" align="center">{escape(label)}</td>' for _, label in pairs)
    return f'<table cellpadding="4" cellspacing="0" width="100%"><tr>{values}</tr><tr>{labels}</tr></table>'


def _section(heading: str, *parts: str) -> str:
    content = "".join(p for p in parts if p)
    return f"<h2>{escape(heading)}</h2>{content}" if content else ""


def render_html(report: Report) -> str:
    """The whole report as an HTML document."""
    charts = [_image(chart, report) for chart in (score_figure, metrics_figure)] if report.drills else []
    anxiety_chart = _image(suds_figure, report) if has_suds(report) else ""
    nothing = "" if report.drills else "<p>No finished drills in this period.</p>"
    bank = "".join(f"<li>{escape(line)}</li>" for line in sections.bank(report))
    body = "".join([
        f"<h1>{escape(sections.title(report))}</h1>",
        f'<p class="sub">{escape(sections.subtitle(report))}</p>',
        _headline(report),
        nothing,
        _section("Assignments", _table(sections.assignments(report))),
        _section("Levels reached", _table(sections.levels(report))),
        _section("Trends", _table(sections.trends(report)) if report.drills else "", *charts),
        _section("Where they hesitate", f"<p>{escape(sections.focus(report))}</p>" if report.profile else "",
                 _table(sections.hesitation(report)) if report.profile else ""),
        _section("Anxiety (SUDS)", "".join(f"<p>{escape(line.capitalize())}.</p>" for line in report.anxiety),
                 anxiety_chart),
        _section("Best openers from the bank", f"<ul>{bank}</ul>" if bank else ""),
        _section("Drills", _table(sections.drills(report)),
                 f"<p>{escape(note)}</p>" if (note := sections.prospect_note(report)) else ""),
        f'<p class="privacy">{escape(sections.PRIVACY)}</p>',
    ])
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{escape(sections.title(report))}</title><style>{_CSS}</style></head>"
            f"<body>{body}</body></html>\n")


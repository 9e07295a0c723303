"""The report's charts as matplotlib figures: scores, the talk metrics against their targets, anxiety.

Figures are made without pyplot (no global state, no GUI backend): PNG bytes come
from the Agg canvas for the HTML report, and the PDF report draws the same figures
as vector pages (each chart function draws into a part of a page when given one). Drills run oldest to newest along the x axis. Target bands are the
default targets (docs/metrics.md); a pack may set its own.
"""

from __future__ import annotations

import io
from typing import Sequence

from matplotlib import rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure, FigureBase

from trainer.core.levels import ladder_for
from trainer.core.report_model import DrillPoint, Report
from trainer.core.targets import Targets

COLOURS = {
    "text": "#1d2433", "muted": "#6b7385", "grid": "#e3e6ec", "accent": "#4c5fd5", "good": "#1f9d68",
    "warn": "#c98209", "bad": "#d14747", "band": "#e4f5ec",
}
_RC = {"font.size": 9, "axes.edgecolor": COLOURS["grid"], "axes.labelcolor": COLOURS["muted"],
       "xtick.color": COLOURS["muted"], "ytick.color": COLOURS["muted"], "text.color": COLOURS["text"]}


def _figure(width: float, height: float, into: FigureBase | None) -> FigureBase:
    """`into` (a part of a bigger figure, e.g. a PDF page) or a new figure of this size in inches."""
    if into is not None:
        return into
    figure = Figure(figsize=(width, height), dpi=110, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _style(axes, title: str, drills: Sequence[DrillPoint]) -> None:
    axes.set_title(title, loc="left", fontsize=10, fontweight="bold", color=COLOURS["text"])
    axes.grid(axis="y", color=COLOURS["grid"], linewidth=0.8)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    count = len(drills)
    axes.set_xlim(0.5, max(count, 1) + 0.5)
    step = max(1, round(count / 8))
    axes.set_xticks(range(1, count + 1, step))


def _xs(drills: Sequence[DrillPoint]) -> list[int]:
    return list(range(1, len(drills) + 1))


def _empty(axes, text: str = "no drills in this period") -> None:
    axes.text(0.5, 0.5, text, ha="center", va="center", transform=axes.transAxes, color=COLOURS["muted"])


def score_figure(report: Report, into: FigureBase | None = None) -> FigureBase:
    """Each drill's score with the ladder's pass line and its level."""
    with _rc():
        figure = _figure(7.2, 2.6, into)
        axes = figure.add_subplot()
        drills = report.drills
        _style(axes, "Drill scores", drills)
        axes.set_ylim(0, 105)
        axes.set_xlabel(_x_label(drills))
        pass_score = ladder_for(None).rules.pass_score
        axes.axhline(pass_score, color=COLOURS["good"], linestyle="--", linewidth=1, label=f"moves up: {pass_score:g}+")
        axes.legend(loc="lower right", bbox_to_anchor=(1, 1), frameon=False, fontsize=8, borderaxespad=0)
        scored = [(x, d) for x, d in zip(_xs(drills), drills) if d.score is not None]
        if not scored:
            _empty(axes)
            return figure
        xs, points = zip(*scored)
        axes.plot(xs, [d.score for d in points], color=COLOURS["accent"], linewidth=1.6, marker="o", markersize=5)
        for x, d in scored:
            axes.annotate(f"L{d.level}", (x, d.score), textcoords="offset points", xytext=(0, 7), ha="center",
                          fontsize=7, color=COLOURS["muted"])
        return figure


def metrics_figure(report: Report, into: FigureBase | None = None) -> FigureBase:
    """Talk share, pace, fillers and hesitations per drill, each against its target band.

    Talk share has no fixed band: a drill's band comes from its own script (docs/metrics.md),
    and the 40-60 % of real calls does not apply to a role-play.
    """
    targets = Targets()
    panels = (
        ("Talk share (%)", [d.talk_share for d in report.drills], targets.talk_share_band, (0, 100)),
        ("Pace (words per minute)", [d.wpm for d in report.drills], targets.pace_band, None),
        ("Fillers per minute", [d.fillers_per_min for d in report.drills], (0, targets.fillers_per_min_max), None),
        ("Hesitations per answer", [d.hesitation_rate for d in report.drills], (0, 0), (0, 1.05)),
    )
    with _rc():
        figure = _figure(7.2, 4.4, into)
        for number, (title, values, band, limits) in enumerate(panels, 1):
            axes = figure.add_subplot(2, 2, number)
            _style(axes, title, report.drills)
            if band is not None and band[1] > band[0]:
                axes.axhspan(*band, color=COLOURS["band"], zorder=0, label="target")
            present = [(x, v) for x, v in zip(_xs(report.drills), values) if v is not None]
            if present:
                xs, ys = zip(*present)
                axes.plot(xs, ys, color=COLOURS["accent"], linewidth=1.4, marker="o", markersize=4)
            else:
                _empty(axes)
            if limits:
                axes.set_ylim(*limits)
            else:
                high = band[1] if band is not None else 0.0
                top = max([high, *(v for _, v in present)]) if present else high
                axes.set_ylim(0, top * 1.15 or 1)
        return figure


def suds_figure(report: Report, into: FigureBase | None = None) -> FigureBase:
    """Anxiety ratings (SUDS 0-100) before and after each drill that has them."""
    with _rc():
        figure = _figure(7.2, 2.4, into)
        axes = figure.add_subplot()
        drills = report.drills
        _style(axes, "Anxiety before and after drills (SUDS 0-100)", drills)
        axes.set_ylim(0, 100)
        axes.set_xlabel(_x_label(drills))
        drawn = False
        for attribute, colour, label in (("suds_before", COLOURS["warn"], "before"),
                                         ("suds_after", COLOURS["good"], "after")):
            points = [(x, getattr(d, attribute)) for x, d in zip(_xs(drills), drills) if getattr(d, attribute) is not None]
            if points:
                xs, ys = zip(*points)
                axes.plot(xs, ys, color=colour, linewidth=1.4, marker="o", markersize=4, label=label)
                drawn = True
        if drawn:
            axes.legend(loc="upper right", frameon=False, fontsize=8, ncols=2)
        else:
            _empty(axes, "no anxiety ratings in this period")
        return figure


def has_suds(report: Report) -> bool:
    """True when a drill of the report has an anxiety rating (else the anxiety chart is left out)."""
    return any(d.suds_before is not None or d.suds_after is not None for d in report.drills)


ALT_TEXT = {
    score_figure: "Drill scores over the period, with the score that moves a rep up",
    metrics_figure: "Talk share, pace, fillers and hesitations per drill against their targets",
    suds_figure: "Anxiety ratings before and after drills",
}


def png_bytes(figure: FigureBase) -> bytes:
    """The figure as a PNG image."""
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=110, facecolor="white")
    return out.getvalue()


def _x_label(drills: Sequence[DrillPoint]) -> str:
    if not drills:
        return "drills"
    first, last = (d.started_at.astimezone().date().isoformat() for d in (drills[0], drills[-1]))
    return f"drills, oldest to newest ({first} to {last})" if first != last else f"drills on {first}"


def _rc():
    """Matplotlib settings for the report's look, for the figures made inside."""
    return rc_context(_RC)

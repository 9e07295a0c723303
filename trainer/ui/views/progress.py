"""Progress: how the rep's drills move over time, per pack and level, each chart against its target band.

Score, talk share, pace, response time (with hesitations), fillers and anxiety (SUDS
before and after), one point per finished drill, and the anxiety trend in words.
Above them, "Where you hesitate": the reluctance profile, one row per habit area,
worst first, with the self-check one click away. The rep's report for their coach
starts here too ("Report for your coach...").
"""

from __future__ import annotations

from statistics import mean
from typing import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QGridLayout

from trainer.core.errors import TrainerError
from trainer.core.levels import default_ladder
from trainer.ui import tasks
from trainer.store.profile_data import collect_profile
from trainer.ui.progress_data import ProgressSeries, progress_series
from trainer.ui.style import set_kind
from trainer.ui.views.base import View
from trainer.ui.views.report_export import ReportBanner, ReportDialog, ReportRequest, SavedReport, make_report
from trainer.ui.views.selfcheck_dialog import SelfCheckDialog
from trainer.ui.widgets.hesitation_panel import HesitationPanel
from trainer.ui.widgets.charts import LineChart, Series
from trainer.ui.widgets.common import Card, EmptyState, button, hbox, label

PASS_BAND = (70.0, 100.0)  # the ladder's pass mark (levels.yaml: pass_score) up to a perfect score


class ChartCard(Card):
    """A titled chart with the latest value and how the recent drills compare with the earlier ones."""

    def __init__(self, title: str, unit: str, decimals: int = 0, lower_is_better: bool = False,
                 floor: float | None = 0.0) -> None:
        super().__init__(title)
        self.unit = unit
        self.decimals = decimals
        self.lower_is_better = lower_is_better
        self.value = label("", "big")
        self.trend = label("", "muted")
        self.chart = LineChart(unit.strip(), decimals)
        self.chart.floor = floor
        self.body.addLayout(hbox(self.value, self.trend, None, spacing=10))
        self.body.addWidget(self.chart, 1)
        self.setMinimumHeight(250)

    def set_data(self, dates, series: Sequence[Series], band=None, note: str = "") -> None:
        """Show the series; the headline is the first series' latest value, compared with the drills before it."""
        self.chart.set_data(dates, series, band)
        values = [v for v in series[0].values if v is not None] if series else []
        self.value.setText(f"{values[-1]:.{self.decimals}f}{self.unit}" if values else "–")
        text, better = (note, False) if note else self._trend(values, band)
        self.trend.setText(text)
        set_kind(self.trend, "good" if better else "muted")

    def _trend(self, values: list[float], band) -> tuple[str, bool]:
        """('down 1.2 on your previous 3 drills', closer to the target?) for the latest value."""
        if len(values) < 2:
            return "your first drill", False
        k = min(3, len(values) - 1)
        latest, before = values[-1], mean(values[-1 - k:-1])
        change = latest - before
        if abs(change) < 10 ** -self.decimals:
            return f"level with your previous {k} drill{'s' if k > 1 else ''}", False
        if band is not None:
            better = _off_band(latest, band) < _off_band(before, band)
        else:
            better = (change < 0) == self.lower_is_better
        word = "down" if change < 0 else "up"
        return f"{word} {abs(change):.{self.decimals}f} on your previous {k} drill{'s' if k > 1 else ''}", better


def _off_band(value: float, band: tuple[float, float]) -> float:
    """How far a value lies outside a band (0 inside it)."""
    low, high = band
    return max(low - value, 0.0, value - high)


class ProgressView(View):
    """Charts over the rep's finished drills, filtered by pack and level."""

    key = "progress"
    title_text = "Progress"
    subtitle_text = "How your answers change over time. The green band is where you are aiming."
    icon_name = "progress"
    report_finished = Signal(object)  # SavedReport, or the error that stopped it
    REPORT_BUTTON = "Report for your coach…"

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.pack_filter = QComboBox()
        self.pack_filter.addItem("All packs", None)
        self.level_filter = QComboBox()
        self.level_filter.addItem("All levels", None)
        for level, rules in default_ladder().levels.items():
            self.level_filter.addItem(f"Level {level} · {rules.name}", level)
        self.pack_filter.activated.connect(self.refresh)
        self.level_filter.activated.connect(self.refresh)
        self.actions.addWidget(self.pack_filter)
        self.actions.addWidget(self.level_filter)
        self.report_button = button(self.REPORT_BUTTON, "primary", self.open_report_dialog,
                                    tooltip="Save your progress as a file for your coach (JSON), to read (HTML, PDF) "
                                            "or for a spreadsheet (CSV)")
        self.report_button.setMinimumWidth(self.report_button.sizeHint().width())  # the same while it is busy
        self.actions.addWidget(self.report_button)
        self.report_banner = ReportBanner()
        self.report_banner.choose_again.connect(self.open_report_dialog)
        self.last_report_kind = "json"  # the last report's format and folder are offered again
        self.last_report_folder = None
        self.cards = {
            "score": ChartCard("Drill score", ""),
            "talk_share": ChartCard("Talk share", "%"),
            "wpm": ChartCard("Pace", " wpm", floor=None),
            "latency": ChartCard("Response time", " s", 1, lower_is_better=True),
            "fillers": ChartCard("Fillers", "/min", 1, lower_is_better=True),
            "suds": ChartCard("Anxiety (SUDS)", "", lower_is_better=True),
        }
        grid = QGridLayout()
        grid.setSpacing(16)
        for i, card in enumerate(self.cards.values()):
            grid.addWidget(card, i // 2, i % 2)
        self.suds_note = label("", "muted", wrap=True)
        self.empty = EmptyState("progress", "Nothing to chart yet",
                                "Finish a few drills and your score, pace, talk share and anxiety show up here, "
                                "each against its target.", "Start a drill")
        self.empty.action_clicked.connect(lambda: self.navigate.emit("drill", None))
        self.count = label("", "muted")
        self.hesitation = HesitationPanel()
        self.hesitation.selfcheck_requested.connect(self.open_selfcheck)
        self.body.addWidget(self.report_banner)
        self.body.addWidget(self.hesitation)
        self.body.addWidget(self.count)
        self.body.addWidget(self.empty)
        self.body.addLayout(grid)
        self.body.addWidget(self.suds_note)
        self.body.addStretch(1)
        self.series: ProgressSeries | None = None

    def load(self):
        pack_id, level = self.pack_filter.currentData(), self.level_filter.currentData()
        packs = self.ctx.packs()
        profile = collect_profile(self.ctx.store, packs.values())
        return packs, progress_series(self.ctx.store, packs.get(pack_id) if pack_id else None, pack_id, level), profile

    def show_data(self, data) -> None:
        packs, series, profile = data
        self._fill_packs(packs)
        self.hesitation.set_profile(profile)
        self.series = series
        has_data = len(series) > 0
        self.empty.setVisible(not has_data)
        for card in self.cards.values():
            card.setVisible(has_data)
        self.count.setText(f"{len(series)} finished drill{'s' if len(series) != 1 else ''}" if has_data else "")
        if not has_data:
            self.suds_note.setText("")
            return
        t, d = series.targets, series.dates
        self.cards["score"].set_data(d, [Series("Score", series.score)], PASS_BAND)
        self.cards["talk_share"].set_data(d, [Series("Talk share", series.talk_share)], t.talk_share_band)
        self.cards["wpm"].set_data(d, [Series("Pace", series.wpm)], t.pace_band)
        recent = series.hesitations[-10:]
        self.cards["latency"].set_data(
            d, [Series("Response time", series.latency)], (0.0, t.hesitation_s),
            note=f"{sum(recent)} hesitation{'s' if sum(recent) != 1 else ''} in the last {len(recent)} drills")
        self.cards["fillers"].set_data(d, [Series("Fillers", series.fillers_per_min)], (0.0, t.fillers_per_min_max))
        self.cards["suds"].set_data(d, [Series("Before", series.suds_before),
                                        Series("After", series.suds_after, "good")])
        self.suds_note.setText("  ·  ".join(s[0].upper() + s[1:] for s in series.suds_sentences))

    def open_selfcheck(self) -> SelfCheckDialog:
        """Open the self-check (not blocking); the profile is shown again once it is saved."""
        dialog = SelfCheckDialog(self.ctx, self)
        dialog.saved.connect(lambda _: self.refresh())
        dialog.open()
        return dialog

    # -- the report for the coach ---------------------------------------------------------

    def open_report_dialog(self) -> ReportDialog:
        """Open the report dialog (not blocking), offering the pack on screen and the last format and folder."""
        dialog = ReportDialog(self.ctx, self, pack_id=self.pack_filter.currentData(), kind=self.last_report_kind,
                              folder=self.last_report_folder)
        dialog.requested.connect(self.make_report)
        dialog.open()
        return dialog

    def make_report(self, request: ReportRequest) -> None:
        """Collect and write the report in the background; the button says so until it is done."""
        self.last_report_kind, self.last_report_folder = request.kind, request.path.parent
        self.report_banner.hide()
        self.report_button.setEnabled(False)
        self.report_button.setText("Making the report…")
        ctx = self.ctx
        tasks.run_in_background(lambda: make_report(ctx, request), self._report_saved, self._report_failed,
                                owner=self)

    def _report_done(self) -> None:
        self.report_button.setEnabled(True)
        self.report_button.setText(self.REPORT_BUTTON)

    def _report_saved(self, saved: SavedReport) -> None:
        self._report_done()
        self.report_banner.show_saved(saved)
        self.report_finished.emit(saved)

    def _report_failed(self, error: BaseException) -> None:
        self._report_done()
        if isinstance(error, TrainerError):
            self.report_banner.show_failed(str(error))
        else:
            tasks.report_error(error)
        self.report_finished.emit(error)

    def _fill_packs(self, packs) -> None:
        current = self.pack_filter.currentData()
        self.pack_filter.blockSignals(True)
        self.pack_filter.clear()
        self.pack_filter.addItem("All packs", None)
        for pack in packs.values():
            self.pack_filter.addItem(pack.title, pack.id)
        self.pack_filter.setCurrentIndex(max(0, self.pack_filter.findData(current)))
        self.pack_filter.blockSignals(False)

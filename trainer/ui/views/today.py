"""Today: the coach's assignments with their progress (overdue first), the short practice block for today
(due objections first, then a few new ones, the focus area's first), the streak, where the rep stands on each
pack's ladder, and how their anxiety is moving. One click starts a drill. A new rep is welcomed and offered the
self-check, which points the first plan at where they say they hesitate.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel

from trainer.core.ladder import PROMOTE, TOP
from trainer.core.levels import ladder_for
from trainer.core.schedule import PracticeItem
from trainer.ui.style import COLORS, set_kind
from trainer.ui.today_data import RepAssignments, TodayData, today_data
from trainer.ui.views.base import View
from trainer.ui.views.selfcheck_dialog import SelfCheckDialog
from trainer.ui.widgets.assignment_row import AssignmentRow
from trainer.ui.widgets.common import Card, button, clear_layout, divider, hbox, label, pill, vbox
from trainer.ui.widgets.icons import pixmap


def greeting(now: datetime) -> str:
    """'Good morning' / 'Good afternoon' / 'Good evening'."""
    return "Good morning" if now.hour < 12 else "Good afternoon" if now.hour < 18 else "Good evening"


class Stat(QFrame):
    """A number with what it counts, e.g. '3 · days in a row'."""

    def __init__(self, icon_name: str, tone: str) -> None:
        super().__init__()
        set_kind(self, "card")
        picture = QLabel()
        picture.setPixmap(pixmap(icon_name, COLORS[tone], 26))
        self.value = label("", "big")
        self.caption = label("", "muted")
        layout = hbox(picture, vbox(self.value, self.caption, spacing=0), None, spacing=14)
        layout.setContentsMargins(18, 14, 18, 14)
        self.setLayout(layout)

    def show_value(self, value: str, caption: str) -> None:
        """Set the number and its caption."""
        self.value.setText(value)
        self.caption.setText(caption)


class TodayView(View):
    """Today's practice and the rep's standing."""

    key = "today"
    title_text = "Today"
    subtitle_text = ""
    icon_name = "today"

    def __init__(self, ctx) -> None:
        super().__init__(ctx)
        self.start_button = button("Start today's practice", "big", self.start_first)
        self.actions.addWidget(self.start_button)
        self.stats = {"streak": Stat("flame", "warn"), "block": Stat("drill", "accent"),
                      "due": Stat("review", "accent"), "done": Stat("check", "good")}
        stats = QGridLayout()
        stats.setSpacing(16)
        for i, stat in enumerate(self.stats.values()):
            stats.addWidget(stat, 0, i)
        self.welcome = Card()
        self.welcome.body.addWidget(label("Welcome to RepDrill", "quote"))
        self.welcome.body.addWidget(label(
            "A prospect speaks an objection; you answer out loud; RepDrill scores how you said it and what you "
            "said, and keeps the recording. Start at level 1, where the model answer is on screen and the prospect "
            "is warm, and climb when you are ready. Ten minutes a day is enough.", "muted", wrap=True))
        self.selfcheck_note = label("Where do you hesitate? A two-minute self-check points today's practice there.",
                                    "muted")
        self.selfcheck_button = button("Take the self-check…", "primary", self.open_selfcheck)
        self.welcome.body.addLayout(hbox(self.selfcheck_note, self.selfcheck_button, None, spacing=12))
        self.welcome.hide()
        self.assignments = Card("Assignments")
        self.assignment_rows = vbox(spacing=0)
        self.assignments.body.addLayout(self.assignment_rows)
        self.broken_note = hbox(spacing=4)
        self.assignments.body.addLayout(self.broken_note)
        self.assignments.hide()
        self.assignment_views: list[AssignmentRow] = []
        self.block = Card("Today's practice")
        self.items = vbox(spacing=0)
        self.block.body.addLayout(self.items)
        self.standing = Card("Where you stand")
        self.standing_rows = vbox(spacing=12)
        self.standing.body.addLayout(self.standing_rows)
        self.standing.body.addStretch(1)
        self.feeling = Card("How it feels")
        self.feeling_text = label("", "muted", wrap=True)
        self.feeling.body.addWidget(self.feeling_text)
        self.feeling.body.addStretch(1)
        self.body.addLayout(stats)
        self.body.addWidget(self.welcome)
        self.body.addWidget(self.assignments)
        self.body.addWidget(self.block)
        self.body.addLayout(hbox((self.standing, 3), (self.feeling, 2), spacing=16))
        self.body.addStretch(1)
        self.data: TodayData | None = None

    def load(self) -> TodayData:
        return today_data(self.ctx.store, self.ctx.packs())

    def show_data(self, data: TodayData) -> None:
        self.data = data
        now = datetime.now()
        streak = f" · {data.streak}-day streak" if data.streak > 1 else ""
        self.subtitle.setText(f"{greeting(now)}. {now.strftime('%A %d %B')}{streak}")
        plan = data.plan
        due = sum(item.why.startswith("due") for item in plan.items) + plan.due_left
        self.stats["streak"].show_value(str(data.streak), "day in a row" if data.streak == 1 else "days in a row")
        self.stats["block"].show_value(f"{plan.minutes:g} min", f"{len(plan.items)} objections today")
        self.stats["due"].show_value(str(due), "due for another go")
        self.stats["done"].show_value(str(data.finished), f"drills done · {data.drilled_today} today")
        self.welcome.setVisible(data.finished == 0)
        self.selfcheck_note.setVisible(not data.selfcheck_taken)
        self.selfcheck_button.setVisible(not data.selfcheck_taken)
        self._show_assignments(data.assignments)
        self._show_items(plan.items)
        self.start_button.setEnabled(bool(plan.items))
        self._show_standing(data)
        self.feeling_text.setText("\n".join(s[0].upper() + s[1:] + "." for s in data.suds) or
                                  "Rate how anxious you feel before and after a drill (0-100). As a level gets "
                                  "familiar the number falls; seeing that is part of the reward.")

    def _show_assignments(self, assignments: RepAssignments) -> None:
        clear_layout(self.assignment_rows)
        clear_layout(self.broken_note)
        self.assignment_views = []
        for index, progress in enumerate(assignments.progress):
            pack = self.data.packs.get(progress.pack)
            row = AssignmentRow(progress, pack.title if pack else progress.pack, assignments.today)
            row.practise_clicked.connect(self.practise)
            if index:
                self.assignment_rows.addWidget(divider())
            self.assignment_rows.addWidget(row)
            self.assignment_views.append(row)
        if broken := len(assignments.broken):
            self.broken_note.addWidget(label(f"{broken} assignment file{'s' if broken != 1 else ''} cannot be read.",
                                             "error"))
            self.broken_note.addWidget(button("See Packs →", "link", lambda: self.navigate.emit("packs", None)))
            self.broken_note.addStretch(1)
        self.assignments.setVisible(bool(assignments.progress or assignments.broken))

    def _show_items(self, items: tuple[PracticeItem, ...]) -> None:
        clear_layout(self.items)
        if not items:
            self.items.addWidget(label("Nothing is due and nothing new is open at your levels: well done. "
                                       "Drill anything you like from the Drill page.", "muted", wrap=True))
            return
        for number, item in enumerate(items, 1):
            pack = self.data.packs.get(item.pack_id)
            objection = next((o for o in pack.objections if o.id == item.objection_id), None) if pack else None
            line = f"“{objection.lines[0]}”" if objection else item.objection_id
            rules = ladder_for(pack).levels.get(item.level) if pack else None
            start = button("Start", None, lambda _=False, it=item: self.start(it))
            level = pill(f"Level {item.level}" + (f" · {rules.name}" if rules else ""))
            why = pill(item.why, "warn" if item.why.startswith("due") else "muted")
            for tag, width in ((level, 150), (why, 150)):
                tag.setMinimumWidth(width)
                tag.setAlignment(Qt.AlignmentFlag.AlignCenter)
            row = hbox(label(f"{number}", "faint"),
                       (vbox(label(line), label(f"{pack.title if pack else item.pack_id} · {item.category}", "muted"),
                             spacing=2), 1),
                       level, why, label(f"~{item.minutes:g} min", "faint"), start, spacing=12)
            row.setContentsMargins(0, 10, 0, 10)
            self.items.addLayout(row)

    def _show_standing(self, data: TodayData) -> None:
        clear_layout(self.standing_rows)
        self.standing.setVisible(bool(data.standings))
        for pack, decision in data.standings:
            rules = ladder_for(pack).levels[decision.level]
            tone = "good" if decision.action in (PROMOTE, TOP) else ""
            reason = decision.reason[0].upper() + decision.reason[1:]
            self.standing_rows.addLayout(hbox(
                (vbox(hbox(label(pack.title), pill(f"Level {decision.level} · {rules.name}", tone), None),
                      label(reason, "muted", wrap=True), spacing=3), 1), spacing=12))

    def open_selfcheck(self) -> SelfCheckDialog:
        """Offer the self-check (first start); once saved, today's block is planned again with its focus."""
        dialog = SelfCheckDialog(self.ctx, self)
        dialog.saved.connect(lambda _: self.refresh())
        dialog.open()
        return dialog

    def start(self, item: PracticeItem) -> None:
        """Open the drill for one item of today's block."""
        self.navigate.emit("drill", {"pack_id": item.pack_id, "objection_id": item.objection_id, "level": item.level})

    def practise(self, pack_id: str, level: int) -> None:
        """Open the drill setup for an assigned pack at this level."""
        self.navigate.emit("drill", {"pack_id": pack_id, "level": level})

    def start_first(self) -> None:
        """Start with the first item of today's block."""
        if self.data and self.data.plan.items:
            self.start(self.data.plan.items[0])

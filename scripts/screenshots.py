"""Screenshots of the app for the README: Today (with a coach's assignments), Drill (mid-answer and the score card),
Review (and a turn the prospect cut in on), Bank, Progress (and the report for the coach, the self-check and the "Where you hesitate" panel), Team
(and the coach's Assign a pack dialog).

Run by `make screenshots` under Xvfb. Everything shown is real: a fresh data folder is
filled with drills run from TTS-spoken answers through the bundled Whisper engine
(tests/ui/demo_drills.py), then the window drives one more drill live from an answer
file. The Team view merges that rep's own JSON report with two made like the tests'
(tests/report_samples.py) and one file cut short in the mail. Nothing from the user's
own data folder is read or shown.

Run: `xvfb-run -a python scripts/screenshots.py [OUT_DIR]` (default docs/screenshots).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "tests" / "ui")]
WORK = Path(tempfile.mkdtemp(prefix="repdrill-screenshots-"))
for name in ("DATA", "CACHE", "CONFIG", "MODELS"):
    os.environ[f"TRAINER_{name}"] = str(WORK / name.lower())

import dataclasses  # noqa: E402
from datetime import date, datetime, timedelta, timezone  # noqa: E402

from demo_drills import populate, run_drill, write_answers  # noqa: E402
from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from report_samples import sample_drills, sample_report  # noqa: E402
from tts_speech import compose  # noqa: E402

from trainer.core.assignments import (  # noqa: E402
    PackAssignment,
    assignment_file_name,
    assignments_dir,
    installed_assignments,
    write_assignment,
)
from trainer.core.pack_model import Assignment, Pack  # noqa: E402
from trainer.core.packs import discover_packs  # noqa: E402
from trainer.core.report_model import dump_report  # noqa: E402
from trainer.speech.whisper_engine import WhisperEngine  # noqa: E402
from trainer.store.db import Store  # noqa: E402
from trainer.store.report_data import collect_report  # noqa: E402
from trainer.ui.app import create_app, dispose  # noqa: E402
from trainer.ui.app_settings import ANSWER_FILES, AppSettings  # noqa: E402
from trainer.ui.context import AppContext  # noqa: E402
from trainer.ui.main_window import MainWindow  # noqa: E402

SIZE = (1280, 820)
TALL = 1600  # Progress: where you hesitate and all six charts
WIDE = 1440  # Team: all ten columns
PACK, OBJECTION = "price-and-budget", "more-than-expected"  # the live drill: level 1, model answer shown


def wait(predicate, timeout_s: float = 60.0, what: str = "") -> None:
    """Run the event loop until `predicate()` holds; exit with a message on timeout."""
    deadline = time.monotonic() + timeout_s
    loop = QEventLoop()
    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(lambda: (predicate() or time.monotonic() > deadline) and loop.quit())
    timer.start()
    loop.exec()
    timer.stop()
    if not predicate():
        sys.exit(f"screenshots: timed out waiting for {what}")


def settle(seconds: float = 0.4) -> None:
    """Let layouts and repaints finish."""
    end = time.monotonic() + seconds
    wait(lambda: time.monotonic() >= end, seconds + 1)


def show(window: MainWindow, key: str, options: dict | None = None) -> None:
    """Go to a view and wait until its data is on screen."""
    view = window.views[key]
    done = []
    view.loaded.connect(lambda: done.append(True))
    window.go(key, options)
    wait(lambda: bool(done), what=f"the {key} view")
    settle()


def cut_in(window: MainWindow, out: Path) -> None:
    """Review of a level-4 drill where the hostile prospect (Tony) cut in on a rambling answer (issue 19)."""
    folder = WORK / "cut-in"
    folder.mkdir()
    rambling = " and ".join(["we help distributors like yours plan every delivery and cut the overtime"] * 4)
    answer = compose([0.5, rambling, 1.0], folder / "01.wav")  # one breath: no sentence end to stop at
    with Store() as store:
        result = run_drill(store, WhisperEngine(partial_every_s=None), "cold-call-brush-offs",
                           "take-me-off-your-list", 4, [answer.path], folder)
    show(window, "review", {"drill_id": result.drill_id})
    review = window.views["review"]
    wait(lambda: bool(review.turn_views) and bool(review.turn_views[0].turn.acts), what="the cut-in in Review")
    settle()
    window.grab().save(str(out / "review-cut-in.png"))
    print(f"  {out / 'review-cut-in'}.png", flush=True)


def assign() -> None:
    """Two assignments from the coach, as if imported: one due in four days, one two days overdue."""
    today = date.today()
    for item in (
        PackAssignment("price-and-budget", Assignment("Kim Ortiz", "Jordan Blake", today + timedelta(days=4), 1, 5),
                       today - timedelta(days=7)),
        PackAssignment("cold-call-brush-offs", Assignment("Kim Ortiz", "Jordan Blake", today - timedelta(days=2), 2, 3),
                       today - timedelta(days=10)),
    ):
        write_assignment(item, assignments_dir() / assignment_file_name(item))


def report_dialog(window: MainWindow, out: Path) -> None:
    """The rep's report dialog (saved as report-dialog.png), then Progress with the 'saved' banner."""
    view = window.views["progress"]
    dialog = view.open_report_dialog()
    ready, finished = [], []
    dialog.ready.connect(lambda: ready.append(True))
    wait(lambda: bool(ready), what="the report dialog")
    settle()
    dialog.grab().save(str(out / "report-dialog.png"))
    print(f"  {out / 'report-dialog'}.png", flush=True)
    view.report_finished.connect(finished.append)
    dialog.save_to(WORK / "repdrill-report.json")
    wait(lambda: bool(finished), 60, "the report")
    view.verticalScrollBar().setValue(0)
    settle()


# A rep's self-check answers (0 never .. 4 almost always), in the order of trainer/data/reluctance.yaml.
SELFCHECK = (3, 2, 3, 3, 2, 3, 1, 2, 3, 4, 2, 2, 0, 1, 2, 1)


def hesitation(window: MainWindow, out: Path) -> None:
    """The self-check from Progress, filled in (selfcheck.png), then the 'Where you hesitate' panel with what the
    rep said beside what the drills show (hesitation.png)."""
    view = window.views["progress"]
    dialog = view.open_selfcheck()
    dialog.set_answers(SELFCHECK)
    settle()
    dialog.grab().save(str(out / "selfcheck.png"))
    print(f"  {out / 'selfcheck'}.png", flush=True)
    done = []
    view.loaded.connect(lambda: done.append(True))
    dialog.save()
    wait(lambda: bool(done), what="the profile with the self-check")
    settle()
    view.hesitation.grab().save(str(out / "hesitation.png"))
    print(f"  {out / 'hesitation'}.png", flush=True)


def assign_dialog(window: MainWindow, out: Path) -> None:
    """The coach's Assign a pack dialog from Team, filled in for a rep (saved as assign-dialog.png)."""
    dialog = window.views["team"].open_assign_dialog()
    ready = []
    dialog.ready.connect(lambda: ready.append(True))
    wait(lambda: bool(ready), what="the assign dialog")
    dialog.pack.setCurrentIndex(dialog.pack.findData(PACK))
    dialog.rep.setText("Ana Ruiz")
    dialog.level.setValue(3)
    dialog.drills.setValue(5)
    dialog.due.setDate(dialog.due.date().addDays(3))  # ten days from today
    dialog.coach.setText("Kim Ortiz")
    settle()
    dialog.grab().save(str(out / "assign-dialog.png"))
    print(f"  {out / 'assign-dialog'}.png", flush=True)
    dialog.close()


def voices(window: MainWindow, out: Path) -> None:
    """Settings' prospect voices for a pack with men (the natural voice) and women (espeak-ng): settings-voices.png."""
    show(window, "settings")
    card = window.views["settings"].voices
    wait(lambda: card.pack_combo.findData("price-and-budget") >= 0, what="the packs in Settings")
    card.pack_combo.setCurrentIndex(card.pack_combo.findData("price-and-budget"))
    settle()
    card.grab().save(str(out / "settings-voices.png"))
    print(f"  {out / 'settings-voices'}.png", flush=True)


def team_reports(folder: Path) -> list[str]:
    """Four files a coach got back: this data folder's own report, two more reps (Ana has an overdue assignment,
    Dev's scores are slipping) and one cut short in the mail."""
    folder.mkdir(parents=True, exist_ok=True)
    packs = [p for _, p in discover_packs() if isinstance(p, Pack)]
    with Store() as store:
        own = collect_report(store, packs, installed_assignments(packs), rep="Jordan Blake")
    start = datetime.now(timezone.utc) - timedelta(days=11)
    ana = sample_report("Ana Ruiz", drills=sample_drills(start), until=date.today())
    slipping = [dataclasses.replace(d, score=s, hesitations=h) for d, s, h in
                zip(sample_drills(start, 1.5), (81, 78, 74, 70, 66, 61), (0, 0, 1, 1, 1, 2))]
    dev = sample_report("Dev Patel", drills=slipping, until=date.today())
    dev = dataclasses.replace(dev, assignments=dev.assignments[:1])  # the one he finished
    files = {"jordan.json": dump_report(own), "ana.json": dump_report(ana), "dev.json": dump_report(dev),
             "chris.json": dump_report(sample_report("Chris Moss"))[:1800]}
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return [str(folder / name) for name in files]


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    print(f"making a history of drills in {WORK} ...", flush=True)
    populate(Path(os.environ["TRAINER_DATA"]), WhisperEngine(partial_every_s=None), WORK / "work")
    answers = WORK / "answers"
    write_answers(answers, PACK, OBJECTION, ["good"])
    assign()

    app = create_app()
    reports = tuple(team_reports(WORK / "reports"))
    window = MainWindow(AppContext(AppSettings(answer_source=ANSWER_FILES, answer_folder=str(answers),
                                               team_reports=reports), save=False))
    window.resize(*SIZE)
    window.show()
    wait(lambda: window.health is not None, what="the device check")
    window.notice.hide()  # the build machine has no microphone; a rep's has

    def save(name: str) -> None:
        window.grab().save(str(out / f"{name}.png"))
        print(f"  {out / name}.png", flush=True)

    for key in ("today", "review", "bank", "progress"):
        window.resize(SIZE[0], TALL if key == "progress" else SIZE[1])
        show(window, key)
        if key == "review":  # mid-playback: the word being heard is lit
            review = window.views["review"]
            wait(lambda: bool(review.turn_views), what="a drill in Review")
            turn = review.turn_views[0]
            turn.play_answer_button.click()
            wait(lambda: (turn.transcript.current or 0) >= 8, 30, "playback to reach the ninth word")
        save(key)
        if key == "review":
            review.player.stop()
            cut_in(window, out)
        if key == "progress":
            report_dialog(window, out)
            save("report-saved")
            hesitation(window, out)
    window.resize(WIDE, SIZE[1])  # Team: every column of the coach's table, focus included
    show(window, "team")
    window.views["team"].model.sort_by("score", descending=True)
    settle()
    save("team")
    window.resize(*SIZE)
    assign_dialog(window, out)
    voices(window, out)

    drill = window.views["drill"]
    show(window, "drill", {"pack_id": PACK, "objection_id": OBJECTION, "level": 1})
    progress = []
    drill.progress_recorded.connect(progress.append)
    drill.start()
    wait(lambda: drill.stage == "prep", what="the preparation")
    drill.space()
    wait(lambda: drill.stage == "speaking" and len(drill.stage_card.partial.text().split()) >= 6, 90,
         "the answer's partial transcript")
    settle(0.3)
    save("drill-turn")
    wait(lambda: bool(progress), 90, "the score card")
    window.resize(SIZE[0], TALL)  # the drill's score and the answer's score card
    drill.verticalScrollBar().setValue(0)
    settle()
    save("drill-score")
    app.closeAllWindows()  # the main window and any dialog a shot left open
    dispose(window)
    return 0


if __name__ == "__main__":
    sys.exit(main())

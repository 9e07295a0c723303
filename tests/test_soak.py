"""The shortened soak: a few minutes of one drill from files, as `make soak` runs an hour of it (bench/soak.py).

Memory sampled after every turn grows <= 10% after the first minute; no input frame
is dropped or lost (every recording is exactly as long as its turn); the threads and
open files after the drill are those before it; every turn is stored, scored.
"""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from soak import soak  # noqa: E402

from trainer.speech.whisper_engine import WhisperEngine  # noqa: E402
from trainer.store.check import check  # noqa: E402
from trainer.store.db import Store  # noqa: E402

pytestmark = pytest.mark.slow

MINUTES = 3.0


def test_a_few_minutes_of_drill_leak_nothing(tmp_path):
    engine = WhisperEngine(partial_every_s=None)
    with Store() as store:
        report = soak(MINUTES, engine, tmp_path, store, log=lambda line: None)
        assert report.problems() == []
        assert report.minutes >= MINUTES and report.turns >= 15
        assert len(report.samples) == report.turns  # a sample after every turn
        assert report.status == "abandoned"  # stopped once the time was reached, as the rep would stop it
        [soaked, _warm_up] = store.drills()  # newest first
        turns = store.drill(soaked.id).turns
        assert len(turns) == report.turns and {t.status for t in turns} == {"scored"}
        assert check(store).ok
    print(f"soak: {report.minutes:.1f} min of drill, {report.turns} turns in {report.wall_s:.0f} s; "
          f"RSS {report.rss_start:.0f} -> {report.rss_end:.0f} MB ({report.growth:+.1%}), peak {report.rss_peak:.0f} MB")

"""Backups: made on start at most hourly, complete and self-contained, the newest N kept."""

import sqlite3
from datetime import datetime, timedelta, timezone

import pytest
from store_helpers import record_turn

from trainer.core.errors import TrainerError
from trainer.store import backup
from trainer.store.db import Store

T0 = datetime(2026, 5, 4, 8, 30, tzinfo=timezone.utc)


class Clock:
    """A settable clock for the store."""

    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


def test_start_backs_up_when_due_then_not_again_within_the_hour(tmp_path):
    clock = Clock(T0)
    with Store(tmp_path, clock=clock) as store:
        first = store.startup().backup
        assert first.name == "repdrill-20260504T083000.000000Z.sqlite"
        clock.now = T0 + timedelta(minutes=59)
        assert store.startup().backup is None
        clock.now = T0 + timedelta(minutes=60)
        assert store.startup().backup is not None
        assert len(backup.list_backups(store.backups_dir)) == 2


def test_a_backup_is_a_complete_self_contained_copy(tmp_path):
    with Store(tmp_path) as store:
        drill_id = store.start_drill("sales-basics", 2)
        record_turn(store, drill_id)  # still in the WAL, not yet in the main file
        path = store.backup()
    assert list(path.parent.iterdir()) == [path]  # no -wal/-shm/.partial left beside it
    copy = sqlite3.connect(path)
    assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert copy.execute("SELECT pack_id, level FROM drills").fetchall() == [("sales-basics", 2)]
    assert copy.execute("SELECT count(*) FROM turns WHERE status = 'scored'").fetchone()[0] == 1
    copy.close()


def test_only_the_newest_backups_are_kept(tmp_path):
    clock = Clock(T0)
    with Store(tmp_path, clock=clock) as store:
        made = []
        for hour in range(13):
            clock.now = T0 + timedelta(hours=hour)
            made.append(store.startup(keep_backups=10).backup)
        assert backup.list_backups(store.backups_dir) == made[-10:]
        assert store.backup(keep=3) in backup.list_backups(store.backups_dir)
        assert len(backup.list_backups(store.backups_dir)) == 3


def test_backup_times_come_from_the_names_and_other_files_are_ignored(tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    (folder / "repdrill-garbage.sqlite").write_text("x")
    assert backup.list_backups(folder) == []
    assert backup.backup_due(folder, T0)
    assert backup.backup_time(folder / "repdrill-20260504T083000.000000Z.sqlite") == T0
    assert backup.prune_backups(folder, keep=1) == []
    assert (folder / "notes.txt").exists()


def test_an_unwritable_backups_folder_is_a_clear_error(tmp_path):
    with Store(tmp_path) as store:
        store.backups_dir.write_text("a file where the folder should be")
        with pytest.raises(TrainerError, match=f"{store.backups_dir}: cannot write there \\(backing up the database"):
            store.backup()

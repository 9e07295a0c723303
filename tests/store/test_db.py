"""The SQLite store: schema and pragmas, migrations, a drill's turns, deletion, disk failures."""

import sqlite3
from datetime import datetime, timedelta, timezone

import pytest
import soundfile
from store_helpers import record_turn, tone

from trainer.core.errors import TrainerError
from trainer.core.scoring import Reason
from trainer.core.transcript import Word
from trainer.store import migrations
from trainer.store.db import DATABASE_NAME, Store
from trainer.store.recordings import RecordingWriter
from trainer.store.records import TurnTimings


def test_a_new_database_is_wal_with_foreign_keys_and_the_current_schema(store):
    assert store.path == store.data_dir / DATABASE_NAME
    assert store.query("PRAGMA journal_mode")[0][0] == "wal"
    assert store.query("PRAGMA foreign_keys")[0][0] == 1
    assert store.query("PRAGMA synchronous")[0][0] == 2  # FULL
    assert store.query("PRAGMA busy_timeout")[0][0] == 5000
    assert migrations.schema_version(store._conn) == migrations.SCHEMA_VERSION == len(migrations.MIGRATIONS)
    tables = {row[0] for row in store.query("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"drills", "turns", "words", "reasons", "bank_entries", "schedule", "reviews", "levels"} <= tables


def test_reopening_does_not_migrate_again(store):
    drill_id = store.start_drill("sales-basics", 1)
    store.close()
    with Store() as again:
        assert [d.id for d in again.drills()] == [drill_id]


def test_a_database_from_a_newer_version_is_refused_with_the_fix(store):
    store._conn.execute(f"PRAGMA user_version = {migrations.SCHEMA_VERSION + 1}")
    store.close()
    known = migrations.SCHEMA_VERSION
    with pytest.raises(TrainerError, match=rf"newer RepDrill \(schema {known + 1}, this version knows up to {known}\); "
                                           "update RepDrill"):
        Store()


def test_a_pending_migration_is_applied_after_a_backup(store, monkeypatch):
    drill_id = store.start_drill("sales-basics", 2)
    store.close()
    shipped = len(migrations.MIGRATIONS)
    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, "ALTER TABLE drills ADD COLUMN note TEXT;"])
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", len(migrations.MIGRATIONS))
    with Store() as upgraded:
        assert migrations.schema_version(upgraded._conn) == shipped + 1
        assert upgraded.query("SELECT note FROM drills WHERE id = ?", (drill_id,))[0][0] is None
        backups = sorted(upgraded.backups_dir.iterdir())
        assert len(backups) == 1
        old = sqlite3.connect(backups[0])
        assert old.execute("PRAGMA user_version").fetchone()[0] == shipped  # the copy predates the upgrade
        old.close()


def test_a_failing_migration_leaves_the_previous_version_intact(store, monkeypatch):
    store.start_drill("sales-basics", 2)
    store.close()
    shipped = migrations.MIGRATIONS
    broken = "ALTER TABLE drills ADD COLUMN note TEXT; CREATE TABLE drills (id INTEGER);"
    monkeypatch.setattr(migrations, "MIGRATIONS", [*shipped, broken])
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", len(shipped) + 1)
    with pytest.raises(TrainerError):
        Store()
    monkeypatch.setattr(migrations, "MIGRATIONS", shipped)
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", len(shipped))
    with Store() as reopened:
        assert migrations.schema_version(reopened._conn) == len(shipped)
        columns = [row["name"] for row in reopened.query("PRAGMA table_info(drills)")]
        assert "note" not in columns  # the half-applied script was rolled back
        assert len(reopened.drills()) == 1


def test_a_drill_round_trips_with_turns_words_reasons_and_timings(store):
    clock = iter(datetime(2026, 3, 2, 9, 0, s, tzinfo=timezone.utc) for s in range(60))
    store.clock = lambda: next(clock)
    drill_id = store.start_drill("sales-basics", 3, pack_version="1.2", engine="vosk", mode="files", suds_before=60)
    handle = store.begin_turn(
        drill_id, objection_id="too-expensive", node_id="too-expensive", prospect_line="That's too expensive.",
        prospect_audio="tts/abc.wav", prospect_start=0.0, prospect_end=1.8,
    )
    assert (handle.drill_id, handle.number) == (drill_id, 1)
    assert handle.recording == store.data_dir / f"recordings/{drill_id}/turn-1-rep.wav"
    with RecordingWriter(handle.recording) as writer:
        writer.write(tone(1.5))
    store.commit_turn(
        handle.turn_id,
        transcript="I understand, what budget did you plan",
        words=[Word("I", 2.3, 2.4, 0.9), Word("understand", 2.4, 2.9)],
        score=82.5,
        reasons=[{"points_lost": 10, "text": "Name a next step.", "component": "rubric"}],
        components={"rubric": 30.0, "pace": 20.0},
        metrics={"wpm": 141.2, "latency": 0.5},
        covered={"ask", "acknowledge"},
        rep_start=2.3,
        rep_end=3.8,
        timings=TurnTimings(end_of_turn=4.5, transcript_final=4.55, score_ready=4.6),
    )
    store.record_next_audio_start(handle.turn_id, 4.61)
    store.finish_drill(drill_id, outcome="meeting_booked", score=82.5, metrics={"talk_share": 45.0}, suds_after=35)

    drill = store.drill(drill_id)
    assert (drill.pack_id, drill.pack_version, drill.level, drill.engine, drill.mode) == ("sales-basics", "1.2", 3, "vosk", "files")
    assert (drill.status, drill.outcome, drill.score, drill.metrics) == ("finished", "meeting_booked", 82.5, {"talk_share": 45.0})
    assert (drill.suds_before, drill.suds_after, drill.turn_count) == (60, 35, 1)
    assert drill.started_at == datetime(2026, 3, 2, 9, 0, 0, tzinfo=timezone.utc)
    assert drill.ended_at - drill.started_at == timedelta(seconds=2)  # start, turn, finish
    [turn] = drill.turns
    assert (turn.status, turn.score, turn.transcript) == ("scored", 82.5, "I understand, what budget did you plan")
    assert turn.covered == ("acknowledge", "ask")
    assert turn.words == (Word("I", 2.3, 2.4, 0.9), Word("understand", 2.4, 2.9, 1.0))
    assert [(r.component, r.points_lost, r.text) for r in turn.reasons] == [("rubric", 10.0, "Name a next step.")]
    assert turn.components == {"rubric": 30.0, "pace": 20.0} and turn.metrics == {"wpm": 141.2, "latency": 0.5}
    assert (turn.prospect_start, turn.prospect_end, turn.rep_start, turn.rep_end) == (0.0, 1.8, 2.3, 3.8)
    assert turn.timings == TurnTimings(4.5, 4.55, 4.6, 4.61)
    assert turn.prospect_audio == "tts/abc.wav"
    assert soundfile.info(str(turn.recording)).frames == 24_000
    assert drill.to_dict()["turns"][0]["words"][1] == {"text": "understand", "start": 2.4, "end": 2.9, "confidence": 1.0}


def test_reasons_from_the_scoring_module_round_trip(store):
    drill_id = store.start_drill("p", 1)
    handle = store.begin_turn(drill_id, objection_id="o", node_id="o", prospect_line="No.")
    store.commit_turn(handle.turn_id, transcript="", words=[], score=40, reasons=[Reason("pace", 12.5, "Slow down.")])
    assert store.drill(drill_id).turns[0].reasons == (Reason("pace", 12.5, "Slow down."),)


def test_drills_are_listed_newest_first_and_filter_by_pack_level_and_status(store):
    first = store.start_drill("sales-basics", 1)
    second = store.start_drill("sales-basics", 2)
    other = store.start_drill("renewals", 2)
    record_turn(store, second)
    record_turn(store, second)
    store.finish_drill(first, outcome="lost")
    assert [d.id for d in store.drills()] == [other, second, first]
    assert [d.id for d in store.drills(pack_id="sales-basics")] == [second, first]
    assert [d.id for d in store.drills(level=2, pack_id="sales-basics")] == [second]
    assert [d.id for d in store.drills(status="finished")] == [first]
    assert [d.id for d in store.drills(limit=1)] == [other]
    assert [d.turn_count for d in store.drills()] == [0, 2, 0]
    assert store.drills()[1].turns == ()


def test_turns_are_numbered_within_their_drill(store):
    a, b = store.start_drill("p", 1), store.start_drill("p", 1)
    assert [record_turn(store, a).number, record_turn(store, b).number, record_turn(store, a).number] == [1, 1, 2]


def test_a_turn_cannot_be_committed_twice_nor_begun_on_a_finished_drill(store):
    drill_id = store.start_drill("p", 1)
    handle = record_turn(store, drill_id)
    with pytest.raises(ValueError, match="already scored"):
        store.commit_turn(handle.turn_id, transcript="again", words=[], score=1)
    store.finish_drill(drill_id, outcome="lost")
    with pytest.raises(ValueError, match="finished"):
        store.begin_turn(drill_id, objection_id="o", node_id="o", prospect_line="x")


def test_finishing_mid_answer_keeps_the_answer_as_recovered(store):
    drill_id = store.start_drill("p", 1)
    handle = store.begin_turn(drill_id, objection_id="o", node_id="o", prospect_line="x")
    store.finish_drill(drill_id, outcome=None, status="abandoned")
    drill = store.drill(drill_id)
    assert (drill.status, drill.turns[0].status) == ("abandoned", "recovered")
    # a recovered answer can still be scored later
    store.commit_turn(handle.turn_id, transcript="late", words=[], score=50)
    assert store.drill(drill_id).turns[0].status == "scored"


def test_unknown_drills_name_the_command_that_lists_them(store):
    for call in (lambda: store.drill(42), lambda: store.delete_drill(42), lambda: store.finish_drill(42, outcome="x"),
                 lambda: store.begin_turn(42, objection_id="o", node_id="o", prospect_line="x")):
        with pytest.raises(TrainerError, match="no drill 42; `trainer history`"):
            call()


def test_suds_ratings_are_stored_and_checked(store):
    drill_id = store.start_drill("p", 3)
    store.rate_suds(drill_id, before=70)
    store.rate_suds(drill_id, after=40)
    assert (store.drill(drill_id).suds_before, store.drill(drill_id).suds_after) == (70, 40)
    with pytest.raises(TrainerError, match="0-100, not 120"):
        store.rate_suds(drill_id, after=120)


def test_deleting_a_drill_removes_its_rows_and_recordings(store):
    kept, deleted = store.start_drill("p", 1), store.start_drill("p", 1)
    kept_turn = record_turn(store, kept)
    handle = record_turn(store, deleted)
    store.delete_drill(deleted)
    assert not handle.recording.parent.exists()
    assert kept_turn.recording.is_file()
    assert [d.id for d in store.drills()] == [kept]
    assert store.query("SELECT count(*) FROM turns")[0][0] == 1
    assert store.query("PRAGMA foreign_key_check") == []


def test_deleted_drill_ids_are_never_reused(store):
    first = store.start_drill("p", 1)
    store.delete_drill(first)
    assert store.start_drill("p", 1) == first + 1


def test_a_full_database_disk_is_a_clear_error_and_the_turn_stays_unscored(store):
    drill_id = store.start_drill("p", 1)
    handle = store.begin_turn(drill_id, objection_id="o", node_id="o", prospect_line="x")
    pages = store.query("PRAGMA page_count")[0][0]
    store.query(f"PRAGMA max_page_count = {pages}")  # SQLite now answers SQLITE_FULL, as on a full disk
    words = [Word(f"word{i}" * 20, i, i + 0.5) for i in range(2000)]
    with pytest.raises(TrainerError, match=f"{store.data_dir}: the disk is full .*free some space"):
        store.commit_turn(handle.turn_id, transcript="long answer", words=words, score=80)
    assert store.query("PRAGMA integrity_check")[0][0] == "ok"
    assert store.query("SELECT status FROM turns WHERE id = ?", (handle.turn_id,))[0][0] == "recording"
    assert store.query("SELECT count(*) FROM words")[0][0] == 0


def test_a_drill_does_not_start_on_a_nearly_full_disk(tiny_disk):
    with Store(tiny_disk) as small:
        with pytest.raises(TrainerError, match=f"{tiny_disk}: the disk is full \\(0 MB free, a drill needs 32 MB\\)"):
            small.start_drill("p", 1)
        assert small.drills() == []


def test_filling_the_disk_mid_answer_is_a_clear_error_and_the_database_stays_sound(tiny_disk):
    with Store(tiny_disk, min_free_bytes=0) as small:
        drill_id = small.start_drill("p", 1)
        handle = small.begin_turn(drill_id, objection_id="o", node_id="o", prospect_line="x")
        writer = RecordingWriter(handle.recording)
        with pytest.raises(TrainerError, match=f"{handle.recording.parent}: the disk is full \\(recording turn-1-rep.wav\\)"):
            for _ in range(100):  # 100 x 1 s of audio = 3.2 MB > 1 MB disk
                writer.write(tone(1.0))
        with pytest.raises(TrainerError, match="the disk is full"):
            small.finish_drill(drill_id, outcome=None, status="abandoned")
        assert small.query("PRAGMA integrity_check")[0][0] == "ok"
        writer.close()
        handle.recording.unlink()  # the rep frees space
        small.finish_drill(drill_id, outcome=None, status="abandoned")
        assert small.query("PRAGMA integrity_check")[0][0] == "ok"
        assert small.drill(drill_id).turns[0].status == "recovered"


def test_an_unwritable_data_folder_names_the_folder_and_the_fix(read_only_disk):
    with pytest.raises(TrainerError, match=f"{read_only_disk / 'data'}: cannot write there .*--data-dir or \\$TRAINER_DATA"):
        Store(read_only_disk / "data")


def test_a_data_folder_path_through_a_file_is_refused(tmp_path):
    (tmp_path / "not-a-folder").write_text("x")
    with pytest.raises(TrainerError, match="not-a-folder/data: cannot write there"):
        Store(tmp_path / "not-a-folder" / "data")


def test_a_damaged_database_file_points_at_the_backups(tmp_path):
    (tmp_path / DATABASE_NAME).write_bytes(b"this is not a database" * 100)
    with pytest.raises(TrainerError, match="the database file is damaged .*restore the newest copy from .*backups"):
        Store(tmp_path)


def test_starting_up_beside_a_running_drill_leaves_that_drill_alone(store):
    drill_id = store.start_drill("p", 1)
    handle = store.begin_turn(drill_id, objection_id="o", node_id="o", prospect_line="x")
    with RecordingWriter(handle.recording) as writer:
        writer.write(tone(0.2))
        with Store() as second_process:  # its own lock handle, like another process
            startup = second_process.startup()
            assert (startup.recovered, startup.abandoned_drills) == ([], [])
    assert store.drill(drill_id).status == "in_progress"
    assert store.drill(drill_id).turns[0].status == "recording"
    store.commit_turn(handle.turn_id, transcript="done", words=[], score=60)  # the drill carries on

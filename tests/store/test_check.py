"""`check()`: integrity, broken references, missing and orphaned recordings, interrupted turns."""

import sqlite3

from store_helpers import record_turn, tone

from trainer.store.check import RecoveredTurn, check
from trainer.store.db import Store
from trainer.store.recordings import RecordingWriter


def test_a_healthy_store_passes(store):
    drill_id = store.start_drill("p", 1)
    record_turn(store, drill_id)
    store.finish_drill(drill_id, outcome="lost")
    report = check(store)
    assert report.ok
    assert report.lines() == [f"database: {store.path}", "ok"]
    assert report.to_dict()["ok"] is True


def test_missing_and_orphaned_recordings_are_problems(store):
    drill_id = store.start_drill("p", 1)
    gone = record_turn(store, drill_id)
    gone.recording.unlink()
    stray = store.data_dir / "recordings" / "99" / "turn-1-rep.wav"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"RIFF")
    report = check(store)
    assert not report.ok
    assert report.missing_recordings == [f"recordings/{drill_id}/turn-1-rep.wav"]
    assert report.orphan_recordings == ["recordings/99/turn-1-rep.wav"]
    text = "\n".join(report.lines())
    assert f"problem: recording missing: recordings/{drill_id}/turn-1-rep.wav" in text
    assert "problem: recording nothing refers to (orphan): recordings/99/turn-1-rep.wav" in text
    assert text.endswith("problems found")


def test_bank_recordings_are_referenced_not_orphans(store):
    bank_file = store.data_dir / "recordings" / "bank" / "1.wav"
    with RecordingWriter(bank_file) as writer:
        writer.write(tone(0.1))
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO bank_entries (text, recording, objection_id, created_at, updated_at)"
            " VALUES ('I hear you', 'recordings/bank/1.wav', 'too-expensive', 'now', 'now')"
        )
    assert check(store).ok


def test_a_turn_recording_in_this_process_is_a_notice_not_a_problem(store):
    drill_id = store.start_drill("p", 1)
    handle = store.begin_turn(drill_id, objection_id="o", node_id="o", prospect_line="x")
    with RecordingWriter(handle.recording) as writer:
        writer.write(tone(0.2))
        report = check(store)
    assert report.ok
    assert (report.turns_recording, report.interrupted_turns) == (1, [])
    assert "notice: 1 turn(s) are being recorded by a running drill" in report.lines()


def test_a_turn_left_by_a_dead_process_is_reported_as_interrupted_then_recovered(tmp_path):
    running = Store(tmp_path)
    drill_id = running.start_drill("p", 1)
    handle = running.begin_turn(drill_id, objection_id="o", node_id="o", prospect_line="x")
    with RecordingWriter(handle.recording) as writer:
        writer.write(tone(0.2))
    running.close()  # the drill's lock is released, as when its process dies

    with Store(tmp_path) as later:
        report = check(later)
        assert report.ok and report.interrupted_turns == [RecoveredTurn(drill_id, 1, f"recordings/{drill_id}/turn-1-rep.wav")]
        assert any("was interrupted; the next start of RepDrill keeps it" in line for line in report.lines())
        later.startup()
        report = check(later)
        assert report.ok and report.interrupted_turns == []
        assert report.recovered_turns == [RecoveredTurn(drill_id, 1, f"recordings/{drill_id}/turn-1-rep.wav")]
        assert f"notice: drill {drill_id} turn 1 was interrupted and kept unscored (recordings/{drill_id}/turn-1-rep.wav)" in report.lines()


def test_a_broken_reference_is_a_problem(store):
    raw = sqlite3.connect(store.path)  # foreign keys are off by default on a plain connection
    raw.execute(
        "INSERT INTO turns (drill_id, number, objection_id, node_id, prospect_line, status, created_at)"
        " VALUES (404, 1, 'o', 'o', 'x', 'scored', 'now')"
    )
    raw.commit()
    raw.close()
    report = check(store)
    assert not report.ok
    assert report.foreign_keys == ["turns row 1 -> drills"]


def test_a_damaged_page_structure_fails_the_integrity_check(tmp_path):
    with Store(tmp_path) as store:
        for _ in range(3):
            record_turn(store, store.start_drill("p", 1))
    raw = sqlite3.connect(tmp_path / "repdrill.sqlite")
    raw.execute("PRAGMA writable_schema = ON")
    raw.execute("DELETE FROM sqlite_master WHERE name = 'turns_by_status'")  # leaves its pages unaccounted for
    raw.commit()
    raw.close()
    with Store(tmp_path) as store:
        report = check(store)
    assert not report.ok
    assert report.integrity and "is never used" in report.integrity[0]
    assert any("fix: restore the newest good copy from" in line for line in report.lines())

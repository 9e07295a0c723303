"""The disk filling up in the middle of a drill, on a real (tmpfs) filesystem.

The data folder is a 40 MB tmpfs (a drill needs 32 MB free to start). The first
answer is stored; while the rep gives the second, another program fills the disk.
The recording's next write fails: one clear message, the audio written so far
stays on disk, and once space is freed the next start closes the drill and keeps
the turn as recoverable. The cache's disk (rendered prospect lines) filling before the
next line is rendered ends the drill with the answer already given stored as scored.
Needs root (mount); skipped with the reason otherwise.
"""

import errno
import os

import pytest
import soundfile
from fault_drills import ASKS, LONG_ANSWER, answers, assert_kept_and_consistent, integrity, run_drill
from tmpfs import mount_tmpfs

from trainer.drill.answer_source import AnswerFiles
from trainer.drill.events import RepTurnStarted, SpeechDidStart
from trainer.speech.audio import AudioClock
from trainer.speech.audio_out import FileOutput
from trainer.store.check import check
from trainer.store.db import Store

pytestmark = pytest.mark.slow


def fill(folder):
    """Write a file until the disk holding `folder` has no byte left; returns its path."""
    filler = folder / "filler.bin"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        for size in (1 << 20, 4096, 1):  # big blocks, then the last pages
            while True:
                try:
                    os.write(fd, b"\0" * size)
                except OSError as error:
                    assert error.errno == errno.ENOSPC
                    break
    finally:
        os.close(fd)
    return filler


def test_the_disk_filling_mid_answer_keeps_what_was_recorded(tmp_path, whisper, pack):
    disk = tmp_path / "disk"
    unmount = mount_tmpfs(disk, "size=40m")
    try:
        spoken = answers(tmp_path / "answers", ASKS, LONG_ANSWER)
        clock = AudioClock(virtual=True)
        filled = []

        def fill_during_the_second_answer(event):
            if isinstance(event, SpeechDidStart) and event.turn == 2:
                filled.append(fill(disk))

        with Store(disk) as store:
            store.startup()
            run = run_drill(store, whisper, AnswerFiles([s.path for s in spoken], clock),
                            FileOutput(tmp_path / "played", clock), clock, pack, on_event=fill_during_the_second_answer)
            drill_id = run.drill_id
        assert filled and os.statvfs(disk).f_bavail == 0
        message = str(run.error)
        assert message.startswith(f"{disk / 'recordings' / str(drill_id)}: the disk is full (recording turn-2-rep.wav); "
                                  "free some space on it")
        assert run.error_events == [message]
        # SQLite could not close the drill on a full disk: the message says when it will be
        assert f"drill {drill_id} will be closed as abandoned the next time RepDrill starts" in message
        assert f"recordings/{drill_id}/turn-2-rep.wav (`trainer db check` lists it)" in message
        assert integrity(disk) == "ok"  # even full, the database is sound

        filled[0].unlink()  # the rep frees space; RepDrill starts again
        with Store(disk) as store:
            startup = store.startup()
            assert [(t.drill_id, t.number) for t in startup.recovered] == [(drill_id, 2)]
            kept = assert_kept_and_consistent(store, run, [(1, "scored"), (2, "recovered")])
            recorded = soundfile.info(str(kept))
            turn_2 = store.drill(drill_id).turns[1]
            # the line (~3 s) and the answer's first words were written before the disk filled
            assert recorded.duration > 1.0
            assert f"({recorded.duration:.1f} s)" in message
            assert store.drill(drill_id).turns[0].score is not None and turn_2.score is None
    finally:
        unmount()


def test_the_cache_disk_filling_before_the_next_line_keeps_the_scored_turn(tmp_path, whisper, pack, monkeypatch):
    """The next lines are rendered while the rep answers; the cache's disk fills before that.

    espeak's driver used to swallow the write error and hang until the 10 s timeout,
    which then blamed espeak-ng; and the answer already scored was kept only as
    unscored audio.
    """
    cache = tmp_path / "cache"
    unmount = mount_tmpfs(cache, "size=4m")
    monkeypatch.setenv("TRAINER_CACHE", str(cache))
    try:
        spoken = answers(tmp_path / "answers", ASKS, LONG_ANSWER)
        clock = AudioClock(virtual=True)

        def fill_as_the_first_answer_starts(event):  # before the next lines are rendered in the background
            if isinstance(event, RepTurnStarted) and event.turn == 1:
                fill(cache)

        with Store() as store:
            store.startup()
            run = run_drill(store, whisper, AnswerFiles([s.path for s in spoken], clock),
                            FileOutput(tmp_path / "played", clock), clock, pack, on_event=fill_as_the_first_answer_starts)
            assert str(run.error) == (f"{cache / 'tts'}: the disk is full (saving the prospect's line); free some space "
                                      f"on it, or move the cache with $TRAINER_CACHE; drill {run.drill_id} is stored "
                                      "as abandoned")
            assert run.error_events == [str(run.error)]
            drill = store.drill(run.drill_id)
            assert drill.status == "abandoned" and [(t.number, t.status) for t in drill.turns] == [(1, "scored")]
            assert drill.turns[0].score is not None and "can i ask" in drill.turns[0].transcript.lower()
            report = check(store)
            assert report.ok and report.recovered_turns == [], report.lines()
        assert integrity(store.data_dir) == "ok"
        assert not list((cache / "tts").glob("*.part.wav"))  # no half-written line left in the cache
    finally:
        unmount()

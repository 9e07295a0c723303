"""`trainer drill`: a headless drill from answer files, crash safety, and one-line errors for bad input."""

import errno
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
import soundfile
from tmpfs import mount_tmpfs
from tts_speech import compose

from trainer.cli import main
from trainer.drill.going_on import RESUME_WITHIN_S
from trainer.store.check import RecoveredTurn, check
from trainer.store.db import DATABASE_NAME, Store

pytestmark = pytest.mark.slow

PACK = ["--pack", "price-and-budget", "--objection", "more-than-expected", "--level", "4", "--engine", "whisper"]
ASKS = "I understand, it's a real number for three shops. Can I ask what you had in mind?"
SHORT_ASK = "Can I ask what you had in mind?"
GIVES_VALUE = "That makes sense. How many hours does it take you on a Sunday? Your time is worth something too."
NEXT_STEP = "So that's four hours every week. Why don't we start with one shop for the first month?"
DEFENDS = "Well, honestly, we are the best product on the market."
TRIAL = "Lucia agrees to a one-shop trial starting Monday."
THINK_ABOUT_IT = "Lucia says she'll think about it and stops answering emails."


def answers(folder, *texts, lead=0.6):
    folder.mkdir(parents=True, exist_ok=True)
    for n, text in enumerate(texts, 1):
        compose([lead, text, 0.5], folder / f"{n:02d}-answer.wav")
    return folder


def data_dir():
    return os.environ["TRAINER_DATA"]


def integrity(folder):
    connection = sqlite3.connect(os.path.join(folder, DATABASE_NAME))
    try:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        connection.close()


def test_fast_json_drill_runs_the_script_to_its_end_and_stores_it(tmp_path, capsys):
    folder = answers(tmp_path / "answers", ASKS, GIVES_VALUE, NEXT_STEP)
    assert main(["drill", *PACK, "--answers", str(folder), "--fast", "--seed", "3", "--json"]) == 0
    out, err = capsys.readouterr()
    result = json.loads(out)
    assert [t["node"] for t in result["turns"]] == ["more-than-expected", "compared-to", "four-hours"]
    assert [t["next"] for t in result["turns"]] == ["compared-to", "four-hours", None]
    assert (result["status"], result["outcome"], result["stop_reason"]) == ("finished", TRIAL, None)
    assert result["turns"][2]["outcome"] == TRIAL
    assert {"ask", "value"} <= set(result["turns"][1]["covered"])
    assert "written to" in result["prospect_audio"] and "--fast" in result["prospect_audio"]
    assert 0 < result["score"] <= 100 and result["reasons"]
    assert result["metrics"]["talk_share"] > 0
    for number, turn in enumerate(result["turns"], 1):
        assert turn["transcript"] and turn["words"] and isinstance(turn["score"], int)
        assert turn["metrics"]["latency_s"] == pytest.approx(0.6, abs=0.1)
        assert turn["rep"]["answer_file"] == str(folder / f"{number:02d}-answer.wav")
        assert soundfile.info(turn["rep"]["recording"]).duration > 2
    with Store() as store:
        stored = store.drill(result["drill_id"])
        assert (stored.status, stored.outcome, stored.score, stored.mode) == ("finished", TRIAL, result["score"], "answers,fast")
        assert [t.status for t in stored.turns] == ["scored"] * 3
        assert check(store).ok
    assert main(["history", str(result["drill_id"])]) == 0
    assert "turn 3 [more-than-expected/four-hours] scored" in capsys.readouterr().out


def test_readable_output_follows_the_drill_and_says_where_the_prospect_went(tmp_path, capsys):
    folder = answers(tmp_path / "answers", DEFENDS)
    assert main(["drill", *PACK, "--answers", str(folder), "--fast"]) == 0
    out = capsys.readouterr().out
    assert "Prospect audio: written to " in out
    played = out.split("Prospect audio: written to ", 1)[1].split(" (--fast)")[0]
    assert sorted(os.listdir(played)) == ["playback-001.wav"]
    assert "Turn 1 - Lucia Ferreira: " in out
    assert "Heard (whisper): " in out and "✗ ask" in out and "Score: " in out
    assert f"-> {THINK_ABOUT_IT}" in out and f"Outcome: {THINK_ABOUT_IT}" in out
    assert "Stored as drill 1 (finished)" in out


def test_an_answer_file_that_goes_on_after_a_pause_stops_the_next_line_and_stays_one_answer(tmp_path, capsys):
    folder = tmp_path / "answers"
    folder.mkdir()
    compose([0.6, ASKS, 1.0, "Most bakeries find it pays for itself in overtime within two months.", 1.5],
            folder / "01.wav")  # ends on a question: the turn ends in the pause, and the answer goes on
    compose([0.6, DEFENDS, 0.5], folder / "02.wav")  # the follow-up's answer
    assert main(["drill", *PACK, "--answers", str(folder), "--fast"]) == 0
    out = capsys.readouterr().out
    assert "you went on with your answer to turn 1 at" in out and "that answer is scored again as a whole" in out
    assert main(["drill", *PACK, "--answers", str(folder), "--fast", "--json"]) == 0
    turn, follow_up = json.loads(capsys.readouterr().out)["turns"]
    [stopped] = turn["yielded"]
    assert follow_up["yielded"] == [] and follow_up["node"] == "compared-to"
    assert "overtime" in turn["transcript"].lower() and "value" in turn["covered"]
    assert 0 < stopped["stopped_at"] - stopped["start"] <= 1.5 and stopped["line"]


def test_killing_a_drill_mid_answer_keeps_finished_turns_and_the_interrupted_answer(tmp_path, capsys):
    folder = answers(tmp_path / "answers", SHORT_ASK, GIVES_VALUE, lead=0.5)
    child = subprocess.Popen(
        [sys.executable, "-m", "trainer", "drill", *PACK, "--answers", str(folder), "--no-play"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        header = child.stdout.readline()
        assert header.startswith("Drill "), header + child.stderr.read()
        drill_id = int(header.split()[1].rstrip(":"))
        for line in child.stdout:  # real time: wait until the rep is answering the second line
            if line.startswith("Turn 2 - "):
                break
        for line in child.stdout:
            if "you started speaking" in line:
                break
        recording = os.path.join(data_dir(), "recordings", str(drill_id), "turn-2-rep.wav")
        at_onset = os.path.getsize(recording)
        deadline = time.monotonic() + 10
        while os.path.getsize(recording) < at_onset + 32_000 and time.monotonic() < deadline:
            time.sleep(0.02)  # until another second of the answer is on disk
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(timeout=10) == -signal.SIGKILL
    finally:
        child.kill()
        child.stdout.close()
        child.stderr.close()

    assert integrity(data_dir()) == "ok"
    with Store() as store:
        startup = store.startup()  # what the next `trainer drill` or the app does first
        assert [(t.drill_id, t.number) for t in startup.recovered] == [(drill_id, 2)]
        drill = store.drill(drill_id)
        assert drill.status == "abandoned"
        assert [(t.number, t.status) for t in drill.turns] == [(1, "scored"), (2, "recovered")]
        finished, interrupted = drill.turns
        assert finished.score is not None and "ask" in finished.covered and finished.words
        assert soundfile.info(str(finished.recording)).duration > 2
        kept = soundfile.info(str(interrupted.recording))
        assert kept.samplerate == 16_000 and kept.duration > 1.5
        assert check(store).recovered_turns == [RecoveredTurn(drill_id, 2, f"recordings/{drill_id}/turn-2-rep.wav")]
    assert main(["db", "check"]) == 0
    out = capsys.readouterr().out
    assert f"notice: drill {drill_id} turn 2 was interrupted and kept unscored (recordings/{drill_id}/turn-2-rep.wav)" in out


def test_ctrl_c_stops_the_drill_cleanly_and_keeps_the_answer_so_far(tmp_path):
    folder = answers(tmp_path / "answers", ASKS, lead=0.5)
    child = subprocess.Popen(
        [sys.executable, "-m", "trainer", "drill", *PACK, "--answers", str(folder), "--no-play"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        for line in child.stdout:
            if "you started speaking" in line:
                break
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=30)
    finally:
        child.kill()
    assert child.returncode == 130, err
    assert "stopping: the answer in progress is kept as a recoverable recording" in err
    assert "Drill stopped; the answer in progress is kept as a recoverable recording." in out
    assert "Stored as drill 1 (abandoned)" in out
    assert integrity(data_dir()) == "ok"
    with Store() as store:
        drill = store.drill(1)
        assert drill.status == "abandoned"
        [turn] = drill.turns
        assert turn.status == "recovered" and soundfile.info(str(turn.recording)).duration > 2
        assert check(store).ok


def test_a_live_drill_through_a_sound_server_microphone_and_speakers(tmp_path, pulse_daemon):
    """The real audio path: the prospect played on the default sink, the rep heard on the default source."""
    from pulse_rig import MIC_SINK, SPEAKER_SINK

    # each answer starts after the longest line it can follow (2.2 s, then up to 4.5 s); the second turn
    # begins once the first answer can no longer go on, RESUME_WITHIN_S into its line (a lead of 3.7 s
    # after that put the answer only 0.14 s after the line once, under load: 0.7 s more)
    spoken = [compose([3.0, SHORT_ASK, 0.5], tmp_path / "1.wav"),
              compose([5.2 - RESUME_WITHIN_S + 0.7, DEFENDS, 0.5], tmp_path / "2.wav")]
    pulse_daemon.use_source(f"{MIC_SINK}.monitor")
    child = subprocess.Popen(
        [sys.executable, "-m", "trainer", "drill", *PACK, "--seed", "1", "--mic", "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=pulse_daemon.env,
    )
    speakers = []
    try:
        with Store() as store:
            for number, answer in enumerate(spoken, 1):
                deadline = time.monotonic() + 60
                while (store.query("SELECT count(*) FROM turns")[0][0] < number and child.poll() is None
                       and time.monotonic() < deadline):
                    time.sleep(0.02)  # polling the database for the turn: JSON mode prints only at the end
                speakers.append(pulse_daemon.play_into_mic(answer.path))  # the rep answers "into the room"
        out, err = child.communicate(timeout=60)
        for speaker in speakers:
            speaker.wait(timeout=10)
    finally:
        child.kill()
        pulse_daemon.use_source(f"{SPEAKER_SINK}.monitor")
    assert child.returncode == 0, err
    result = json.loads(out)
    assert result["prospect_audio"].startswith("played on ")
    assert [t["node"] for t in result["turns"]] == ["more-than-expected", "compared-to"]
    assert result["outcome"] == "Lucia agrees it's tiring but says money is tight. No decision."
    first, second = result["turns"]
    assert "can i ask" in first["transcript"].lower() and "ask" in first["covered"]
    for turn, answer in zip(result["turns"], spoken):
        assert turn["end_reason"] == "silence" and turn["barge_ins"] == 0
        assert 0.2 < turn["metrics"]["latency_s"] < 2.0  # ~0.6-0.8 s after the line, give or take the server
        assert turn["metrics"]["talk_s"] == pytest.approx(answer.spans[0].duration, abs=0.15)
    assert first["prospect"]["end"] - first["prospect"]["start"] == pytest.approx(2.2, abs=0.5)
    # the next line's real start on the device, noted once the output knew it
    timings = first["timings"]
    assert timings["end_of_turn"] < timings["next_audio_start"] <= second["prospect"]["start"]
    assert timings["next_audio_start"] - timings["end_of_turn"] < 1.0
    with Store() as store:
        stored = store.drill(result["drill_id"]).turns
        assert [t.status for t in stored] == ["scored", "scored"]
        assert stored[0].timings.next_audio_start == pytest.approx(timings["next_audio_start"], abs=0.001)
        assert soundfile.info(str(stored[1].recording)).duration > 5


# -- bad input: one clear line, non-zero exit, no corrupt (or stray) database -------------------


def test_a_pack_that_does_not_validate(tmp_path, capsys):
    pack = tmp_path / "broken.yaml"
    pack.write_text("id: broken\ntitle: Broken\nobjections: not-a-list\n")
    folder = answers(tmp_path / "answers", SHORT_ASK)
    assert main(["drill", "--pack", str(pack), "--answers", str(folder), "--fast"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"trainer: error: {pack}:") and err.count("\n") == 1
    assert not os.path.exists(os.path.join(data_dir(), DATABASE_NAME))  # refused before anything was stored


@pytest.mark.parametrize(
    "case, message",
    [("empty", "no WAV files in it"), ("missing", "no such folder of answers"),
     ("broken", "02.wav: not a readable WAV file")],
)
def test_bad_answer_folders_are_refused_before_the_drill_starts(tmp_path, capsys, case, message):
    folder = tmp_path / "answers"
    folder.mkdir()
    if case == "broken":
        compose([0.5, SHORT_ASK], folder / "01.wav")
        (folder / "02.wav").write_bytes(b"RIFF\x00\x00garbage")
    target = folder / "missing" if case == "missing" else folder
    assert main(["drill", *PACK, "--answers", str(target), "--fast"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("trainer: error: ") and message in err and err.count("\n") == 1
    assert not os.path.exists(os.path.join(data_dir(), DATABASE_NAME))


def test_too_few_answers_end_the_drill_cleanly_with_an_error(tmp_path, capsys):
    folder = answers(tmp_path / "answers", SHORT_ASK)  # the script goes on after this answer
    assert main(["drill", *PACK, "--answers", str(folder), "--fast"]) == 1
    captured = capsys.readouterr()
    assert "the answers ran out after 1 turn(s)" in captured.err and "add more WAV files" in captured.err
    assert "Stored as drill 1 (abandoned)" in captured.out
    assert integrity(data_dir()) == "ok"
    with Store() as store:
        drill = store.drill(1)
        assert drill.status == "abandoned" and [(t.number, t.status) for t in drill.turns] == [(1, "scored")]


@pytest.mark.parametrize(
    "flags, message",
    [
        (["--mic", "--fast"], "--fast needs --answers"),
        (["--fast", "--play"], "--fast cannot play aloud"),
        (["--fast", "--endpoint-ms", "0"], "--endpoint-ms must be a positive"),
        (["--fast", "--level", "7"], "there is no level 7"),
    ],
)
def test_contradictory_flags(tmp_path, capsys, flags, message):
    folder = answers(tmp_path / "answers", SHORT_ASK)
    if "--mic" not in flags:
        flags = ["--answers", str(folder), *flags]
    assert main(["drill", *PACK, *flags]) == 1
    assert message in capsys.readouterr().err


def test_unknown_objection_lists_the_packs(tmp_path, capsys):
    folder = answers(tmp_path / "answers", SHORT_ASK)
    assert main(["drill", "--pack", "price-and-budget", "--objection", "nope", "--answers", str(folder)]) == 1
    assert "pack 'price-and-budget' has no objection 'nope'; it has: more-than-expected" in capsys.readouterr().err


def test_a_data_dir_that_cannot_be_written(tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    folder = answers(tmp_path / "answers", SHORT_ASK)
    assert main(["--data-dir", str(blocker / "data"), "drill", *PACK, "--answers", str(folder), "--fast"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"trainer: error: {blocker / 'data'}: cannot write there") and err.count("\n") == 1


def test_a_read_only_data_dir(tmp_path, capsys):
    folder = answers(tmp_path / "answers", SHORT_ASK)
    unmount = mount_tmpfs(tmp_path / "ro", "ro,size=1m")
    try:
        assert main(["--data-dir", str(tmp_path / "ro"), "drill", *PACK, "--answers", str(folder), "--fast"]) == 1
    finally:
        unmount()
    assert "cannot write there" in capsys.readouterr().err


def test_a_full_disk_refuses_to_start_a_drill(tmp_path, capsys):
    folder = answers(tmp_path / "answers", SHORT_ASK)
    tiny = tmp_path / "tiny"
    unmount = mount_tmpfs(tiny, "size=1m")
    try:
        assert main(["--data-dir", str(tiny), "drill", *PACK, "--answers", str(folder), "--fast"]) == 1
        err = capsys.readouterr().err
        assert err.startswith(f"trainer: error: {tiny}: the disk is full") and err.count("\n") == 1
        assert integrity(tiny) == "ok"
        with Store(tiny) as store:
            assert store.drills() == []
    finally:
        unmount()


def test_the_disk_filling_up_mid_answer(tmp_path, capsys, monkeypatch):
    folder = answers(tmp_path / "answers", ASKS, GIVES_VALUE)
    real_write = soundfile.SoundFile.write
    written = []

    def write(self, data):
        if self.name.endswith("-rep.wav"):
            written.append(len(data))
        if len(written) > 150:  # 20 ms chunks: 3 s into the first turn's recording
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(self, data)

    monkeypatch.setattr(soundfile.SoundFile, "write", write)
    assert main(["drill", *PACK, "--answers", str(folder), "--fast"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and "the disk is full (recording turn-1-rep.wav)" in err[0]
    assert integrity(data_dir()) == "ok"
    with Store() as store:
        [drill] = store.drills()
        assert drill.status == "abandoned"
        [turn] = store.drill(drill.id).turns
        assert turn.status == "recovered" and soundfile.info(str(turn.recording)).duration == pytest.approx(3.0)
        assert check(store).ok

"""Crash safety: kill -9 a process in the middle of a rep's answer, start again, lose nothing."""

import os
import signal
import subprocess
import sys
import wave

import numpy as np
import pytest
import soundfile

from trainer.cli import main
from trainer.store.check import RecoveredTurn, check
from trainer.store.db import Store

CHUNK = 320  # 20 ms at 16 kHz
CHUNKS_BEFORE_KILL = 25

# Two answered turns, then a third answer streamed in real time until the process is killed.
DRILL = f"""
import time
import numpy as np
from trainer.store.db import Store
from trainer.store.recordings import RecordingWriter

store = Store()
store.startup()
drill = store.start_drill("sales-basics", 3, engine="vosk", mode="mic")
for n in (1, 2):
    turn = store.begin_turn(drill, objection_id="too-expensive", node_id=f"node-{{n}}", prospect_line="Too expensive.")
    with RecordingWriter(turn.recording) as writer:
        writer.write(np.full(16000, n, np.int16))
    store.commit_turn(turn.turn_id, transcript=f"answer {{n}}", words=[], score=70 + n)
turn = store.begin_turn(drill, objection_id="too-expensive", node_id="node-3", prospect_line="Still too expensive.")
writer = RecordingWriter(turn.recording)
chunk = 0
while True:
    writer.write(np.full({CHUNK}, chunk, np.int16))
    print(chunk, flush=True)
    chunk += 1
    time.sleep(0.02)  # a microphone delivers 20 ms chunks in real time
"""


@pytest.mark.slow
def test_killing_a_drill_mid_answer_loses_nothing_and_keeps_the_answer(tmp_path, capsys):
    child = subprocess.Popen([sys.executable, "-c", DRILL], stdout=subprocess.PIPE, text=True)
    for line in child.stdout:  # wait for the answer to be well under way
        if int(line) == CHUNKS_BEFORE_KILL:
            break
    os.kill(child.pid, signal.SIGKILL)
    assert child.wait(timeout=10) == -signal.SIGKILL
    child.stdout.close()

    with Store() as store:
        assert store.query("PRAGMA integrity_check")[0][0] == "ok"
        startup = store.startup()
        [drill] = store.drills()
        assert startup.abandoned_drills == [drill.id]
        assert [t.number for t in startup.recovered] == [3]
        drill = store.drill(drill.id)
        assert drill.status == "abandoned"
        assert [(t.number, t.status, t.score) for t in drill.turns] == [(1, "scored", 71.0), (2, "scored", 72.0), (3, "recovered", None)]
        for turn in drill.turns[:2]:
            samples, _ = soundfile.read(str(turn.recording), dtype="int16")
            np.testing.assert_array_equal(samples, np.full(16000, turn.number, np.int16))

        interrupted = drill.turns[2]
        samples, rate = soundfile.read(str(interrupted.recording), dtype="int16")
        chunks = len(samples) // CHUNK
        assert rate == 16_000
        assert chunks > CHUNKS_BEFORE_KILL  # every chunk written before the kill is there
        np.testing.assert_array_equal(samples[: chunks * CHUNK], np.repeat(np.arange(chunks, dtype=np.int16), CHUNK))
        with wave.open(str(interrupted.recording)) as plain:  # the header was repaired
            assert plain.getnframes() == len(samples)

        report = check(store)
        assert report.ok
        assert report.recovered_turns == [RecoveredTurn(drill.id, 3, f"recordings/{drill.id}/turn-3-rep.wav")]

    assert main(["db", "check"]) == 0
    out = capsys.readouterr().out
    assert f"notice: drill {drill.id} turn 3 was interrupted and kept unscored (recordings/{drill.id}/turn-3-rep.wav)" in out

"""`trainer devices`: a table or JSON with a sound server, a one-line error without one."""

import json
import os
import subprocess
import sys

import pytest
from pulse_rig import SPEAKER_SINK


def trainer(args, env):
    """Run the CLI in a fresh process (PortAudio scans devices once per process)."""
    return subprocess.run([sys.executable, "-m", "trainer", *args], env=env,
                          capture_output=True, text=True, timeout=60)


@pytest.mark.slow
def test_devices_without_a_sound_server_exit_1_with_the_fix(tmp_path):
    runtime = tmp_path / "runtime"
    runtime.mkdir()
    env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime), "PULSE_SERVER": f"unix:{runtime / 'none'}"}
    done = trainer(["devices"], env)
    if done.returncode == 0:
        pytest.skip("this machine has sound devices without a sound server; cannot test 'no device'")
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        "trainer: error: no audio devices found: connect a microphone and speakers (or a headset), "
        "or start the sound server (PulseAudio/PipeWire); drills can also run from WAV files without devices"
    ]
    assert trainer(["devices", "--json"], env).returncode == 1


@pytest.mark.slow
def test_devices_lists_the_null_sink_as_table_and_json(pulse_daemon):  # noqa: F811
    done = trainer(["devices"], pulse_daemon.env)
    assert done.returncode == 0, done.stderr
    rows = done.stdout.splitlines()
    assert rows[0].split() == ["#", "name", "host", "API", "in", "out", "rate", "default"]
    assert any(row.split()[1] == "default" and row.endswith("input, output") for row in rows[1:])
    assert f"default sink {SPEAKER_SINK}, default source {SPEAKER_SINK}.monitor" in done.stdout
    listed = json.loads(trainer(["devices", "--json"], pulse_daemon.env).stdout)
    default = next(device for device in listed["devices"] if device["default_output"])
    assert default["default_input"] and default["input_channels"] >= 1 and default["output_channels"] >= 1
    assert listed["sound_server"]["default_sink"] == SPEAKER_SINK

"""A real sound server for tests on machines without a sound card.

`PulseRig` starts a private PulseAudio daemon (its own runtime and home folders, so it
never touches a user's server) with two null sinks:

- `repdrill_speaker`: the default sink; whatever the app plays goes there.
- `repdrill_mic`: a "room" sink; a test plays the rep's answer files into it
  (`play_into_mic`) to stand for a person talking into the microphone.

The default source is `repdrill_speaker.monitor` (what is played is captured back: a
loop-back). A drill test that wants a separate microphone calls
`use_source(MIC_SINK + ".monitor")`; `speaker_in_mic(level_db)` then lets that
microphone hear the speaker too (a PulseAudio loopback from the speaker's monitor into
the room sink): speakers and a microphone in one room.

PortAudio reaches the daemon through ALSA's pulse plugin (Debian `libasound2-plugins`),
which finds it through `$XDG_RUNTIME_DIR`. That variable must be set in the test process
*before* PortAudio scans devices, so `activate()` sets it and rescans
(`trainer.speech.audio.rescan_devices`); `deactivate()` undoes both. Subprocesses get the
same server through `env`.

Fixtures (use them from any conftest with `from pulse_rig import pulse_rig`, or
`pytest_plugins = ["pulse_rig"]` in the root conftest):
- `pulse_daemon` (session): the running daemon, or a skip naming why it cannot start.
- `pulse_rig` (per test): the daemon, activated for this process and cleaned up after.
  For streams shared by several tests, use `with pulse_daemon.active():` in a wider
  fixture instead.
"""

from __future__ import annotations

import ctypes
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import pytest

SPEAKER_SINK = "repdrill_speaker"
MIC_SINK = "repdrill_mic"
SINK_RATE = 48_000
START_TIMEOUT_S = 10.0


def _die_with_parent() -> None:
    """In the daemon's process: get SIGTERM if the test process dies without stopping it."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class RigUnavailable(RuntimeError):
    """The sound server could not be started here; the message says why."""


class PulseRig:
    """A private PulseAudio daemon with null sinks; start() it, then activate() it."""

    def __init__(self) -> None:
        self.runtime_dir: Path | None = None
        self.process: subprocess.Popen | None = None
        self._saved_env: dict[str, str | None] = {}

    @property
    def env(self) -> dict[str, str]:
        """Environment for a subprocess that must use this sound server."""
        return {**os.environ, **self._client_vars()}

    def _client_vars(self) -> dict[str, str]:
        assert self.runtime_dir is not None, "start() the rig first"
        return {
            "XDG_RUNTIME_DIR": str(self.runtime_dir),
            "PULSE_SERVER": f"unix:{self.runtime_dir / 'pulse' / 'native'}",
        }

    def start(self) -> None:
        """Start the daemon and its sinks; raises RigUnavailable with the reason if it cannot."""
        pulseaudio = shutil.which("pulseaudio")
        if not pulseaudio or not shutil.which("pactl"):
            raise RigUnavailable("pulseaudio/pactl not installed (Debian: apt install pulseaudio pulseaudio-utils)")
        self.runtime_dir = Path(tempfile.mkdtemp(prefix="repdrill-pulse-"))
        daemon_env = {**os.environ, "XDG_RUNTIME_DIR": str(self.runtime_dir), "HOME": str(self.runtime_dir)}
        daemon_env.pop("PULSE_SERVER", None)
        log_path = self.runtime_dir / "daemon.log"
        with log_path.open("w") as log:
            self.process = subprocess.Popen(
                [
                    pulseaudio, "-n", "--daemonize=no", "--exit-idle-time=-1", "--use-pid-file=no",
                    "--log-target=stderr", "--log-level=error",
                    "-L", "module-native-protocol-unix auth-anonymous=1",
                    "-L", f"module-null-sink sink_name={SPEAKER_SINK} rate={SINK_RATE} channels=1",
                    "-L", f"module-null-sink sink_name={MIC_SINK} rate={SINK_RATE} channels=1",
                ],
                env=daemon_env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=log,
                preexec_fn=_die_with_parent,
            )
        deadline = time.monotonic() + START_TIMEOUT_S
        while not self._pactl_ok("info"):
            if self.process.poll() is not None:
                reason = log_path.read_text().strip().splitlines()
                self.stop()
                raise RigUnavailable(f"pulseaudio exited at startup: {reason[-1] if reason else 'no message'}")
            if time.monotonic() > deadline:
                self.stop()
                raise RigUnavailable(f"pulseaudio did not answer within {START_TIMEOUT_S:.0f} s")
            time.sleep(0.02)  # polling a socket that has no readiness signal
        try:
            self.pactl("set-default-sink", SPEAKER_SINK)
            self.use_source(f"{SPEAKER_SINK}.monitor")
        except RuntimeError as error:
            log = log_path.read_text().strip().splitlines()
            self.stop()
            raise RigUnavailable(f"{error} ({log[-1] if log else 'daemon log empty'})") from None

    def _pactl_ok(self, *args: str) -> bool:
        return subprocess.run(["pactl", *args], env=self.env, capture_output=True).returncode == 0

    def pactl(self, *args: str) -> str:
        """Run a pactl command against this daemon and return its output."""
        done = subprocess.run(["pactl", *args], env=self.env, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"pactl {' '.join(args)} failed: {done.stderr.strip()}")
        return done.stdout

    def use_source(self, source: str) -> None:
        """Make `source` what the default input (the 'microphone') captures."""
        self.pactl("set-default-source", source)

    def play_into_mic(self, wav_path: str | Path) -> subprocess.Popen:
        """Play a WAV into the mic sink (as if a person spoke into the microphone)."""
        return subprocess.Popen(
            ["paplay", f"--device={MIC_SINK}", str(wav_path)], env=self.env,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )

    @contextmanager
    def answering_room(self, answers: Sequence[str | Path]):
        """For a `with` block: a drill's devices with the room sink as the microphone, the answers spoken into it.

        Yields an `AnsweringRoom`: its `microphone` and `output` (sounddevice, opened here),
        and `on_event` for the runner, which plays the next answer into the room when a line
        has been heard out (`line_ends` notes when, on the drill clock). Afterwards both are
        closed, the loop-back source is back, and every answer must have played cleanly.
        """
        from trainer.speech.audio_in import MicrophoneInput
        from trainer.speech.audio_out import SoundDeviceOutput

        self.use_source(f"{MIC_SINK}.monitor")
        room = AnsweringRoom(self, list(answers), MicrophoneInput(), SoundDeviceOutput())
        try:
            yield room
        finally:
            room.microphone.close()
            room.output.close()
            self.use_source(f"{SPEAKER_SINK}.monitor")
            for speaker in room.speakers:
                assert speaker.wait(timeout=10) == 0, speaker.stderr.read()

    @contextmanager
    def speaker_in_mic(self, level_db: float):
        """For a `with` block: what is played also reaches the room sink, `level_db` quieter (a loopback)."""
        module = self.pactl("load-module", "module-loopback", f"source={SPEAKER_SINK}.monitor", f"sink={MIC_SINK}",
                            "latency_msec=20", "source_dont_move=true", "sink_dont_move=true").strip()
        try:
            into_room = re.findall(rf"Sink Input #(\d+)\n(?:\t.*\n)*?\tOwner Module: {module}\n",
                                   self.pactl("list", "sink-inputs"))
            if not into_room:
                raise RuntimeError(f"the loopback (module {module}) has no stream into {MIC_SINK}")
            self.pactl("set-sink-input-volume", into_room[0], f"{level_db}dB")
            yield self
        finally:
            self.pactl("unload-module", module)

    def activate(self) -> None:
        """Point this process (and PortAudio) at the daemon."""
        from trainer.speech.audio import rescan_devices

        for name, value in self._client_vars().items():
            self._saved_env.setdefault(name, os.environ.get(name))
            os.environ[name] = value
        rescan_devices()

    def deactivate(self) -> None:
        """Undo activate(): restore the environment and rescan devices."""
        from trainer.speech.audio import rescan_devices

        for name, value in self._saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        self._saved_env.clear()
        rescan_devices()

    @contextmanager
    def active(self):
        """activate() for the duration of a `with` block (loop-back source selected)."""
        self.activate()
        try:
            self.use_source(f"{SPEAKER_SINK}.monitor")
            yield self
        finally:
            self.deactivate()

    def stop(self) -> None:
        """Stop the daemon and remove its folder."""
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None
        if self.runtime_dir is not None:
            shutil.rmtree(self.runtime_dir, ignore_errors=True)
            self.runtime_dir = None


@dataclass
class AnsweringRoom:
    """A drill's microphone and speaker through the rig, answering each line (see `PulseRig.answering_room`)."""

    rig: PulseRig
    answers: list
    microphone: object
    output: object
    speakers: list = field(default_factory=list)
    line_ends: list = field(default_factory=list)

    def on_event(self, event) -> None:
        """The runner's callback: when a line has been heard out, the next answer is spoken into the room."""
        from trainer.drill.events import LineDidPlay

        if isinstance(event, LineDidPlay):
            self.line_ends.append(event.end)
            self.speakers.append(self.rig.play_into_mic(self.answers[len(self.speakers)]))


@pytest.fixture(scope="session")
def pulse_daemon():
    """A PulseAudio daemon with null sinks for the whole session (skips with the reason)."""
    rig = PulseRig()
    try:
        rig.start()
    except RigUnavailable as reason:
        pytest.skip(f"no sound server for the audio loop: {reason}")
    yield rig
    rig.stop()


@pytest.fixture
def pulse_rig(pulse_daemon):
    """The session's PulseAudio daemon, active in this process for one test."""
    with pulse_daemon.active():
        yield pulse_daemon

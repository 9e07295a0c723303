"""The audio clock and the sound devices: what every audio input and output shares.

- `AudioClock`: the one clock all audio times are on. Real (`time.monotonic()`), or
  virtual for drills run from files faster than real time, where time moves only when
  audio is played or captured.
- Devices: `list_devices()`, `resolve_device()` (index or name -> PortAudio index, with
  errors that say what to do), `rescan_devices()`, and `sound_server()` (which
  PulseAudio/PipeWire sink and source PortAudio's "pulse"/"default" devices lead to).

PortAudio (through `sounddevice`) is loaded lazily, so file-based audio works on a
machine without it; a missing library is a `TrainerError`, not a traceback.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
from dataclasses import asdict, dataclass
from types import ModuleType
from typing import Literal

from trainer.core.errors import TrainerError

Kind = Literal["input", "output"]

NO_DEVICE_FIX = {
    "input": "connect a microphone or headset, or start the sound server (PulseAudio/PipeWire)",
    "output": "connect speakers or a headset, or start the sound server (PulseAudio/PipeWire)",
}


class AudioClock:
    """Seconds on one monotonic clock; virtual clocks jump instead of waiting.

    Everything that paces audio asks the clock to `wait_until(t)`: a real clock waits
    (interruptibly), a virtual one just moves its time to `t`. Share one clock between
    the output and the input of a drill so their times line up.
    """

    def __init__(self, virtual: bool = False, start: float = 0.0) -> None:
        self.virtual = virtual
        self._now = start
        self._lock = threading.Lock()

    def now(self) -> float:
        """The current time in seconds."""
        if not self.virtual:
            return time.monotonic()
        with self._lock:
            return self._now

    def wait_until(self, deadline: float, interrupt: threading.Event | None = None) -> bool:
        """Wait (or, if virtual, jump) until `deadline`; False if `interrupt` was set first."""
        if self.virtual:
            with self._lock:
                self._now = max(self._now, deadline)
            return not (interrupt and interrupt.is_set())
        interrupt = interrupt or threading.Event()
        while (remaining := deadline - time.monotonic()) > 0:
            if interrupt.wait(remaining):
                return False
        return not interrupt.is_set()


def sounddevice_module() -> ModuleType:
    """The `sounddevice` module, or a TrainerError saying how to install PortAudio."""
    try:
        import sounddevice
    except (ImportError, OSError) as error:
        raise TrainerError(
            f"the PortAudio library is missing ({error}): install it "
            "(Debian/Ubuntu: sudo apt install libportaudio2; macOS: brew install portaudio; "
            "Windows: pip install --force-reinstall sounddevice), or use audio files instead"
        ) from None
    return sounddevice


def rescan_devices() -> None:
    """Make PortAudio look for devices again (after plugging one in or starting a sound server).

    PortAudio scans devices once, when it is initialised; re-initialising is the way
    sounddevice documents to rescan. Call it only while no audio stream is open.
    """
    sd = sounddevice_module()
    sd._terminate()
    sd._initialize()


@dataclass(frozen=True)
class DeviceInfo:
    """One sound device as PortAudio sees it."""

    index: int
    name: str
    host_api: str
    input_channels: int
    output_channels: int
    default_rate: float
    default_input: bool
    default_output: bool

    def channels(self, kind: Kind) -> int:
        """How many channels the device has for `kind` ("input" or "output")."""
        return self.input_channels if kind == "input" else self.output_channels

    def to_json(self) -> dict:
        """A plain dict for `--json` output."""
        return asdict(self)


def list_devices() -> list[DeviceInfo]:
    """Every input and output device PortAudio can see, with the defaults marked."""
    sd = sounddevice_module()
    host_apis = [api["name"] for api in sd.query_hostapis()]
    default_input, default_output = sd.default.device
    return [
        DeviceInfo(
            index=index,
            name=device["name"],
            host_api=host_apis[device["hostapi"]],
            input_channels=device["max_input_channels"],
            output_channels=device["max_output_channels"],
            default_rate=float(device["default_samplerate"]),
            default_input=index == default_input,
            default_output=index == default_output,
        )
        for index, device in enumerate(sd.query_devices())
    ]


def resolve_device(spec: int | str | None, kind: Kind) -> DeviceInfo:
    """The device to use for `kind`: the default (None), an index, or a name (part of one).

    Raises TrainerError naming the device and the fix when there is no such device, the
    name is ambiguous, or the device cannot do `kind`.
    """
    devices = list_devices()
    usable = [device for device in devices if device.channels(kind) > 0]
    if not usable:
        raise TrainerError(f"no audio {kind} device found: {NO_DEVICE_FIX[kind]}; `trainer devices` lists what is seen")
    if spec is None:
        default = next((d for d in usable if (d.default_input if kind == "input" else d.default_output)), None)
        if default is None:
            raise TrainerError(f"there is no default audio {kind} device: choose one by index or name from `trainer devices`")
        return default
    choices = ", ".join(f"{d.index} ({d.name})" for d in usable)
    if isinstance(spec, int) or spec.strip().isdigit():
        index = int(spec)
        if not 0 <= index < len(devices):
            raise TrainerError(f"audio device {index} does not exist; {kind} devices: {choices}")
        if devices[index].channels(kind) == 0:
            raise TrainerError(f"audio device {index} ({devices[index].name}) has no {kind} channels; {kind} devices: {choices}")
        return devices[index]
    wanted = spec.strip().casefold()
    exact = [d for d in usable if d.name.casefold() == wanted]
    matches = exact or [d for d in usable if wanted in d.name.casefold()]
    if not matches:
        raise TrainerError(f"no audio {kind} device is called '{spec}'; {kind} devices: {choices}")
    if len(matches) > 1:
        names = ", ".join(f"{d.index} ({d.name})" for d in matches)
        raise TrainerError(f"'{spec}' matches several audio {kind} devices: {names}; give the index instead")
    return matches[0]


def portaudio_error(device: DeviceInfo, kind: Kind, error: Exception) -> TrainerError:
    """A TrainerError for a stream that PortAudio could not open or run on `device`."""
    return TrainerError(
        f"cannot use audio {kind} device {device.index} ({device.name}): {error}; "
        f"close other programs using it or pick another device from `trainer devices`"
    )


def sound_server() -> dict[str, str] | None:
    """Name, version, default sink and source of the PulseAudio/PipeWire server, if one answers.

    On Linux PortAudio sees the server only as ALSA devices called "pulse" and "default";
    this says which real sink and source those lead to. None without `pactl` or a server.
    """
    pactl = shutil.which("pactl")
    if not pactl:
        return None
    try:
        done = subprocess.run([pactl, "info"], capture_output=True, text=True, timeout=3,
                              env={**os.environ, "LC_ALL": "C"})
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    fields = dict(line.split(": ", 1) for line in done.stdout.splitlines() if ": " in line)
    return {
        "name": fields.get("Server Name", ""),
        "version": fields.get("Server Version", ""),
        "default_sink": fields.get("Default Sink", ""),
        "default_source": fields.get("Default Source", ""),
    }

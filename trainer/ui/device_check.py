"""The device checks in Settings: the microphone (listen, show the level, keep the take for a loop-back)
and the speakers (does the microphone hear the prospect, and can that echo be taken out).

Both run in a background job; the UI reads `level` (the latest reading, replaced as new
audio comes: a one-slot hand-over, as in sounddevice's rec_gui example) on a timer.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

import numpy as np

from trainer.core.errors import TrainerError
from trainer.speech.audio import AudioClock
from trainer.speech.audio_in import Level, MicrophoneInput, measure_level
from trainer.speech.audio_out import SoundDeviceOutput
from trainer.speech.echo_check import EchoCheck, check_echo
from trainer.speech.wavs import ENGINE_RATE

QUIET_DBFS = -45.0  # a peak under this over a whole check: the microphone heard (almost) nothing
OUTPUT_READY_S = 5.0  # a new output stream flows 1.2-1.9 s after it opens (docs/audio.md)


@dataclass(frozen=True)
class CheckResult:
    """What the microphone heard: the samples (16 kHz int16), its loudest moment, and a verdict."""

    device: str
    samples: np.ndarray
    peak_dbfs: float

    @property
    def heard(self) -> bool:
        """True when something louder than room noise came in."""
        return self.peak_dbfs > QUIET_DBFS

    def verdict(self) -> str:
        """One sentence for the rep."""
        if self.heard:
            return (f"{self.device} works (loudest {self.peak_dbfs:.0f} dBFS). Play it back to hear how you sound.")
        return (f"{self.device} heard almost nothing (loudest {self.peak_dbfs:.0f} dBFS): check that it is not muted, "
                "is plugged in, and is the one chosen above.")


class MicrophoneCheck:
    """Records `seconds` from a microphone; `level` follows it live; `stop()` ends it early."""

    def __init__(self, device: str | None, seconds: float = 4.0) -> None:
        self.device = device
        self.seconds = seconds
        self.level: Level | None = None
        self.listening = threading.Event()  # set once audio flows (a microphone takes 1-2 s to start)
        self._stop = threading.Event()

    def run(self) -> CheckResult:
        """Open the microphone, listen, close it (TrainerError when it cannot be used). Worker thread."""
        mic = MicrophoneInput(self.device)
        mic.start()
        chunks: list[np.ndarray] = []
        try:
            wanted = round(self.seconds * ENGINE_RATE)
            while sum(len(c) for c in chunks) < wanted and not self._stop.is_set():
                chunk = mic.read(timeout=0.2)
                if chunk is None:
                    continue
                self.listening.set()
                chunks.append(chunk.samples)
                self.level = measure_level(chunk.samples)
        finally:
            mic.close()
        samples = np.concatenate(chunks) if chunks else np.zeros(0, np.int16)
        peak = measure_level(samples).peak
        return CheckResult(mic.device.name, samples, 20 * math.log10(peak) if peak > 0 else -120.0)

    def stop(self) -> None:
        """End the check at the next chunk."""
        self._stop.set()


def speakers_check(input_device: str | None, output_device: str | None) -> EchoCheck:
    """Play a test line on the chosen speaker while the chosen microphone listens (worker thread, ~6 s).

    TrainerError when a device cannot be used.
    """
    output = SoundDeviceOutput(output_device)
    microphone = MicrophoneInput(input_device)
    try:
        if not output.ready.wait(OUTPUT_READY_S):
            raise TrainerError(f"the speaker ({output.device.name}) did not start playing within "
                               f"{OUTPUT_READY_S:.0f} s; check the sound server or pick another speaker")
        microphone.start()
        return check_echo(output, microphone, AudioClock())
    finally:
        microphone.close()
        output.close()

"""Playing sounds in the app (a prospect line, a rep's recording, a voice preview) and following the position.

The output device is opened once, in the background, and kept open (opening one costs
over a second, docs/design.md). Without a speaker the sound "plays" silently on the clock
(`FileOutput`), so the transcript highlighting still follows, and `no_speaker` says
why nothing is heard. The position comes from the output's own start time
(`Playback.started_at`, on the monotonic clock), read by a UI timer: the UI thread
never waits on audio.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal

from trainer.core import paths
from trainer.core.errors import TrainerError
from trainer.speech.audio import AudioClock
from trainer.speech.audio_out import AudioOutput, FileOutput, Playback, SoundDeviceOutput
from trainer.ui import tasks

TICK_MS = 40


class Player(QObject):
    """One sound at a time through the chosen output; emits the position while it plays."""

    position_changed = Signal(float)  # seconds into the sound
    finished = Signal()  # played to the end or stopped
    no_speaker = Signal(str)  # why the sound is not heard (it still runs on the clock)

    def __init__(self, device_of, parent: QObject | None = None) -> None:
        """`device_of()` gives the output device setting (None: the default) when the output opens."""
        super().__init__(parent)
        self._device_of = device_of
        self._output: AudioOutput | None = None
        self._output_lock = threading.Lock()
        self._playback: Playback | None = None
        self._token = 0
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)

    def play(self, sound: Path | tuple[np.ndarray, int]) -> None:
        """Play a WAV file, or (samples, rate); whatever was playing stops."""
        self.stop()
        self._token += 1
        token = self._token
        self._timer.start()
        tasks.run_in_background(lambda: self._start(sound), lambda playback: self._started(token, playback),
                                self._failed, owner=self)

    def _start(self, sound) -> Playback:  # worker thread
        with self._output_lock:
            if self._output is None:
                try:
                    self._output = SoundDeviceOutput(self._device_of())
                except TrainerError as error:
                    self._output = FileOutput(paths.cache_dir() / "played" / "app", AudioClock())
                    self.no_speaker.emit(f"Nothing is heard: {error}")
            output = self._output
        return output.play(*sound) if isinstance(sound, tuple) else output.play(sound)

    def _started(self, token: int, playback: Playback) -> None:
        if token != self._token:  # stopped or replaced before it started
            return
        self._playback = playback

    def _failed(self, error: BaseException) -> None:
        self._timer.stop()
        tasks.report_error(error)
        self.finished.emit()

    def _tick(self) -> None:
        playback = self._playback
        if playback is None:
            return
        if playback.done.is_set():
            self._timer.stop()
            self._playback = None
            self.finished.emit()
        elif playback.started_at is not None:
            self.position_changed.emit(max(0.0, time.monotonic() - playback.started_at))

    def stop(self) -> None:
        """Stop the sound now (the output stops at its next block)."""
        was_playing = self._timer.isActive()
        self._token += 1
        self._timer.stop()
        if self._playback is not None and self._output is not None:
            self._output.stop()
        self._playback = None
        if was_playing:
            self.finished.emit()

    def reset_output(self) -> None:
        """Open the output again on next play (the device setting changed)."""
        self.stop()
        output, self._output = self._output, None
        if output is not None:
            tasks.run_in_background(output.close)

    def close(self) -> None:
        """Stop and release the device (at exit)."""
        self.stop()
        if self._output is not None:
            self._output.close()
            self._output = None

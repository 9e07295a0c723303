"""WebRTC AEC3, the echo canceller of `trainer.speech.echo`: the `livekit` package's AudioProcessingModule.

An adaptive filter with its own delay estimation, double-talk handling and residual
suppression, fed 10 ms frames of the microphone and of what the speakers played.
Chosen by measurement over speexdsp and a numpy filter (docs/audio.md "Speakers in the
room"); only its audio processing module is used, nothing connects anywhere.
"""

from __future__ import annotations

import numpy as np

from trainer.core.errors import TrainerError
from trainer.speech.wavs import ENGINE_RATE

FRAME_SAMPLES = ENGINE_RATE // 100  # AEC3 takes 10 ms frames
# AEC3's output lags its input by this many samples (measured: the rep's voice alone, no echo, comes out
# 127 samples late, -0.3 dB). The gate compares each output frame with the input it came from; compared
# with the input frame of the same time, the fall of every syllable looked louder coming out than going
# in (+2 dB and more), was taken for the canceller adding echo, and cut the rep's words over the line.
CANCELLER_LAG_SAMPLES = 127


class EchoCanceller:
    """WebRTC AEC3 over 16 kHz int16 audio: `process(mic, reference)` returns the mic with the echo removed."""

    def __init__(self) -> None:
        """Load the audio processing module (livekit's native library, ~0.4 s the first time)."""
        try:
            from livekit import rtc
        except ImportError as error:
            raise TrainerError(
                f"echo cancellation needs the livekit package ({error}); install it with "
                "`.venv/bin/pip install 'livekit>=1.2'` (or `make setup`), or use headphones"
            ) from None
        self._rtc = rtc
        self._apm = rtc.AudioProcessingModule(echo_cancellation=True)

    def process(self, mic: np.ndarray, reference: np.ndarray) -> np.ndarray:
        """Both int16, the same length, a multiple of 10 ms; `reference` is what played for each mic sample."""
        if len(mic) != len(reference) or len(mic) % FRAME_SAMPLES:
            raise ValueError("mic and reference must be the same number of whole 10 ms frames")
        out = np.empty(len(mic), np.int16)
        rtc = self._rtc
        for start in range(0, len(mic), FRAME_SAMPLES):
            end = start + FRAME_SAMPLES
            self._apm.process_reverse_stream(rtc.AudioFrame(reference[start:end].tobytes(), ENGINE_RATE, 1,
                                                            FRAME_SAMPLES))
            frame = rtc.AudioFrame(mic[start:end].tobytes(), ENGINE_RATE, 1, FRAME_SAMPLES)
            self._apm.set_stream_delay_ms(0)
            self._apm.process_stream(frame)
            out[start:end] = np.frombuffer(frame.data, np.int16)
        return out

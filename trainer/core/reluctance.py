"""The habit areas of call reluctance, read from `trainer/data/reluctance.yaml`.

An area (opening a cold call, talking about money, asking for introductions ...) is
what the profile groups drills by and what the self-check asks about. Which drills
exercise an area is data: objection categories listed by the area, an objection's own
`areas:` in its pack, or every objection for an area about how the rep prepares. This
module reads and checks the file and answers "which areas does this objection
exercise?"; docs/profile.md explains the areas.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from trainer.core import paths
from trainer.core.errors import TrainerError
from trainer.core.pack_model import Objection

RELUCTANCE_FILE = paths.PACKAGE_DATA / "reluctance.yaml"
MAX_STATEMENTS = 20  # the self-check stays about two minutes long (issue 18)
SIGNAL_NAMES = (
    "hesitation_rate", "median_latency", "hedges_per_answer", "suds_before", "mean_score", "avoided",
    "prep_used", "repeats_per_answer",
)


@dataclass(frozen=True)
class Area:
    """One habit area: what the rep reads, which drills exercise it, which figures show it."""

    id: str
    label: str
    description: str
    categories: tuple[str, ...] = ()
    all_objections: bool = False
    signals: tuple[str, ...] = ()
    selfcheck: tuple[str, ...] = ()


@dataclass(frozen=True)
class Areas:
    """Every area, in the file's order."""

    areas: tuple[Area, ...]

    @property
    def ids(self) -> tuple[str, ...]:
        """The area ids in order."""
        return tuple(a.id for a in self.areas)

    def area(self, area_id: str) -> Area:
        """The area with this id (KeyError when there is none)."""
        for area in self.areas:
            if area.id == area_id:
                return area
        raise KeyError(area_id)

    def of_objection(self, objection: Objection) -> tuple[str, ...]:
        """The areas a drill of `objection` exercises: its own `areas:` (else those listing its category),
        plus the areas every objection exercises."""
        own = objection.areas or tuple(a.id for a in self.areas if objection.category in a.categories)
        return tuple(a.id for a in self.areas if a.id in own or a.all_objections)

    def statements(self) -> tuple[tuple[str, str], ...]:
        """The self-check's statements in order, each as (area id, statement)."""
        return tuple((a.id, s) for a in self.areas for s in a.selfcheck)


def _text_list(value, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError(f"{where} must be a list of texts")
    return tuple(v.strip() for v in value)


def load_areas(path: Path = RELUCTANCE_FILE) -> Areas:
    """The areas in a reluctance file; TrainerError naming the file, the area and what is wrong."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise TrainerError(f"{path}: cannot read the reluctance areas ({error.strerror or error}); reinstall RepDrill") from None
    except yaml.YAMLError as error:
        raise TrainerError(f"{path}: not valid YAML ({error})") from None
    items = data.get("areas") if isinstance(data, dict) else None
    if not isinstance(items, list) or not items:
        raise TrainerError(f"{path}: needs a non-empty list 'areas:'")
    areas = []
    for number, item in enumerate(items, 1):
        where = f"{path}: area {number}"
        try:
            if not isinstance(item, dict):
                raise ValueError("must be a mapping with id, label, description")
            where = f"{path}: area '{item.get('id', number)}'"
            unknown = set(item) - {"id", "label", "description", "categories", "all_objections", "signals", "selfcheck"}
            if unknown:
                raise ValueError(f"unknown key(s) {', '.join(sorted(unknown))}")
            for key in ("id", "label", "description"):
                if not isinstance(item.get(key), str) or not item[key].strip():
                    raise ValueError(f"'{key}' must be a text")
            signals = _text_list(item.get("signals"), "'signals'")
            if bad := [s for s in signals if s not in SIGNAL_NAMES]:
                raise ValueError(f"unknown signal(s) {', '.join(bad)} (known: {', '.join(SIGNAL_NAMES)})")
            if not signals:
                raise ValueError("needs at least one signal")
            areas.append(Area(
                id=item["id"], label=item["label"].strip(), description=" ".join(item["description"].split()),
                categories=_text_list(item.get("categories"), "'categories'"),
                all_objections=bool(item.get("all_objections", False)), signals=signals,
                selfcheck=_text_list(item.get("selfcheck"), "'selfcheck'"),
            ))
        except ValueError as error:
            raise TrainerError(f"{where}: {error}") from None
    result = Areas(tuple(areas))
    if len(set(result.ids)) != len(result.ids):
        raise TrainerError(f"{path}: area ids must be unique")
    if len(result.statements()) > MAX_STATEMENTS:
        raise TrainerError(f"{path}: the self-check has {len(result.statements())} statements; at most {MAX_STATEMENTS}")
    return result


@lru_cache(maxsize=1)
def default_areas() -> Areas:
    """The built-in areas, read once."""
    return load_areas()

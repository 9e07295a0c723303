"""Reports from older RepDrill versions: the fields added since are filled in with what they meant then.

Within one report format later RepDrill versions may add fields (docs/report-format.md,
"Versions"). A report written before a field existed does not have it; reading it
fills the field with the value that stands for "not recorded then" and tells the
coach, in a note, what that changes for them. A report whose `app_version` says it
was written after the field existed, yet lacks it, is broken, and the schema check
says so like any other missing field.

A new format is reached from the one before by an upgrade step (`FORMAT_STEPS`):
`repdrill-report/1` becomes `repdrill-report/2` with no reluctance profile (`profile:
null`; issue 18), and a note says so. Formats older than the oldest step are refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from packaging.version import InvalidVersion, Version


@dataclass(frozen=True)
class AddedField:
    """A top-level report field added after the format's first version."""

    key: str
    since: str  # the first RepDrill version that writes it
    value: Any  # what a report from before it stands for
    note: str  # what the coach is told, with {version} for the report's RepDrill version


ADDED_FIELDS = (
    AddedField("rep_id", "0.2.0", None,
               "made by RepDrill {version}, before reports carried a rep id: matched to other reports by name"),
)


@dataclass(frozen=True)
class FormatStep:
    """How a report of format `source` becomes one of the next format: fields it gains, and the coach's note."""

    source: str
    target: str
    added: dict[str, Any]
    note: str  # with {version} for the report's RepDrill version


FORMAT_STEPS = (
    FormatStep("repdrill-report/1", "repdrill-report/2", {"profile": None},
               "made by RepDrill {version} (report format 1), before reports carried where the rep hesitates: "
               "no focus shown"),
)
UPGRADABLE = tuple(step.source for step in FORMAT_STEPS)


def _version(text: Any) -> Version | None:
    try:
        return Version(text) if isinstance(text, str) else None
    except InvalidVersion:
        return None


def upgrade(data: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    """`data` with the fields its (older) RepDrill did not write filled in, brought to the newest format by the
    format steps, and a note for each in `notes`."""
    made_by = _version(data.get("app_version"))
    if made_by is not None:
        missing = [f for f in ADDED_FIELDS if f.key not in data and made_by < Version(f.since)]
        for added in missing:
            notes.append(added.note.format(version=data["app_version"]))
        data = data | {f.key: f.value for f in missing}
    for step in FORMAT_STEPS:
        if data.get("format") == step.source:
            notes.append(step.note.format(version=data.get("app_version", "?")))
            data = data | {k: v for k, v in step.added.items() if k not in data} | {"format": step.target}
    return data

"""Reports from older RepDrill versions: the fields added since are filled in with what they meant then.

Within one report format (`repdrill-report/1`) later RepDrill versions may add fields
(docs/report-format.md, "Versions"). A report written before a field existed does not
have it; reading it fills the field with the value that stands for "not recorded
then" and tells the coach, in a note, what that changes for them. A report whose
`app_version` says it was written after the field existed, yet lacks it, is broken,
and the schema check says so like any other missing field.
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


def _version(text: Any) -> Version | None:
    try:
        return Version(text) if isinstance(text, str) else None
    except InvalidVersion:
        return None


def upgrade(data: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    """`data` with the fields its (older) RepDrill did not write filled in, and a note for each in `notes`."""
    made_by = _version(data.get("app_version"))
    if made_by is None:
        return data
    missing = [f for f in ADDED_FIELDS if f.key not in data and made_by < Version(f.since)]
    for added in missing:
        notes.append(added.note.format(version=data["app_version"]))
    return data | {f.key: f.value for f in missing}

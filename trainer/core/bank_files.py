"""The opener bank as a plain file: Markdown to read and edit, CSV for spreadsheets; both read back.

Every field of an entry is written, so export followed by import loses nothing
(recordings are referred to by absolute path: the audio itself stays in the data
folder). The Markdown file is one `## pack / objection` section per entry with
`- key: value` lines, the opener as a quote, and what was heard as a second quote.
Reading never trusts the file: a malformed line names the file, the line and the fix.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path
from typing import Sequence

from trainer.core.bank import BankEntry, clean_tags, clean_text
from trainer.core.errors import TrainerError

MARKDOWN_SUFFIXES = (".md", ".markdown")
CSV_SUFFIX = ".csv"
CSV_COLUMNS = (
    "pack", "objection", "category", "text", "transcript", "tags", "score", "starred", "retired",
    "recording", "created", "updated",
)
HEARD = "Heard in the take:"
_YES, _NO = "yes", "no"
_FIELDS = ("category", "tags", "score", "starred", "retired", "recording", "created", "updated")


def bank_format(path: Path) -> str:
    """'markdown' or 'csv' from a file's suffix; TrainerError naming the suffixes there are."""
    suffix = path.suffix.lower()
    if suffix in MARKDOWN_SUFFIXES:
        return "markdown"
    if suffix == CSV_SUFFIX:
        return "csv"
    raise TrainerError(f"{path}: unknown bank file type '{suffix or '(none)'}'; use .md (Markdown) or .csv")


def write_bank_file(path: Path, entries: Sequence[BankEntry]) -> None:
    """Write `entries` to `path` as Markdown or CSV (by suffix); TrainerError if the file cannot be written."""
    text = to_markdown(entries) if bank_format(path) == "markdown" else to_csv(entries)
    try:
        path.write_text(text, encoding="utf-8", newline="")
    except OSError as error:
        raise TrainerError(f"{path}: cannot write the bank file ({error.strerror or error})") from None


def read_bank_file(path: Path) -> list[BankEntry]:
    """The entries in a Markdown or CSV bank file (ids are None: the store gives them)."""
    kind = bank_format(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise TrainerError(f"{path}: cannot read the bank file ({getattr(error, 'strerror', None) or error})") from None
    return from_markdown(text, str(path)) if kind == "markdown" else from_csv(text, str(path))


# -- Markdown -------------------------------------------------------------------------------


def to_markdown(entries: Sequence[BankEntry]) -> str:
    """The bank as Markdown: a section per entry that `from_markdown` reads back unchanged."""
    out = [
        "# RepDrill opener bank",
        "",
        "Written by `trainer bank export`. Edit an opener in its quote (`>` lines) and read the file back with "
        "`trainer bank import`: entries already in your bank are matched by their words, never duplicated.",
    ]
    for entry in entries:
        heading = f"{entry.pack_id} / {entry.objection_id}" if entry.pack_id else entry.objection_id
        values = _values(entry)
        out += ["", f"## {heading}", ""]
        out += [f"- {name}: {values[name]}" for name in _FIELDS if values[name]]
        out += ["", *_quote(entry.text)]
        if entry.transcript:
            out += ["", HEARD, "", *_quote(entry.transcript)]
    return "\n".join(out) + "\n"


def _quote(text: str) -> list[str]:
    return [f"> {line}" if line else ">" for line in text.split("\n")]


def from_markdown(text: str, source: str = "<markdown>") -> list[BankEntry]:
    """The entries of a bank Markdown file; TrainerError at the first line that does not fit the format."""
    sections: list[dict] = []
    current: dict | None = None
    quote: list[str] | None = None
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip()
        if line.startswith(">"):
            if current is None:
                raise TrainerError(f"{source}:{number}: a quote before the first '## pack / objection' heading")
            if quote is None:
                quote = []
                current["quotes"].append((number, quote))
            quote.append(line[2:] if line.startswith("> ") else line[1:])
            continue
        quote = None
        if line == "##" or line.startswith("## "):
            current = {"line": number, "heading": line[3:].strip(), "fields": {}, "quotes": [], "heard": False}
            sections.append(current)
        elif current is None or not line or line.startswith("# "):
            continue
        elif line.startswith("- "):
            name, colon, value = line[2:].partition(":")
            if not colon or name.strip() not in _FIELDS:
                raise TrainerError(f"{source}:{number}: '{line}' is not a field; fields are '- name: value' with "
                                   f"name one of {', '.join(_FIELDS)}")
            current["fields"][name.strip()] = value.strip()
        elif line == HEARD:
            current["heard"] = True
        else:
            raise TrainerError(f"{source}:{number}: unexpected text '{line[:40]}'; put the opener in '> ' quote lines")
    return [_section_entry(section, source) for section in sections]


def _section_entry(section: dict, source: str) -> BankEntry:
    where = f"{source}:{section['line']}"
    pack_id, slash, objection_id = section["heading"].rpartition(" / ")
    if not objection_id.strip():
        raise TrainerError(f"{where}: the heading needs the objection: '## pack / objection'")
    quotes = ["\n".join(lines).strip() for _, lines in section["quotes"]]
    if not quotes or not quotes[0]:
        raise TrainerError(f"{where}: entry '{section['heading']}' has no opener; add it as '> ' quote lines")
    if len(quotes) > (2 if section["heard"] else 1):
        raise TrainerError(f"{source}:{section['quotes'][-1][0]}: one opener quote per entry (and one after "
                           f"'{HEARD}'); join the quotes")
    return _entry(section["fields"], pack_id.strip(), objection_id.strip(), quotes[0],
                  quotes[1] if len(quotes) > 1 else "", where)


# -- CSV ------------------------------------------------------------------------------------


def to_csv(entries: Sequence[BankEntry]) -> str:
    """The bank as CSV with a header row (`CSV_COLUMNS`)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for entry in entries:
        values = _values(entry)
        writer.writerow([entry.pack_id, entry.objection_id, values["category"], entry.text, entry.transcript,
                         *(values[name] for name in CSV_COLUMNS[5:])])
    return buffer.getvalue()


def from_csv(text: str, source: str = "<csv>") -> list[BankEntry]:
    """The entries of a bank CSV file; TrainerError naming the row of the first problem."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ("objection", "text") if c not in (reader.fieldnames or [])]
    if missing:
        raise TrainerError(f"{source}:1: the header row needs the columns {', '.join(missing)} "
                           f"(all columns: {', '.join(CSV_COLUMNS)})")
    entries = []
    for row in reader:
        where = f"{source}:{reader.line_num}"
        if not (row.get("text") or "").strip() or not (row.get("objection") or "").strip():
            raise TrainerError(f"{where}: every row needs an objection and a text")
        fields = {name: (row.get(name) or "").strip() for name in _FIELDS}
        entries.append(_entry(fields, (row.get("pack") or "").strip(), row["objection"].strip(), row["text"].strip(),
                              (row.get("transcript") or "").strip(), where))
    return entries


# -- shared ---------------------------------------------------------------------------------


def _values(entry: BankEntry) -> dict[str, str]:
    """An entry's fields as the text both formats write."""
    return {
        "category": entry.category,
        "tags": ", ".join(entry.tags),
        "score": "" if entry.score is None else f"{entry.score:g}",
        "starred": _YES if entry.starred else _NO,
        "retired": _YES if entry.retired else _NO,
        "recording": "" if entry.recording is None else str(entry.recording),
        "created": "" if entry.created_at is None else entry.created_at.isoformat(),
        "updated": "" if entry.updated_at is None else entry.updated_at.isoformat(),
    }


def _entry(fields: dict[str, str], pack_id: str, objection_id: str, text: str, transcript: str, where: str) -> BankEntry:
    """An entry from the text of its fields; TrainerError naming `where` and the bad field."""
    def flag(name: str) -> bool:
        value = fields.get(name, "").lower() or _NO
        if value not in (_YES, _NO):
            raise TrainerError(f"{where}: {name} is '{value}'; write yes or no")
        return value == _YES

    def moment(name: str) -> datetime | None:
        value = fields.get(name, "")
        try:
            return datetime.fromisoformat(value) if value else None
        except ValueError:
            raise TrainerError(f"{where}: {name} '{value}' is not a date and time (YYYY-MM-DDTHH:MM:SS)") from None

    score = fields.get("score", "")
    try:
        number = float(score) if score else None
    except ValueError:
        raise TrainerError(f"{where}: score '{score}' is not a number") from None
    if number is not None and not 0 <= number <= 100:
        raise TrainerError(f"{where}: score {number:g} is not 0-100")
    recording = fields.get("recording", "")
    return BankEntry(
        id=None, text=clean_text(text), objection_id=objection_id, pack_id=pack_id,
        category=fields.get("category", ""), transcript=clean_text(transcript), tags=clean_tags(fields.get("tags", "").split(",")), score=number,
        starred=flag("starred"), retired=flag("retired"), recording=Path(recording) if recording else None,
        created_at=moment("created"), updated_at=moment("updated"),
    )

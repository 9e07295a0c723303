"""The opener bank in the store: entries in `bank_entries`, each with its own copy of the take.

Banking a take copies its recording to `recordings/bank/<id>.wav`, so deleting the
drill it came from keeps the entry's audio. Entries are matched by their key (pack,
objection, normalised words: `trainer.core.bank.bank_key`): adding the same words
twice, or importing a file twice, never makes a duplicate.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable

from trainer.core.bank import BankEntry, PromptHelp, clean_tags, clean_text, prompt_help
from trainer.core.errors import TrainerError
from trainer.core.levels import LevelRules
from trainer.core.pack_model import Node, Objection, Pack
from trainer.core.whole_files import written_whole
from trainer.store.db import Store
from trainer.store.failures import STORAGE_ERRORS, storage_error
from trainer.store.recordings import RECORDINGS_DIR, fsync_path

BANK_DIR = f"{RECORDINGS_DIR}/bank"


def bank_recording_path(entry_id: int) -> str:
    """Where an entry's copy of its take is kept, relative to the data folder."""
    return f"{BANK_DIR}/{entry_id}.wav"


@dataclass(frozen=True)
class ImportResult:
    """What an import did: entries added, existing ones given new tags/stars, ones already there."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    without_audio: int = 0  # added entries whose recording was not found on this machine


def _entry(row: sqlite3.Row, store: Store) -> BankEntry:
    return BankEntry(
        id=row["id"], text=row["text"], objection_id=row["objection_id"], pack_id=row["pack_id"],
        category=row["category"], transcript=row["transcript"], tags=tuple(json.loads(row["tags"])),
        score=row["score"], starred=bool(row["starred"]), retired=bool(row["retired"]),
        recording=store.resolve(row["recording"]) if row["recording"] else None,
        source_turn_id=row["source_turn_id"], created_at=datetime.fromisoformat(row["created_at"]),
        updated_at=datetime.fromisoformat(row["updated_at"]),
    )


def bank_entries(
    store: Store,
    *,
    pack_id: str | None = None,
    objection_id: str | None = None,
    tag: str | None = None,
    include_retired: bool = False,
    starred_only: bool = False,
) -> list[BankEntry]:
    """Entries, by pack, objection and id, optionally filtered; retired ones only with `include_retired`."""
    where, params = ["1"], []
    for column, value in (("pack_id", pack_id), ("objection_id", objection_id)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    if not include_retired:
        where.append("retired = 0")
    if starred_only:
        where.append("starred = 1")
    rows = store.query(f"SELECT * FROM bank_entries WHERE {' AND '.join(where)} ORDER BY pack_id, objection_id, id",
                       params)
    entries = [_entry(row, store) for row in rows]
    wanted = clean_tags([tag]) if tag else ()
    return [e for e in entries if not wanted or wanted[0] in e.tags]


def bank_entry(store: Store, entry_id: int) -> BankEntry:
    """One entry by id; TrainerError pointing at `trainer bank list` when there is none."""
    rows = store.query("SELECT * FROM bank_entries WHERE id = ?", (entry_id,))
    if not rows:
        raise TrainerError(f"there is no bank entry {entry_id}; `trainer bank list --all` lists them")
    return _entry(rows[0], store)


def find_by_key(store: Store, key: str) -> BankEntry | None:
    """The entry with this key (retired ones too), if any."""
    return next((e for e in bank_entries(store, include_retired=True) if e.key == key), None)


def add_entry(store: Store, entry: BankEntry, recording_from: Path | None = None) -> tuple[BankEntry, bool]:
    """Bank `entry` (its id is ignored), copying `recording_from` as its audio; returns (entry, added).

    When an entry with the same key exists, nothing is written and that entry comes back with False.
    """
    text = clean_text(entry.text)
    if not text or not entry.objection_id:
        raise TrainerError("a bank entry needs the words to say and the objection they answer")
    existing = find_by_key(store, replace(entry, text=text).key)
    if existing is not None:
        return existing, False
    now = store.now_text()
    copied: Path | None = None
    try:
        with store.transaction("saving the bank entry") as conn:
            entry_id = conn.execute(
                "INSERT INTO bank_entries (text, transcript, pack_id, objection_id, category, tags, score, starred,"
                " retired, source_turn_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (text, clean_text(entry.transcript), entry.pack_id, entry.objection_id, entry.category,
                 json.dumps(list(clean_tags(entry.tags))), entry.score, int(entry.starred), int(entry.retired),
                 entry.source_turn_id, _stamp(entry.created_at) or now, _stamp(entry.updated_at) or now),
            ).lastrowid
            if recording_from is not None and recording_from.is_file():
                relative = bank_recording_path(entry_id)
                copied = _copy_recording(store, recording_from, relative)
                conn.execute("UPDATE bank_entries SET recording = ? WHERE id = ?", (relative, entry_id))
    except BaseException:
        if copied is not None:  # the row was rolled back: its audio must not stay behind as an orphan
            with suppress(OSError):
                copied.unlink()
        raise
    return bank_entry(store, entry_id), True


def add_from_turn(
    store: Store, turn_id: int, pack: Pack | None = None, text: str | None = None, tags: Iterable[str] = ()
) -> tuple[BankEntry, bool]:
    """Bank a stored take (the rep accepted an offer, or marked it): its transcript, score and audio.

    `text` replaces the transcript as the words to say next time; `pack` gives the category.
    """
    turns = store.turns_where("id = ?", (turn_id,))
    if not turns:
        raise TrainerError(f"there is no turn {turn_id}; `trainer history DRILL` shows the turn ids of a drill")
    turn = turns[0]
    if turn.status != "scored" or not (turn.transcript or "").strip():
        raise TrainerError(f"turn {turn_id} has no transcribed answer to bank; pick a scored turn with words")
    pack_id = store.query("SELECT pack_id FROM drills WHERE id = ?", (turn.drill_id,))[0]["pack_id"]
    category = ""
    if pack is not None and pack.id == pack_id:
        category = next((o.category for o in pack.objections if o.id == turn.objection_id), "")
    entry = BankEntry(
        id=None, text=text or turn.transcript, objection_id=turn.objection_id, pack_id=pack_id, category=category,
        transcript=turn.transcript, tags=tuple(tags), score=turn.score, source_turn_id=turn.id,
    )
    return add_entry(store, entry, turn.recording)


def update_entry(
    store: Store,
    entry_id: int,
    *,
    text: str | None = None,
    tags: Iterable[str] | None = None,
    starred: bool | None = None,
    retired: bool | None = None,
) -> BankEntry:
    """Change an entry's words, tags, star or retirement; returns it as stored."""
    entry = bank_entry(store, entry_id)
    if text is not None:
        text = clean_text(text)
        if not text:
            raise TrainerError(f"bank entry {entry_id}: the new text is empty; write the words you want to say")
        clash = find_by_key(store, replace(entry, text=text).key)
        if clash is not None and clash.id != entry_id:
            raise TrainerError(f"bank entry {clash.id} already has these words; edit or retire that one instead")
    changes = {
        "text": text, "tags": None if tags is None else json.dumps(list(clean_tags(tags))),
        "starred": None if starred is None else int(starred), "retired": None if retired is None else int(retired),
    }
    changes = {k: v for k, v in changes.items() if v is not None}
    if changes:
        sets = ", ".join(f"{column} = ?" for column in changes)
        with store.transaction("saving the bank entry") as conn:
            conn.execute(f"UPDATE bank_entries SET {sets}, updated_at = ? WHERE id = ?",
                         (*changes.values(), store.now_text(), entry_id))
    return bank_entry(store, entry_id)


def help_for(store: Store, pack_id: str, objection: Objection, rules: LevelRules, node: Node | None = None) -> PromptHelp:
    """What a drill shows with a line at this level: the model answer, the rep's best bank entry, or nothing."""
    entries = bank_entries(store, pack_id=pack_id, objection_id=objection.id) if rules.bank_visible else []
    return prompt_help(objection, rules, entries, node)


def import_entries(store: Store, entries: Iterable[BankEntry]) -> ImportResult:
    """Add entries read from a file; ones already banked (same key) only gain tags and a star.

    Audio is copied when the entry's recording exists on this machine.
    """
    added = updated = unchanged = without_audio = 0
    for entry in entries:
        existing = find_by_key(store, entry.key)
        if existing is None:
            recording = entry.recording if entry.recording is not None and entry.recording.is_file() else None
            add_entry(store, entry, recording)
            added += 1
            without_audio += entry.recording is not None and recording is None
            continue
        tags = clean_tags(existing.tags + entry.tags)
        starred = existing.starred or entry.starred
        if tags == existing.tags and starred == existing.starred:
            unchanged += 1
        else:
            update_entry(store, existing.id, tags=tags, starred=starred)
            updated += 1
    return ImportResult(added, updated, unchanged, without_audio)


def _copy_recording(store: Store, source: Path, relative: str) -> Path:
    """Copy a take into the bank folder durably (temporary file, fsync, rename)."""
    target = store.resolve(relative)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with written_whole(target) as partial:
            shutil.copyfile(source, partial)
            fsync_path(partial)
        fsync_path(target.parent)
    except STORAGE_ERRORS as error:
        raise storage_error(error, target.parent, f"copying the take to {relative}") from None
    return target


def _stamp(moment: datetime | None) -> str | None:
    """A datetime as the store writes it (UTC, milliseconds); naive times are taken as UTC."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds")

"""The rep's opener bank: which takes are offered, how entries are keyed, what a level shows.

The bank holds the rep's own words, not a top producer's script (docs/ladder.md "The
opener bank"). A take is offered when its answer to an objection's opening line scores at
least the offer threshold (practice.yaml, default 80) or when the rep marks it.
Entries are keyed by their pack, objection and normalised text, so importing a file
twice, or banking the same words twice, never makes a duplicate. `prompt_help`
decides what the rep sees before answering: the model answer where the level shows
the script, their best bank entry where it shows the bank (level 2), else nothing.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable, Sequence

from trainer.core.levels import LevelRules
from trainer.core.pack_model import Node, Objection, Pack
from trainer.core.practice import PracticeSettings, default_practice
from trainer.core.text import normalise

MODEL_ANSWER = "model_answer"
BANK = "bank"
NOTHING = "none"


@dataclass(frozen=True)
class BankEntry:
    """One opener in the bank: the words to say next time, where they came from, and the rep's marks."""

    id: int | None
    text: str
    objection_id: str
    pack_id: str = ""
    category: str = ""
    transcript: str = ""  # what the engine heard in the take
    tags: tuple[str, ...] = ()
    score: float | None = None
    starred: bool = False
    retired: bool = False
    recording: Path | None = None  # the entry's own copy of the take (absolute)
    source_turn_id: int | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def key(self) -> str:
        """The entry's identity across files and folders: pack, objection and normalised text."""
        return bank_key(self.pack_id, self.objection_id, self.text)

    def as_json(self) -> dict[str, Any]:
        """A JSON-ready dict (`trainer bank list/show --json`)."""
        return {
            "id": self.id, "key": self.key, "pack": self.pack_id, "objection": self.objection_id,
            "category": self.category, "text": self.text, "transcript": self.transcript, "tags": list(self.tags),
            "score": self.score, "starred": self.starred, "retired": self.retired,
            "recording": None if self.recording is None else str(self.recording),
            "source_turn": self.source_turn_id,
            "created_at": None if self.created_at is None else self.created_at.isoformat(),
            "updated_at": None if self.updated_at is None else self.updated_at.isoformat(),
        }


@dataclass(frozen=True)
class BankOffer:
    """A take offered for the bank after a drill: accept it with `trainer bank add --turn TURN`."""

    turn_id: int
    pack_id: str
    objection_id: str
    category: str
    transcript: str
    score: float | None
    recording: Path | None
    reason: str

    def as_json(self) -> dict[str, Any]:
        """A JSON-ready dict (the `bank_offers` of `trainer drill --json`)."""
        return {
            "turn_id": self.turn_id, "pack": self.pack_id, "objection": self.objection_id,
            "category": self.category, "transcript": self.transcript, "score": self.score,
            "recording": None if self.recording is None else str(self.recording), "reason": self.reason,
        }


@dataclass(frozen=True)
class PromptHelp:
    """What the rep sees before answering a line: the model answer, their bank entry, or nothing."""

    kind: str  # MODEL_ANSWER, BANK or NOTHING
    text: str
    entry_id: int | None = None
    tip: str | None = None

    def as_json(self) -> dict[str, Any]:
        """A JSON-ready dict (the `help` of a drill turn)."""
        return {"kind": self.kind, "text": self.text, "entry_id": self.entry_id, "tip": self.tip}


def bank_key(pack_id: str, objection_id: str, text: str) -> str:
    """A stable key for an opener: a hash of pack, objection and the text's normalised words."""
    material = "\x1f".join((pack_id, objection_id, normalise(text)))
    return hashlib.sha256(material.encode("utf-8")).hexdigest()[:16]


def clean_text(text: str) -> str:
    """Text as stored: no surrounding blank space, no trailing spaces on a line, Unix line ends."""
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def clean_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """Tags as stored: lowercase, words joined by dashes, comma-separated input split, no repeats, sorted."""
    out = set()
    for tag in tags:
        for part in tag.split(","):
            cleaned = re.sub(r"\s+", "-", part.strip().lower())
            if cleaned:
                out.add(cleaned)
    return tuple(sorted(out))


def bank_offer(
    pack: Pack,
    *,
    turn_id: int,
    objection_id: str,
    node_id: str,
    score: float | None,
    transcript: str,
    recording: Path | None = None,
    marked: bool = False,
    settings: PracticeSettings | None = None,
) -> BankOffer | None:
    """The offer for a take, or None: it must answer the objection's opening line, have words, and score
    at least the offer threshold unless the rep marked it."""
    settings = settings or default_practice()
    if node_id != objection_id or not transcript.strip():
        return None
    good = score is not None and score >= settings.bank_offer_score
    if not (good or marked):
        return None
    category = next((o.category for o in pack.objections if o.id == objection_id), "")
    reason = f"scored {score:.0f} (offered at {settings.bank_offer_score:g}+)" if good else "you marked this take"
    return BankOffer(turn_id, pack.id, objection_id, category, clean_text(transcript), score, recording, reason)


def best_entry(entries: Sequence[BankEntry], objection_id: str, pack_id: str | None = None) -> BankEntry | None:
    """The entry to show for an objection: starred first, then the best score, then the newest; never retired."""
    candidates = [
        e for e in entries
        if e.objection_id == objection_id and not e.retired and (pack_id is None or e.pack_id in ("", pack_id))
    ]
    if not candidates:
        return None
    return max(candidates, key=lambda e: (e.starred, e.score or 0, e.updated_at.timestamp() if e.updated_at else 0, e.id or 0))


def prompt_help(
    objection: Objection, rules: LevelRules, entries: Sequence[BankEntry] = (), node: Node | None = None
) -> PromptHelp:
    """What to show before the rep answers `node` (default: the objection's opening line) at this level.

    Levels that show the script give the model answer; levels that show the bank
    (level 2) give the rep's best entry for the objection instead, never the model
    answer; other levels show nothing. The node's tip comes along where help is shown.
    """
    node = node or objection
    if rules.script_visible:
        return PromptHelp(MODEL_ANSWER, node.model_answer, tip=node.tip)
    if rules.bank_visible:
        entry = best_entry(entries, objection.id) if node.id == objection.id else None
        if entry is not None:
            return PromptHelp(BANK, entry.text, entry.id, node.tip)
        return PromptHelp(
            NOTHING, "no opener banked for this objection yet: answer in your own words "
            "(a take that scores well is offered for your bank)", tip=node.tip,
        )
    return PromptHelp(NOTHING, "")

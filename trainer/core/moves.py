"""The move library: what each kind of rubric move means, as data.

`trainer/data/moves.yaml` defines every move kind the built-in packs use (acknowledge,
ask, next_step, reframe ...): a one-line definition, the pack move ids that mean the same
kind (`aliases`), example sentences in many registers, and near misses that must not earn
it (`not`: negations, pitches, vague offers). The meaning recogniser
(`trainer.core.meaning`) compares an answer's clauses with these, plus what a pack adds
for its own move: the cue phrases, the model answer's clause that makes the move, and
optional `examples:`. A pack's own move id that is no kind here is judged from those
alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Mapping

from trainer.core.data_files import read_data_yaml
from trainer.core.errors import TrainerError
from trainer.core.paths import PACKAGE_DATA
from trainer.core.text import tokens

MOVES_FILE = PACKAGE_DATA / "moves.yaml"


@dataclass(frozen=True)
class MoveKind:
    """One kind of move: its definition, examples and near misses."""

    id: str
    definition: str
    aliases: tuple[str, ...]
    examples: tuple[str, ...]
    near_misses: tuple[str, ...]


@dataclass(frozen=True)
class MoveLibrary:
    """Every move kind, found by its id or by one of its aliases."""

    kinds: Mapping[str, MoveKind]
    clause_markers: tuple[tuple[str, ...], ...] = ()
    function_words: frozenset[str] = frozenset()  # what makes words a sentence (see is_word_list)
    backchannels: frozenset[str] = frozenset()  # "okay", "yeah": alone they make no move
    question_leads: tuple[tuple[str, ...], ...] = ()  # "out of curiosity", "i was wondering": a question follows

    def kind_of(self, move_id: str) -> MoveKind | None:
        """The kind a pack's move id means (itself or an alias), None for a pack's own move."""
        if move_id in self.kinds:
            return self.kinds[move_id]
        for kind in self.kinds.values():
            if move_id in kind.aliases:
                return kind
        return None

    def definition(self, move_id: str) -> str | None:
        """The one-line definition of a move id, for advice; None for a pack's own move."""
        kind = self.kind_of(move_id)
        return kind.definition if kind else None


def load_move_library(path: Path = MOVES_FILE) -> MoveLibrary:
    """Read and check a moves file (the built-in one by default); errors name the file and the kind."""
    data = read_data_yaml(path, "move library")
    if not isinstance(data, dict) or not isinstance(data.get("moves"), dict):
        raise TrainerError(f"{path}: expected a mapping with a 'moves:' mapping of move kinds")
    kinds = {}
    seen: dict[str, str] = {}
    for kind_id, entry in data["moves"].items():
        where = f"{path}: moves.{kind_id}"
        if not isinstance(entry, dict):
            raise TrainerError(f"{where}: expected definition, aliases, examples and not")
        kind = MoveKind(
            id=str(kind_id),
            definition=_text(entry.get("definition"), f"{where}.definition"),
            aliases=_texts(entry.get("aliases", []), f"{where}.aliases"),
            examples=_texts(entry.get("examples"), f"{where}.examples", required=True),
            near_misses=_texts(entry.get("not", []), f"{where}.not"),
        )
        for name in (kind.id, *kind.aliases):
            if name in seen:
                raise TrainerError(f"{where}: '{name}' is already a name of move kind '{seen[name]}'; keep one")
            seen[name] = kind.id
        kinds[kind.id] = kind
    markers = tuple(tuple(tokens(m)) for m in _texts(data.get("clause_markers", []), f"{path}: clause_markers"))
    function_words = frozenset(w.lower() for w in _texts(data.get("function_words", []), f"{path}: function_words"))
    backchannels = frozenset(w.lower() for w in _texts(data.get("backchannels", []), f"{path}: backchannels"))
    leads = tuple(tuple(tokens(m)) for m in _texts(data.get("question_leads", []), f"{path}: question_leads"))
    return MoveLibrary(kinds, tuple(m for m in markers if m), function_words, backchannels, tuple(m for m in leads if m))


@lru_cache(maxsize=1)
def default_move_library() -> MoveLibrary:
    """The built-in move library, read once."""
    return load_move_library()


def _text(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise TrainerError(f"{where}: expected a line of text")
    return value.strip()


def _texts(value: object, where: str, required: bool = False) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise TrainerError(f"{where}: expected a list of texts (quote words YAML reads as true/false: \"yes\", \"no\", \"on\")")
    if required and not value:
        raise TrainerError(f"{where}: give at least one example sentence")
    return tuple(v.strip() for v in value)

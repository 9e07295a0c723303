"""The lexicons behind fillers, hedges and questions, and phrase matching on words.

The lists are data (`trainer/data/lexicons.yaml`, with their sources); a pack's
`lexicon:` block extends them. Phrases are matched on normalised tokens
(`trainer.core.text`), longest phrase first, never overlapping within one list, and a
match inside an exception phrase ("do you know" for the filler "you know") is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Mapping, Sequence

from trainer.core.data_files import read_data_yaml
from trainer.core.errors import TrainerError
from trainer.core.paths import PACKAGE_DATA
from trainer.core.text import tokens

LEXICONS_FILE = PACKAGE_DATA / "lexicons.yaml"
CATEGORIES = ("fillers", "hedges", "question_openers", "connectors", "question_preludes")

Phrase = tuple[str, ...]


@dataclass(frozen=True)
class PhraseMatch:
    """A lexicon phrase found at items [start, end) of a token list (or, once mapped, a word list)."""

    phrase: str
    start: int
    end: int


@dataclass(frozen=True)
class Lexicon:
    """Phrase lists by category (each phrase a tuple of normalised tokens) and their exceptions."""

    lists: Mapping[str, tuple[Phrase, ...]]
    exceptions: Mapping[str, tuple[Phrase, ...]] = field(default_factory=dict)

    def phrases(self, category: str) -> tuple[Phrase, ...]:
        """The phrases of one category, longest first."""
        return self.lists.get(category, ())

    def find(self, category: str, words: Sequence[str]) -> list[PhraseMatch]:
        """Non-overlapping matches of the category's phrases in normalised tokens, left to right.

        At each position the longest phrase wins; matches that fall inside a match of one
        of the category's exception phrases are dropped.
        """
        excluded = [
            (m.start, m.end) for m in _scan(self.exceptions.get(category, ()), words)
        ]
        return [
            m
            for m in _scan(self.phrases(category), words)
            if not any(s <= m.start and m.end <= e for s, e in excluded)
        ]

    def starts_with(self, category: str, words: Sequence[str], at: int = 0) -> PhraseMatch | None:
        """The category phrase that starts exactly at token `at` (longest), unless an exception covers it.

        The same answer as the first match of `find` on `words[at:]`, without scanning the rest:
        only an exception that also starts at `at` can cover a match there.
        """
        phrase = _longest_at(self.phrases(category), words, at)
        if phrase is None:
            return None
        exception = _longest_at(self.exceptions.get(category, ()), words, at)
        if exception is not None and len(exception) >= len(phrase):
            return None
        return PhraseMatch(" ".join(phrase), at, at + len(phrase))

    def extended(self, extension: Mapping[str, Sequence[str]], source: str = "pack") -> "Lexicon":
        """A copy with extra phrases per category (a pack's `lexicon:` block)."""
        lists = {name: list(phrases) for name, phrases in self.lists.items()}
        for category, phrases in extension.items():
            if category not in CATEGORIES:
                raise TrainerError(
                    f"{source}: unknown lexicon list {category!r}; use one of {', '.join(CATEGORIES)}"
                )
            lists.setdefault(category, []).extend(_phrases(phrases, f"{source}: lexicon.{category}"))
        return Lexicon({name: _sorted(p) for name, p in lists.items()}, self.exceptions)


def _scan(phrases: Sequence[Phrase], words: Sequence[str]) -> list[PhraseMatch]:
    """Left-to-right, longest-first, non-overlapping matches of `phrases` (sorted longest first)."""
    matches: list[PhraseMatch] = []
    i = 0
    while i < len(words):
        for phrase in phrases:
            if tuple(words[i : i + len(phrase)]) == phrase:
                matches.append(PhraseMatch(" ".join(phrase), i, i + len(phrase)))
                i += len(phrase)
                break
        else:
            i += 1
    return matches


def _longest_at(phrases: Sequence[Phrase], words: Sequence[str], at: int) -> Phrase | None:
    """The first of `phrases` (sorted longest first) that the tokens spell from `at`, if any."""
    for phrase in phrases:
        if tuple(words[at : at + len(phrase)]) == phrase:
            return phrase
    return None


def _phrases(entries: object, where: str) -> list[Phrase]:
    """Normalised token tuples of a YAML list of phrases, with an error naming `where` if it is not one."""
    if not isinstance(entries, (list, tuple)) or not all(isinstance(e, str) for e in entries):
        raise TrainerError(f"{where}: expected a list of phrases (strings)")
    out = [tuple(tokens(entry)) for entry in entries]
    empty = [entry for entry, phrase in zip(entries, out) if not phrase]
    if empty:
        raise TrainerError(f"{where}: phrase {empty[0]!r} has no words; remove it")
    return out


def _sorted(phrases: Sequence[Phrase]) -> tuple[Phrase, ...]:
    """Unique phrases, longest first (so the longest match wins), then alphabetical."""
    return tuple(sorted(set(phrases), key=lambda p: (-len(p), p)))


def load_lexicon(path: Path = LEXICONS_FILE) -> Lexicon:
    """Read a lexicons YAML file (the built-in one by default)."""
    data = read_data_yaml(path, "lexicons")
    if not isinstance(data, dict):
        raise TrainerError(f"{path}: expected a mapping of lists (fillers, hedges, ...)")
    lists = {}
    for category in CATEGORIES:
        lists[category] = _sorted(_phrases(data.get(category, []), f"{path}: {category}"))
    exceptions = {
        category: _sorted(_phrases(phrases, f"{path}: exceptions.{category}"))
        for category, phrases in (data.get("exceptions") or {}).items()
    }
    return Lexicon(lists, exceptions)


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The built-in lexicons, read once."""
    return load_lexicon()


def lexicon_for(extension: Mapping[str, Sequence[str]] | None, source: str = "pack") -> Lexicon:
    """The built-in lexicons extended by a pack's `lexicon:` block (or as they are when it is empty)."""
    base = default_lexicon()
    return base.extended(extension, source) if extension else base


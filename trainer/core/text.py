"""Word normalisation shared by the lexicon, the rubric and the metrics.

Engines differ in case, punctuation and apostrophes ("What's", "what’s", "that?"), so
everything that compares words compares normalised tokens: lowercase, curly quotes
and backticks turned into "'", punctuation dropped, apostrophes kept inside words
("don't", "what's"), numbers left as the engine wrote them ("3" stays "3", "three"
stays "three"). Hyphens and slashes separate tokens ("follow-up" -> "follow", "up").
"""

from __future__ import annotations

import re
from typing import Sequence

from trainer.core.transcript import Word

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"})
# A token: letters/digits, optionally joined by inner apostrophes (don't, o'clock, what's).
_TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
# Sentence punctuation an engine may attach to a word; its presence means "the engine punctuates".
SENTENCE_END = frozenset(".?!")
CLAUSE_END = frozenset(".?!;:,")


def tokens(text: str) -> list[str]:
    """The normalised tokens of a piece of text (a word, a cue phrase, a whole answer)."""
    return _TOKEN.findall(text.translate(_APOSTROPHES).lower())


def normalise(text: str) -> str:
    """The normalised form of a phrase: its tokens joined by single spaces."""
    return " ".join(tokens(text))


def word_tokens(words: Sequence[Word]) -> tuple[list[str], list[int]]:
    """Tokens of a list of engine words, and for each token the index of the word it came from.

    One word can give several tokens ("follow-up") or none ("[unk]" gives "unk"; "-" gives none),
    so matches found on tokens are mapped back to words through the second list.
    """
    out: list[str] = []
    owner: list[int] = []
    for index, word in enumerate(words):
        for token in tokens(word.text):
            out.append(token)
            owner.append(index)
    return out, owner


def trailing_punctuation(text: str) -> str:
    """The punctuation characters a word ends with ("that?" -> "?", "well," -> ",", "so" -> "")."""
    stripped = text.rstrip().rstrip("\"')]}\u201d\u2019")
    end = len(stripped)
    while end > 0 and not (stripped[end - 1].isalnum()):
        end -= 1
    return stripped[end:]

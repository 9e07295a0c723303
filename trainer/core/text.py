"""Word normalisation shared by the lexicon, the rubric and the metrics.

Engines differ in case, punctuation and apostrophes ("What's", "what’s", "that?"), so
everything that compares words compares normalised tokens: lowercase, curly quotes
and backticks turned into "'", punctuation dropped, apostrophes kept inside words
("don't", "what's"), and numbers spelled out, since Whisper writes "15 minutes" and
"40%" where a cue says "fifteen minutes" and "forty percent" ("15" -> "fifteen",
"21" -> "twenty", "one", "$20" -> "twenty", "dollars"), and ordinals as Vosk says them
("1st" -> "first", "21st" -> "twenty", "first"). Hyphens and slashes separate tokens
("follow-up" -> "follow", "up").
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Sequence

from num2words import num2words

from trainer.core.transcript import Word

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"})
# A token: letters/digits, optionally joined by inner apostrophes (don't, o'clock, what's).
_TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
# Sentence punctuation an engine may attach to a word; its presence means "the engine punctuates".
SENTENCE_END = frozenset(".?!")
CLAUSE_END = frozenset(".?!;:,")


_DOLLARS = re.compile(r"\$\s?(\d[\d,]*)")
# Whisper writes "1st", "the 2nd call"; Vosk and cues say "first", "second".
_ORDINAL = re.compile(r"\b(\d+)(?:st|nd|rd|th)\b", re.IGNORECASE)
_DIGITS = re.compile(r"\d{1,3}(?:,\d{3})+(?!\d)|\d+")  # 1,500 is one number
_MAX_SPELLED = 10**9  # longer digit strings (ids, phone numbers) are left as they are


def _spell_number(match: re.Match) -> str:
    value = int(match.group().replace(",", ""))
    return f" {num2words(value)} " if value < _MAX_SPELLED else match.group()


def _spell_ordinal(match: re.Match) -> str:
    value = int(match.group(1))
    return f" {num2words(value, to='ordinal')} " if value < _MAX_SPELLED else match.group()


def tokens(text: str) -> list[str]:
    """The normalised tokens of a piece of text (a word, a cue phrase, a whole answer)."""
    return list(_tokens(text))


@lru_cache(maxsize=4_096)  # an answer's words are normalised again for every clause and move judged
def _tokens(text: str) -> tuple[str, ...]:
    text = _DOLLARS.sub(lambda m: f"{m.group(1)} dollars", text.translate(_APOSTROPHES))
    text = _ORDINAL.sub(_spell_ordinal, text)
    text = _DIGITS.sub(_spell_number, text.replace("%", " percent"))
    return tuple(_TOKEN.findall(text.lower()))


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

"""What the words heard so far still owe: the end-of-turn word lists and the clause shapes that wait.

`trainer.core.turn_end` judges whether the rep is done from the words heard so far; this
module holds the evidence it reads. The lists of `trainer/data/turn_end.yaml` (words after
which a speaker is not done: conjunctions, prepositions, articles, auxiliaries, openings,
plus the lexicon's fillers; clause openers, prefaces, announcing subjects) and the shapes
of a clause still going on: a lone "If ..." clause, a question lead waiting for its question,
prefaces alone, an announcing subject or a "what" clause whose complement is due, and the
wh-question whose preposition was stranded at its end (which is finished, not waiting).
Pure functions of the text; the engines' punctuation is used where they write it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from trainer.core import paths
from trainer.core.clauses import MIN_LEAD_TOKENS
from trainer.core.data_files import read_data_yaml
from trainer.core.errors import TrainerError
from trainer.core.lexicon import default_lexicon
from trainer.core.moves import default_move_library
from trainer.core.question_shape import after_lead, new_question_at, question_start
from trainer.core.text import tokens

TURN_END_FILE = paths.PACKAGE_DATA / "turn_end.yaml"
CATEGORIES = ("conjunctions", "prepositions", "articles", "auxiliaries", "unfinished")
OPENERS = "clause_openers"  # not trailing words: what makes a sentence a clause waiting for its main clause
WHOLE = "whole_answers"  # lead-ins ("okay") that are a whole answer on their own
SUBJECTS = "subjects"  # pronouns that start a clause: a main clause after an opening "if ..." clause
PREFACES = "prefaces"  # acknowledgements that lead into an answer ("i hear you"): alone, not yet an answer
EXTRAS = "preface_extras"  # skipped around a preface: "yeah, that's a really fair question"
ANNOUNCING = "announcing_subjects"  # "the reason", "the real question": their verb and complement are still due
ANNOUNCED_BY = "announced_by"  # the verbs that bring what such a subject announces ("is", "was")
CLEFT_SUBJECTS = "cleft_subjects"  # after "what", words that open its clause's subject: "what most people find is"
# A "what" clause that opens a statement ("what i'm suggesting", "what most people find") is the subject of a
# "be" still to come, whatever verb its own clause has ("what we could do is ..."); only these bring what it announces.
# ... but "what a" and "what an" exclaim ("what a nightmare", "what a week"): no subject opens there.
_EXCLAIMING = frozenset({"a", "an"})
_CLEFT_BE = frozenset({"is", "was", "isn't", "wasn't", "are", "were"})
# After an announcing subject's verb, words that still leave its complement to come ("the real question is not",
# "the real question is no ..."; "the answer is no" is whole, but "answer" announces nothing).
_STILL_DUE = frozenset({"not", "no", "that"})
# An announcing subject's own clause ("the reason [most shops switch]", "the reason [we called you today]") is
# short; this many words after it with no verb have said what it announced, through a misheard verb (Vosk:
# 'the reason most shops switches thank you for hours a week', 'the reason most shops legion let you for our
# family' waited the whole patience at the answer's real end, bench/turns.py --list, 2026-12-07).
ANNOUNCED_WITHIN = 7


@dataclass(frozen=True)
class TrailingWords:
    """The phrases after which a speaker is not done, by category (longest first), and the fillers."""

    lists: dict[str, tuple[tuple[str, ...], ...]]
    openers: tuple[tuple[str, ...], ...] = ()
    whole: tuple[tuple[str, ...], ...] = ()
    subjects: frozenset[str] = frozenset()
    prefaces: tuple[tuple[str, ...], ...] = ()
    extras: frozenset[str] = frozenset()
    announcing: tuple[tuple[str, ...], ...] = ()
    announced_by: frozenset[str] = frozenset()
    cleft_subjects: frozenset[str] = frozenset()

    def trailing(self, words: list[str]) -> tuple[str, str] | None:
        """(category, phrase) of the longest listed phrase that `words` end with, else None."""
        best: tuple[int, str, str] | None = None
        for category, phrases in self.lists.items():
            for phrase in phrases:
                n = len(phrase)
                if n <= len(words) and tuple(words[-n:]) == phrase and (best is None or n > best[0]):
                    best = (n, category, " ".join(phrase))
        return None if best is None else (best[1], best[2])


def load_trailing_words(path: Path = TURN_END_FILE) -> TrailingWords:
    """The word lists in `path` plus the default lexicon's fillers; TrainerError naming the file and the fix."""
    data = read_data_yaml(path, "end-of-turn word lists")
    names = (*CATEGORIES, OPENERS, WHOLE, SUBJECTS, PREFACES, EXTRAS, ANNOUNCING, ANNOUNCED_BY, CLEFT_SUBJECTS)
    if not isinstance(data, dict) or sorted(data) != sorted(names):
        raise TrainerError(f"{path}: expected the lists {', '.join(names)}")
    lists: dict[str, tuple[tuple[str, ...], ...]] = {}
    for category in names:
        entries = data[category]
        if not isinstance(entries, list) or not all(isinstance(e, str) and tokens(e) for e in entries):
            raise TrainerError(f"{path}: `{category}` must be a list of words or phrases")
        lists[category] = tuple(tuple(tokens(e)) for e in entries)
    lists["fillers"] = default_lexicon().phrases("fillers")
    openers, whole, subjects = lists.pop(OPENERS), lists.pop(WHOLE), lists.pop(SUBJECTS)
    prefaces, extras = lists.pop(PREFACES), lists.pop(EXTRAS)
    announcing, announced_by = lists.pop(ANNOUNCING), lists.pop(ANNOUNCED_BY)
    cleft = frozenset(" ".join(w) for w in lists.pop(CLEFT_SUBJECTS)) | frozenset(" ".join(w) for w in subjects)
    cleft |= frozenset(" ".join(w) for w in lists["articles"]) - _EXCLAIMING
    return TrailingWords(lists, tuple(sorted(openers, key=len, reverse=True)), whole,
                         frozenset(" ".join(s) for s in subjects), tuple(sorted(prefaces, key=len, reverse=True)),
                         frozenset(" ".join(i) for i in extras), announcing,
                         frozenset(" ".join(v) for v in announced_by), cleft)


@lru_cache(maxsize=1)
def trailing_words() -> TrailingWords:
    """The built-in lists, read once."""
    return load_trailing_words()


_CLAUSES = re.compile(r"[.!?,;:]+(?=\s|$)")


_SENTENCES = re.compile(r"[.!?]+(?=\s|$)")


def lone_clause_opener(text: str) -> str | None:
    """The opener ("if", "unless" ...) when the answer so far is one sentence and that clause alone ("If the
    price were right."), else None. Where the engine punctuates, the commas show the clauses; without
    punctuation (Vosk) only an answer that opens with the clause is judged, and its main clause is known by a
    subject of its own after the clause's ("if the price is right we can start": "we"; "if you want i can").
    """
    if text.rstrip().endswith("?"):
        return None
    if not any(mark in text for mark in ".,;:!?"):
        return _unpunctuated_lone_clause(after_leads(tokens(text)))
    sentences = [s for s in _SENTENCES.split(text) if tokens(s)]
    if len(sentences) != 1:  # after a finished sentence, "If you want." is an afterthought, not an opening
        return None
    clauses = [after_leads(tokens(c)) for c in re.split(r"[,;:]", sentences[0])]
    clauses = [c for c in clauses if c]  # "So, if ...": a lead alone is no clause
    if len(clauses) != 1:
        return None
    words = clauses[0]
    for opener in trailing_words().openers:
        if tuple(words[:len(opener)]) == opener:
            return " ".join(opener)
    return None


def _unpunctuated_lone_clause(words: list[str]) -> str | None:
    """The opener when unpunctuated `words` open with a clause opener and hold no second subject after it.

    Checked on the own-words answers (tests/data/own_words, 366 held-out answers typed and as Vosk heard
    them, 457 calibration ones): it judged 1 typed and 2 Vosk answers unfinished ('Well, if the cap fits.',
    and two mishearings); on the built-in packs it catches 7 of the 11 answers that open with such a clause
    cut at its comma ('if that sounds familiar', not 'if that's fine with you': 'you' reads as a subject).
    """
    lists = trailing_words()
    for opener in lists.openers:
        n = len(opener)
        if tuple(words[:n]) == opener and len(words) > n and not any(w in lists.subjects for w in words[n + 1:]):
            return " ".join(opener)
    return None


_HANDING_OVER = ("tell", "me")  # "why, should something be wrong? you tell me": a lead that is a whole request


def trailing_question_lead(words: list[str]) -> str | None:
    """The question lead of moves.yaml (`question_leads`: "out of curiosity", "i was wondering") that `words` end
    with, else None: the question it leads into is still due."""
    found = [lead for lead in default_move_library().question_leads
             if tuple(words[-len(lead):]) == lead and lead != _HANDING_OVER]
    return " ".join(max(found, key=len)) if found else None


def question_before_lead(text: str, lead: str) -> bool:
    """True when the sentence that ends with the lead holds more than the lead ("Topic or timing, out of curiosity?",
    as Whisper writes it "... out of curiosity."): with its "?" or full stop written, the lead came after its question,
    which is finished ("I was wondering." alone still waits)."""
    sentences = [tokens(s) for s in _SENTENCES.split(text) if tokens(s)]
    return bool(sentences) and len(sentences[-1]) > len(lead.split())


def only_prefaces(words: list[str]) -> bool:
    """True when `words` are prefaces alone ("okay, yeah, i hear you, that's a really fair question"), with lead-ins,
    fillers and the lists' extras around them: the rep has acknowledged the point but not yet answered it."""
    lists, lexicon = trailing_words(), default_lexicon()
    kept = [w for w in words if w not in lists.extras]
    at, found = after_lead(kept, lexicon), False
    while at < len(kept):
        preface = next((p for p in lists.prefaces if tuple(kept[at:at + len(p)]) == p), None)
        if preface is None:
            return False
        at, found = after_lead(kept, lexicon, at + len(preface)), True
    return found


def before_address(text: str) -> list[str]:
    """The words before a last lone word set off by a comma ("i hear you, | sarah."): a name the rep addresses,
    or a short word misheard as one (Whisper has written "I hear you, and" as "I hear you, Anne."); else []."""
    head, comma, last = text.rstrip().rpartition(",")
    return tokens(head) if comma and len(tokens(last)) == 1 else []


def announcement_due(text: str) -> str | None:
    """The announcing subject ("the reason", "the real question", or a "what" clause: "what most people find") that
    opens the answer's last clause when its verb has not come after it ("the reason most shops switch") or has come
    with nothing said yet ("the real question is not"), else None. A clause opens the answer, a sentence (where the
    engine punctuates) or follows a connector."""
    lists, lexicon = trailing_words(), default_lexicon()
    sentences = [s for s in _SENTENCES.split(text) if tokens(s)]
    if not sentences:
        return None
    words = tokens(sentences[-1])
    found = None
    for at in range(len(words)):
        opens = at == after_lead(words, lexicon) or (at > 0 and after_lead(words, lexicon, at - 1) == at)
        head = next((h for h in lists.announcing if tuple(words[at:at + len(h)]) == h), None) if opens else None
        if head is None and _opens_cleft(words, at):
            head = tuple(words[at:at + 2])
        if head is not None:
            found = (at, head)
    if found is None:
        return None
    at, head = found
    rest = words[at + len(head):]
    verbs = _CLEFT_BE if head[0] == "what" else lists.announced_by
    verb = next((n for n, w in enumerate(rest) if w in verbs), None)
    if verb is None and len(rest) >= ANNOUNCED_WITHIN:  # its verb was misheard: what it announced has come
        return None
    if verb is None or all(w in _STILL_DUE for w in rest[verb + 1:]):
        return " ".join(words[at:])
    return None


def _opens_cleft(words: list[str], at: int) -> bool:
    """True when a "what" clause with a subject of its own opens the sentence at `at` ("so what i'd suggest", "what
    most people find"). Only at the sentence's start (after lead-ins): later, "and what you'd change" or "so what
    you think counts for a lot" is a list's item or has its verb already (own-words answers, 2026-12-07); and not
    after "you know", whose "what" is an exclamation ("you know what, you're right")."""
    lists = trailing_words()
    return (words[at] == "what" and at + 1 < len(words) and words[at + 1] in lists.cleft_subjects
            and at == after_lead(words, default_lexicon()) and (at == 0 or words[at - 1] != "know"))


# A wh-question whose preposition already follows its verb's object has left the preposition's own object
# at the front: "what are you comparing it with", "who did you buy them from", "can i ask where you got that
# from". Without a question mark (Vosk) such a question read as ending on a preposition and waited the whole
# patience (bench/turns.py 2026-12-07: every 'can i ask what you are comparing it with' waited 3.0 s). Other
# questions ending on a preposition still wait: "what do you think about ..." goes on as often as it stops.
# The preposition belongs to the last clause opened ("what happens when you give it to ..." is the "when"
# clause's, unfinished), and "what most teams do is compare it with ..." (a statement: "is" after the clause)
# strands nothing.
_STRANDING_WH = frozenset({"what", "who", "whom", "which", "where"})
_CLAUSE_OPENERS = _STRANDING_WH | {"when", "how", "why", "if", "because", "while", "whether", "unless", "until"}
_OBJECTS = frozenset({"it", "them", "that", "this", "these", "those", "him", "her", "me", "us", "one"})
# The wh-word is the preposition's object only when a subject or an auxiliary follows it ("who did you buy it
# from", "what you are comparing it with"); followed by a verb it is the subject ("what swung it for ...").
_OBJECT_QUESTION = frozenset({"do", "does", "did", "are", "is", "was", "were", "would", "will", "can", "could",
                              "should", "have", "has", "had", "i", "you", "we", "they", "he", "she", "i'd",
                              "you'd", "we'd", "you're", "we're", "they're", "i'm", "you've", "we've"})
_TO_INFINITIVE = frozenset({"want", "need", "like", "love", "ask", "expect", "get", "allow", "help", "tell",
                            "for", "from", "with", "by", "of"})  # "for it to", "from us to": a verb is due


def stranded(text: str) -> bool:
    """True when the last clause of unpunctuated `text` is a wh-question that ends on '<object> <preposition>'."""
    words = tokens([p for p in _CLAUSES.split(text) if tokens(p)][-1])
    if len(words) < 4 or words[-2] not in _OBJECTS:
        return False
    if words[-1] == "to" and words[-3] in _TO_INFINITIVE:  # "want me to", "for this to": a verb is due
        return False
    at = max((n for n, w in enumerate(words[:-2]) if w in _CLAUSE_OPENERS), default=None)
    if at is None or words[at] not in _STRANDING_WH:
        return False
    after = at + 2 if words[at] == "which" else at + 1  # "which team do you ..."
    # One subject after the wh-word, the question's own: a second starts another clause, which the preposition
    # belongs to ("what do you spend a month i'll have a summary on exactly that in ...": run-on, unpunctuated).
    subjects = sum(w in trailing_words().subjects for w in words[at + 1:-2])
    return (words[after] in _OBJECT_QUESTION and subjects <= 1
            and not any(w in ("is", "was") for w in words[after + 1:-2]))


def after_leads(words: list[str]) -> list[str]:
    """`words` without the connectors and fillers they open with ("so um what's ..." -> "what's ...")."""
    return words[after_lead(words, default_lexicon()):]


def opens_question(text: str) -> bool:
    """The last clause is a question by how it opens ("what ...", "and could you ..."), for engines that do not
    punctuate: a clause runs from the answer's start, a connector, or a question opener after a statement in
    one breath ("i understand can i ask what you had in mind": the rule of `trainer.core.clauses`)."""
    pieces = [p for p in _CLAUSES.split(text) if tokens(p)]
    if not pieces:
        return False
    lexicon = default_lexicon()
    words = tokens(pieces[-1])
    start = after_lead(words, lexicon)
    question = lexicon.starts_with("question_openers", words, question_start(words, lexicon)) is not None
    for at in range(start + MIN_LEAD_TOKENS, len(words)):
        if at - start < MIN_LEAD_TOKENS:
            continue
        if new_question_at(words, at, start, lexicon):
            start, question = at, True
        elif lexicon.starts_with("connectors", words, at) is not None and after_lead(words, lexicon, at) < len(words):
            start = after_lead(words, lexicon, at)  # a connector last ("what are you using now") opens nothing
            question = lexicon.starts_with("question_openers", words, question_start(words, lexicon, start)) is not None
    return question

"""What a clause's shape says about the act it can be, whatever it means: the move recogniser's rules.

A genuine question to the prospect (not a pushing one), a negation, an acknowledgement taken back by "but"
or a dismissal ("whatever."), a clause of backchannels only, an answer that is a list of words rather than
sentences.
`trainer.core.meaning` turns these into features and eligibility; the word lists come
from trainer/data/moves.yaml and the lexicon.
"""

from __future__ import annotations

from typing import Sequence

from trainer.core.clauses import Clause
from trainer.core.lexicon import Lexicon
from trainer.core.moves import MoveLibrary, default_move_library
from trainer.core.question_shape import SUBJECT_REACH, after_lead, ends_in_tag, inverted, question_start
from trainer.core.text import trailing_punctuation, word_tokens
from trainer.core.transcript import Word

# "I know, but ...": an acknowledgement taken back in the same breath is not one (coaches teach
# "and" for "but"); measured on the calibration set, 5 of 6 such openings were not credited.
# "It should be a priority, though": a "though" takes back what it ends.
_TAKE_BACK = frozenset({"but", "however", "though", "although"})
# "Sure, I hear you. Whatever.": a dismissal right after an acknowledgement takes it back as a "but" does
# (with True: only where it ends its sentence, since "whatever you use now ..." and "so what do you ..." go on).
_DISMISSALS = ((("whatever",), True), (("so", "what"), True), (("who", "cares"), False), (("i", "don't", "care"), False),
               (("don't", "care"), False), (("couldn't", "care", "less"), False))
_SECOND_PERSON = frozenset({"you", "your", "you're", "yours", "you've", "you'd", "you'll", "y'all", "ya"})
# Negation words: "I don't care what you use" is not an acknowledgement, whatever its topic.
NEGATION_REACH = 3  # words before a cue phrase in which a negation negates it: "I don't really hear you"
_NEGATIONS = frozenset({"not", "no", "never", "nothing", "nobody", "none", "neither", "nor"})
# Questions that push rather than ask: "wouldn't you like ...", "don't you want ...", "isn't it time ...".
# After a lead, an embedded question is asked: "I was wondering if you ...", "mind if I ask what you pay"
# (without a lead, "what you pay is ..." is a statement: lexicons.yaml's question_openers exceptions)
_EMBEDDED_OPENERS = frozenset({"if", "whether", "what", "how", "why", "when", "where", "who", "which"})
_PITCH_QUESTION_OPENERS = frozenset({"wouldn't", "don't", "isn't", "aren't", "doesn't", "won't", "shouldn't",
                                     "couldn't", "can't", "haven't", "hasn't", "didn't"})
_PUSHED = frozenset({"you", "it", "that", "this", "we", "they", "there"})
PUSH_REACH = 12  # words back to a pushing question's opener in a sentence without its full stop
WORD_LIST_MIN_TOKENS = 4  # shorter answers ("Fair enough.") are too short to judge
WORD_LIST_MAX_GRAMMAR = 0.15  # share of function words under which an answer is a word list (moves.yaml)


def addresses_prospect(words: Sequence[Word], clause: Clause) -> bool:
    """True when the clause speaks to the prospect ("you", "your" ...)."""
    toks, _ = word_tokens([words[i] for i in clause.words])
    return any(t in _SECOND_PERSON for t in toks)


def taken_back(words: Sequence[Word], clause: Clause, backchannels: frozenset[str] = frozenset()) -> bool:
    """True when a "but" or a dismissal follows within the window or right after it: "I get it, but ...", "I get
    it. Whatever.". The window's own words said again and backchannels may stand between: "I know, I know,
    but ...", "I get it, yeah, but"."""
    within = words[clause.words.start + 1 : clause.words.stop]
    inside, owner = word_tokens(within)
    if any(t in _TAKE_BACK or _dismissal_at(inside, owner, within, at) for at, t in enumerate(inside)):
        return True
    own, _ = word_tokens([words[i] for i in clause.words])
    rest = words[clause.words.stop :]
    after, owner = word_tokens(rest)
    for at, token in enumerate(after):
        if token in _TAKE_BACK or _dismissal_at(after, owner, rest, at):
            return True
        if token not in own and token not in backchannels:
            return False
    return False


def _dismissal_at(toks: list[str], owner: list[int], words: Sequence[Word], at: int) -> bool:
    """True when a dismissal ("whatever.", "so what?", "who cares", "I don't care") opens at token `at`; one that
    may lead into more ("whatever you use now ...", "so what do you use") counts only where its clause ends."""
    for phrase, must_end in _DISMISSALS:
        end = at + len(phrase)
        if tuple(toks[at:end]) != phrase:
            continue
        last = owner[end - 1]
        if not must_end or last == len(words) - 1 or trailing_punctuation(words[last].text):
            return True
    return False


def pushing(words: Sequence[Word], clause: Clause, lexicon: Lexicon) -> bool:
    """True when the window holds a sentence that opens as a pushing question ("wouldn't you rather
    see how much you'd save?", "isn't it time ..."): it neither asks nor acknowledges, whatever its
    words say. The clause's sentence starts after the last ".", "?" or "!" before it, at most
    PUSH_REACH words back (engines write none); a sentence may also start inside the window."""
    starts = [_sentence_start(words, clause, PUSH_REACH)]
    starts += [i for i in clause.words if i > clause.words.start and _ends_sentence(words[i - 1].text)]
    for begin in starts:
        toks, _ = word_tokens([words[i] for i in range(begin, clause.words.stop)])
        at = after_lead(toks, lexicon)
        if at + 1 < len(toks) and _pitch_opener(toks, at) and toks[at + 1] in _PUSHED:  # not "don't worry"
            return True
    return False


def _sentence_start(words: Sequence[Word], clause: Clause, reach: int) -> int:
    """Where the clause's sentence starts: after the last ".", "?" or "!" before it, at most `reach` words back."""
    start = clause.words.start
    while start > 0 and clause.words.start - start < reach and not _ends_sentence(words[start - 1].text):
        start -= 1
    return start


def _ends_sentence(text: str) -> bool:
    return text.rstrip().endswith((".", "?", "!"))


def _pitch_opener(toks: Sequence[str], at: int) -> bool:
    return toks[at] in _PITCH_QUESTION_OPENERS or " ".join(toks[at : at + 3]).startswith("have you considered")


def has_negation(words: Sequence[Word], clause: Clause) -> bool:
    """True when a negation word stands in the clause ("I don't care what you use")."""
    toks, _ = word_tokens([words[i] for i in clause.words])
    return any(is_negation(t) for t in toks)


def is_negation(token: str) -> bool:
    """True for a negation word, "no", "never" or any "-n't"."""
    return token in _NEGATIONS or token.endswith("n't")


def is_word_list(words: Sequence[Word], library: MoveLibrary | None = None) -> bool:
    """True for a list of words rather than sentences ("fair, reason, rotas, question, manager").

    A spoken sentence has function words (moves.yaml `function_words`; any word with an
    apostrophe counts: "he's", "we've"); a string of cue words has next to none.
    """
    toks, _ = word_tokens(words)
    if len(toks) < WORD_LIST_MIN_TOKENS:
        return False
    function_words = (library or default_move_library()).function_words
    grammar = sum(t in function_words or "'" in t for t in toks)
    return grammar / len(toks) < WORD_LIST_MAX_GRAMMAR


def genuine_question(words: Sequence[Word], clause: Clause, lexicon: Lexicon,
                     leads: Sequence[tuple[str, ...]] = ()) -> bool:
    """True for a clause shaped as a genuine question to the prospect (not a pushing one). `leads`
    (moves.yaml `question_leads`: "out of curiosity", "I was wondering") may come before its opener,
    and then an embedded question ("if", "whether", a wh-word) is asked too: engines drop the "?" after them.
    A statement closed by a tag ("she won't be there forever, is she?") asks nothing: it seeks agreement."""
    toks, _ = word_tokens([words[i] for i in clause.words])
    at = after_lead(toks, lexicon)
    lead = _lead_at(toks, at, leads)
    if not lead:  # past a prelude: "yeah what do you ...", "cheers, out of curiosity who ..."
        at = question_start(toks, lexicon)
        lead = _lead_at(toks, at, leads)
    if lead:
        at = after_lead(toks, lexicon, at + lead)
    opener = lexicon.starts_with("question_openers", toks, at)
    embedded = bool(lead) and at < len(toks) and toks[at] in _EMBEDDED_OPENERS
    opens = opener is not None and not _verb_of_before(words, clause, at)
    written = clause.text.rstrip().endswith("?") and (opens or not ends_in_tag(clause.text, lexicon))
    asked = written or embedded or opens
    if not asked or len(toks) - at < 3:
        return False
    return not _pitch_opener(toks, at) and not pushing(words, clause, lexicon)


def _lead_at(toks: Sequence[str], at: int, leads: Sequence[tuple[str, ...]]) -> int:
    """The length of the longest question lead at token `at` ("just wondering"), or 0."""
    return max((len(m) for m in leads if tuple(toks[at : at + len(m)]) == m), default=0)


def _verb_of_before(words: Sequence[Word], clause: Clause, at: int) -> bool:
    """True when the clause opens, at token `at`, with an auxiliary that is the verb of the words before
    it in the same sentence ("the good news | is it pays ...", "my worry | is you ..."), not a question's."""
    start = _sentence_start(words, clause, SUBJECT_REACH)
    before, _ = word_tokens([words[i] for i in range(start, clause.words.start)])
    toks, _ = word_tokens([words[i] for i in range(start, clause.words.stop)])
    return not inverted(toks, len(before) + at)


def only_backchannels(words: Sequence[Word], clause: Clause, library: MoveLibrary, lexicon: Lexicon) -> bool:
    """True for a clause of backchannels, fillers and connectors only ("okay, so"): it makes no move."""
    toks, _ = word_tokens([words[i] for i in clause.words])
    small = library.backchannels | _single_words(lexicon, "fillers") | _single_words(lexicon, "connectors")
    return all(t in small for t in toks)


def _single_words(lexicon: Lexicon, category: str) -> frozenset[str]:
    return frozenset(p[0] for p in lexicon.phrases(category) if len(p) == 1)

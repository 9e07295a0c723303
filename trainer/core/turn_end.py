"""When the rep is done: how long a silence ends their turn, from what they said and how it ended.

People take the turn about 200 ms after the other has finished (Stivers et al. 2009),
and they know someone has finished before the silence says so: the words make a
complete sentence or question, and the voice falls to its end. A pause after "and",
"because", "the", "um" or "can I ask" is a pause for thought, and a listener waits.
This module is that judgement, as a pure function of evidence the speech layer
gathers during the rep's silence:

- the words heard so far (Vosk's live partial; Whisper's pass at the start of the
  pause), judged by `judge_words()`: UNFINISHED when they end on a conjunction,
  preposition, article, auxiliary, subject pronoun, filler or an opening such as
  "can I ask" (`trainer/data/turn_end.yaml` and the fillers of the lexicons; not a preposition a
  wh-question has stranded: "who did you buy it from"), when they
  are lead-ins alone ("well", "so um"), when they are prefaces alone ("i hear you", "that's
  fair", "good question": the point acknowledged, not yet answered; the engine often never
  writes the "and" or "but" before the pause after one), when a clause opens with a subject
  that announces more ("the reason most shops switch", "the real question is not": its
  verb and complement still due; a misheard "is" leaves only the subject; seven words on without
  its verb, it was misheard and the announcement made; so does a statement that opens with "what"
  and a subject: "what i'd suggest", "what most people find"), when they end on a question lead
  ("out of curiosity", "i was wondering": moves.yaml's `question_leads`), when the answer so far
  is a lone "If ..." clause
  (by its commas where the engine punctuates; without punctuation, an answer opening
  with the clause and no second subject to start the main clause); COMPLETE otherwise,
  and `confident` when a statement's last words read clearly as a sentence's end (the
  sentence-completeness model, `trainer.core.completeness`, fitted on the packs' sentences), UNHEARD when no words cover the end of the speech yet. A question
  is told by "?" or, without punctuation, by how its last clause opens, also after a
  statement in one breath ("i understand can i ask what you had in mind");
- how the voice ended (`trainer.speech.pitch`): FALLING, RISING, LEVEL or UNKNOWN;
- whether the words have caught up with the sound, by `judge_ending()`: words judged
  finished are not taken as the whole answer when the voiced audio ran on past the last
  word the engine wrote (Vosk's partial lags its last word or never writes an "uh";
  Whisper drops "um"), or when the speech ends on a held "uh"/"um" that the sound shows
  (`trainer.speech.filled_pause`). Both wait as after an unfinished clause: until the
  engine writes more (the judgement is made again on every new partial) or the
  patience runs out; a live partial that stays the same through `STREAMED_SETTLED_S`
  of the silence has written all it will, and its words are then taken as they are.

`hold_s()` gives the silence after the last voiced frame that ends the turn: shortest
after a finished question (the rep has handed the turn over), a little longer after a
finished statement (another sentence may follow; less when the statement is `confident`
and the pitch does not rise), the level's patience after an unfinished one, never under
`MIN_HOLD_S`. A long silence always ends it (nothing waits longer than the patience).
The fixed rule it replaces (700 ms whatever was said) stays in `trainer.speech.endpoint`
for comparison (`--endpoint-ms`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path


from trainer.core import paths
from trainer.core.completeness import completeness_model
from trainer.core.data_files import read_data_yaml
from trainer.core.errors import TrainerError
from trainer.core.lexicon import default_lexicon
from trainer.core.moves import default_move_library
from trainer.core.clauses import MIN_LEAD_TOKENS
from trainer.core.question_shape import after_lead, new_question_at
from trainer.core.text import tokens, trailing_punctuation

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
_CLEFT_BE = frozenset({"is", "was", "isn't", "wasn't", "are", "were"})
# After an announcing subject's verb, words that still leave its complement to come ("the real question is not",
# "the real question is no ..."; "the answer is no" is whole, but "answer" announces nothing).
_STILL_DUE = frozenset({"not", "no", "that"})
# An announcing subject's own clause ("the reason [most shops switch]", "the reason [we called you today]") is
# short; this many words after it with no verb have said what it announced, through a misheard verb (Vosk:
# 'the reason most shops switches thank you for hours a week', 'the reason most shops legion let you for our
# family' waited the whole patience at the answer's real end, bench/turns.py --list, 2026-12-07).
ANNOUNCED_WITHIN = 7
_NAMES = {"conjunctions": "a conjunction", "prepositions": "a preposition", "articles": "an article",
          "auxiliaries": "a verb or pronoun waiting for more", "unfinished": "an opening", "fillers": "a filler"}

COMPLETE = "complete"
UNFINISHED = "unfinished"
UNHEARD = "unheard"  # no words cover the end of the speech yet

FALLING = "falling"
RISING = "rising"
LEVEL = "level"
UNKNOWN = "unknown"

# Silences after the rep's last voiced frame, in seconds. What they rest on is written beside
# each. Side by side with the fixed 700 ms rule (bench/turns.py, 96 espeak-ng answers in 3 voices,
# bench/RESULTS.md, runs of 2026-12-06 17:00-17:45): the gap after finished answers p50 365 ms, p95
# 580 ms with Vosk (1113 and 1251 ms in the two runs before: partials revised about a second
# after the speech) and p50 305 ms, p95 410 ms with Whisper (the fixed rule 700 / 710); turns ended
# in thinking pauses of 0.5-2.5 s: 12% with both engines (7 of 60; Whisper 7 also with the code before
# the completeness model, run beside it; the fixed rule 80%), every one a word misheard or dropped before the pause
# ('the real question is not', "A real question isn't it?"), most taken back when the rep went on. With prefaces
# alone and announcing subjects waiting (bench/RESULTS.md, runs of 2026-12-06 22:46-23:54, the code before beside
# them): Vosk 11-12 -> 3 of 60, the 3 left misheard beyond any word rule ('ikea you', 'napster bird' for "that's
# fair, but"); Whisper 4 -> 5 (all misheard: "isn't it?", 'Now stare at butt.'; which ones moves run to run).
MIN_HOLD_S = 0.2  # never sooner: below this, stop consonants and breaths inside a word read as silence
# After a finished question: the rep has handed the turn over. Inside the ~0.2-0.3 s people
# leave before answering (Stivers et al. 2009); with the next line starting ~30 ms after the
# decision (bench/RESULTS.md, turns) the gap stays under the 0.35 s target. Not yet tuned on data.
END_HOLD_S = 0.25
# After a finished statement: the rep may go on with another sentence. espeak-ng pauses
# 0.15-0.33 s between the sentences of one line (VAD gaps in 3 multi-sentence answers x
# 3 voices x rates 150-190: 0.33 s at 150 wpm, 0.16 s at 190); ending after 0.25 s cut
# two-sentence answers after their first sentence. 0.4 s clears those with a margin and
# stays under the 0.5-1 s people pause between sentences when they go on.
STATEMENT_HOLD_S = 0.4
# ... unless its last words read clearly as a sentence's end (trainer.core.completeness: above the fitted
# threshold, which at most 5% of the packs' inside-sentence boundaries reach) and the pitch does not rise.
# Two sentences then run together only when the rep pauses 0.3-0.4 s between them (espeak-ng at 150 wpm:
# 0.33 s), and going on takes the end back. Vosk's words settle 0.3 s after the speech (PARTIAL_SETTLE_S),
# so this is about the shortest it can decide.
CONFIDENT_HOLD_S = 0.3
# Pitch on espeak-ng speech tells finished from unfinished fragments apart poorly (measured with
# trainer.speech.pitch on 7 finished and 10 unfinished fragments x 3 voices x 2 rates: finished
# ones ended falling 15/42, level 26/42, rising 1/42; unfinished ones falling 24/60, level 33/60,
# rising 2/60). So the words decide, and pitch only adjusts: a finished statement that ends
# rising (not a question) waits this long, since a list or an "uptalk" clause may go on.
RISING_HOLD_S = 0.8
# Words not in yet (Whisper's pass still running, or an engine behind the sound): the turn waits for them,
# up to the patience, whatever the pitch. A falling end once ended it after 1.0 s, which cut thinking pauses
# whenever the pass was late (a loaded machine: a CI drill ended in a 2.5 s pause after "I hear you, and"),
# and falling pitch is as common before a pause as at an end (above). Once the words arrive they decide,
# at once if the silence has run past their hold: a late pass costs the wait, never the rest of the answer.
# Words not caught up with the sound: how far the voiced audio may run past the last word written
# before the words are taken as not the whole answer. Measured on bench/data/turn_answers.yaml (96
# answers, 3 voices; scratch run of 2026-12-06, the speech end by webrtcvad as the endpointer finds it):
# - Vosk's streaming partial carries no word times (asking for them, SetPartialWords, delays the
#   partial by ~1.3 s), so its words end where its text last changed (audio fed at that moment).
#   After finished answers that was at most 0.18 s before the speech end (24 clean ends; new words
#   appear before the word is over), while 'Well, uh' (the 'uh' never written) left 0.23-0.24 s,
#   'So what I'd suggest is, um' 0.28-0.94 s and 'The reason most shops switch is' 0.37 s.
#   0.2 s sits between; some first sentences of two ('I understand.', a long last word shown early:
#   0.21-0.34 s) wait too, which costs only the wait.
STREAMED_WORDS_LAG_S = 0.2
# - Whisper's pass gives word times: the last word's end was within 0.20 s of the speech end after
#   the 24 finished answers (-0.08..+0.20 s), and 0.31-0.38 s before it where it dropped a final 'um'.
PASS_WORDS_LAG_S = 0.25
# - ... but a streamed partial that stays the same through this much of the silence (on top of the
#   partial's own settling, trainer.drill.turn.PARTIAL_SETTLE_S) has written all it will: the speech past
#   its last word was the end of a long last word shown early ("summary today") or a sound the engine
#   never writes. Waiting on for it made finished answers wait up to the patience (gap p95 1785 ms,
#   max 3010 ms, bench/RESULTS.md before this); a held 'uh' is told by the sound (filled_pause) instead.
STREAMED_SETTLED_S = 0.3
DEFAULT_PATIENCE_S = 3.0  # the longest silence that ends an unfinished answer (levels.yaml sets it per level)


@dataclass(frozen=True)
class Judgement:
    """What the words say about the end of the turn: COMPLETE, UNFINISHED or UNHEARD, why, and if a question."""

    state: str
    why: str = ""
    question: bool = False
    words_pending: bool = False  # UNFINISHED because the engine has not written the end of the speech yet
    confident: bool = False  # COMPLETE, a statement whose last words read clearly as a sentence's end


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
    cleft |= frozenset(" ".join(w) for w in lists["articles"])
    return TrailingWords(lists, tuple(sorted(openers, key=len, reverse=True)), whole,
                         frozenset(" ".join(s) for s in subjects), tuple(sorted(prefaces, key=len, reverse=True)),
                         frozenset(" ".join(i) for i in extras), announcing,
                         frozenset(" ".join(v) for v in announced_by), cleft)


@lru_cache(maxsize=1)
def trailing_words() -> TrailingWords:
    """The built-in lists, read once."""
    return load_trailing_words()


_CLAUSES = re.compile(r"[.!?,;:]+(?=\s|$)")


def judge_words(text: str | None) -> Judgement:
    """Whether the words heard so far make a finished turn (see the module docstring)."""
    if text is None or not tokens(text):
        return Judgement(UNHEARD)
    words = tokens(text)
    question = text.rstrip().endswith("?") or _opens_question(text)
    found = trailing_words().trailing(words)
    stranded = found is not None and found[0] == "prepositions" and (text.rstrip().endswith("?")
                                                                     or (question and _stranded(text)))
    if found is not None and not stranded:  # "what are you comparing it with?": the engine heard a finished question
        category, phrase = found
        return Judgement(UNFINISHED, f"ends on '{phrase}' ({_NAMES[category]})", question)
    lead = _trailing_question_lead(words)
    if lead is not None:
        return Judgement(UNFINISHED, f"ends on '{lead}' (a question lead: the question is still to come)", question)
    ending = trailing_punctuation(text)
    if ending.endswith((",", ";", ":", "-", "...", "…")):  # engines that punctuate mark a clause going on
        return Judgement(UNFINISHED, f"ends on '{ending[-1] if ending[-1] != '.' else '...'}' (the clause goes on)",
                         question)
    if not _after_leads(words) and tuple(words) not in trailing_words().whole:
        return Judgement(UNFINISHED, f"only a lead-in so far ('{' '.join(words)}')", question)
    if not question and (_only_prefaces(words) or _only_prefaces(_before_address(text))):
        return Judgement(UNFINISHED, f"only a preface so far ('{' '.join(words)}'): not yet an answer")
    announced = _announcement_due(text)
    if announced is not None:
        return Judgement(UNFINISHED, f"'{announced}' has not said what it announces yet", question)
    opener = _lone_clause_opener(text)
    if opener is not None:
        return Judgement(UNFINISHED, f"a clause opening with '{opener}' waits for its main clause", question)
    if not question and completeness_model().finished(words):
        return Judgement(COMPLETE, "a finished sentence, clearly "
                         f"(completeness {completeness_model().probability(words):.2f})", confident=True)
    return Judgement(COMPLETE, "a finished " + ("question" if question else "sentence"), question)


_SENTENCES = re.compile(r"[.!?]+(?=\s|$)")


def _lone_clause_opener(text: str) -> str | None:
    """The opener ("if", "unless" ...) when the answer so far is one sentence and that clause alone ("If the
    price were right."), else None. Where the engine punctuates, the commas show the clauses; without
    punctuation (Vosk) only an answer that opens with the clause is judged, and its main clause is known by a
    subject of its own after the clause's ("if the price is right we can start": "we"; "if you want i can").
    """
    if text.rstrip().endswith("?"):
        return None
    if not any(mark in text for mark in ".,;:!?"):
        return _unpunctuated_lone_clause(_after_leads(tokens(text)))
    sentences = [s for s in _SENTENCES.split(text) if tokens(s)]
    if len(sentences) != 1:  # after a finished sentence, "If you want." is an afterthought, not an opening
        return None
    clauses = [_after_leads(tokens(c)) for c in re.split(r"[,;:]", sentences[0])]
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


def _trailing_question_lead(words: list[str]) -> str | None:
    """The question lead of moves.yaml (`question_leads`: "out of curiosity", "i was wondering") that `words` end
    with, else None: the question it leads into is still due."""
    found = [lead for lead in default_move_library().question_leads
             if tuple(words[-len(lead):]) == lead and lead != _HANDING_OVER]
    return " ".join(max(found, key=len)) if found else None


def _only_prefaces(words: list[str]) -> bool:
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


def _before_address(text: str) -> list[str]:
    """The words before a last lone word set off by a comma ("i hear you, | sarah."): a name the rep addresses,
    or a short word misheard as one (Whisper has written "I hear you, and" as "I hear you, Anne."); else []."""
    head, comma, last = text.rstrip().rpartition(",")
    return tokens(head) if comma and len(tokens(last)) == 1 else []


def _announcement_due(text: str) -> str | None:
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


def _stranded(text: str) -> bool:
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


def _after_leads(words: list[str]) -> list[str]:
    """`words` without the connectors and fillers they open with ("so um what's ..." -> "what's ...")."""
    return words[after_lead(words, default_lexicon()):]


def judge_ending(judgement: Judgement, unwritten_s: float | None, streamed: bool, filled_pause: bool,
                 settled_silence_s: float = 0.0) -> Judgement:
    """The words' judgement checked against the sound: a finished-looking answer is not finished when
    the speech ran `unwritten_s` past the last word written (more than the engine's lag: words to
    come), or ends on a held "uh"/"um" (`filled_pause`). `streamed`: the words are a live partial, settled
    for `settled_silence_s` of the silence after the speech: once that reaches STREAMED_SETTLED_S with no
    new word, the engine has written all it will, and the words are taken as they are."""
    if judgement.state != COMPLETE:
        return judgement
    if filled_pause:
        return Judgement(UNFINISHED, "ends on a held 'uh' or 'um' (in the sound, not written)", judgement.question)
    limit = STREAMED_WORDS_LAG_S if streamed else PASS_WORDS_LAG_S
    if unwritten_s is not None and unwritten_s > limit:
        if streamed and settled_silence_s >= STREAMED_SETTLED_S:
            return replace(judgement, why=f"{judgement.why} (no new word in {settled_silence_s:.2f} s of silence)")
        return Judgement(UNFINISHED, f"the speech ran {unwritten_s:.2f} s past the last word written (more to come)",
                         judgement.question, words_pending=True)
    return judgement


def _opens_question(text: str) -> bool:
    """The last clause is a question by how it opens ("what ...", "and could you ..."), for engines that do not
    punctuate: a clause runs from the answer's start, a connector, or a question opener after a statement in
    one breath ("i understand can i ask what you had in mind": the rule of `trainer.core.clauses`)."""
    pieces = [p for p in _CLAUSES.split(text) if tokens(p)]
    if not pieces:
        return False
    lexicon = default_lexicon()
    words = tokens(pieces[-1])
    start = after_lead(words, lexicon)
    question = lexicon.starts_with("question_openers", words, start) is not None
    for at in range(start + MIN_LEAD_TOKENS, len(words)):
        if at - start < MIN_LEAD_TOKENS:
            continue
        if new_question_at(words, at, start, lexicon):
            start, question = at, True
        elif lexicon.starts_with("connectors", words, at) is not None and after_lead(words, lexicon, at) < len(words):
            start = after_lead(words, lexicon, at)  # a connector last ("what are you using now") opens nothing
            question = lexicon.starts_with("question_openers", words, start) is not None
    return question


def hold_s(judgement: Judgement, contour: str, patience_s: float = DEFAULT_PATIENCE_S) -> float:
    """Seconds of silence after the last voiced frame that end the turn, from the words and the pitch."""
    patience = max(MIN_HOLD_S, patience_s)
    if judgement.state == UNFINISHED:
        hold = patience
    elif judgement.state == COMPLETE:
        if judgement.question:
            hold = END_HOLD_S
        else:
            hold = RISING_HOLD_S if contour == RISING else CONFIDENT_HOLD_S if judgement.confident else STATEMENT_HOLD_S
    else:
        hold = patience
    return max(MIN_HOLD_S, min(hold, patience))

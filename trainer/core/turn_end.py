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
  "can I ask" (`trainer/data/turn_end.yaml` and the fillers of the lexicons, read by
  `trainer.core.turn_words`, which also owns the clause shapes below; not a preposition a
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

from dataclasses import dataclass, replace

from trainer.core.completeness import completeness_model
from trainer.core.moves import default_move_library
from trainer.core.text import tokens, trailing_punctuation
from trainer.core.turn_words import (
    after_leads,
    announcement_due,
    before_address,
    lone_clause_opener,
    only_prefaces,
    opens_question,
    question_before_lead,
    stranded,
    trailing_question_lead,
    trailing_words,
)

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


def load_rules() -> None:
    """Read the word lists, the move library's question leads and the completeness model now (~0.3 s), so the
    first end-of-turn decision of a drill does not pay for them while the rep waits for the next line."""
    trailing_words()
    default_move_library()
    completeness_model()


def judge_words(text: str | None) -> Judgement:
    """Whether the words heard so far make a finished turn (see the module docstring)."""
    if text is None or not tokens(text):
        return Judgement(UNHEARD)
    words = tokens(text)
    question = text.rstrip().endswith("?") or opens_question(text)
    found = trailing_words().trailing(words)
    strands = found is not None and found[0] == "prepositions" and (text.rstrip().endswith("?")
                                                                    or (question and stranded(text)))
    if found is not None and not strands:  # "what are you comparing it with?": the engine heard a finished question
        category, phrase = found
        return Judgement(UNFINISHED, f"ends on '{phrase}' ({_NAMES[category]})", question)
    lead = trailing_question_lead(words)
    if lead is not None and not (text.rstrip().endswith(("?", ".")) and question_before_lead(text, lead)):
        return Judgement(UNFINISHED, f"ends on '{lead}' (a question lead: the question is still to come)", question)
    ending = trailing_punctuation(text)
    if ending.endswith((",", ";", ":", "-", "...", "…")):  # engines that punctuate mark a clause going on
        return Judgement(UNFINISHED, f"ends on '{ending[-1] if ending[-1] != '.' else '...'}' (the clause goes on)",
                         question)
    if not after_leads(words) and tuple(words) not in trailing_words().whole:
        return Judgement(UNFINISHED, f"only a lead-in so far ('{' '.join(words)}')", question)
    if not question and (only_prefaces(words) or only_prefaces(before_address(text))):
        return Judgement(UNFINISHED, f"only a preface so far ('{' '.join(words)}'): not yet an answer")
    announced = announcement_due(text)
    if announced is not None:
        return Judgement(UNFINISHED, f"'{announced}' has not said what it announces yet", question)
    opener = lone_clause_opener(text)
    if opener is not None:
        return Judgement(UNFINISHED, f"a clause opening with '{opener}' waits for its main clause", question)
    if not question and completeness_model().finished(words):
        return Judgement(COMPLETE, "a finished sentence, clearly "
                         f"(completeness {completeness_model().probability(words):.2f})", confident=True)
    return Judgement(COMPLETE, "a finished " + ("question" if question else "sentence"), question)


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

"""The timing and word metrics of docs/metrics.md, for a turn and a drill.

Timing comes from speech spans (voice activity detection on the rep's audio, the
clock); the engine's words are only counted and placed inside those spans. Names and
meanings are the ones in docs/metrics.md, used unchanged by the CLI, UI and reports.

Questions: when the engine punctuates (any word carries . ? or !), a question is a
clause ending in "?". Otherwise the answer is cut into clauses at pauses (a silence
between speech spans, or >= 0.5 s between word times), before a connector ("and",
"so", "but" ...) and where a question opens after a shorter pause (>= 0.2 s:
"that's fair | can I ask ..."); a clause is a question
when, after leading connectors and fillers, it opens with a question opener (a wh-word or an inverted auxiliary: "do you",
"could", "is" ...). Free relatives such as "what we do is" are lexicon exceptions.

Listening, as a scripted role-play can measure it (the prospect's lines are fixed and
short, so a call's talk share cannot be met): answer airtime against the node's model
answer spoken at MODEL_ANSWER_WPM, "ask, then stop" (how long the rep kept talking
after their last question clause) and talk-over (speech while the prospect's line was
still playing). A metric that needs speech is None, not 0, when there was none: an
answer nobody heard has no pace and no filler rate.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

from trainer.core.lexicon import Lexicon, PhraseMatch, default_lexicon
from trainer.core.question_shape import WH_INVERSION_REACH, after_lead, question_start
from trainer.core.targets import Targets
from trainer.core.text import CLAUSE_END, SENTENCE_END, tokens, trailing_punctuation, word_tokens
from trainer.core.transcript import PROSPECT, REP, FilledPauses, Span, Turn, Word

JOIN_GAP_S = 0.5  # voiced stretches closer than this form one speech span
MONOLOGUE_GAP_S = 1.5  # a silence this long ends a monologue
PAUSE_SPLIT_S = 0.5  # a gap between word times this long ends a clause (unpunctuated engines)
# ... and this long, when a question opens after it ("that's fair | can I ask ..."): measured, Vosk's word
# times leave 0.24-0.27 s between espeak-ng's sentences said in one breath; people pause as long or longer.
QUESTION_PAUSE_S = 0.2
MODEL_ANSWER_WPM = 150.0  # the calm pace a model answer's airtime is measured at (middle of the pace band)
# Less overlap than this in all is a turn taken on time, not talking over: the rep's speech onset is known to
# a 30 ms frame, the line's end exactly (a CLI drill charged an answer 10 ms early). Not more: with the prospect
# on the speakers the echo gate keeps only the end of a real barge-in (tests/test_echo_drill.py, a 1.0 s
# barge-in at -6 dB, 80 ms: 0.2 s kept on one machine, 0.06 s on another, 2026-12-07; 0.1 s hid it there).
TALK_OVER_GRACE_S = 0.05


def join_spans(stretches: Iterable[Span], max_gap_s: float = JOIN_GAP_S) -> list[Span]:
    """Sorted spans with overlaps merged and gaps shorter than `max_gap_s` joined (empty spans dropped)."""
    joined: list[Span] = []
    for span in sorted((s for s in stretches if s.end > s.start), key=lambda s: s.start):
        if joined and span.start - joined[-1].end < max_gap_s:
            joined[-1] = Span(joined[-1].start, max(joined[-1].end, span.end))
        else:
            joined.append(span)
    return joined


def talk_time(spans: Iterable[Span]) -> float:
    """Rep talk time: the summed length of the speech spans, seconds."""
    return sum(span.duration for span in join_spans(spans))


def speaking_length(spans: Sequence[Span]) -> float:
    """End of the last speech span minus start of the first (0 without speech): the pace denominator."""
    spans = join_spans(spans)
    return spans[-1].end - spans[0].start if spans else 0.0


def pace_wpm(word_count: int, spans: Sequence[Span]) -> float | None:
    """Words per minute over a turn's speaking length (None when there is no speech or no word)."""
    length = speaking_length(spans)
    return 60.0 * word_count / length if length > 0 and word_count > 0 else None


def per_minute(count: int, talk_s: float) -> float | None:
    """`count` per minute of rep talk (None without talk: a rate of nothing is not zero)."""
    return count / (talk_s / 60.0) if talk_s > 0 else None


def model_answer_seconds(text: str) -> float | None:
    """How long the model answer lasts spoken at MODEL_ANSWER_WPM (None without one)."""
    count = len(tokens(text))
    return 60.0 * count / MODEL_ANSWER_WPM if count else None


def talk_over(spans: Sequence[Span], prospect: Span | None) -> tuple[int, float]:
    """Rep speech while the prospect's line was playing: (speech spans that overlap it, seconds of overlap);
    under TALK_OVER_GRACE_S of overlap in all is a turn taken on time, not talk-over."""
    if prospect is None:
        return 0, 0.0
    overlaps = [min(s.end, prospect.end) - max(s.start, prospect.start) for s in join_spans(spans)]
    overlaps = [o for o in overlaps if o > 0]
    return (len(overlaps), sum(overlaps)) if sum(overlaps) >= TALK_OVER_GRACE_S else (0, 0.0)


def ask_then_stop(words: Sequence[Word], spans: Sequence[Span], questions: Sequence[range]) -> float | None:
    """Seconds of rep speech after the end of their last question clause (None without a question).

    The question's end is its last word's end time (without punctuation, of the last word
    before the next pause of QUESTION_PAUSE_S), kept inside the speech span that holds
    the word (engine word times are approximate, docs/design.md); what follows is counted on
    the speech spans, so a silent pause after the question costs nothing.
    """
    spans = join_spans(spans)
    if not questions or not spans:
        return None
    last = questions[-1][-1]
    if not engine_punctuates(words):
        # Without a "?" the question's own end is not written: it runs to the next pause, since
        # a connector inside it cuts a clause ("can I ask your name | so I can tell her ...")
        while last + 1 < len(words) and words[last + 1].start - words[last].end < QUESTION_PAUSE_S:
            last += 1
    span = spans[place_words([words[last]], spans)[0]]
    asked_at = min(max(words[last].end, span.start), span.end)
    return sum(max(0.0, s.end - max(s.start, asked_at)) for s in spans)


def response_latency(spans: Sequence[Span], prospect_end: float | None,
                     answer_from: float | None = None) -> float | None:
    """Start of the first speech span minus when the answer was due (negative: talked over the line).

    The answer is due at the end of the prospect's line, or later at `answer_from`: the end
    of the line played again at the rep's request, or of the level's preparation time after
    it. Starting between the line's end and `answer_from` (during the preparation or the
    repeat) is starting at once: 0. None when the rep did not speak or there was no
    prospect line before the answer.
    """
    spans = join_spans(spans)
    if not spans or prospect_end is None:
        return None
    start = spans[0].start
    if start < prospect_end:
        return start - prospect_end
    return max(0.0, start - max(prospect_end, answer_from if answer_from is not None else prospect_end))


def longest_monologue(spans: Sequence[Span]) -> float:
    """The longest run of speech with no silence of MONOLOGUE_GAP_S or more, seconds."""
    return max((run.duration for run in join_spans(spans, MONOLOGUE_GAP_S)), default=0.0)


def talk_share(rep_talk_s: float, prospect_talk_s: float) -> float | None:
    """Rep talk as a percentage of all talk (None when nobody spoke); listen share is 100 minus it."""
    total = rep_talk_s + prospect_talk_s
    return 100.0 * rep_talk_s / total if total > 0 else None


def place_words(words: Sequence[Word], spans: Sequence[Span]) -> list[int | None]:
    """For each word, the index of the speech span holding its midpoint (else the nearest; None without spans).

    This is how approximate engine word times are tied to the audio clock, e.g. to
    highlight words or to tell which words a silence separates.
    """
    spans = join_spans(spans)
    if not spans:
        return [None] * len(words)
    starts = [s.start for s in spans]
    placed: list[int | None] = []
    for word in words:
        middle = (word.start + word.end) / 2
        after = bisect.bisect_right(starts, middle)  # spans[after - 1] starts at or before middle
        candidates = [i for i in (after - 1, after) if 0 <= i < len(spans)]
        placed.append(min(candidates, key=lambda i: _distance(spans[i], middle)))
    return placed


def _distance(span: Span, t: float) -> float:
    return max(span.start - t, 0.0, t - span.end)


def engine_punctuates(words: Sequence[Word]) -> bool:
    """True when any word carries sentence punctuation (. ? !): the engine writes punctuation."""
    return any(set(trailing_punctuation(w.text)) & SENTENCE_END for w in words)


def clauses(words: Sequence[Word], spans: Sequence[Span], lexicon: Lexicon) -> list[range]:
    """The answer cut into clauses, as ranges of word indices (see the module docstring)."""
    if not words:
        return []
    punctuated = engine_punctuates(words)
    placed = place_words(words, spans)
    toks, owner = word_tokens(words)
    first_token = {w: i for i, w in reversed(list(enumerate(owner)))}
    cuts = [0]
    for i in range(1, len(words)):
        if punctuated:
            cut = bool(set(trailing_punctuation(words[i - 1].text)) & CLAUSE_END)
        else:
            gap = words[i].start - words[i - 1].end
            cut = (
                gap >= PAUSE_SPLIT_S
                or placed[i] != placed[i - 1]
                or (i in first_token and lexicon.starts_with("connectors", toks, first_token[i]) is not None)
                or (gap >= QUESTION_PAUSE_S and i in first_token
                    and _question_after_pause(toks, first_token[i], first_token.get(cuts[-1]), lexicon))
            )
        if cut:
            cuts.append(i)
    cuts.append(len(words))
    return [range(a, b) for a, b in zip(cuts, cuts[1:]) if b > a]


def _question_after_pause(toks: Sequence[str], at: int, clause_start: int | None, lexicon: Lexicon) -> bool:
    """True when a question opens at token `at`, after a pause, as a new clause: not when the clause so far
    is a question's own opening ("can I ask | how you handle ...", "do you know | what ...")."""
    if lexicon.starts_with("question_openers", toks, after_lead(toks, lexicon, at)) is None:
        return False
    if clause_start is None or at - clause_start > WH_INVERSION_REACH:
        return True
    return lexicon.starts_with("question_openers", toks, after_lead(toks, lexicon, clause_start)) is None


def question_clauses(words: Sequence[Word], spans: Sequence[Span], lexicon: Lexicon) -> list[range]:
    """The clauses that are questions: ending in "?" when the engine punctuates, else opening with an opener."""
    found = []
    punctuated = engine_punctuates(words)
    for clause in clauses(words, spans, lexicon):
        if punctuated:
            if "?" in trailing_punctuation(words[clause[-1]].text):
                found.append(clause)
            continue
        toks, _ = word_tokens([words[i] for i in clause])
        if lexicon.starts_with("question_openers", toks, question_start(toks, lexicon)) is not None:
            found.append(clause)
    return found


def find_in_words(lexicon: Lexicon, category: str, words: Sequence[Word]) -> list[PhraseMatch]:
    """Lexicon matches of a category in the words, as word index ranges [start, end)."""
    toks, owner = word_tokens(words)
    return [PhraseMatch(m.phrase, owner[m.start], owner[m.end - 1] + 1) for m in lexicon.find(category, toks)]


def fillers_in_sound(words: Sequence[Word], sound: FilledPauses | None, lexicon: Lexicon) -> list[Span]:
    """The filled pauses of `sound` that the engine's words do not already account for, to add to the filler count.

    Whisper leaves out most "uh"/"um" and Vosk's small English model writes few (docs/metrics.md,
    "Fillers per engine"), so the words alone undercount. A filled pause is not added when it
    overlaps a filler the engine wrote (that one is counted already) or, where the engine's word
    times are placed well enough to tell (`sound.words_placed`), any word it wrote: the held vowel
    of a real word is the detector's false alarm, and Vosk writes some "uh"s as "a".
    """
    if sound is None or not sound.spans:
        return []
    fillers = {i for match in find_in_words(lexicon, "fillers", words) for i in range(match.start, match.end)}
    covering = [word for i, word in enumerate(words) if sound.words_placed or i in fillers]
    return [span for span in sound.spans
            if not any(word.start < span.end and span.start < word.end for word in covering)]


@dataclass(frozen=True)
class TurnMetrics:
    """Every metric of one rep answer (docs/metrics.md names), with the evidence behind the counts."""

    words: int  # words the engine heard
    talk_s: float  # rep talk time: summed speech spans
    speaking_s: float  # first span start to last span end (pace denominator)
    wpm: float | None  # None: no speech or no word heard
    latency_s: float | None
    hesitation: bool
    longest_monologue_s: float
    fillers: int  # written by the engine plus heard in the sound (`sound_fillers`)
    fillers_per_min: float | None  # None: no speech
    hedges: int
    questions: int
    model_answer_s: float | None = None  # the node's model answer at MODEL_ANSWER_WPM
    airtime_ratio: float | None = None  # talk_s / model_answer_s; None without speech or model answer
    ask_then_stop_s: float | None = None  # speech after the last question clause; None without a question
    talk_over_count: int = 0  # speech spans that started or ran while the prospect was speaking
    talk_over_s: float = 0.0
    spans: tuple[Span, ...] = ()
    filler_matches: tuple[PhraseMatch, ...] = ()  # word index ranges
    sound_fillers: tuple[Span, ...] = ()  # filled pauses heard in the sound where the engine wrote no filler
    hedge_matches: tuple[PhraseMatch, ...] = ()
    question_ranges: tuple[range, ...] = ()  # word index ranges of the question clauses

    def as_json(self) -> dict[str, Any]:
        """The `metrics` object of `trainer score --json` (issue 4 shape)."""
        return {
            "talk_s": round(self.talk_s, 3),
            "wpm": _rounded(self.wpm, 1),
            "latency_s": _rounded(self.latency_s, 3),
            "hesitation": self.hesitation,
            "longest_monologue_s": round(self.longest_monologue_s, 3),
            "fillers": self.fillers,
            "fillers_in_sound": len(self.sound_fillers),
            "fillers_per_min": _rounded(self.fillers_per_min, 2),
            "hedges": self.hedges,
            "questions": self.questions,
            "model_answer_s": _rounded(self.model_answer_s, 2),
            "airtime_ratio": _rounded(self.airtime_ratio, 2),
            "ask_then_stop_s": _rounded(self.ask_then_stop_s, 2),
            "talk_over": self.talk_over_count,
            "talk_over_s": round(self.talk_over_s, 2),
        }


def _rounded(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def turn_metrics(
    words: Sequence[Word],
    spans: Sequence[Span],
    prospect_end: float | None,
    lexicon: Lexicon | None = None,
    hesitation_s: float = Targets.hesitation_s,
    *,
    prospect_start: float | None = None,
    model_answer_s: float | None = None,
    answer_from: float | None = None,
    filled_pauses: FilledPauses | None = None,
) -> TurnMetrics:
    """Metrics of one answer from its words, its speech spans and when the prospect's line ran.

    A hesitation is a latency above `hesitation_s`; an answer that never started after a
    prospect line also counts as one. Latency runs from `answer_from` when the answer was
    due later than the line's end (a repeat, the preparation time; see `response_latency`).
    Talk-over needs the line's start (`prospect_start`), airtime the model answer's length
    (`model_answer_s`). `filled_pauses` (found in the sound) add the fillers the engine left out
    (`fillers_in_sound`).
    """
    lexicon = lexicon or default_lexicon()
    joined = join_spans(spans)
    heard = len(set(word_tokens(words)[1]))  # words with at least one token ("-" is not a word)
    talk = talk_time(joined)
    latency = response_latency(joined, prospect_end, answer_from)
    fillers = find_in_words(lexicon, "fillers", words)
    sound_fillers = fillers_in_sound(words, filled_pauses, lexicon)
    filler_count = len(fillers) + len(sound_fillers)
    hedges = find_in_words(lexicon, "hedges", words)
    questions = question_clauses(words, joined, lexicon)
    line = Span(prospect_start, prospect_end) if prospect_start is not None and prospect_end is not None else None
    over_count, over_s = talk_over(joined, line)
    return TurnMetrics(
        words=heard,
        talk_s=talk,
        speaking_s=speaking_length(joined),
        wpm=pace_wpm(heard, joined),
        latency_s=latency,
        hesitation=(latency > hesitation_s) if latency is not None else prospect_end is not None,
        longest_monologue_s=longest_monologue(joined),
        fillers=filler_count,
        fillers_per_min=per_minute(filler_count, talk),
        hedges=len(hedges),
        questions=len(questions),
        model_answer_s=model_answer_s,
        airtime_ratio=talk / model_answer_s if model_answer_s and talk > 0 else None,
        ask_then_stop_s=ask_then_stop(words, joined, questions),
        talk_over_count=over_count,
        talk_over_s=over_s,
        spans=tuple(joined),
        filler_matches=tuple(fillers),
        sound_fillers=tuple(sound_fillers),
        hedge_matches=tuple(hedges),
        question_ranges=tuple(questions),
    )


@dataclass(frozen=True)
class DrillMetrics:
    """Metrics over a whole drill: talk share and the turn metrics pooled (None where nothing was said)."""

    turns: tuple[TurnMetrics, ...]
    rep_talk_s: float
    prospect_talk_s: float
    talk_share: float | None  # % of all talk that was the rep's
    listen_share: float | None
    wpm: float | None  # 60 x all words / summed turn speaking lengths
    hesitations: int
    longest_monologue_s: float
    fillers: int
    fillers_per_min: float | None
    hedges: int
    questions: int
    script_talk_share: float | None = None  # the talk share the model answers would give against these lines
    airtime_ratio: float | None = None  # rep talk / model answers' airtime, over answers that have one
    talk_over: int = 0
    talk_over_s: float = 0.0


def drill_metrics(
    turns: Sequence[Turn],
    lexicon: Lexicon | None = None,
    hesitation_s: float = Targets.hesitation_s,
    model_answers_s: Sequence[float | None] = (),
    answers_from: Sequence[float | None] = (),
) -> DrillMetrics:
    """Metrics of a drill from its turns in order; each answer's latency is measured from the line before it.

    `model_answers_s` gives, per rep turn in order, its node's model answer airtime (see
    `model_answer_seconds`); without it there is no airtime ratio and no script talk share.
    `answers_from` gives, per rep turn, when its answer was due if later than the line's end
    (a repeat or the preparation time; None: the line's end).
    """
    answers: list[TurnMetrics] = []
    prospect_talk = 0.0
    line: Turn | None = None
    for turn in turns:
        if turn.speaker == PROSPECT:
            prospect_talk += max(turn.end - turn.start, 0.0)
            line = turn
        elif turn.speaker == REP:
            model = model_answers_s[len(answers)] if len(answers) < len(model_answers_s) else None
            due = answers_from[len(answers)] if len(answers) < len(answers_from) else None
            answers.append(turn_metrics(
                turn.words, turn.spans, line.end if line else None, lexicon, hesitation_s,
                prospect_start=line.start if line else None, model_answer_s=model, answer_from=due,
                filled_pauses=turn.filled_pauses,
            ))
            line = None
        else:
            raise ValueError(f"unknown speaker {turn.speaker!r}")
    rep_talk = sum(a.talk_s for a in answers)
    speaking = sum(a.speaking_s for a in answers)
    words = sum(a.words for a in answers)
    share = talk_share(rep_talk, prospect_talk)
    fillers = sum(a.fillers for a in answers)
    modelled = [a for a in answers if a.model_answer_s]
    model_total = sum(a.model_answer_s for a in modelled)
    modelled_talk = sum(a.talk_s for a in modelled)
    return DrillMetrics(
        turns=tuple(answers),
        rep_talk_s=rep_talk,
        prospect_talk_s=prospect_talk,
        talk_share=share,
        listen_share=None if share is None else 100.0 - share,
        wpm=60.0 * words / speaking if speaking > 0 and words > 0 else None,
        hesitations=sum(a.hesitation for a in answers),
        longest_monologue_s=max((a.longest_monologue_s for a in answers), default=0.0),
        fillers=fillers,
        fillers_per_min=per_minute(fillers, rep_talk),
        hedges=sum(a.hedges for a in answers),
        questions=sum(a.questions for a in answers),
        script_talk_share=talk_share(model_total, prospect_talk) if model_total > 0 else None,
        airtime_ratio=modelled_talk / model_total if model_total > 0 and modelled_talk > 0 else None,
        talk_over=sum(a.talk_over_count for a in answers),
        talk_over_s=sum(a.talk_over_s for a in answers),
    )

"""Where unpunctuated words break into clauses (trainer/core/clause_breaks.py, used by trainer/core/clauses.py).

The shipped model was fitted by scripts/fit-clause-breaks on written text that never
includes the held-out answers, so their own punctuation is a fair check of it: measured
F1 0.85 (precision 0.84, recall 0.86) on the held-out answers that are punctuated (0.79 when it was fitted on the
first 457 calibration answers, 0.83 on 2,195 with the unpunctuated ones fitted as text without breaks).
"""

import numpy as np
import pytest

from own_words import load_set
from trainer.core.clause_breaks import ClauseBreaks, load_clause_breaks, write_clause_breaks, written_breaks
from trainer.core.clauses import HALF_MIN_TOKENS, LONG_CLAUSE_TOKENS, halves, split_clauses
from trainer.core.errors import TrainerError
from trainer.core.lexicon import default_lexicon
from trainer.core.moves import default_move_library
from trainer.core.text import SENTENCE_END
from trainer.core.transcript import Word

HELDOUT_F1_FLOOR = 0.80  # measured 0.848


def clauses(text: str, breaks: ClauseBreaks | None) -> list[str]:
    library = default_move_library()
    words = [Word(w, 0.0, 0.0) for w in text.split()]
    found = split_clauses(words, (), default_lexicon(), library.clause_markers, breaks, library.function_words)
    return [c.text for c in found]


def test_written_punctuation_marks_the_breaks():
    toks, breaks = written_breaks("Fair enough, I get it. How do you handle - say - cover today ; or not?")
    assert toks == ["fair", "enough", "i", "get", "it", "how", "do", "you", "handle", "say", "cover", "today", "or", "not"]
    assert [t for t, b in zip(toks, breaks) if b] == ["i", "how", "or"]  # a dash is no clause break, as in typed text


def test_the_held_out_answers_punctuation_is_predicted():
    model = load_clause_breaks()
    function_words = default_move_library().function_words
    said = hits = written = 0
    for item in load_set("heldout"):
        if not set(item.answer) & SENTENCE_END:
            continue  # written as an engine without punctuation would: no breaks to check against
        toks, truth = written_breaks(item.answer)
        guess = model.breaks(toks, function_words)
        said += sum(guess)
        written += sum(truth)
        hits += sum(g and t for g, t in zip(guess, truth))
    precision, recall = hits / said, hits / written
    assert 2 * precision * recall / (precision + recall) >= HELDOUT_F1_FLOOR, (precision, recall)


def test_a_run_of_unpunctuated_words_is_cut_where_a_writer_would():
    text = ("yeah fair play nobody enjoys a call out of the blue i rang because freight firms your size "
            "lose monday mornings to drivers calling in sick who sorts out cover for you when that happens")
    without = clauses(text, None)
    cut = clauses(text, load_clause_breaks())
    assert len(without) <= 2 and len(cut) >= 4
    # ends where a writer's sentence ends; with clauses.CUT_MARGIN an extra cut may come before it ("yeah fair |
    # play nobody ..."): the recogniser judges neighbouring clauses in pairs too, so that costs little
    assert any(c.endswith("nobody enjoys a call out of the blue") for c in cut)
    # and a clause opens where the writer's question does; the model of 2026-12-07 (late), fitted without the answers
    # written unpunctuated, also cuts "who sorts out | cover for you" (the pair of the two is judged as well)
    assert any(c.startswith("who sorts out") for c in cut)


def test_punctuated_words_are_cut_by_their_punctuation_only():
    text = "Yeah fair play nobody enjoys a call out of the blue. Who sorts out cover for you when that happens?"
    assert clauses(text, load_clause_breaks()) == clauses(text, None)


def test_a_damaged_or_foreign_model_file_is_named_with_the_fix(tmp_path):
    damaged = tmp_path / "clause_breaks.npz"
    damaged.write_bytes(b"not a model")
    with pytest.raises(TrainerError, match=r"clause_breaks\.npz: cannot read .*scripts/fit-clause-breaks"):
        load_clause_breaks(damaged)
    foreign = tmp_path / "foreign.npz"
    np.savez(foreign, index=np.array([5]), weight=np.array([1.0]), threshold=0.5, feature_bits=12)
    with pytest.raises(TrainerError, match=r"foreign\.npz: .*does not fit"):
        load_clause_breaks(foreign)


def test_a_written_model_reads_back_the_same(tmp_path):
    model = load_clause_breaks()
    path = tmp_path / "copy.npz"
    write_clause_breaks(model, path)
    again = load_clause_breaks(path)
    assert again.threshold == pytest.approx(model.threshold) and np.array_equal(again.weights, model.weights)


def test_unpunctuated_words_are_also_cut_after_a_finished_sentence():
    """`finished` (trainer.core.completeness) adds cuts after words that read as a sentence's end, with the
    break model's own; a punctuated answer is cut by its punctuation alone."""
    from trainer.core.completeness import completeness_model

    library = default_move_library()
    finished = completeness_model().finished
    text = "yeah fair enough nobody wants a random call on a tuesday how do you handle the rotas at the moment"
    words = [Word(w, 0.0, 0.0) for w in text.split()]
    model = load_clause_breaks()
    cut = [c.text for c in split_clauses(words, (), default_lexicon(), library.clause_markers, model,
                                         library.function_words, finished)]
    everywhere = split_clauses(words, (), default_lexicon(), library.clause_markers, model, library.function_words,
                               lambda toks: True)
    assert " ".join(cut) == text and len(cut) >= len(clauses(text, model))
    assert len(everywhere) == len(words) // 2  # a cut every MIN_LEAD_TOKENS words: `finished` is asked at each gap
    written = [Word(w, 0.0, 0.0) for w in "Fair enough. How do you handle the rotas?".split()]
    assert [c.text for c in split_clauses(written, (), default_lexicon(), library.clause_markers, model,
                                          library.function_words, lambda toks: True)] == [
        "Fair enough.", "How do you handle the rotas?"]


def test_a_long_clause_is_also_judged_in_halves_where_a_writer_would_break_it():
    breaks, library = load_clause_breaks(), default_move_library()
    text = "i totally get that nobody likes these calls we help freight firms cover drivers who ring in sick"
    words = [Word(w, 0.0, 0.0) for w in text.split()]
    whole = split_clauses(words, (), default_lexicon(), library.clause_markers, None, library.function_words)
    assert [c.text for c in whole] == [text]  # no cut without the break model: one clause of two moves
    found = halves(words, whole, breaks, library.function_words)
    first, second = found[0], found[1]
    assert first.words.start == 0 and second.words.stop == len(words) and first.words.stop == second.words.start
    # the best break of the clause, whether or not it passes the model's threshold
    logits = breaks.gap_logits(text.split(), library.function_words)
    assert first.words.stop == max(range(HALF_MIN_TOKENS, len(words) - HALF_MIN_TOKENS + 1), key=lambda t: logits[t])
    assert all(c.half_of == whole[0].words for c in found)  # halves of halves know the clause they came from
    assert len(found) > 2 and all(len(c.words) >= HALF_MIN_TOKENS for c in found)


def test_a_short_clause_is_not_halved():
    library = default_move_library()
    text = " ".join(["word"] * (LONG_CLAUSE_TOKENS - 1))
    words = [Word(w, 0.0, 0.0) for w in text.split()]
    whole = split_clauses(words, (), default_lexicon(), library.clause_markers, None, library.function_words)
    assert halves(words, whole, load_clause_breaks(), library.function_words) == []


def test_words_without_letters_keep_the_clauses_in_step():
    # Whisper tiny.en once wrote a stutter as words of their own, "f", "-", "a", "-" ...: a "-" has no token, and
    # the cuts, counted in words, were read as token positions (an IndexError that stopped the answer's scoring).
    library, model = default_move_library(), load_clause_breaks()
    text = "Try to give them to the f - a - a - e - e - so how do you handle cover today"
    words = [Word(w, 0.0, 0.0) for w in text.split()]
    found = split_clauses(words, (), default_lexicon(), library.clause_markers, model, library.function_words)
    assert " ".join(c.text for c in found) == text
    assert found[-1].text == "so how do you handle cover today"  # not cut at "do you": the "how" question's own

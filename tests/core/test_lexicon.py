"""Word normalisation and the filler / hedge / question-opener lexicons."""

import pytest
import yaml

from trainer.core.errors import TrainerError
from trainer.core.lexicon import LEXICONS_FILE, default_lexicon, lexicon_for, load_lexicon
from trainer.core.text import normalise, tokens, trailing_punctuation, word_tokens
from trainer.core.transcript import Word


def found(category, text, lexicon=None):
    return [m.phrase for m in (lexicon or default_lexicon()).find(category, tokens(text))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("What\u2019s driving THAT?", ["what's", "driving", "that"]),
        ("I`ll call, ok.", ["i'll", "call", "ok"]),
        ("a follow-up on 3 pm", ["a", "follow", "up", "on", "three", "pm"]),
        ("the 1st call, the 2ND and 21st", ["the", "first", "call", "the", "second", "and", "twenty", "first"]),
        ("'cause the reps' budget", ["cause", "the", "reps", "budget"]),
        ("\u2014 ... ", []),
    ],
)
def test_tokens_lowercase_unify_apostrophes_and_drop_punctuation(text, expected):
    assert tokens(text) == expected


def test_word_tokens_map_each_token_back_to_its_word():
    words = [Word("Follow-up", 0, 1), Word("-", 1, 1.1), Word("now?", 1.1, 1.5)]
    assert word_tokens(words) == (["follow", "up", "now"], [0, 0, 2])


@pytest.mark.parametrize(("word", "punct"), [("that?", "?"), ("well,", ","), ("so", ""), ('"really?!"', "?!"), ("3.", ".")])
def test_trailing_punctuation(word, punct):
    assert trailing_punctuation(word) == punct


def test_builtin_lexicons_are_written_in_normalised_form():
    data = yaml.safe_load(LEXICONS_FILE.read_text())
    entries = [e for key in ("fillers", "hedges", "question_openers", "connectors") for e in data[key]]
    entries += [e for phrases in data["exceptions"].values() for e in phrases]
    assert all(data[key] for key in ("fillers", "hedges", "question_openers", "connectors"))
    assert [e for e in entries if normalise(e) != e] == []


def test_like_and_so_are_not_fillers_by_default():
    assert found("fillers", "I'd like to show you, so it looks like this") == []


def test_fillers_include_multiword_markers_once_each():
    assert found("fillers", "um you know it's uh I mean fine") == ["um", "you know", "uh", "i mean"]


def test_filler_exceptions_keep_real_questions_and_verbs():
    assert found("fillers", "do you know what I mean") == []
    assert found("fillers", "you know what I mean") == ["you know"]


def test_longest_hedge_wins_and_counts_once():
    assert found("hedges", "I think maybe I was just wondering if it's not too much trouble") == [
        "i think maybe",
        "i was just wondering",
        "if it's not too much trouble",
    ]
    assert found("hedges", "I\u2019ll let you go, sorry to bother you") == ["i'll let you go", "sorry to bother"]


def test_question_opener_only_counts_where_it_starts():
    lexicon = default_lexicon()
    assert lexicon.starts_with("question_openers", tokens("could we talk tuesday")).phrase == "could"
    assert lexicon.starts_with("question_openers", tokens("do you have a minute")).phrase == "do you"
    assert lexicon.starts_with("question_openers", tokens("do send it")) is None
    assert lexicon.starts_with("question_openers", tokens("what we do is help")) is None  # exception
    match = lexicon.starts_with("question_openers", tokens("so how come"), at=1)
    assert (match.phrase, match.start, match.end) == ("how come", 1, 3)


def test_pack_extension_adds_phrases_and_leaves_defaults_alone():
    extended = lexicon_for({"fillers": ["Like", "kind of like"], "hedges": ["to be honest"]})
    assert found("fillers", "it was like kind of like um", extended) == ["like", "kind of like", "um"]
    assert found("hedges", "to be honest maybe", extended) == ["to be honest", "maybe"]
    assert found("fillers", "it was like", default_lexicon()) == []
    assert lexicon_for({}) is default_lexicon()


def test_pack_extension_errors_name_the_pack_and_the_fix():
    with pytest.raises(TrainerError, match=r"acme\.yaml: unknown lexicon list 'filler'; use one of fillers"):
        lexicon_for({"filler": ["um"]}, source="acme.yaml")
    with pytest.raises(TrainerError, match=r"acme\.yaml: lexicon\.hedges: expected a list of phrases"):
        lexicon_for({"hedges": "maybe"}, source="acme.yaml")
    with pytest.raises(TrainerError, match=r"phrase '\?\?' has no words"):
        lexicon_for({"hedges": ["??"]}, source="acme.yaml")


def test_unreadable_lexicon_file_names_the_file(tmp_path):
    broken = tmp_path / "lexicons.yaml"
    broken.write_text("fillers: [um\n")
    with pytest.raises(TrainerError, match=str(broken)):
        load_lexicon(broken)
    broken.write_text("- um\n")
    with pytest.raises(TrainerError, match="expected a mapping"):
        load_lexicon(broken)


@pytest.mark.parametrize(
    "text, fillers",
    [
        ("I will let you know how it goes", []),
        ("you know how the product works", []),
        ("um you know it is great", ["um", "you know"]),
        ("so you know, we tried it", ["you know"]),
    ],
)
def test_you_know_is_a_filler_only_as_a_discourse_marker(text, fillers):
    assert [m.phrase for m in default_lexicon().find("fillers", tokens(text))] == fillers


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Could we look at 20 minutes?", "could we look at twenty minutes"),
        ("40% off", "forty percent off"),
        ("$1,500 a year", "one thousand five hundred dollars a year"),
        ("1,500 seats", "one thousand five hundred seats"),
        ("at 10:30", "at ten thirty"),
        ("call 12345678901", "call 12345678901"),
    ],
)
def test_numbers_are_spelled_out_as_cues_write_them(text, expected):
    assert normalise(text) == expected

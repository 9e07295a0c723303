"""The sentence-completeness model over typed partials: finished endings read as finished, cut ones do not."""

import json

import pytest

from trainer.core.completeness import COMPLETENESS_FILE, RARE, completeness_model, features, load_model
from trainer.core.errors import TrainerError
from trainer.core.text import tokens


def probability(text: str) -> float:
    return completeness_model().probability(tokens(text))


@pytest.mark.parametrize("text", [
    "we can start with one shop for the first month", "let me send a one page summary today",
    "most of our clients felt the same way at first", "how long does that take you each week",
])
def test_finished_sentences_read_as_finished(text):
    model = completeness_model()
    assert not model.unfinished(tokens(text))
    assert probability(text) > 3 * model.unfinished_below  # well clear of the threshold, not by a hair


@pytest.mark.parametrize(("cut", "whole"), [
    ("we have two", "we have two shops"),
    ("what made you look at", "what made you look at this"),
    ("it usually pays for itself in about two", "it usually pays for itself in about two months"),
])
def test_a_sentence_cut_short_reads_less_finished_than_the_whole(cut, whole):
    assert probability(cut) < probability(whole) / 2


def test_the_threshold_is_what_the_fit_chose_and_the_model_is_not_empty():
    data = json.loads(COMPLETENESS_FILE.read_text(encoding="utf-8"))
    model = completeness_model()
    assert model.unfinished_below == pytest.approx(data["unfinished_below"])
    assert 0.0 < model.unfinished_below < 0.5 and len(model.weights) > 1000
    assert data["fit"]["held_out"]["heldout.yaml"]["answer_ends"] > 300  # the figures it was chosen with


def test_rare_words_share_one_feature():
    vocabulary = frozenset({"the", "shop"})
    assert features(["the", "zanzibar"], vocabulary) == [f"w1={RARE}", f"w2=the {RARE}", "w0=the"]
    assert features(["shop"], vocabulary) == ["w1=shop", "w2=<start> shop", "w0=<start>"]
    assert completeness_model().probability([]) == 0.5


def test_a_broken_model_file_names_the_file_and_the_fix(tmp_path):
    path = tmp_path / "completeness.json"
    path.write_text('{"weights": {}}', encoding="utf-8")
    with pytest.raises(TrainerError, match="completeness.json.*fit-completeness"):
        load_model(path)

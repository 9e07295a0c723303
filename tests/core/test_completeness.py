"""The sentence-completeness model over typed partials: finished endings read as finished, cut ones do not."""

import json

import pytest

from trainer.core.completeness import COMPLETENESS_FILE, RARE, completeness_model, features, load_model
from trainer.core.errors import TrainerError
from trainer.core.text import tokens


def probability(text: str) -> float:
    return completeness_model().probability(tokens(text))


@pytest.mark.parametrize("text", [
    "we can start with one shop for the first month", "thank you for your time", "we can talk next week",
])
def test_sentences_that_end_clearly_read_as_finished(text):
    assert completeness_model().finished(tokens(text))


@pytest.mark.parametrize("text", ["we have two", "let me send you a", "the real question is not", "i hear you"])
def test_cut_or_open_endings_do_not(text):
    model = completeness_model()
    assert not model.finished(tokens(text))
    assert probability(text) < model.finished_above / 2  # well clear of the threshold, not by a hair


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
    assert model.finished_above == pytest.approx(data["finished_above"])
    assert 0.0 < model.finished_above < 1.0 and len(model.weights) > 1000
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

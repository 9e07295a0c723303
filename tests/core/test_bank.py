"""The opener bank's rules: which takes are offered, what each level shows, keys, and the file formats."""

from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from practice_pack import demo_pack

from trainer.core.bank import (
    BANK,
    MODEL_ANSWER,
    NOTHING,
    BankEntry,
    bank_key,
    bank_offer,
    best_entry,
    clean_tags,
    clean_text,
    prompt_help,
)
from trainer.core.bank_files import from_csv, from_markdown, read_bank_file, to_csv, to_markdown, write_bank_file
from trainer.core.errors import TrainerError
from trainer.core.levels import level_rules

PACK = demo_pack()
WORDS = "Fair point. What would it need to pay back for you?"


def offer(score, node="too-expensive", transcript=WORDS, marked=False):
    return bank_offer(PACK, turn_id=7, objection_id="too-expensive", node_id=node, score=score,
                      transcript=transcript, recording=Path("/r/7.wav"), marked=marked)


def entry(**changes):
    base = dict(id=1, text=WORDS, objection_id="too-expensive", pack_id="practice-demo", category="price",
                transcript="fair point what would it need to pay back for you", tags=("roi",), score=86.0)
    return BankEntry(**(base | changes))


def test_a_high_scoring_take_is_offered_and_a_low_one_is_not():
    high = offer(86)
    assert high is not None
    assert (high.turn_id, high.pack_id, high.objection_id, high.category) == (7, "practice-demo", "too-expensive", "price")
    assert (high.transcript, high.score, high.recording) == (WORDS, 86, Path("/r/7.wav"))
    assert high.reason == "scored 86 (offered at 80+)"
    assert offer(80) is not None  # the threshold itself is enough
    assert offer(79.9) is None
    assert offer(None) is None


def test_a_marked_take_is_offered_whatever_it_scored_but_not_an_empty_or_follow_up_one():
    assert offer(41, marked=True).reason == "you marked this take"
    assert offer(95, transcript="  ") is None
    assert offer(95, node="asks-for-discount") is None  # the bank keeps openers to the objection itself


def test_level_one_shows_the_model_answer_level_two_the_bank_level_three_nothing():
    objection = PACK.objection("too-expensive")
    banked = [entry(id=3, text="My own words for this.")]
    one = prompt_help(objection, level_rules(1), banked)
    assert (one.kind, one.text, one.tip) == (MODEL_ANSWER, objection.model_answer, objection.tip)
    two = prompt_help(objection, level_rules(2), banked)
    assert (two.kind, two.text, two.entry_id) == (BANK, "My own words for this.", 3)
    assert prompt_help(objection, level_rules(3), banked) == prompt_help(objection, level_rules(3))
    assert prompt_help(objection, level_rules(3)).kind == NOTHING and prompt_help(objection, level_rules(3)).text == ""


def test_level_two_without_an_entry_never_falls_back_to_the_model_answer():
    objection = PACK.objection("too-expensive")
    others = [entry(objection_id="no-budget"), entry(id=2, retired=True)]
    help_ = prompt_help(objection, level_rules(2), others)
    assert help_.kind == NOTHING and objection.model_answer not in help_.text
    assert "no opener banked for this objection yet" in help_.text


def test_best_entry_prefers_starred_then_score_then_newest():
    old = datetime(2025, 1, 1, tzinfo=timezone.utc)
    new = datetime(2025, 2, 1, tzinfo=timezone.utc)
    entries = [
        entry(id=1, score=95, updated_at=old),
        entry(id=2, score=82, starred=True, updated_at=old),
        entry(id=3, score=99, retired=True, updated_at=new),
        entry(id=4, score=82, starred=True, updated_at=new),
    ]
    assert best_entry(entries, "too-expensive").id == 4
    assert best_entry(entries[:1] + entries[2:3], "too-expensive").id == 1
    assert best_entry(entries, "too-expensive", "another-pack") is None
    assert best_entry([], "too-expensive") is None


def test_key_ignores_case_punctuation_and_spacing_but_not_words_objection_or_pack():
    key = bank_key("p", "o", "Fair point. What would it need?")
    assert bank_key("p", "o", "  fair POINT what would it  need ") == key
    assert bank_key("p", "o", "Fair point. What would it take?") != key
    assert bank_key("p", "o2", "Fair point. What would it need?") != key
    assert bank_key("q", "o", "Fair point. What would it need?") != key


def test_tags_and_text_are_cleaned():
    assert clean_tags(["ROI, Short ", "short", "  follow up", ""]) == ("follow-up", "roi", "short")
    assert clean_text("  first line   \r\n\r\nsecond  \n") == "first line\n\nsecond"


FULL = entry(
    text="Fair point.\n\nWhat would it need to pay back? \"Honestly\", > not a quote, ## not a heading",
    transcript="fair point what would it need", tags=("roi", "short"), score=86.5, starred=True,
    recording=Path("/data/recordings/bank/1.wav"),
    created_at=datetime(2025, 3, 1, 9, 30, 0, 123000, tzinfo=timezone.utc),
    updated_at=datetime(2025, 3, 2, 10, 0, tzinfo=timezone.utc),
)
PLAIN = entry(id=2, pack_id="", category="", objection_id="no-budget", text="Which budget is it?", transcript="",
              tags=(), score=None, retired=True)


def comparable(e):
    """What a file keeps of an entry: everything but the store's id and the source turn."""
    return {k: v for k, v in vars(e).items() if k not in ("id", "source_turn_id")}


@pytest.mark.parametrize("write, read", [(to_markdown, from_markdown), (to_csv, from_csv)])
def test_export_then_import_loses_nothing(write, read):
    again = read(write([FULL, PLAIN]))
    assert [comparable(e) for e in again] == [comparable(FULL), comparable(PLAIN)]
    assert all(e.id is None for e in again)
    assert [e.key for e in again] == [FULL.key, PLAIN.key]


def test_markdown_is_readable():
    text = to_markdown([FULL])
    assert "## practice-demo / too-expensive\n" in text
    assert "- tags: roi, short\n- score: 86.5\n- starred: yes\n- retired: no\n" in text
    assert "> Fair point.\n>\n> What would it need to pay back?" in text
    assert "Heard in the take:\n\n> fair point what would it need\n" in text


slug = st.from_regex(r"[a-z][a-z0-9-]{0,15}", fullmatch=True)
words = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x85\u2028\u2029") | st.just("\n"),
                min_size=1, max_size=80).map(clean_text).filter(bool)


@settings(max_examples=60, deadline=None)
@given(
    entries=st.lists(
        st.builds(
            BankEntry, id=st.none(), text=words, objection_id=slug, pack_id=st.one_of(st.just(""), slug),
            category=st.one_of(st.just(""), slug), transcript=st.one_of(st.just(""), words),
            tags=st.lists(slug, max_size=3).map(clean_tags),
            score=st.one_of(st.none(), st.integers(0, 100).map(float)),
            starred=st.booleans(), retired=st.booleans(),
        ),
        max_size=4,
    )
)
def test_any_bank_round_trips_through_both_formats(entries):
    for write, read in ((to_markdown, from_markdown), (to_csv, from_csv)):
        assert read(write(entries)) == entries


def test_files_by_suffix(tmp_path):
    for name in ("bank.md", "bank.csv"):
        write_bank_file(tmp_path / name, [FULL, PLAIN])
        assert [comparable(e) for e in read_bank_file(tmp_path / name)] == [comparable(FULL), comparable(PLAIN)]
    with pytest.raises(TrainerError, match=r"bank.txt: unknown bank file type '.txt'; use .md \(Markdown\) or .csv"):
        read_bank_file(tmp_path / "bank.txt")
    with pytest.raises(TrainerError, match="missing.md: cannot read the bank file"):
        read_bank_file(tmp_path / "missing.md")


@pytest.mark.parametrize(
    "text, message",
    [
        ("> stray quote\n", "b.md:1: a quote before the first"),
        ("## p / o\n\n- colour: red\n\n> hi\n", "b.md:3: '- colour: red' is not a field"),
        ("## p / o\n\n- starred: maybe\n\n> hi\n", "b.md:1: starred is 'maybe'; write yes or no"),
        ("## p / o\n\n- score: lots\n\n> hi\n", "b.md:1: score 'lots' is not a number"),
        ("## p / o\n\n- score: 120\n\n> hi\n", "b.md:1: score 120 is not 0-100"),
        ("## p / o\n\n- created: yesterday\n\n> hi\n", "b.md:1: created 'yesterday' is not a date"),
        ("## p / o\n\n- tags: a\n", "b.md:1: entry 'p / o' has no opener"),
        ("## p / o\n\nsome words\n", "b.md:3: unexpected text 'some words'"),
        ("## p / o\n\n> one\n\n> two\n", "b.md:5: one opener quote per entry"),
        ("## \n\n> hi\n", "b.md:1: the heading needs the objection"),
    ],
)
def test_malformed_markdown_names_the_line(text, message):
    with pytest.raises(TrainerError, match=message):
        from_markdown(text, "b.md")


@pytest.mark.parametrize(
    "text, message",
    [
        ("pack,words\np,hi\n", "b.csv:1: the header row needs the columns objection, text"),
        ("objection,text\no,hi\no,\n", "b.csv:3: every row needs an objection and a text"),
        ("objection,text,retired\no,hi,perhaps\n", "b.csv:2: retired is 'perhaps'"),
    ],
)
def test_malformed_csv_names_the_row(text, message):
    with pytest.raises(TrainerError, match=message):
        from_csv(text, "b.csv")

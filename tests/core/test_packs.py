"""Loading, dumping and finding scenario packs: built-in packs, the docs example, round trips."""

import re
from pathlib import Path

import pytest

from trainer.core import paths
from trainer.core.pack_model import Node, Pack
from trainer.core.packs import PackError, discover_packs, dump_pack, find_pack, load_pack, load_pack_text
from trainer.core.targets import Targets

DOCS = paths.REPO_ROOT / "docs" / "packs.md"


def docs_example() -> str:
    """The complete example pack in docs/packs.md (the yaml block with a modeline and objections)."""
    blocks = re.findall(r"```yaml\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S)
    examples = [b for b in blocks if b.startswith("# yaml-language-server") and "objections:" in b]
    assert len(examples) == 1
    return examples[0]


def first_match(node: Node, covered: set[str]):
    """The rule that decides where the conversation goes (first match wins)."""
    return next(rule for rule in node.next if rule.matches(covered))


def test_docs_example_validates_and_means_what_it_says():
    pack = load_pack_text(docs_example(), "docs/packs.md")
    assert pack.id == "demo-gatekeeper"
    assert [o.id for o in pack.objections] == ["what-is-it-about", "send-an-email"]
    assert pack.personas["priya"].voice.language == "en-gb"
    assert pack.targets.pace_band == (110, 150)
    assert pack.targets.weights["rubric"] == 50 and pack.targets.weights["pace"] == Targets().weights["pace"]
    assert pack.lexicon == {"hedges": ("just quickly",)}
    assert pack.assignment.due.isoformat() == "2025-09-30"
    first = pack.objections[0]
    assert [m.id for m in first.rubric] == ["acknowledge", "reason", "ask"]
    assert first.model_answer.endswith("for the partners?")  # folded text loses its final newline
    assert first_match(first, {"ask"}).goto == "gives-name"
    assert first_match(first, {"acknowledge"}).outcome.startswith("Priya takes a message")
    assert first_match(first.follow_ups["gives-name"], {"next_step"}).outcome.startswith("Priya suggests")
    assert pack.objections[1].next == ()


def test_round_trip_of_docs_example_gives_an_equal_pack():
    pack = load_pack_text(docs_example(), "a.yaml")
    again = load_pack_text(dump_pack(pack), "b.yaml")
    assert again == pack
    assert again.source == "b.yaml"

"""Loading, dumping and finding scenario packs: built-in packs, the docs example, round trips."""

import re
from pathlib import Path

import pytest

from trainer.core import paths
from trainer.core.errors import TrainerError
from trainer.core.pack_model import Node
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


BUILTIN = sorted(paths.BUILTIN_SCENARIOS.glob("*.yaml"))


def test_the_first_built_in_packs_are_there():
    assert {"cold-call-brush-offs.yaml", "price-and-budget.yaml"} <= {p.name for p in BUILTIN}


@pytest.mark.parametrize("path", BUILTIN, ids=lambda p: p.name)
def test_built_in_pack_validates_and_points_editors_at_the_schema(path: Path):
    pack = load_pack(path)
    assert pack.source == str(path)
    assert path.read_text(encoding="utf-8").splitlines()[0] == "# yaml-language-server: $schema=pack.schema.json"


@pytest.mark.parametrize("path", BUILTIN, ids=lambda p: p.name)
def test_built_in_pack_round_trips(path: Path):
    pack = load_pack(path)
    assert load_pack_text(dump_pack(pack)) == pack


@pytest.mark.parametrize("path", BUILTIN, ids=lambda p: p.name)
def test_built_in_pack_follows_the_content_rules(path: Path):
    """Issue 3 item 4: 2+ variants, 3+ moves with several cues, a tip, distinct persona voices."""
    pack = load_pack(path)
    for objection in pack.objections:
        assert len(objection.lines) >= 2, objection.id
        assert len(objection.rubric) >= 3, objection.id
        assert all(len(move.cues) >= 3 for move in objection.rubric), objection.id
        assert objection.tip, objection.id
        for follow_id, node in objection.follow_ups.items():
            assert all(len(move.cues) >= 2 for move in node.rubric), (objection.id, follow_id)
    voices = [(p.voice.language, p.voice.gender) for p in pack.personas.values()]
    assert len(set(voices)) == len(voices), "two personas of a pack sound alike"
    used = {o.persona for o in pack.objections}
    assert used == set(pack.personas), "a persona nobody uses"


@pytest.mark.parametrize("path", BUILTIN, ids=lambda p: p.name)
def test_model_answers_make_every_move_and_earn_a_good_ending(path: Path):
    """Said word for word, a model answer covers its whole rubric (the real rubric matcher)
    and the conversation ends through a rule that rewards covered moves, not the catch-all."""
    rubric = pytest.importorskip("trainer.core.rubric", reason="needs the rubric matcher (trainer/core/rubric.py)")
    pack = load_pack(path)
    for objection in pack.objections:
        node, trail = objection, [objection.id]
        while node.next:
            result = rubric.check_rubric(node.rubric, node.model_answer)
            assert not result.missed, (trail, [m.move.id for m in result.missed])
            rule = first_match(node, set(result.covered))
            assert rule.covered, (trail, "model answer ends in the catch-all")
            if rule.outcome:
                break
            node = objection.follow_ups[rule.goto]
            trail.append(rule.goto)
        else:
            assert not rubric.check_rubric(node.rubric, node.model_answer).missed, trail


def test_my_packs_cover_every_level_and_branch_deep():
    """The two packs of this change: levels 1-5 each, several 2-3-turn branching objections."""
    for name in ("cold-call-brush-offs.yaml", "price-and-budget.yaml"):
        pack = load_pack(paths.BUILTIN_SCENARIOS / name)
        assert {o.level for o in pack.objections} == {1, 2, 3, 4, 5}, name
        branching = [o for o in pack.objections if o.follow_ups]
        assert len(branching) >= 5, name
        deepest = max(len(o.follow_ups) for o in branching)
        assert deepest >= 3, name
    brush_offs = load_pack(paths.BUILTIN_SCENARIOS / "cold-call-brush-offs.yaml")
    ids = {o.id for o in brush_offs.objections}
    assert {"not-interested", "send-me-an-email", "how-did-you-get-my-number", "were-all-set"} <= ids


def test_discover_lists_built_in_then_user_packs_and_keeps_broken_ones(isolated_dirs):
    user = paths.user_packs_dir()
    user.mkdir(parents=True)
    (user / "mine.yaml").write_text(docs_example(), encoding="utf-8")
    (user / "broken.yml").write_text("id: [unclosed\n", encoding="utf-8")
    (user / "notes.txt").write_text("not a pack", encoding="utf-8")
    found = discover_packs()
    names = [path.name for path, _ in found]
    assert names[: len(BUILTIN)] == [p.name for p in BUILTIN]
    assert names[len(BUILTIN):] == ["broken.yml", "mine.yaml"]
    broken = dict((p.name, item) for p, item in found)["broken.yml"]
    assert isinstance(broken, PackError) and broken.problems[0].line == 2
    assert find_pack("demo-gatekeeper").source == str(user / "mine.yaml")


def test_a_users_pack_replaces_a_built_in_one_with_the_same_id(isolated_dirs):
    user = paths.user_packs_dir()
    user.mkdir(parents=True)
    text = docs_example().replace("id: demo-gatekeeper", "id: price-and-budget")
    (user / "my-prices.yaml").write_text(text, encoding="utf-8")
    pack = find_pack("price-and-budget")
    assert pack.title == "Getting past the front desk"


def test_find_pack_loads_only_the_files_that_declare_the_id_and_any_it_cannot_read_plainly(isolated_dirs):
    user = paths.user_packs_dir()
    user.mkdir(parents=True)
    (user / "broken.yml").write_text("id: [unclosed\n", encoding="utf-8")
    anchored = docs_example().replace("id: demo-gatekeeper", "id: &who price-and-budget  # a YAML anchor")
    assert "id: &who price-and-budget" in anchored
    (user / "anchored.yaml").write_text(anchored, encoding="utf-8")
    quoted = docs_example().replace("id: demo-gatekeeper", "id: 'quoted-pack'  # says it plainly")
    (user / "quoted.yaml").write_text(quoted, encoding="utf-8")
    assert find_pack("quoted-pack").source == str(user / "quoted.yaml")
    # an id only the YAML parser can read still counts: the user's pack replaces the built-in one
    assert find_pack("price-and-budget").source == str(user / "anchored.yaml")
    with pytest.raises(TrainerError, match="no pack with id 'nope'"):
        find_pack("nope")


def test_unknown_pack_id_names_the_closest_one():
    with pytest.raises(TrainerError, match="no pack with id 'price-and-budgt' - did you mean 'price-and-budget'"):
        find_pack("price-and-budgt")


def test_schema_is_valid_2020_12_and_strict_everywhere():
    """Editors need a valid schema; every object either lists its keys (additionalProperties false)
    or types its free-form keys (rubric moves, follow-up ids), and says what it is for."""
    from jsonschema import Draft202012Validator

    from trainer.core.pack_schema import pack_schema

    schema = pack_schema()
    Draft202012Validator.check_schema(schema)
    objects = [schema, *(d for d in schema["$defs"].values() if d.get("type") == "object")]
    for definition in objects:
        assert "additionalProperties" in definition and definition.get("description"), definition.get("title")
        for name, prop in definition.get("properties", {}).items():
            assert prop.get("description") or "$ref" in prop or prop.get("type") == "number", name


def test_schema_targets_block_matches_the_targets_type():
    """The `targets:` keys are exactly Targets' fields, and its weights the default weight names."""
    from dataclasses import fields

    from trainer.core.pack_schema import pack_schema
    from trainer.core.targets import DEFAULT_WEIGHTS

    block = pack_schema()["$defs"]["targets"]["properties"]
    assert set(block) == {f.name for f in fields(Targets)}
    assert set(block["weights"]["properties"]) == set(DEFAULT_WEIGHTS)

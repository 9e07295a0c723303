"""The built-in library (every scenarios/*.yaml) as a whole: what issue 3 promises reps and coaches.

Every count is taken from the files, so the test keeps holding as packs are added: at
least six packs and sixty objections, all five ladder levels, deep branching role-plays,
distinct persona voices, model answers that make every move of their turn without filler,
and the topics the library must cover.
"""

import pytest

from trainer.core import paths
from trainer.core.lexicon import lexicon_for
from trainer.core.pack_model import Node, Objection, Pack
from trainer.core.packs import PackError, load_pack
from trainer.core.rubric import check_rubric
from trainer.core.text import tokens

LIBRARY_FILES = sorted(paths.BUILTIN_SCENARIOS.glob("*.yaml"))

# Topic -> words one of which must occur in a pack id or an objection category.
REQUIRED_TOPICS = {
    "cold-call brush-offs": ("brush-off",),
    "incumbent or competitor": ("incumbent", "competitor"),
    "price and budget": ("price", "budget"),
    "timing and stalls": ("timing", "stall"),
    "authority and gatekeepers": ("authority", "gatekeeper"),
    "referrals": ("referral",),
    "managers": ("manager", "accountability", "key-account"),
}


@pytest.fixture(scope="module")
def library() -> list[Pack]:
    """Every built-in pack that loads (the first test reports those that don't)."""
    packs = []
    for path in LIBRARY_FILES:
        try:
            packs.append(load_pack(path))
        except PackError:
            pass
    return packs


def objections(library: list[Pack]) -> list[tuple[Pack, Objection]]:
    """Every objection of the library with its pack."""
    return [(pack, objection) for pack in library for objection in pack.objections]


def turns(objection: Objection) -> list[tuple[str, Node]]:
    """The objection's prospect turns (its opening, then its follow-ups) with readable ids."""
    return [(objection.id, objection)] + [
        (f"{objection.id}/{follow_id}", node) for follow_id, node in objection.follow_ups.items()
    ]


def follow_up_depth(objection: Objection, node: Node) -> int:
    """Most follow-ups the conversation can still go through after `node` (the loader refuses loops)."""
    return max(
        (1 + follow_up_depth(objection, objection.follow_ups[rule.goto]) for rule in node.next if rule.goto),
        default=0,
    )


def branches(node: Node) -> bool:
    """True when the rep's answer decides where the turn leads: its rules reach two or more places."""
    return len({rule.goto or rule.outcome for rule in node.next}) >= 2


def test_every_built_in_pack_loads_with_a_unique_id(library):
    problems = []
    for path in LIBRARY_FILES:
        try:
            load_pack(path)
        except PackError as error:
            problems += [str(problem) for problem in error.problems]
    assert not problems, "\n".join(problems)
    ids = [pack.id for pack in library]
    assert len(set(ids)) == len(ids), f"two built-in packs share an id: {sorted(ids)}"


def test_library_has_six_packs_and_sixty_objections(library):
    assert len(library) >= 6, [pack.id for pack in library]
    assert len(objections(library)) >= 60


def test_every_objection_has_variants_a_rubric_and_a_model_answer(library):
    incomplete = []
    for pack, objection in objections(library):
        where = f"{pack.id}/{objection.id}"
        if len(set(objection.lines)) < 2:
            incomplete.append(f"{where}: fewer than 2 line variants")
        if len(objection.rubric) < 3:
            incomplete.append(f"{where}: fewer than 3 moves")
        incomplete += [f"{where}: move {m.id} has fewer than 2 cues" for m in objection.rubric if len(m.cues) < 2]
        if len(tokens(objection.model_answer)) < 5:
            incomplete.append(f"{where}: no real model answer")
    assert not incomplete, "\n".join(incomplete)


def test_every_ladder_level_is_drilled(library):
    assert {objection.level for _, objection in objections(library)} == {1, 2, 3, 4, 5}


def test_fifteen_objections_branch_into_two_or_three_follow_up_turns(library):
    deep = [
        f"{pack.id}/{objection.id}"
        for pack, objection in objections(library)
        if branches(objection) and follow_up_depth(objection, objection) >= 2
    ]
    assert len(deep) >= 15, deep


def test_personas_have_distinct_voices_and_temperaments(library):
    personas = [persona for pack in library for persona in pack.personas.values()]
    voices = {(p.voice.language, p.voice.gender, p.voice.rate, p.voice.pitch) for p in personas}
    assert len(voices) >= 6, voices
    assert len({p.temperament for p in personas}) >= 3


def test_every_model_answer_makes_all_its_moves_without_filler(library):
    """Said word for word, each model answer (opening and follow-ups) covers its turn's whole
    rubric and has no filler or hedge of the pack's lexicon: it is what the rep imitates."""
    faults = []
    for pack, objection in objections(library):
        lexicon = lexicon_for(pack.lexicon, pack.id)
        for where, node in turns(objection):
            missed = [m.move.id for m in check_rubric(node.rubric, node.model_answer).missed]
            if missed:
                faults.append(f"{pack.id}/{where}: model answer misses {missed}")
            for category in ("fillers", "hedges"):
                found = [m.phrase for m in lexicon.find(category, tokens(node.model_answer))]
                if found:
                    faults.append(f"{pack.id}/{where}: model answer has {category} {found}")
    assert not faults, "\n".join(faults)


@pytest.mark.parametrize("topic", REQUIRED_TOPICS)
def test_required_topic_is_covered(library, topic):
    names = {pack.id for pack in library} | {objection.category for _, objection in objections(library)}
    assert any(word in name for name in names for word in REQUIRED_TOPICS[topic]), sorted(names)


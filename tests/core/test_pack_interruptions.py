"""A pack's `interruptions:` (cut-in lines per persona or objection): read, written back, and a bad one located."""

import pytest
from practice_pack import pack_text

from trainer.core import paths
from trainer.core.packs import PackError, dump_pack, load_pack, load_pack_text
from trainer.core.temperaments import default_temperaments

PERSONA = "    temperament: skeptical\n"
OBJECTION = "    tip: Ask what it needs to pay back.\n"


def with_interruptions(persona_lines: str = "", objection_lines: str = "") -> str:
    """The practice pack with interruption lines on its persona and on its first objection."""
    text = pack_text()
    if persona_lines:
        text = text.replace(PERSONA, PERSONA + f"    interruptions: {persona_lines}\n", 1)
    if objection_lines:
        text = text.replace(OBJECTION, OBJECTION + f"    interruptions: {objection_lines}\n", 1)
    return text


def test_interruptions_on_a_persona_and_an_objection_are_read_and_written_back():
    pack = load_pack_text(with_interruptions('["Sorry, what are you actually asking me?"]',
                                             '["Is this about the price or not?", "Get to the number."]'), "p.yaml")
    assert pack.personas["dana"].interruptions == ("Sorry, what are you actually asking me?",)
    assert pack.objections[0].interruptions == ("Is this about the price or not?", "Get to the number.")
    assert pack.objections[1].interruptions == ()
    assert load_pack_text(dump_pack(pack), "again.yaml") == pack


def test_a_pack_without_interruptions_still_loads():
    pack = load_pack_text(pack_text(), "p.yaml")
    assert pack.personas["dana"].interruptions == () and all(not o.interruptions for o in pack.objections)


@pytest.mark.parametrize("persona_lines, objection_lines, fragment, at", [
    ("[]", "", "'interruptions' needs at least 1 entry, has 0", "    interruptions: []"),
    ('"Get to the point."', "", "'interruptions' should be a list", '    interruptions: "Get to the point."'),
    ("", '["Hm?", "Hm?"]', "repeats 'Hm?'", '    interruptions: ["Hm?", "Hm?"]'),
    ("", '["", "Well?"]', "must not be empty", '    interruptions: ["", "Well?"]'),
])
def test_a_bad_interruptions_list_is_named_at_its_line(persona_lines, objection_lines, fragment, at):
    text = with_interruptions(persona_lines, objection_lines)
    with pytest.raises(PackError) as caught:
        load_pack_text(text, "broken.yaml")
    matching = [p for p in caught.value.problems if fragment in p.message]
    assert matching, [str(p) for p in caught.value.problems]
    line = text[:text.index(at)].count("\n") + 1
    assert matching[0].line == line and "broken.yaml" in str(matching[0])


def test_the_built_in_curt_and_hostile_personas_have_their_own_interruptions():
    rank = default_temperaments().rank
    harsh = [(path.name, p) for path in sorted(paths.BUILTIN_SCENARIOS.glob("*.yaml"))
             for p in load_pack(path).personas.values() if rank(p.temperament) >= rank("curt")]
    assert len(harsh) >= 8  # curt, impatient, defensive and hostile personas of the library
    assert [name for name, p in harsh if len(p.interruptions) < 2] == []

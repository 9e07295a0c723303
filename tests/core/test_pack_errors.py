"""Broken packs -> the exact problem, at the exact line: a table, plus the limits and the tag attack."""

import time
from pathlib import Path

import pytest

from trainer.core import paths
from trainer.core.pack_yaml import MAX_FILE_BYTES
from trainer.core.packs import PackError, dump_pack, load_pack, load_pack_text

# A small valid pack; each case below changes one thing in it.
BASE = """\
id: tiny
title: Tiny pack
version: "1.0"
author: Test
description: A pack for error tests.
language: en
personas:
  - id: pat
    name: Pat Lee
    role: Buyer
    voice: {language: en-us, gender: male, rate: 170, pitch: 40}
objections:
  - id: no-thanks
    category: brush-off
    level: 2
    persona: pat
    lines: ["No thanks.", "Not for us."]
    rubric:
      acknowledge: [fair enough, i hear you]
      ask: [can i ask, how do you]
    model_answer: Fair enough. Can I ask how you handle it today?
    next:
      - covered: [ask]
        goto: opens-up
      - outcome: "Pat hangs up."
    follow_ups:
      opens-up:
        lines: ["We use a spreadsheet."]
        rubric:
          ask: [what happens, how often]
        model_answer: What happens when it breaks?
        next:
          - covered: [ask]
            goto: details
          - outcome: "Pat says it works fine."
      details:
        lines: ["Every Monday, honestly."]
        rubric:
          next_step: [next week, thursday]
        model_answer: Shall we talk next week?
"""


def test_base_pack_is_valid():
    assert load_pack_text(BASE, "base.yaml").id == "tiny"


def replace(old: str, new: str, count: int = 1) -> str:
    assert old in BASE, old
    return BASE.replace(old, new, count)


# (case id, broken text, expected message fragment, the text of the line it must point at)
CASES = [
    ("bad-yaml-indent", replace("    persona: pat\n", "   persona: pat\n"), "YAML syntax", "   persona: pat"),
    ("bad-yaml-unclosed-flow", replace('lines: ["No thanks.", "Not for us."]', 'lines: ["No thanks.", "Not for us."'), "YAML syntax", "    rubric:"),
    ("bad-yaml-tab", replace("    level: 2\n", "\tlevel: 2\n"), "YAML syntax", "\tlevel: 2"),
    ("wrong-type-level", replace("level: 2", "level: two"), "'level' should be a whole number, not the text 'two'", "level: two"),
    ("wrong-type-version", replace('version: "1.0"', "version: 1.0"), "'version' should be text, not the number 1.0 - put it in quotes", "version: 1.0"),
    ("wrong-type-lines", replace('lines: ["No thanks.", "Not for us."]', "lines: No thanks."), "'lines' should be a list", "lines: No thanks."),
    ("wrong-type-yes", replace('lines: ["No thanks.", "Not for us."]', 'lines: ["No thanks.", no]'), "should be text, not false (a yes/no value) - put it in quotes", 'lines: ["No thanks.", no]'),
    ("wrong-type-rate", replace("rate: 170", "rate: fast"), "'rate' should be a whole number", "rate: fast"),
    ("unknown-key-typo", replace("    rubric:\n      acknowledge", "    rubirc:\n      acknowledge"), "unknown key 'rubirc' - did you mean 'rubric'?", "    rubirc:"),
    ("unknown-key-top", replace("language: en\n", "language: en\nlanguages: [en]\n"), "unknown key 'languages' - did you mean 'language'?", "languages: [en]"),
    ("unknown-key-follow-up", replace("        model_answer: What happens", "        model_anser: What happens"), "unknown key 'model_anser' - did you mean 'model_answer'?", "model_anser"),
    ("missing-key", replace("    category: brush-off\n", ""), "objection 'no-thanks' is missing required key 'category'", "  - id: no-thanks"),
    ("duplicate-objection-id", BASE + """\
  - id: no-thanks
    category: brush-off
    level: 1
    persona: pat
    lines: [a, b]
    rubric: {ask: [why]}
    model_answer: Why?
""", "duplicate objection id 'no-thanks' (first on line 13)", "  - id: no-thanks\n    category: brush-off\n    level: 1"),
    ("duplicate-persona-id", replace("objections:\n", "  - {id: pat, name: Pat Two, role: Boss}\nobjections:\n"), "duplicate persona id 'pat'", "  - {id: pat, name: Pat Two"),
    ("duplicate-key", replace("    level: 2\n", "    level: 2\n    level: 3\n"), "duplicate key 'level' (first on line 15)", "    level: 3"),
    ("dangling-persona", replace("    persona: pat\n", "    persona: pet\n"), "unknown persona 'pet' - did you mean 'pat'?", "persona: pet"),
    ("dangling-goto", replace("goto: details", "goto: detail"), "goto 'detail' names no follow-up of this objection - did you mean 'details'?", "goto: detail"),
    ("unreachable-follow-up", replace("          - covered: [ask]\n            goto: details\n", ""), "follow-up 'details' is never reached", "      details:"),
    ("cycle", replace("          next_step: [next week, thursday]\n        model_answer: Shall we talk next week?\n",
                      "          next_step: [next week, thursday]\n        model_answer: Shall we talk next week?\n        next:\n          - goto: opens-up\n"),
     "branch loops (opens-up -> details -> opens-up)", "          - goto: opens-up"),
    ("move-not-in-rubric", replace("          - covered: [ask]\n            goto: details", "          - covered: [asks]\n            goto: details"), "move 'asks' is not in this turn's rubric - did you mean 'ask'?", "          - covered: [asks]"),
    ("last-rule-not-catch-all", replace('      - outcome: "Pat hangs up."', '      - missing: [ask]\n        outcome: "Pat hangs up."'), "the last rule must be a catch-all", "      - missing: [ask]"),
    ("rule-both-goto-and-outcome", replace("        goto: opens-up\n", "        goto: opens-up\n        outcome: Booked.\n"), "a rule has both 'goto' and 'outcome'", "      - covered: [ask]\n        goto: opens-up"),
    ("level-out-of-range", replace("level: 2", "level: 9"), "'level' is 9, out of range - use 1 to 5", "level: 9"),
    ("level-zero", replace("level: 2", "level: 0"), "'level' is 0, out of range - use 1 to 5", "level: 0"),
    ("empty-variants", replace('lines: ["No thanks.", "Not for us."]', "lines: []"), "'lines' needs at least 2 entries, has 0", "lines: []"),
    ("one-variant", replace('lines: ["No thanks.", "Not for us."]', 'lines: ["No thanks."]'), "'lines' needs at least 2 entries, has 1", 'lines: ["No thanks."]'),
    ("empty-line-text", replace('lines: ["No thanks.", "Not for us."]', 'lines: ["No thanks.", "  "]'), "must not be empty", 'lines: ["No thanks.", "  "]'),
    ("duplicate-variant", replace('lines: ["No thanks.", "Not for us."]', 'lines: ["No thanks.", "No thanks."]'), "repeats 'No thanks.'", 'lines: ["No thanks.", "No thanks."]'),
    ("bad-id", replace("  - id: no-thanks", "  - id: No Thanks"), "'id' 'No Thanks' is not valid - use lowercase letters, digits and dashes", "  - id: No Thanks"),
    ("bad-move-name", replace("      acknowledge: [fair enough", "      Acknowledge!: [fair enough"), "'Acknowledge!' is not a valid name here", "      Acknowledge!:"),
    ("bad-enum", replace("gender: male", "gender: mail"), "'gender' cannot be 'mail' - did you mean 'male'?", "gender: mail"),
    ("band-reversed", replace("objections:\n", "targets:\n  pace_band: [160, 120]\nobjections:\n"), "'pace_band' is [160, 120] - write it as [low, high]", "  pace_band: [160, 120]"),
    ("unknown-target", replace("objections:\n", "targets:\n  pace_bnd: [120, 160]\nobjections:\n"), "unknown key 'pace_bnd' - did you mean 'pace_band'?", "  pace_bnd:"),
    ("bad-due-date", replace("objections:\n", "assignment:\n  assigned_by: Coach\n  assigned_to: Rep\n  due: 2025-02-30\nobjections:\n"), "due date '2025-02-30' is not a real date", "  due: 2025-02-30"),
    ("python-tag", replace("level: 2", "level: !!python/object/apply:os.system ['true']"), "tag '!!python/object/apply:os.system' is not allowed", "level: !!python"),
    ("set-tag", replace("language: en", "language: !!set {en: null}"), "tag '!!set' is not allowed", "language: !!set"),
    ("merge-key", replace("    voice: {language", "    <<: {role: x}\n    voice: {language"), "merge keys (<<) are not supported", "    <<: {role: x}"),
    ("huge-number", replace("rate: 170", "rate: " + "9" * 4500), "is not a usable number", "rate: 999"),
    ("not-finite", replace("rate: 170", "rate: .inf"), "'.inf' is not a finite number", "rate: .inf"),
    ("two-documents", BASE + "---\nid: second\n", "YAML syntax", "---"),
    ("control-character", replace("title: Tiny pack", "title: Tiny\x07pack"), "YAML", "title: Tiny"),
    ("empty-file", "", "the file is empty", ""),
    ("null-document", "# a comment\n~\n", "the file is empty", "~"),
    ("not-a-mapping", "- just\n- a list\n", "the pack should be a mapping (key: value lines), not a list", "- just"),
]


def line_of(text: str, snippet: str) -> int:
    """1-based line where `snippet` starts (a multi-line snippet picks its first line)."""
    if not snippet:
        return 1
    index = text.index(snippet)
    return text.count("\n", 0, index) + 1


@pytest.mark.parametrize("text, fragment, at", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_broken_pack_reports_the_problem_at_its_line(text, fragment, at):
    with pytest.raises(PackError) as caught:
        load_pack_text(text, "broken.yaml")
    problems = caught.value.problems
    matching = [p for p in problems if fragment in p.message]
    assert matching, [str(p) for p in problems]
    assert matching[0].line == line_of(text, at), [str(p) for p in problems]
    assert matching[0].file == "broken.yaml" and matching[0].column >= 1
    assert str(caught.value).startswith(f"broken.yaml:{problems[0].line}:{problems[0].column}: ")


def test_every_problem_of_a_file_is_reported_at_once():
    text = (
        BASE.replace("level: 2", "level: 9")
        .replace("    persona: pat\n", "    persona: pet\n")
        .replace("    rubric:\n      acknowledge", "    rubirc:\n      acknowledge")
        .replace("goto: details", "goto: detail")
    )
    with pytest.raises(PackError) as caught:
        load_pack_text(text, "many.yaml")
    messages = [p.message for p in caught.value.problems]
    for fragment in ("'level' is 9", "unknown persona 'pet'", "unknown key 'rubirc'", "goto 'detail'"):
        assert any(fragment in m for m in messages), messages
    assert [p.line for p in caught.value.problems] == sorted(p.line for p in caught.value.problems)
    assert "more: run `trainer validate many.yaml`" in str(caught.value)


def test_too_deep_conversation_is_refused():
    text = BASE.replace(
        "        model_answer: Shall we talk next week?\n",
        "        model_answer: Shall we talk next week?\n        next:\n          - goto: more\n"
        "      more:\n        lines: [More.]\n        rubric: {ask: [why]}\n        model_answer: Why?\n"
        "        next:\n          - goto: even-more\n"
        "      even-more:\n        lines: [Even more.]\n        rubric: {ask: [why]}\n        model_answer: Why?\n",
    )
    with pytest.raises(PackError) as caught:
        load_pack_text(text, "deep.yaml")
    (problem,) = caught.value.problems
    assert "conversation longer than 4 prospect turns" in problem.message
    assert problem.line == line_of(text, "          - goto: even-more")


def test_python_tag_is_refused_and_nothing_runs(tmp_path):
    marker = tmp_path / "pwned"
    payloads = [
        f"level: !!python/object/apply:os.system ['touch {marker}']",
        f"level: !!python/object/apply:subprocess.check_call [['touch', '{marker}']]",
        f"level: !!python/object/new:subprocess.Popen [['touch', '{marker}']]",
        "level: !!python/name:os.system",
    ]
    for payload in payloads:
        path = tmp_path / "evil.yaml"
        path.write_text(BASE.replace("level: 2", payload), encoding="utf-8")
        with pytest.raises(PackError, match="is not allowed - a pack is plain data"):
            load_pack(path)
    assert not marker.exists()


def test_too_large_file_is_refused_before_reading(tmp_path):
    path = tmp_path / "huge.yaml"
    path.write_text(BASE + "# " + "x" * MAX_FILE_BYTES + "\n", encoding="utf-8")
    started = time.perf_counter()
    with pytest.raises(PackError) as caught:
        load_pack(path)
    assert time.perf_counter() - started < 0.5
    (problem,) = caught.value.problems
    assert (problem.line, problem.column) == (1, 1) and "at most 1,000,000 bytes" in problem.message
    with pytest.raises(PackError, match="split it into several packs"):
        load_pack_text(path.read_bytes(), "huge.yaml")


BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


@pytest.mark.parametrize(
    "text, fragment",
    [
        (BILLION_LAUGHS, "aliases (*name) repeat too much"),
        ("a: &a [x]\nb: [" + ",".join(["*a"] * 150) + "]\n", "more than 100 aliases"),
        ("a: &a [*a]\n", "recursive alias"),
        ("x: " + "[" * 5000 + "]" * 5000 + "\n", "nested deeper than 24 levels"),
        ("x:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 40)) + "  " * 40 + "v\n", "nested deeper than 24 levels"),
        ("items:\n" + "  - ab\n" * 30_000, "more than 20,000 values"),
        ("title: " + "a" * 6000 + "\n", "at most 5,000 allowed"),
    ],
    ids=["billion-laughs", "alias-count", "recursive-alias", "deep-flow", "deep-block", "too-many-values", "long-string"],
)
def test_hostile_structures_are_refused_fast(text, fragment):
    started = time.perf_counter()
    with pytest.raises(PackError) as caught:
        load_pack_text(text, "hostile.yaml")
    elapsed = time.perf_counter() - started
    # A guard against runaway expansion (unbounded, a billion-laughs file takes minutes and GBs),
    # not a speed target: ~0.05-0.4 s idle, but CI machines are noisy.
    assert elapsed < 10.0, elapsed
    assert any(fragment in p.message for p in caught.value.problems), [str(p) for p in caught.value.problems]
    assert all(p.line >= 1 for p in caught.value.problems)


def test_not_utf8_names_the_line(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes(BASE.replace("title: Tiny pack", "title: Caf\xe9 pack").encode("latin-1"))
    with pytest.raises(PackError) as caught:
        load_pack(path)
    (problem,) = caught.value.problems
    assert (problem.line, "not UTF-8" in problem.message) == (2, True)


def test_missing_file_is_a_pack_error(tmp_path):
    with pytest.raises(PackError, match="cannot read the file"):
        load_pack(tmp_path / "nope.yaml")


def test_utf8_bom_and_crlf_are_fine(tmp_path: Path):
    path = tmp_path / "windows.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + BASE.replace("\n", "\r\n").encode("utf-8"))
    assert load_pack(path).id == "tiny"


def test_a_wrong_item_in_a_list_is_named_by_its_position():
    with pytest.raises(PackError) as caught:
        load_pack_text(BASE.replace('lines: ["No thanks.", "Not for us."]', 'lines: ["No thanks.", 42]'), "item.yaml")
    assert [p.message for p in caught.value.problems] == ["item 2 of 'lines' should be text, not the number 42 - put it in quotes"]


def test_the_loader_never_uses_an_unsafe_yaml_load():
    """Only SafeLoader's grammar is used; no yaml.load, FullLoader or UnsafeLoader anywhere in trainer/."""
    sources = [p.read_text(encoding="utf-8") for p in (paths.REPO_ROOT / "trainer").rglob("*.py")]
    for forbidden in ("yaml.load(", "FullLoader", "UnsafeLoader", "yaml.Loader", "full_load", "unsafe_load"):
        assert not any(forbidden in source for source in sources), forbidden


def test_weights_that_switch_the_whole_turn_score_off_are_refused():
    zero = "{rubric: 0, pace: 0, latency: 0, clean_speech: 0, length: 0}"
    text = replace("objections:\n", f"targets:\n  weights: {zero}\nobjections:\n")
    with pytest.raises(PackError) as caught:
        load_pack_text(text, "w.yaml")
    (problem,) = caught.value.problems
    assert "every turn-score weight is 0" in problem.message and problem.line == line_of(text, "  weights:")
    with_questions = text.replace("length: 0}", "length: 0, questions: 10}")
    assert load_pack_text(with_questions, "w.yaml").targets.weights["questions"] == 10


def test_targets_per_level_load_round_trip_and_a_level_given_twice_is_refused():
    block = "targets:\n  airtime_band: [0.6, 1.8]\n  levels:\n    - {level: 1, airtime_band: [0.5, 3]}\nobjections:\n"
    pack = load_pack_text(replace("objections:\n", block), "t.yaml")
    assert pack.targets.airtime_band == (0.6, 1.8)
    assert pack.targets.at_level(1).airtime_band == (0.5, 3)
    assert load_pack_text(dump_pack(pack), "again.yaml").targets == pack.targets
    twice = block.replace("objections:\n", "    - {level: 1, ask_then_stop_s: 3}\nobjections:\n")
    with pytest.raises(PackError) as caught:
        load_pack_text(replace("objections:\n", twice), "t.yaml")
    assert "level 1 has targets twice" in str(caught.value)

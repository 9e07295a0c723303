"""Property-based mutation of valid packs: the loader gives a Pack or a located PackError, fast.

Two kinds of mutation: of the text (lines deleted, duplicated, swapped; YAML-significant
characters inserted) and of the data (keys dropped, renamed, values replaced with other
types, lists emptied), dumped back to YAML. Whatever comes out must be a `Pack` (which
then round-trips through `dump_pack`) or a `PackError` whose every problem has a real
line and column; nothing else may escape, and no example may take a second.
"""

import copy
import time

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.core.test_pack_errors import BASE
from tests.core.test_packs import docs_example
from trainer.core.pack_model import Pack
from trainer.core.packs import PackError, dump_pack, load_pack_text

SEEDS = [BASE, docs_example()]
SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
YAML_BITS = [":", "- ", "[", "]", "{", "}", "&a ", "*a", "!!python/object:os.system ", "!!str ", "'", '"', "#", "|", ">", "\t", "  ", "\n", "<<: ", "? ", "%", "@", "`", "\x00", "é", "~", "yes", "1e9"]


def check(text: str) -> None:
    """The contract: a Pack that round-trips, or a PackError with located problems; under a second."""
    started = time.perf_counter()
    try:
        result = load_pack_text(text, "mutant.yaml")
    except PackError as error:
        line_count = text.count("\n") + 2
        for problem in error.problems:
            assert problem.file == "mutant.yaml"
            assert 1 <= problem.line <= line_count, str(problem)
            assert problem.column >= 1 and problem.message, str(problem)
    else:
        assert isinstance(result, Pack)
        assert load_pack_text(dump_pack(result), "again.yaml") == result
    assert time.perf_counter() - started < 1.0


@st.composite
def text_mutants(draw) -> str:
    lines = draw(st.sampled_from(SEEDS)).splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "insert", "replace-char"]))
        i = draw(st.integers(0, len(lines) - 1))
        if op == "delete" and len(lines) > 1:
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "insert":
            bit = draw(st.sampled_from(YAML_BITS) | st.text(max_size=6))
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at] + bit + lines[i][at:]
        elif op == "replace-char" and lines[i]:
            at = draw(st.integers(0, len(lines[i]) - 1))
            lines[i] = lines[i][:at] + draw(st.characters()) + lines[i][at + 1:]
    return "".join(lines)


@SETTINGS
@given(text_mutants())
def test_text_mutants_load_or_fail_with_located_problems(text):
    check(text)


def paths_in(data, prefix=()):
    """Every path to a value inside `data`."""
    yield prefix
    if isinstance(data, dict):
        for key, value in data.items():
            yield from paths_in(value, prefix + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from paths_in(value, prefix + (index,))


ODD_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-10, 1000), st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30), st.just([]), st.just({}), st.lists(st.text(max_size=10), max_size=3),
    st.dictionaries(st.text(max_size=8), st.integers(), max_size=2),
)


@st.composite
def data_mutants(draw) -> str:
    data = copy.deepcopy(yaml.safe_load(draw(st.sampled_from(SEEDS))))
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(list(paths_in(data))[1:]))
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        last = path[-1]
        op = draw(st.sampled_from(["drop", "retype", "rename", "empty"]))
        if op == "drop":
            del parent[last]
        elif op == "retype":
            parent[last] = draw(ODD_VALUES)
        elif op == "rename" and isinstance(last, str):
            new_key = last[:-1] if len(last) > 1 else last + "x"
            parent[new_key] = parent.pop(last)
        elif op == "empty" and isinstance(parent[last], (list, dict, str)):
            parent[last] = type(parent[last])()
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


@SETTINGS
@given(data_mutants())
def test_data_mutants_load_or_fail_with_located_problems(text):
    check(text)


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_escape_as_another_error(raw):
    started = time.perf_counter()
    try:
        load_pack_text(raw, "bytes.yaml")
    except PackError as error:
        assert all(p.line >= 1 and p.column >= 1 for p in error.problems)
    assert time.perf_counter() - started < 1.0

"""Checks pack data against `scenarios/pack.schema.json` and words each failure for a coach.

jsonschema finds every failure with a data path; this module turns each into one
message at the right line and column (the key for unknown keys, with a did-you-mean),
using the source map made while reading the YAML.
"""

from __future__ import annotations

import difflib
import functools
import json
from typing import Any, Iterator

from jsonschema import Draft202012Validator, ValidationError

from trainer.core import paths
from trainer.core.pack_yaml import Located, SourceMap

_TYPE_NAMES = {
    "object": "a mapping (key: value lines)",
    "array": "a list ('- item' lines or [a, b])",
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
}


@functools.lru_cache(maxsize=1)
def pack_schema() -> dict:
    """The pack JSON Schema, as data."""
    return json.loads(paths.PACK_SCHEMA.read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    return Draft202012Validator(pack_schema())


def did_you_mean(word: str, choices) -> str:
    """' - did you mean 'x'?' for the closest choice, or '' when none is close."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" - did you mean '{close[0]}'?" if close else ""


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a yes/no value)"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text '{value[:40]}'"
    if isinstance(value, list):
        return "a list"
    return "a mapping"


def _field(path) -> str:
    """The name a coach sees for the value at `path`: 'lines', item 2 of 'lines', the pack."""
    if not path:
        return "the pack"
    if isinstance(path[-1], int):
        return f"item {path[-1] + 1} of {_field(path[:-1])}"
    return f"'{path[-1]}'"


def _owner(data: Any, path) -> str:
    """Which pack part a mapping at `path` is, e.g. "objection 'price-high'"."""
    names = {"objections": "objection", "personas": "persona", "follow_ups": "follow-up", "next": "rule"}
    if not path:
        return "the pack"
    node = data
    for part in path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return _field(path)
    parent = path[-2] if len(path) > 1 else None
    if isinstance(path[-1], int) and parent in names:
        ident = node.get("id") if isinstance(node, dict) else None
        return f"{names[parent]} '{ident}'" if isinstance(ident, str) else f"{names[parent]} #{path[-1] + 1}"
    if parent == "follow_ups":
        return f"follow-up '{path[-1]}'"
    return _field(path)


def _count(n: int, noun: str) -> str:
    plural = {"entry": "entries", "key": "keys"}[noun]
    return f"{n} {noun if n == 1 else plural}"


def schema_messages(error: ValidationError, data: Any, source_map: SourceMap) -> Iterator[Located]:
    """One or more located messages for one jsonschema failure."""
    path = tuple(error.absolute_path)
    kind, value, instance, schema = error.validator, error.validator_value, error.instance, error.schema
    here = source_map.value(path)
    field = _field(path)
    if "propertyNames" in error.absolute_schema_path:
        hint = schema.get("description", "")
        yield Located(*source_map.key(path + (instance,)), f"'{instance}' is not a valid name here - use {hint}")
    elif kind == "additionalProperties":
        allowed = list(schema.get("properties", {}))
        for key in instance:
            if key not in allowed:
                suggestion = did_you_mean(key, allowed) or f" - allowed keys: {', '.join(allowed)}"
                yield Located(*source_map.key(path + (key,)), f"unknown key '{key}'{suggestion}")
    elif kind == "required":
        for key in value:
            if key not in instance:
                yield Located(*here, f"{_owner(data, path)} is missing required key '{key}'")
    elif kind == "type":
        message = f"{field} should be {_TYPE_NAMES.get(value, value)}, not {_describe(instance)}"
        if value == "string" and instance is not None:
            message += " - put it in quotes"
        yield Located(*here, message)
    elif kind == "enum":
        choices = [str(c) for c in value]
        suggestion = did_you_mean(str(instance), choices)
        yield Located(*here, f"{field} cannot be '{instance}'{suggestion} (use one of: {', '.join(choices)})")
    elif kind == "pattern":
        yield Located(*here, f"{field} '{instance}' is not valid - use {schema.get('description', value)}")
    elif kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        low = schema.get("minimum", schema.get("exclusiveMinimum"))
        high = schema.get("maximum", schema.get("exclusiveMaximum"))
        above = "above " if "exclusiveMinimum" in schema else ""
        span = f"{above}{low} to {high}" if high is not None else f"at least {low}"
        yield Located(*here, f"{field} is {instance}, out of range - use {span}")
    elif kind in ("minItems", "minProperties"):
        noun = "entry" if kind == "minItems" else "key"
        yield Located(*here, f"{field} needs at least {_count(value, noun)}, has {len(instance)}")
    elif kind in ("maxItems", "maxProperties"):
        noun = "entry" if kind == "maxItems" else "key"
        yield Located(*here, f"{field} has {len(instance)} entries - at most {_count(value, noun)}; split the pack")
    elif kind == "minLength":
        yield Located(*here, f"{field} must not be empty")
    elif kind == "maxLength":
        yield Located(*here, f"{field} is {len(instance)} characters long - at most {value}")
    elif kind == "uniqueItems":
        seen = []
        for index, item in enumerate(instance):
            if item in seen:
                yield Located(*source_map.value(path + (index,)), f"{field} repeats '{item}' - remove the copy")
            seen.append(item)
    elif kind == "oneOf" and isinstance(instance, dict):
        if "goto" in instance and "outcome" in instance:
            yield Located(*here, "a rule has both 'goto' and 'outcome' - keep one")
        else:
            yield Located(*here, "a rule needs 'goto: <follow-up id>' or 'outcome: <how the drill ends>'")
    else:
        yield Located(*here, error.message)


def schema_problems(data: Any, source_map: SourceMap) -> list[Located]:
    """Every schema failure of `data`, located and worded."""
    problems: list[Located] = []
    for error in _validator().iter_errors(data):
        problems.extend(schema_messages(error, data, source_map))
    return problems

"""Safe, bounded YAML reading for packs: plain data plus where every value sits in the file.

Parsing composes the node tree with PyYAML's `SafeLoader` (the `yaml.safe_load`
grammar) and converts it to plain Python data itself, so nothing is ever constructed
from a tag: `!!python/...` and other tags are refused with a message, never run.
Limits stop hostile or broken files fast: file size, nesting depth, alias count and
alias expansion ("billion laughs"), string length. Keys are always strings; duplicate
keys are errors (YAML would silently keep the last one).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import yaml

MAX_FILE_BYTES = 1_000_000
MAX_DEPTH = 24  # a pack needs about 9 levels
MAX_ALIASES = 100
MAX_VALUES = 20_000  # values, counting alias expansion (a large pack has ~10,000)
MAX_STRING_CHARS = 5_000

DataPath = tuple  # a path into the data: keys (str) and list indexes (int)

_STD = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_STD + t for t in ("str", "int", "float", "bool", "null", "timestamp")}


@dataclass
class SourceMap:
    """Line/column (1-based) of every value, and of every mapping key, by data path."""

    values: dict[DataPath, tuple[int, int]] = field(default_factory=dict)
    keys: dict[DataPath, tuple[int, int]] = field(default_factory=dict)

    def value(self, path: DataPath) -> tuple[int, int]:
        """Where the value at `path` starts (or its nearest located parent)."""
        return self._nearest(self.values, tuple(path))

    def key(self, path: DataPath) -> tuple[int, int]:
        """Where the key of the value at `path` is written (falls back to the value)."""
        path = tuple(path)
        if path in self.keys:
            return self.keys[path]
        return self.value(path)

    @staticmethod
    def _nearest(table: dict, path: DataPath) -> tuple[int, int]:
        while path and path not in table:
            path = path[:-1]
        return table.get(path, (1, 1))


@dataclass
class Located:
    """A YAML problem found while reading, at a 1-based position."""

    line: int
    column: int
    message: str


@dataclass
class Document:
    """Plain data of a pack file, its source map, and the problems found while reading."""

    data: Any
    source_map: SourceMap
    problems: list[Located]


class _LimitReached(Exception):
    """A limit stopped reading; `mark` is where."""

    def __init__(self, message: str, mark):
        super().__init__(message)
        self.message = message
        self.mark = mark


class _BoundedLoader(yaml.SafeLoader):
    """SafeLoader that stops composing at the depth, alias and value-count limits."""

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0
        self._aliases = 0
        self._nodes = 0

    def compose_node(self, parent, index):  # noqa: D102 - PyYAML hook
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise _LimitReached(
                    f"more than {MAX_ALIASES} aliases (*name) - write the values out instead",
                    event.start_mark,
                )
        else:
            self._nodes += 1
            if self._nodes > MAX_VALUES:
                raise _LimitReached(f"more than {MAX_VALUES:,} values - split the pack", event.start_mark)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _LimitReached(
                    f"nested deeper than {MAX_DEPTH} levels - a pack needs about 9", event.start_mark
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _position(mark) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1)


def _position_in_text(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_STD):] if tag.startswith(_STD) else tag


def too_large(size: int) -> Located | None:
    """The problem with a file of `size` bytes, if it is over the limit."""
    if size <= MAX_FILE_BYTES:
        return None
    return Located(1, 1, f"file is {size:,} bytes - a pack may be at most {MAX_FILE_BYTES:,} bytes; split it into several packs")


def _decode(raw: bytes) -> tuple[str | None, Located | None]:
    """UTF-8 text of a pack file (BOM allowed), or the problem that prevents it."""
    if problem := too_large(len(raw)):
        return None, problem
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        return None, Located(line, column, "not UTF-8 text - save the file as UTF-8")


def _compose(text: str):
    """The node tree of the single YAML document in `text` (None when empty), within the limits."""
    loader = _BoundedLoader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def read_document(text: str | bytes) -> Document:
    """Parse pack text (or a file's bytes: UTF-8, BOM allowed) into plain data with positions;
    never raises for bad input."""
    source_map = SourceMap()
    if isinstance(text, bytes):
        text, problem = _decode(text)
        if problem:
            return Document(None, source_map, [problem])
    if problem := too_large(len(text.encode("utf-8", "surrogatepass"))):
        return Document(None, source_map, [problem])
    try:
        root = _compose(text)
    except _LimitReached as limit:
        return Document(None, source_map, [Located(*_position(limit.mark), limit.message)])
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = _position(mark) if mark else (1, 1)
        message = " ".join(p for p in (error.context, error.problem) if p)
        return Document(None, source_map, [Located(line, column, f"YAML syntax: {message}")])
    except yaml.YAMLError as error:  # reader errors: control characters and the like
        position = getattr(error, "position", 0) or 0
        character = getattr(error, "character", None)
        what = f"character #x{character:04x}" if isinstance(character, int) else "a special character"
        return Document(None, source_map, [Located(*_position_in_text(text, position), f"YAML: {what} is not allowed in text - remove it")])
    empty = "the file is empty - a pack is a mapping that starts with id:, title: ..."
    if root is None:
        return Document(None, source_map, [Located(1, 1, empty)])
    converter = _Converter(source_map)
    try:
        data = converter.convert(root, (), 1)
    except _LimitReached as limit:
        return Document(None, source_map, [Located(*_position(limit.mark), limit.message)])
    if data is None and not converter.problems:  # a document holding only null (`~`, `null`)
        converter.problem(root, empty)
    return Document(data, source_map, converter.problems)


class _Converter:
    """Turns a composed node tree into plain data, recording positions and problems."""

    def __init__(self, source_map: SourceMap):
        self.source_map = source_map
        self.problems: list[Located] = []
        self.budget = MAX_VALUES
        self.scalars = yaml.constructor.SafeConstructor()

    def problem(self, node, message: str) -> None:
        self.problems.append(Located(*_position(node.start_mark), message))

    def convert(self, node, path: DataPath, depth: int) -> Any:
        self.budget -= 1
        if self.budget < 0:
            raise _LimitReached(
                f"expands to more than {MAX_VALUES:,} values - aliases (*name) repeat too much", node.start_mark
            )
        if depth > MAX_DEPTH:
            raise _LimitReached(f"nested deeper than {MAX_DEPTH} levels (a recursive alias?)", node.start_mark)
        self.source_map.values.setdefault(path, _position(node.start_mark))
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node)
        if node.tag not in (_STD + "seq", _STD + "map"):
            self.problem(node, f"tag '{_short_tag(node.tag)}' is not allowed - a pack is plain data; remove the tag")
            return None
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(child, path + (i,), depth + 1) for i, child in enumerate(node.value)]
        return self.mapping(node, path, depth)

    def mapping(self, node, path: DataPath, depth: int) -> dict:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag == _STD + "merge":
                self.problem(key_node, "merge keys (<<) are not supported - write the keys out")
                continue
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _SCALAR_TAGS:
                self.problem(key_node, "keys must be plain words such as 'lines'")
                continue
            key = key_node.value
            if key in result:
                first_line = self.source_map.keys[path + (key,)][0]
                self.problem(key_node, f"duplicate key '{key}' (first on line {first_line}) - remove one")
                continue
            self.source_map.keys[path + (key,)] = _position(key_node.start_mark)
            result[key] = self.convert(value_node, path + (key,), depth + 1)
        return result

    def scalar(self, node) -> Any:
        if node.tag not in _SCALAR_TAGS:
            self.problem(node, f"tag '{_short_tag(node.tag)}' is not allowed - a pack is plain data; remove the tag")
            return None
        if len(node.value) > MAX_STRING_CHARS:
            self.problem(node, f"text of {len(node.value):,} characters - at most {MAX_STRING_CHARS:,} allowed")
            return None
        if node.tag in (_STD + "str", _STD + "timestamp"):
            return node.value.strip()  # dates stay text (the pack checks them); folded text loses its final newline
        try:
            value = self.scalars.construct_object(node)
        except (ValueError, yaml.YAMLError):
            self.problem(node, f"'{node.value}' is not a usable number - shorten it or put it in quotes")
            return None
        if isinstance(value, float) and not math.isfinite(value):
            self.problem(node, f"'{node.value}' is not a finite number")
            return None
        return value

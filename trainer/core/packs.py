"""Scenario packs: load a YAML file into a `Pack` (or every problem in it), write one back, find installed packs.

Reading is safe and bounded (`pack_yaml`), shape is checked against the JSON Schema
(`pack_schema`), meaning by `pack_validate`; only a file with no problem at all becomes
a `Pack`. The format is documented in docs/packs.md.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any, Iterable

import yaml

from trainer.core import paths
from trainer.core.errors import TrainerError
from trainer.core.pack_model import Assignment, Move, Node, Objection, Pack, Persona, Rule, Voice
from trainer.core.pack_problems import PackError, Problem
from trainer.core.pack_schema import did_you_mean, schema_problems
from trainer.core.pack_validate import meaning_problems
from trainer.core.pack_yaml import Located, read_document, too_large
from trainer.core.targets import Targets

__all__ = [
    "PackError",
    "Problem",
    "default_pack_dirs",
    "discover_packs",
    "dump_pack",
    "find_objection",
    "find_pack",
    "load_pack",
    "load_pack_text",
    "packs_in_use",
    "resolve_pack",
    "targets_overrides",
]

PACK_SUFFIXES = (".yaml", ".yml")
# A top-level `id: name` line (optionally quoted, optionally with a comment): what `find_pack` reads before loading.
_DECLARED_ID = re.compile(rb"""^id:[ \t]*(["']?)([A-Za-z0-9_.-]+)\1[ \t]*(?:#[^\n]*)?\r?$""", re.MULTILINE)


def load_pack_text(text: str | bytes, source: str = "<text>") -> Pack:
    """The pack in `text`; raises `PackError` with every problem, each at file:line:column."""
    def fail(located: list[Located]):
        return PackError([Problem(source, p.line, p.column, p.message) for p in located])

    document = read_document(text)
    if document.problems or document.data is None:
        raise fail(document.problems)
    problems = schema_problems(document.data, document.source_map)
    problems += meaning_problems(document.data, document.source_map)
    if problems:
        raise fail(problems)
    return _build(document.data, source)


def load_pack(path: str | Path) -> Pack:
    """The pack in the file at `path`; raises `PackError` (unreadable, too large, invalid)."""
    path = Path(path)
    try:
        if problem := too_large(path.stat().st_size):
            raise PackError([Problem(str(path), problem.line, problem.column, problem.message)])
        raw = path.read_bytes()
    except OSError as error:
        raise PackError([Problem(str(path), 1, 1, f"cannot read the file: {error.strerror or error}")]) from None
    return load_pack_text(raw, str(path))


def _node_fields(data: dict) -> dict[str, Any]:
    return {
        "lines": tuple(data["lines"]),
        "rubric": tuple(
            Move(move, tuple(cues), tuple((data.get("examples") or {}).get(move, ())))
            for move, cues in data["rubric"].items()
        ),
        "model_answer": data["model_answer"],
        "tip": data.get("tip"),
        "next": tuple(
            Rule(tuple(r.get("covered", ())), tuple(r.get("missing", ())), r.get("goto"), r.get("outcome"))
            for r in data.get("next", ())
        ),
    }


def _build(data: dict, source: str) -> Pack:
    """A `Pack` from data that passed every check."""
    personas = {}
    for p in data["personas"]:
        voice = p.get("voice", {})
        personas[p["id"]] = Persona(
            id=p["id"],
            name=p["name"],
            role=p["role"],
            voice=Voice(
                language=voice.get("language", Voice.language),
                gender=voice.get("gender"),
                rate=int(voice.get("rate", Voice.rate)),
                pitch=int(voice.get("pitch", Voice.pitch)),
            ),
            temperament=p.get("temperament", "neutral"),
            interruptions=tuple(p.get("interruptions", ())),
        )
    objections = tuple(
        Objection(
            id=o["id"],
            category=o["category"],
            level=int(o["level"]),
            persona=o["persona"],
            areas=tuple(o.get("areas", ())),
            interruptions=tuple(o.get("interruptions", ())),
            follow_ups={k: Node(id=k, **_node_fields(v)) for k, v in o.get("follow_ups", {}).items()},
            **_node_fields(o),
        )
        for o in data["objections"]
    )
    assignment = None
    if "assignment" in data:
        a = data["assignment"]
        assignment = Assignment(
            assigned_by=a["assigned_by"],
            assigned_to=a["assigned_to"],
            due=date.fromisoformat(a["due"]) if "due" in a else None,
            target_level=int(a.get("target_level", 1)),
            drills_required=int(a.get("drills_required", 1)),
        )
    return Pack(
        id=data["id"],
        title=data["title"],
        version=data["version"],
        author=data["author"],
        description=data["description"],
        language=data["language"],
        personas=personas,
        objections=objections,
        targets=Targets().with_overrides(data.get("targets", {})),
        assignment=assignment,
        lexicon={k: tuple(v) for k, v in data.get("lexicon", {}).items()},
        ladder=data.get("ladder", {}),
        source=source,
    )


def _node_data(node: Node) -> dict[str, Any]:
    data: dict[str, Any] = {
        "lines": list(node.lines),
        "rubric": {m.id: list(m.cues) for m in node.rubric},
        "model_answer": node.model_answer,
    }
    examples = {m.id: list(m.examples) for m in node.rubric if m.examples}
    if examples:
        data["examples"] = examples
    if node.tip is not None:
        data["tip"] = node.tip
    if node.next:
        data["next"] = [
            {k: v for k, v in (("covered", list(r.covered)), ("missing", list(r.missing)), ("goto", r.goto), ("outcome", r.outcome)) if v}
            for r in node.next
        ]
    return data


TARGET_VALUES = (
    "talk_share_band", "pace_band", "hesitation_s", "monologue_limit_s", "fillers_per_min_max",
    "answer_length_band_s", "airtime_band", "ask_then_stop_s", "talk_over_free_from_level",
)


def targets_overrides(targets: Targets) -> dict[str, Any]:
    """The `targets:` block that gives `targets`: only what differs from the defaults."""
    default = Targets()
    data: dict[str, Any] = {}
    for name in TARGET_VALUES:
        value = getattr(targets, name)
        if value != getattr(default, name):
            data[name] = list(value) if isinstance(value, tuple) else value
    weights = {k: v for k, v in targets.weights.items() if default.weights.get(k) != v}
    if weights:
        data["weights"] = weights
    if targets.levels:
        data["levels"] = [
            {"level": level, **{k: list(v) if isinstance(v, tuple) else v for k, v in over.items()}}
            for level, over in sorted(targets.levels.items())
        ]
    return data


def dump_pack(pack: Pack) -> str:
    """YAML text of `pack` in the file format; loading it gives an equal pack."""
    data: dict[str, Any] = {
        "id": pack.id,
        "title": pack.title,
        "version": pack.version,
        "author": pack.author,
        "description": pack.description,
        "language": pack.language,
        "personas": [
            {
                "id": p.id,
                "name": p.name,
                "role": p.role,
                "voice": {k: v for k, v in vars(p.voice).items() if v is not None},
                "temperament": p.temperament,
            } | ({"interruptions": list(p.interruptions)} if p.interruptions else {})
            for p in pack.personas.values()
        ],
    }
    if targets := targets_overrides(pack.targets):
        data["targets"] = targets
    if pack.lexicon:
        data["lexicon"] = {k: list(v) for k, v in pack.lexicon.items()}
    if pack.ladder:
        data["ladder"] = dict(pack.ladder)
    if pack.assignment:
        a = pack.assignment
        data["assignment"] = {"assigned_by": a.assigned_by, "assigned_to": a.assigned_to}
        if a.due:
            data["assignment"]["due"] = a.due.isoformat()
        data["assignment"] |= {"target_level": a.target_level, "drills_required": a.drills_required}
    data["objections"] = []
    for o in pack.objections:
        item = {"id": o.id, "category": o.category, "level": o.level, "persona": o.persona}
        if o.areas:
            item["areas"] = list(o.areas)
        item |= _node_data(o)
        if o.interruptions:
            item["interruptions"] = list(o.interruptions)
        if o.follow_ups:
            item["follow_ups"] = {k: _node_data(n) for k, n in o.follow_ups.items()}
        data["objections"].append(item)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def default_pack_dirs() -> list[Path]:
    """Where installed packs live: the built-in `scenarios/` folder, then the user's packs folder."""
    return [paths.BUILTIN_SCENARIOS, paths.user_packs_dir()]


def discover_packs(dirs: Iterable[Path] | None = None) -> list[tuple[Path, Pack | PackError]]:
    """Every pack file (*.yaml, *.yml) in `dirs` (default: built-in, then user's), loaded or failed."""
    return _loaded(_pack_files(dirs))


def _pack_files(dirs: Iterable[Path] | None) -> list[Path]:
    """The pack files in `dirs` (default: built-in, then user's), each folder's in name order."""
    files: list[Path] = []
    for folder in default_pack_dirs() if dirs is None else dirs:
        folder = Path(folder)
        if folder.is_dir():
            files += sorted(p for p in folder.iterdir() if p.suffix in PACK_SUFFIXES and p.is_file())
    return files


def _loaded(files: Iterable[Path]) -> list[tuple[Path, Pack | PackError]]:
    found: list[tuple[Path, Pack | PackError]] = []
    for path in files:
        try:
            found.append((path, load_pack(path)))
        except PackError as error:
            found.append((path, error))
    return found


def _declared_id(path: Path) -> str | None:
    """The id on a pack file's top-level `id: name` line, read without parsing the file; None when there is no
    such plain line (or the file cannot be read): only loading it tells."""
    try:
        found = _DECLARED_ID.search(path.read_bytes())
    except OSError:
        return None
    return found.group(2).decode() if found else None


def packs_in_use(found: Iterable[tuple[Path, Pack | PackError]] | None = None) -> list[Pack]:
    """The packs in use, one per id, from `discover_packs()` (or its result `found`).

    A later folder's pack replaces an earlier one with the same id (the user's packs
    come after the built-in ones), keeping the first one's place in the order. The app,
    `trainer level`, `trainer today`, `trainer report` and `find_pack` all choose this way,
    so no pack is listed twice.
    """
    packs: dict[str, Pack] = {}
    for _, item in discover_packs() if found is None else found:
        if isinstance(item, Pack):
            packs[item.id] = item
    return list(packs.values())


def find_pack(pack_id: str, dirs: Iterable[Path] | None = None) -> Pack:
    """The installed pack with this id; a user's pack overrides a built-in one with the same id.

    Only the files that declare that id (or whose id line cannot be read without parsing) are loaded first:
    parsing and checking all seven built-in packs took 1.3-1.5 s of every `trainer drill`'s start (docs/voices.md).
    """
    files = _pack_files(dirs)
    likely = [path for path in files if _declared_id(path) in (pack_id, None)]
    packs = {p.id: p for p in packs_in_use(_loaded(likely))}
    if pack_id in packs:
        return packs[pack_id]
    packs = {p.id: p for p in packs_in_use(_loaded(files))}
    if pack_id in packs:
        return packs[pack_id]
    hint = did_you_mean(pack_id, packs) or f" - installed: {', '.join(sorted(packs)) or 'none'}"
    raise TrainerError(f"no pack with id '{pack_id}'{hint} (list them with `trainer packs`)")


def resolve_pack(reference: str) -> Pack:
    """A pack from a file path (*.yaml, *.yml or an existing file) or an installed pack's id."""
    path = Path(reference)
    if path.suffix in PACK_SUFFIXES or path.exists():
        return load_pack(path)
    return find_pack(reference)


def find_objection(pack: Pack, objection_id: str) -> Objection:
    """The objection `objection_id` of `pack`; TrainerError listing the pack's objections."""
    try:
        return pack.objection(objection_id)
    except KeyError:
        ids = ", ".join(o.id for o in pack.objections)
        raise TrainerError(f"pack '{pack.id}' has no objection '{objection_id}'; it has: {ids}") from None

"""`trainer validate` and `trainer packs`: check pack files, list installed packs, show one."""

from __future__ import annotations

import argparse
import json
import textwrap
from collections import Counter
from pathlib import Path

from trainer.core.pack_model import Node, Objection, Pack
from trainer.core.packs import (
    PACK_SUFFIXES,
    PackError,
    default_pack_dirs,
    discover_packs,
    find_pack,
    load_pack,
    targets_overrides,
)


def register(subparsers) -> None:
    """Add `validate` and `packs` (list, show) to the `trainer` parser."""
    validate = subparsers.add_parser(
        "validate",
        help="check scenario pack files and list every problem",
        description="Check pack files (or every *.yaml in a folder). Exit 0 when all are valid, 1 otherwise.",
    )
    validate.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="pack file or folder of packs")
    validate.add_argument("--json", action="store_true", help="print the result as JSON for tools")
    validate.set_defaults(func=run_validate)

    packs = subparsers.add_parser(
        "packs",
        help="list installed scenario packs, or show one",
        description="Packs are the built-in ones plus those in your packs folder (yours replace a built-in with the same id).",
    )
    packs.set_defaults(func=run_list)
    actions = packs.add_subparsers(dest="packs_command", metavar="ACTION")
    actions.add_parser("list", help="list installed packs (the default)").set_defaults(func=run_list)
    show = actions.add_parser("show", help="print one pack: personas, objections, rubrics, branches")
    show.add_argument("pack_id", metavar="ID", help="pack id, as listed by `trainer packs`")
    show.set_defaults(func=run_show)


def _pack_files(targets: list[Path]) -> list[Path]:
    files: list[Path] = []
    for target in targets:
        if target.is_dir():
            files.extend(sorted(p for p in target.iterdir() if p.suffix in PACK_SUFFIXES and p.is_file()))
        else:
            files.append(target)  # a missing file is reported by the loader
    return files


def run_validate(args: argparse.Namespace) -> int:
    """Validate every given pack; print each problem as file:line:col: message."""
    results = []
    for path in _pack_files(args.paths):
        try:
            pack = load_pack(path)
            results.append({"path": str(path), "valid": True, "id": pack.id, "objections": len(pack.objections), "problems": []})
        except PackError as error:
            results.append({"path": str(path), "valid": False, "problems": [p.as_dict() for p in error.problems]})
    all_valid = bool(results) and all(r["valid"] for r in results)
    if args.json:
        print(json.dumps({"valid": all_valid, "files": results}, indent=2))
        return 0 if all_valid else 1
    if not results:
        print("no pack files (*.yaml, *.yml) found")
        return 1
    for result in results:
        if result["valid"]:
            print(f"{result['path']}: ok ({result['id']}, {result['objections']} objections)")
        for problem in result["problems"]:
            print(f"{problem['file']}:{problem['line']}:{problem['column']}: {problem['message']}")
    invalid = [r for r in results if not r["valid"]]
    if invalid:
        count = sum(len(r["problems"]) for r in invalid)
        print(f"{len(invalid)} of {len(results)} files invalid, {count} problems")
    return 0 if all_valid else 1


def _counts(counter: Counter) -> str:
    return " ".join(f"{key}:{counter[key]}" for key in sorted(counter))


def run_list(args: argparse.Namespace) -> int:
    """List installed packs with objection counts per level and category; flag broken files."""
    builtin, user = default_pack_dirs()
    print(f"Built-in packs: {builtin}")
    print(f"Your packs:     {user}")
    found = discover_packs([builtin, user])
    if not found:
        print("No packs installed.")
        return 0
    winners = {item.id: path for path, item in found if isinstance(item, Pack)}
    for path, item in found:
        if isinstance(item, PackError):
            print(f"\n! {path}: broken - {item.problems[0].message} (run `trainer validate {path}`)")
            continue
        where = "built-in" if path.parent == builtin else "yours"
        replaced = "  (replaced by your pack)" if winners[item.id] != path else ""
        print(f"\n{item.id}  v{item.version}  [{where}]  {item.title}{replaced}")
        print(f"  objections: {len(item.objections)}, personas: {len(item.personas)}")
        print(f"  levels:     {_counts(Counter(o.level for o in item.objections))}")
        print(f"  categories: {_counts(Counter(o.category for o in item.objections))}")
    return 0


def _node_text(node: Node, indent: str) -> list[str]:
    out = [f'{indent}says: "{line}"' for line in node.lines]
    for move in node.rubric:
        out.append(f"{indent}move {move.id}: {', '.join(move.cues)}")
    out += textwrap.wrap(node.model_answer, 96, initial_indent=f"{indent}model answer: ", subsequent_indent=indent + "  ")
    if node.tip:
        out += textwrap.wrap(node.tip, 96, initial_indent=f"{indent}tip: ", subsequent_indent=indent + "  ")
    for rule in node.next:
        when = " and ".join(
            part for part in (
                f"covered {', '.join(rule.covered)}" if rule.covered else "",
                f"missed {', '.join(rule.missing)}" if rule.missing else "",
            ) if part
        )
        then = f"-> {rule.goto}" if rule.goto else f'=> "{rule.outcome}"'
        out.append(f"{indent}{'if ' + when if when else 'otherwise'} {then}")
    return out


def _objection_text(pack: Pack, objection: Objection) -> list[str]:
    persona = pack.personas[objection.persona]
    out = [f"\n[{objection.id}] level {objection.level}, {objection.category}, {persona.name}"]
    out += _node_text(objection, "  ")
    for follow_id, node in objection.follow_ups.items():
        out.append(f"  follow-up {follow_id}:")
        out += _node_text(node, "    ")
    return out


def run_show(args: argparse.Namespace) -> int:
    """Print one installed pack in readable form."""
    pack = find_pack(args.pack_id)
    out = [f"{pack.title} ({pack.id} v{pack.version}, {pack.language}) by {pack.author}", f"file: {pack.source}"]
    out += textwrap.wrap(pack.description, 100)
    out.append("\nPersonas:")
    for p in pack.personas.values():
        voice = p.voice
        gender = f" {voice.gender}" if voice.gender else ""
        out.append(f"  {p.id}: {p.name}, {p.role} - {p.temperament}; voice {voice.language}{gender} {voice.rate} wpm pitch {voice.pitch}")
    if changed := targets_overrides(pack.targets):
        out.append("Targets: " + ", ".join(f"{k} {v}" for k, v in changed.items()))
    if pack.lexicon:
        out.append("Lexicon: " + "; ".join(f"{k}: {', '.join(v)}" for k, v in pack.lexicon.items()))
    if pack.assignment:
        a = pack.assignment
        due = f", due {a.due.isoformat()}" if a.due else ""
        out.append(f"Assignment: {a.assigned_by} -> {a.assigned_to}: level {a.target_level}, {a.drills_required} drills{due}")
    out.append(f"\nObjections ({len(pack.objections)}):")
    for objection in pack.objections:
        out += _objection_text(pack, objection)
    print("\n".join(out))
    return 0

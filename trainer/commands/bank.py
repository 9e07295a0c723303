"""`trainer bank list|show|add|edit|retire|star|export|import`: the rep's own openers."""

from __future__ import annotations

import argparse
import json
import textwrap
from pathlib import Path

from trainer.core.bank import BankEntry, clean_tags
from trainer.core.bank_files import read_bank_file, write_bank_file
from trainer.core.errors import TrainerError
from trainer.core.packs import find_objection, resolve_pack
from trainer.store.bank import (
    add_entry,
    add_from_turn,
    bank_entries,
    bank_entry,
    import_entries,
    update_entry,
)
from trainer.store.db import Store


def register(subparsers) -> None:
    """Add `bank` and its actions to the `trainer` parser."""
    bank = subparsers.add_parser(
        "bank",
        help="your own openers: list, show, add, edit, retire, star, export, import",
        description="The opener bank keeps your own best answers (words, audio, objection, tags). Level 2 drills "
        "show your bank entry instead of the model answer.",
    )
    actions = bank.add_subparsers(dest="bank_command", metavar="ACTION", required=True)

    listing = actions.add_parser("list", help="list entries (not retired ones unless --all)")
    listing.add_argument("--pack", metavar="ID", help="only this pack")
    listing.add_argument("--objection", metavar="ID", help="only this objection")
    listing.add_argument("--tag", metavar="TAG", help="only entries with this tag")
    listing.add_argument("--starred", action="store_true", help="only starred entries")
    listing.add_argument("--all", action="store_true", help="retired entries too")
    listing.add_argument("--json", action="store_true", help="print JSON for tools")
    listing.set_defaults(func=run_list)

    show = actions.add_parser("show", help="one entry in full, with how to practise it")
    show.add_argument("entry_id", type=int, metavar="ID")
    show.add_argument("--json", action="store_true", help="print JSON for tools")
    show.set_defaults(func=run_show)

    add = actions.add_parser("add", help="bank a take from a drill (--turn) or words you wrote (--pack --objection)")
    source = add.add_mutually_exclusive_group(required=True)
    source.add_argument("--turn", type=int, metavar="TURN", help="a stored turn id (offered after a drill)")
    source.add_argument("--objection", metavar="ID", help="the objection your words answer (needs --pack)")
    add.add_argument("--pack", metavar="P", help="the pack (id or file)")
    add.add_argument("--text", help="the words to say next time (with --turn: default the transcript)")
    add.add_argument("--tag", action="append", default=[], metavar="TAG", help="a tag (repeat for more)")
    add.set_defaults(func=run_add)

    edit = actions.add_parser("edit", help="change an entry's words or tags")
    edit.add_argument("entry_id", type=int, metavar="ID")
    edit.add_argument("--text", help="the new words to say")
    edit.add_argument("--tag", action="append", default=[], metavar="TAG", help="add a tag (repeat for more)")
    edit.add_argument("--untag", action="append", default=[], metavar="TAG", help="remove a tag")
    edit.set_defaults(func=run_edit)

    retire = actions.add_parser("retire", help="stop showing an entry (kept; --undo brings it back)")
    retire.add_argument("entry_id", type=int, metavar="ID")
    retire.add_argument("--undo", action="store_true", help="bring a retired entry back")
    retire.set_defaults(func=run_retire)

    star = actions.add_parser("star", help="star an entry: level 2 shows starred entries first")
    star.add_argument("entry_id", type=int, metavar="ID")
    star.add_argument("--off", action="store_true", help="remove the star")
    star.set_defaults(func=run_star)

    export = actions.add_parser("export", help="write the bank to a Markdown (.md) or CSV (.csv) file")
    export.add_argument("file", type=Path, metavar="FILE")
    export.add_argument("--pack", metavar="ID", help="only this pack")
    export.add_argument("--all", action="store_true", help="retired entries too")
    export.set_defaults(func=run_export)

    imported = actions.add_parser("import", help="read entries from a Markdown or CSV file (never duplicates)")
    imported.add_argument("file", type=Path, metavar="FILE")
    imported.set_defaults(func=run_import)


def run_list(args: argparse.Namespace) -> int:
    """List entries as a table or JSON."""
    with Store() as store:
        entries = bank_entries(store, pack_id=args.pack, objection_id=args.objection, tag=args.tag,
                               include_retired=args.all, starred_only=args.starred)
    if args.json:
        print(json.dumps([e.as_json() for e in entries], indent=2))
    elif not entries:
        print("no bank entries yet: takes that score well are offered after a drill (`trainer bank add --turn T`)")
    else:
        for entry in entries:
            marks = ("*" if entry.starred else " ") + ("R" if entry.retired else " ")
            score = "-" if entry.score is None else f"{entry.score:.0f}"
            text = textwrap.shorten(entry.text, 60, placeholder="...")
            print(f"{entry.id:>4} {marks} {entry.pack_id}/{entry.objection_id}  {score:>3}  {text}"
                  + (f"  [{', '.join(entry.tags)}]" if entry.tags else ""))
    return 0


def run_show(args: argparse.Namespace) -> int:
    """Print one entry."""
    with Store() as store:
        entry = bank_entry(store, args.entry_id)
    if args.json:
        print(json.dumps(entry.as_json(), indent=2))
        return 0
    print("\n".join(_entry_lines(entry)))
    return 0


def _entry_lines(entry: BankEntry) -> list[str]:
    state = ", ".join(filter(None, ("starred" if entry.starred else "", "retired" if entry.retired else ""))) or "active"
    lines = [
        f"bank entry {entry.id}: {entry.pack_id or '(no pack)'} / {entry.objection_id}"
        + (f" ({entry.category})" if entry.category else "") + f", {state}",
        f"  say: {entry.text}",
    ]
    if entry.transcript and entry.transcript != entry.text:
        lines.append(f"  heard in the take: {entry.transcript}")
    if entry.score is not None:
        lines.append(f"  score: {entry.score:.0f}")
    if entry.tags:
        lines.append(f"  tags: {', '.join(entry.tags)}")
    if entry.recording is not None:
        lines.append(f"  recording: {entry.recording}")
    if entry.pack_id:
        lines.append(f"  practise it: trainer drill --pack {entry.pack_id} --objection {entry.objection_id} "
                     "--level 2 --mic")
    return lines


def run_add(args: argparse.Namespace) -> int:
    """Bank a take or typed words."""
    with Store() as store:
        if args.turn is not None:
            pack = resolve_pack(args.pack) if args.pack else None
            entry, added = add_from_turn(store, args.turn, pack, args.text, args.tag)
        else:
            if not args.pack or not args.text:
                raise TrainerError("--objection needs --pack and --text: the words you want to say to it")
            pack = resolve_pack(args.pack)
            objection = find_objection(pack, args.objection)
            entry, added = add_entry(store, BankEntry(
                id=None, text=args.text, objection_id=objection.id, pack_id=pack.id, category=objection.category,
                tags=clean_tags(args.tag),
            ))
    if added:
        print(f"banked as entry {entry.id}: {entry.pack_id}/{entry.objection_id}")
    else:
        print(f"already banked as entry {entry.id} (same words for {entry.objection_id}); nothing added")
    return 0


def run_edit(args: argparse.Namespace) -> int:
    """Change an entry's words or tags."""
    if args.text is None and not args.tag and not args.untag:
        raise TrainerError("nothing to change: give --text, --tag or --untag")
    with Store() as store:
        tags = None
        if args.tag or args.untag:
            current = bank_entry(store, args.entry_id).tags
            removed = set(clean_tags(args.untag))
            tags = [t for t in clean_tags([*current, *args.tag]) if t not in removed]
        entry = update_entry(store, args.entry_id, text=args.text, tags=tags)
    print("\n".join(_entry_lines(entry)))
    return 0


def run_retire(args: argparse.Namespace) -> int:
    """Retire an entry (or bring it back)."""
    with Store() as store:
        entry = update_entry(store, args.entry_id, retired=not args.undo)
    print(f"bank entry {entry.id} {'retired' if entry.retired else 'is back'}")
    return 0


def run_star(args: argparse.Namespace) -> int:
    """Star an entry (or remove the star)."""
    with Store() as store:
        entry = update_entry(store, args.entry_id, starred=not args.off)
    print(f"bank entry {entry.id} {'starred' if entry.starred else 'unstarred'}")
    return 0


def run_export(args: argparse.Namespace) -> int:
    """Write the bank to a file."""
    with Store() as store:
        entries = bank_entries(store, pack_id=args.pack, include_retired=args.all)
    write_bank_file(args.file, entries)
    print(f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'} written to {args.file}")
    return 0


def run_import(args: argparse.Namespace) -> int:
    """Read entries from a file into the bank."""
    entries = read_bank_file(args.file)
    with Store() as store:
        result = import_entries(store, entries)
    print(f"{args.file}: {result.added} added, {result.updated} updated, {result.unchanged} already in your bank"
          + (f"; {result.without_audio} added without audio (recording not on this machine)"
             if result.without_audio else ""))
    return 0

"""`trainer gui` (and `trainer` with no command): open the desktop app."""

from __future__ import annotations

import argparse


def register(subparsers) -> None:
    """Add `gui`."""
    parser = subparsers.add_parser(
        "gui",
        help="open the app (the default when no command is given)",
        description="Open RepDrill's window: today's practice, drills, review, your bank, progress, packs, settings.",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the app until its window is closed (Qt is imported only here)."""
    from trainer.ui.app import main

    return main()

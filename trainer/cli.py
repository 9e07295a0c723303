"""The `trainer` command: opens the app by default, and runs every headless task.

Each command group lives in its own module under `trainer/commands/` and registers
its sub-commands here. Errors a user can fix (`TrainerError`) print one line and
exit 1; bad arguments exit 2 (argparse).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from trainer import __version__
from trainer.blas import one_blas_thread
from trainer.core.errors import TrainerError

# Modules under trainer/commands/ that add sub-commands, in help order.
COMMAND_MODULES = [
    "speech",
    "audio",
    "models",
    "packs",
    "score",
    "store",
    "drill",
    "ladder",
    "profile",
    "bank",
    "coach",
    "ui",
]


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser with every registered command."""
    parser = argparse.ArgumentParser(
        prog="trainer",
        description="RepDrill: practise objection handling out loud, offline.",
    )
    parser.add_argument("--version", action="version", version=f"RepDrill {__version__}")
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="folder for the database, recordings and your packs (default: the user data folder; "
        "$TRAINER_DATA also sets it)",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"trainer.commands.{name}").register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `trainer` console script."""
    one_blas_thread()
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.data_dir:
        os.environ["TRAINER_DATA"] = os.path.abspath(args.data_dir)
    if not getattr(args, "func", None):
        if "ui" in COMMAND_MODULES:
            args = parser.parse_args(["gui"])
        else:
            parser.print_help()
            return 0
    try:
        return int(args.func(args) or 0)
    except TrainerError as error:
        print(f"trainer: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("trainer: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and the like: stop quietly
        sys.stderr.close()
        return 141

"""Placeholder until its helper lands the real commands (this session)."""


def register(subparsers) -> None:
    """Add this group's sub-commands to the `trainer` parser."""

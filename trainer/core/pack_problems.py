"""What is wrong with a pack file: located problems, and the error that carries them all.

Every problem names file, line and column (1-based) so an editor can jump there, and
says what to do. A `PackError` carries every problem of a file, not just the first.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from trainer.core.errors import TrainerError


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a pack file, at a 1-based line and column."""

    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"

    def as_dict(self) -> dict:
        """The problem as plain JSON-ready data (for `trainer validate --json`)."""
        return asdict(self)


class PackError(TrainerError):
    """A pack file that cannot be used, with every problem found in it (sorted by position)."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        if not self.problems:
            raise ValueError("PackError needs at least one problem")
        first = str(self.problems[0])
        more = len(self.problems) - 1
        if more:
            first += f" (and {more} more: run `trainer validate {self.problems[0].file}`)"
        super().__init__(first)

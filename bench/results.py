"""What every benchmark shares: the machine line, library versions, a Markdown table, and its RESULTS.md section.

Each script owns one section of bench/RESULTS.md between `<!-- NAME:begin -->` and
`<!-- NAME:end -->` markers and rewrites only that one, so scripts can run alone.
"""

from __future__ import annotations

import datetime
import importlib.metadata
import os
import platform
import re
import subprocess
from pathlib import Path
from typing import Sequence

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "RESULTS.md"


def machine() -> str:
    """One line about the machine the numbers come from."""
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (f"{os.cpu_count()} cores ({cpu}), {mem_kb / 1024 / 1024:.0f} GB RAM, {platform.system()} "
            f"{platform.release()}, Python {platform.python_version()}; load average before the run {load}")


def versions(names: Sequence[str] = ("pyttsx3", "vosk", "faster-whisper", "ctranslate2")) -> str:
    """Versions of the libraries measured (and espeak-ng's)."""
    found = [f"{name} {importlib.metadata.version(name)}" for name in names]
    espeak = subprocess.run(["espeak-ng", "--version"], capture_output=True, text=True).stdout.split()
    return ", ".join(found + ([f"espeak-ng {espeak[3]}"] if len(espeak) > 3 else []))


def table(rows: Sequence[Sequence[str]], header: Sequence[str] = ("measure", "result", "target", "")) -> list[str]:
    """Rows as the lines of a Markdown table with aligned columns."""
    width = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [f"| {' | '.join(h.ljust(w) for h, w in zip(header, width))} |",
             f"|{'|'.join('-' * (w + 2) for w in width)}|"]
    lines += [f"| {' | '.join(cell.ljust(w) for cell, w in zip(row, width))} |" for row in rows]
    return lines


def write_section(name: str, title: str, about: str, body: Sequence[str]) -> None:
    """Replace (or append) this script's section of RESULTS.md: title, run date and machine, then `body`."""
    section = "\n".join([
        f"<!-- {name}:begin (written by bench/{name}.py) -->",
        f"## {title}",
        "",
        f"Run {datetime.date.today().isoformat()} on {about}.",
        *body,
        f"<!-- {name}:end -->",
    ])
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n\nEach section is rewritten by its script.\n"
    pattern = rf"<!-- {re.escape(name)}:begin.*?<!-- {re.escape(name)}:end -->"
    if re.search(pattern, text, flags=re.S):
        text = re.sub(pattern, lambda _: section, text, flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    RESULTS.write_text(text)
    print(f"\nwritten to {RESULTS.relative_to(ROOT)}")


def rss_mb(field: str = "VmRSS", pid: int | str = "self") -> float:
    """A process's resident memory in MB (Linux /proc; this one by default): `VmRSS` now, or `VmHWM` at its peak."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return float("nan")

"""The dependency rule, proved: core stays pure, only trainer/ui imports Qt."""

import ast
import subprocess
import sys
from pathlib import Path

TRAINER = Path(__file__).resolve().parents[2] / "trainer"
HEAVY = ("PySide6", "sounddevice", "vosk", "pyttsx3", "faster_whisper", "sqlite3")


def test_core_imports_load_no_qt_audio_or_database():
    code = (
        "import sys, pkgutil, importlib, trainer.core\n"
        "for m in pkgutil.walk_packages(trainer.core.__path__, 'trainer.core.'):\n"
        "    importlib.import_module(m.name)\n"
        f"print([m for m in {HEAVY!r} if m in sys.modules])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


def _imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_only_ui_imports_pyside6():
    offenders = [
        str(p.relative_to(TRAINER))
        for p in TRAINER.rglob("*.py")
        if "PySide6" in _imported_roots(p) and p.relative_to(TRAINER).parts[0] != "ui"
    ]
    assert offenders == []

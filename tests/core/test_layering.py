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


def _trainer_imports(path: Path, modules: set[str]) -> set[str]:
    """The trainer modules `path` imports (TYPE_CHECKING imports included: they are cycles for the reader too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in modules)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.update({node.module} & modules)
            found.update(name for name in (f"{node.module}.{alias.name}" for alias in node.names) if name in modules)
    return found


def test_no_store_module_imports_one_that_imports_it_back():
    store = TRAINER / "store"
    modules = {f"trainer.store.{p.stem}": p for p in store.glob("*.py") if p.stem != "__init__"}
    imports = {name: _trainer_imports(path, set(modules)) - {name} for name, path in modules.items()}

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt})) for nxt in imports[start])

    assert [name for name in sorted(modules) if reaches(name, name, {name})] == []

"""The installed packs, parsed once and kept (pickled) in the cache folder until a pack file changes.

Parsing the seven built-in packs (YAML with positions, schema and meaning checks)
takes ~0.4 s, a third of the app's start. The cache is keyed by every pack file's
path, size and modification time, and by the modules that read packs, so an edited
pack or a new RepDrill version is parsed again. A folder holding a broken pack is not
cached (its problems are shown, and reading it again is cheap next to fixing it).
"""

from __future__ import annotations

import pickle
from pathlib import Path

from trainer.core import paths
from trainer.core.pack_model import Pack
from trainer.core.packs import PACK_SUFFIXES, PackError, default_pack_dirs, discover_packs
from trainer.core.whole_files import written_whole

CACHE_NAME = "packs.pickle"
READERS = ("pack_model.py", "packs.py", "pack_validate.py", "pack_schema.py", "pack_yaml.py", "targets.py",
           "levels.py")


def _stamp(path: Path) -> tuple[str, int, int]:
    info = path.stat()
    return str(path), info.st_size, info.st_mtime_ns


def cache_key() -> tuple:
    """What the parsed packs depend on: the pack files and the code that reads them."""
    files = [p for folder in default_pack_dirs() if folder.is_dir()
             for p in sorted(folder.iterdir()) if p.suffix in PACK_SUFFIXES and p.is_file()]
    readers = [Path(paths.__file__).parent / name for name in READERS]
    return tuple(_stamp(p) for p in files + readers)


def installed_packs() -> list[tuple[Path, Pack | PackError]]:
    """`discover_packs()`, from the cache when nothing it depends on has changed."""
    cache = paths.cache_dir() / CACHE_NAME
    key = cache_key()
    try:
        cached_key, found = pickle.loads(cache.read_bytes())
        if cached_key == key:
            return found
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError, TypeError):
        pass  # missing or written by another version: parse again
    found = discover_packs()
    if all(isinstance(item, Pack) for _, item in found):
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            with written_whole(cache) as partial:
                partial.write_bytes(pickle.dumps((key, found)))
        except OSError:
            pass  # a read-only cache folder only costs the parse
    return found

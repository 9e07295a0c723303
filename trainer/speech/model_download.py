"""Downloading a model zip and installing it; only `trainer models download` calls this.

Nothing in RepDrill downloads on its own. The zip goes to `<cache>/downloads/NAME.zip.part`
(never into a models folder). A dropped connection is retried, resuming with an HTTP
Range request from what the partial file already holds; when every attempt fails the
partial file is kept, so running the same command again resumes. The size (the manifest's,
else the server's Content-Length) and the SHA-256 (when the manifest has one) are checked
before `install_model` unpacks it beside the destination and renames it into place.
"""

from __future__ import annotations

import hashlib
import http.client
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from trainer import __version__
from trainer.core.errors import TrainerError
from trainer.core.paths import cache_dir
from trainer.speech.model_archive import CHUNK_BYTES, Progress
from trainer.speech.models import (
    InstalledModel,
    check_new_model_path,
    default_install_dir,
    install_model,
    load_manifest,
)

SCHEMES = ("http", "https", "file")
# Failures worth another attempt: the network, not the request or the disk.
_RETRYABLE = (ConnectionError, TimeoutError, http.client.HTTPException, urllib.error.URLError)
_CONTENT_RANGE = re.compile(r"bytes\s+(\d+|\*)(?:-\d+)?/(\d+)")


@dataclass(frozen=True)
class KnownModel:
    """A model `trainer models download` knows by name (trainer/data/models.json)."""

    name: str
    engine: str
    language: str
    url: str
    size_bytes: int | None  # exact zip size when published
    approx_mb: float
    sha256: str | None
    description: str


def known_models() -> list[KnownModel]:
    """The downloadable models, in manifest order (the recommended one first)."""
    return [KnownModel(**entry) for entry in load_manifest()["downloads"]]


def partial_download_path(name: str) -> Path:
    """Where the zip of `name` is downloaded to until it is verified and installed."""
    return cache_dir() / "downloads" / f"{name}.zip.part"


def download_model(
    name: str,
    url: str | None = None,
    dest_dir: str | Path | None = None,
    progress: Progress | None = None,
    *,
    attempts: int = 4,
    retry_delay_s: float = 2.0,
    timeout_s: float = 30.0,
) -> InstalledModel:
    """Download model `name` (from the manifest's URL, or `url`, e.g. a mirror) and install it.

    `progress(bytes done, total or None)` follows the download. A name not in the
    manifest needs `url`. Raises `TrainerError` when the model is already installed, the
    server refuses, the connection keeps dropping, or the file fails its checks; a
    failed download never leaves anything in the models folder.
    """
    known = {model.name: model for model in known_models()}
    model = known.get(name)
    if model is None and url is None:
        raise TrainerError(
            f"unknown model {name!r}; known models: {', '.join(known)} (or give --url with a Vosk model zip)"
        )
    url = url or model.url
    if urllib.parse.urlsplit(url).scheme not in SCHEMES:
        raise TrainerError(f"{url}: not an http(s):// or file:// URL; for a zip on disk use `trainer models install`")
    dest = Path(dest_dir).expanduser() if dest_dir else default_install_dir()
    check_new_model_path(dest, name)
    part = partial_download_path(name)
    part.parent.mkdir(parents=True, exist_ok=True)
    expected_size = model.size_bytes if model else None
    last_error: Exception | None = None
    for attempt in range(1, attempts + 1):
        try:
            _fetch(url, part, expected_size, progress, timeout_s)
            break
        except _RETRYABLE as error:
            last_error = error
            if attempt < attempts:
                time.sleep(retry_delay_s * attempt)
    else:
        kept = part.stat().st_size if part.exists() else 0
        after = f"{kept} bytes are kept in {part}: run the same command again to resume" if kept else "try again later"
        raise TrainerError(f"downloading {url} failed {attempts} times ({_describe(last_error)}); {after}")
    if model and model.sha256:
        _verify_sha256(part, url, model.sha256)
    try:
        return install_model(part, dest, name=name)
    finally:
        part.unlink(missing_ok=True)


def _describe(error: Exception | None) -> str:
    if isinstance(error, urllib.error.URLError):
        return str(error.reason)
    return str(error) or type(error).__name__


def _fetch(url: str, part: Path, expected_size: int | None, progress: Progress | None, timeout_s: float) -> None:
    """Fetch `url` into `part`, resuming from its current length, until it holds the whole file.

    The size is checked on the way: the server's total must match the manifest's, and a
    body that ends short of it counts as a dropped connection.
    """
    have = part.stat().st_size if part.exists() else 0
    if expected_size is not None and have >= expected_size:
        if have == expected_size:
            return
        part.unlink()
        have = 0
    request = urllib.request.Request(url, headers={"User-Agent": f"RepDrill/{__version__}"})
    if have:
        request.add_header("Range", f"bytes={have}-")
    try:
        response = urllib.request.urlopen(request, timeout=timeout_s)
    except urllib.error.HTTPError as error:
        if error.code == 416 and have:  # nothing left to send: the part is complete, or stale
            match = _CONTENT_RANGE.match(error.headers.get("Content-Range", ""))
            if match and int(match.group(2)) == have:
                return
            part.unlink()
            raise ConnectionError("the server refused to resume; starting over") from None
        if error.code >= 500:
            raise ConnectionError(f"server error {error.code} {error.reason}") from None
        raise TrainerError(f"{url}: the server answered {error.code} {error.reason}; check the name or --url") from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, FileNotFoundError):
            raise TrainerError(f"{url}: no such file; check --url") from None
        if isinstance(error.reason, (ConnectionRefusedError, socket.gaierror)):  # no server there: retrying won't help
            raise TrainerError(
                f"{url}: cannot reach the server ({error.reason}); check your connection or --url"
            ) from None
        raise
    with response:
        match = _CONTENT_RANGE.match(response.headers.get("Content-Range", ""))
        if response.status == 206:
            if not (have and match and match.group(1) == str(have)):
                part.unlink(missing_ok=True)
                raise ConnectionError("the server resumed at the wrong place; starting over")
            total, mode = int(match.group(2)), "ab"
        else:  # a fresh download, or a server that ignored the Range request: start over
            length = response.headers.get("Content-Length")
            total, mode, have = (int(length) if length else None), "wb", 0
        if expected_size is not None and total is not None and total != expected_size:
            part.unlink(missing_ok=True)
            raise TrainerError(
                f"{url}: the server offers {total} bytes but the model is {expected_size} bytes; "
                "wrong file or mirror, check --url"
            )
        total = total if total is not None else expected_size
        done = have
        try:
            with open(part, mode) as sink:
                if progress:
                    progress(done, total)
                while chunk := response.read(CHUNK_BYTES):
                    sink.write(chunk)
                    done += len(chunk)
                    if progress:
                        progress(done, total)
        except _RETRYABLE:
            raise
        except OSError as error:
            raise TrainerError(f"{part}: cannot write the download ({error.strerror}); free some disk space") from None
    if total is not None and done < total:
        raise ConnectionError(f"the connection closed at {done} of {total} bytes")


def _verify_sha256(part: Path, url: str, sha256: str) -> None:
    """Check the downloaded zip against the manifest's checksum; a mismatch deletes it (it cannot be resumed)."""
    digest = hashlib.sha256()
    with open(part, "rb") as file:
        while chunk := file.read(CHUNK_BYTES):
            digest.update(chunk)
    if digest.hexdigest() != sha256:
        part.unlink()
        raise TrainerError(
            f"{url}: the download is corrupt (SHA-256 {digest.hexdigest()} does not match the manifest's "
            f"{sha256}); it was deleted, try again or use another --url"
        )

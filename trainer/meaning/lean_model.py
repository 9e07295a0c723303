"""The meaning model with its weights left in int8 in memory: the same vectors in ~125 MB less.

The shipped model stores every weight as int8 with a float scale (`Cast`, then `Mul`).
onnxruntime folds those constants into float32 when it loads the model, and keeps a
second, prepacked float32 copy of every layer matrix: the word embedding table alone
(30,522 x 384) takes 47 MB, the layers 42 MB twice. The graph is rewritten so that the
int8 numbers stay int8:

- each `Gather` from an int8 table gathers the int8 rows and their scales and multiplies
  only those (bit for bit the same result; the table stays 12 MB);
- each `MatMul` by an int8 matrix with one scale per output column becomes
  `MatMulNBits` (8 bits, onnxruntime >= 1.22), whose weights are the same int8 numbers
  and scales, dequantised block by block as it multiplies: the same products, summed in
  another order (vectors equal to within 1e-6; the move model needs no refit). It is
  slower than float32 on a CPU without int8 dot products (measured 1.3-1.5x on AVX2),
  which a drill hides by encoding clauses while the rep speaks (docs/metrics.md).

The rewritten model is written once into the cache folder, named by the source model's
checksum, by a child process (`python -m trainer.meaning.lean_model SOURCE TARGET`), and
loaded from there afterwards. Without the `onnx` package, or when the model is not shaped
as expected, the source model is used as it is; an onnxruntime that cannot load the
rewrite falls back to it too (`trainer.meaning.encoder`).
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
from pathlib import Path

from trainer.core import paths

REWRITE_VERSION = 2  # bump when the rewrite changes: a new cache file is made
REWRITE_TIMEOUT_S = 120  # measured 1.5-2.5 s at load 5


def lean_model(source: Path, sha256: str) -> Path:
    """The cached rewrite of `source` (made now, in a child process, if missing); `source` when it cannot be made.

    A child process, so that onnx and the model's parsed graph (~50 MB) never sit in the
    app's memory, which is what the rewrite is for.
    """
    target = paths.cache_dir() / "meaning" / f"minilm-{sha256[:16]}-lean-v{REWRITE_VERSION}.onnx"
    if not target.is_file():
        try:
            subprocess.run([sys.executable, "-m", "trainer.meaning.lean_model", str(source), str(target)],
                           capture_output=True, timeout=REWRITE_TIMEOUT_S, check=False)
        except (OSError, subprocess.SubprocessError):
            pass  # the source model works, with more memory
    return target if target.is_file() else source


def write_lean_model(source: Path, target: Path) -> bool:
    """Write the rewrite of `source` to `target` (atomically); False without onnx, for an unexpected model
    or when the folder cannot be written."""
    try:
        import onnx
    except ImportError:
        return False
    model = onnx.load(str(source))
    if not _rewrite_gathers(model) or not _rewrite_matmuls(model):
        return False
    partial = target.with_name(target.name + ".partial")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        onnx.save(model, str(partial))
        partial.replace(target)
    except OSError:
        with contextlib.suppress(OSError):
            partial.unlink()
        return False  # a full or read-only cache
    return True


def _producers_and_uses(graph) -> tuple[dict, dict[str, int]]:
    """Which node makes each value, and how many node inputs read each value."""
    made_by = {out: node for node in graph.node for out in node.output}
    uses: dict[str, int] = {}
    for node in graph.node:
        for name in node.input:
            uses[name] = uses.get(name, 0) + 1
    return made_by, uses


def _rewrite_gathers(model) -> int:
    """Rewrite each Gather from a Mul(Cast(int8 table), scale) in place; how many were rewritten."""
    from onnx import TensorProto, helper

    graph = model.graph
    tables = {i.name: list(i.dims) for i in graph.initializer if i.data_type == TensorProto.INT8}
    scales = {i.name: list(i.dims) for i in graph.initializer if i.data_type == TensorProto.FLOAT}
    made_by, uses = _producers_and_uses(graph)
    replaced: dict[int, list] = {}
    dropped: set[int] = set()
    for gather in graph.node:
        mul = made_by.get(gather.input[0]) if gather.op_type == "Gather" else None
        cast = made_by.get(mul.input[0]) if mul is not None and mul.op_type == "Mul" else None
        if cast is None or cast.op_type != "Cast" or cast.input[0] not in tables:
            continue
        if uses.get(gather.input[0]) != 1 or uses.get(cast.output[0]) != 1:
            continue  # the float table is used elsewhere too: leave it
        table, scale, rows, out = cast.input[0], mul.input[1], gather.input[1], gather.output[0]
        if any(a.name == "axis" and a.i != 0 for a in gather.attribute) or scales.get(scale) != [tables[table][0], 1]:
            continue  # only row lookups with one scale per row
        replaced[id(gather)] = [
            helper.make_node("Gather", [table, rows], [out + "_int8"]),
            helper.make_node("Cast", [out + "_int8"], [out + "_unscaled"], to=TensorProto.FLOAT),
            helper.make_node("Gather", [scale, rows], [out + "_scale"]),
            helper.make_node("Mul", [out + "_unscaled", out + "_scale"], [out]),
        ]
        dropped |= {id(mul), id(cast)}
    nodes = []
    for node in graph.node:
        if id(node) in replaced:
            nodes.extend(replaced[id(node)])
        elif id(node) not in dropped:
            nodes.append(node)
    del graph.node[:]
    graph.node.extend(nodes)
    return len(replaced)


def _rewrite_matmuls(model, block: int = 32) -> int:
    """Rewrite each MatMul by Mul(Cast(int8 matrix), one scale per column) as MatMulNBits; how many were rewritten."""
    import numpy as np
    from onnx import TensorProto, helper, numpy_helper

    graph = model.graph
    initializers = {i.name: i for i in graph.initializer}
    made_by, uses = _producers_and_uses(graph)
    replaced: dict[int, object] = {}
    dropped: set[int] = set()
    added = []
    for matmul in graph.node:
        mul = made_by.get(matmul.input[1]) if matmul.op_type == "MatMul" else None
        cast = made_by.get(mul.input[0]) if mul is not None and mul.op_type == "Mul" else None
        if cast is None or cast.op_type != "Cast" or uses.get(matmul.input[1]) != 1 or uses.get(cast.output[0]) != 1:
            continue
        matrix, scale = initializers.get(cast.input[0]), initializers.get(mul.input[1])
        if matrix is None or scale is None or matrix.data_type != TensorProto.INT8 or len(matrix.dims) != 2:
            continue
        rows, columns = matrix.dims
        if rows % block or list(scale.dims) not in ([1, columns], [columns]):
            continue  # only one scale per output column is the same numbers in MatMulNBits
        weights = numpy_helper.to_array(matrix).astype(np.int16) + 128  # uint8 with the default zero point 128
        blocks = weights.astype(np.uint8).T.reshape(columns, rows // block, block)
        scales = np.repeat(numpy_helper.to_array(scale).reshape(columns, 1), rows // block, axis=1)
        name = matmul.output[0]
        added += [numpy_helper.from_array(blocks, name + "_q8"),
                  numpy_helper.from_array(scales.reshape(-1).astype(np.float32), name + "_q8_scales")]
        replaced[id(matmul)] = helper.make_node(
            "MatMulNBits", [matmul.input[0], name + "_q8", name + "_q8_scales"], list(matmul.output),
            domain="com.microsoft", K=rows, N=columns, bits=8, block_size=block, accuracy_level=0)
        dropped |= {id(mul), id(cast)}
    if not replaced:
        return 0
    nodes = [replaced.get(id(node), node) for node in graph.node if id(node) not in dropped]
    del graph.node[:]
    graph.node.extend(nodes)
    used = {name for node in graph.node for name in node.input}
    kept = [i for i in graph.initializer if i.name in used] + added
    del graph.initializer[:]
    graph.initializer.extend(kept)
    if not any(o.domain == "com.microsoft" for o in model.opset_import):
        model.opset_import.append(helper.make_opsetid("com.microsoft", 1))
    return len(replaced)


if __name__ == "__main__":
    sys.exit(0 if write_lean_model(Path(sys.argv[1]), Path(sys.argv[2])) else 1)

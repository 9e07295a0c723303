"""English round trip: the project's TTS speaks sales answers, the Whisper engine (tiny.en) transcribes them."""

import numpy as np
import pytest
from rapidfuzz.distance import Levenshtein
from tts_speech import SALES_SENTENCES, compose

from trainer.core.errors import TrainerError
from trainer.speech.audio import AudioClock
from trainer.speech.audio_in import FileInput
from trainer.core.text import tokens
from trainer.speech import engines
from trainer.speech.whisper_engine import WhisperEngine

TIME_TOLERANCE_S = 0.3  # Whisper word times vs the known speech spans (measured here: at most 0.26 s off)


@pytest.fixture(scope="module")
def round_trip(whisper, tmp_path_factory):
    """Each answer after 0.3-0.75 s of silence, at 150-190 wpm, and what Whisper heard."""
    folder = tmp_path_factory.mktemp("whisper")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TRAINER_CACHE", str(folder / "cache"))
        results = []
        for i, answer in enumerate(SALES_SENTENCES):
            speech = compose([0.3 + 0.15 * (i % 4), answer, 0.7], folder / f"{i}.wav", rate=[150, 170, 190][i % 3])
            results.append((answer, speech, engines.transcribe_file(whisper, speech.path)))
    return results


def word_error_rate(pairs) -> float:
    """Word edits (substitutions, insertions, deletions) over reference words, on normalised tokens."""
    edits = sum(Levenshtein.distance(tokens(ref), tokens(hyp)) for ref, hyp in pairs)
    return edits / sum(len(tokens(ref)) for ref, _ in pairs)


def assert_words_in_spans(words, spans):
    """Word times increase and every word lies within TIME_TOLERANCE_S of one of the speech spans."""
    assert words, "no words"
    for word in words:
        assert word.start <= word.end
        outside = min(max(span.start - word.start, word.end - span.end, 0.0) for span in spans)
        assert outside <= TIME_TOLERANCE_S, (word, spans)
    starts = [w.start for w in words]
    assert starts == sorted(starts)


def test_round_trip_word_error_rate_is_at_most_20_percent(round_trip):
    wer = word_error_rate([(answer, transcript.text) for answer, _, transcript in round_trip])
    # Measured here: 0.11 overall (tiny.en mishears a few words: "vendor for that" -> "mender for now").
    assert wer <= 0.20, [t.text for _, _, t in round_trip]


def test_round_trip_word_times_fall_inside_the_speech(round_trip):
    for _, speech, transcript in round_trip:
        assert_words_in_spans(transcript.words, speech.spans)
        assert all(0.0 <= w.confidence <= 1.0 for w in transcript.words)


def test_speech_after_a_long_pause_is_kept_and_placed(whisper, tmp_path):
    first, second = SALES_SENTENCES[7], SALES_SENTENCES[10]
    speech = compose([0.5, first, 2.5, second, 0.5], tmp_path / "pause.wav")
    transcript = engines.transcribe_file(whisper, speech.path)
    assert word_error_rate([(f"{first} {second}", transcript.text)]) <= 0.20, transcript.text
    assert_words_in_spans(transcript.words, speech.spans)
    after_pause = [w for w in transcript.words if w.start > speech.spans[0].end + TIME_TOLERANCE_S]
    assert len(after_pause) >= len(second.split()) - 1


def test_partial_text_arrives_while_streaming(whisper, tmp_path, monkeypatch):
    monkeypatch.setattr(whisper, "partial_every_s", 1.5)
    speech = compose([0.3, SALES_SENTENCES[1], 0.4, SALES_SENTENCES[11], 0.5], tmp_path / "live.wav")
    partials = []
    transcript = engines.transcribe(whisper, speech.samples, 0.25, lambda fed, text: partials.append((fed, text)))
    # A pass after 1.5 s, then after max(1.5 s, 3x the last pass's time) of new audio (~7 s here).
    assert len(partials) >= 2
    assert partials[0][0] == pytest.approx(1.5, abs=0.3)
    assert "price" in tokens(partials[1][1])
    assert "manager" in tokens(transcript.text)
    assert transcript.words[-1].end > speech.spans[1].start  # the final covers the whole answer


def test_finish_without_audio_is_empty(whisper):
    transcript = whisper.recognizer().finish()
    assert transcript.text == "" and transcript.words == []


def test_float_samples_are_rejected(whisper):
    with pytest.raises(ValueError, match="16 kHz mono int16"):
        whisper.recognizer().feed(np.zeros(1600, dtype=np.float32))


def test_a_folder_without_a_model_is_a_clear_error(tmp_path):
    with pytest.raises(TrainerError, match=rf"{tmp_path} is not a faster-whisper model folder .*\[whisper\]"):
        WhisperEngine(tmp_path)


def test_file_input_streamed_in_chunks_gives_the_one_shot_words(whisper, tmp_path):
    """The file input (a microphone stand-in) streaming to the engine hears what one transcription of the file hears."""
    speech = compose([0.6, SALES_SENTENCES[0], 1.0, SALES_SENTENCES[5], 0.5], tmp_path / "two.wav")
    source = FileInput(speech.path, clock=AudioClock(virtual=True))
    source.start()
    recognizer = whisper.recognizer()
    for chunk in source.chunks():
        recognizer.feed(chunk.samples)
    streamed = recognizer.finish()
    reference = whisper.transcribe(speech.samples)
    assert len(reference.words) >= 10
    assert [w.text for w in streamed.words] == [w.text for w in reference.words]
    for mine, theirs in zip(streamed.words, reference.words):
        assert mine.start == pytest.approx(theirs.start, abs=0.05)

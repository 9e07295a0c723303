"""A microphone that does not hear the speakers (headphones not ticked, speakers turned down): echo
cancellation must learn there is no echo, and keep the rep's voice over and right after the line.

The canceller and gate are the real ones (trainer/speech/echo.py); the rep is espeak-ng
said quieter than the line, as a microphone hears a voice against a line played at full
scale. The same rep through a -12 dB room shows the gate still treats a real room as one.
"""

import numpy as np
from test_echo import LINES, REP, RATE, db, played_at, room_mic, through
from tts_speech import spoken

from trainer.drill.echo_sim import RoomEcho
from trainer.speech import vad
from trainer.speech.audio_in import AudioChunk
from trainer.speech.echo import EchoCancellation
from trainer.speech.played_audio import PlayedAudio

REP_LEVEL = 0.2  # the rep's voice against the line as played (-14 dB)


def drill_audio():
    """Two lines played (from 1 s and 8 s), the rep answering over the end of the second (from 10 s)."""
    first, second = spoken(LINES[0]), spoken(LINES[1])
    played = PlayedAudio()
    played_at(played, first, 1.0)
    played_at(played, second, 8.0)
    signal = np.zeros(16 * RATE, np.int16)
    signal[RATE:RATE + len(first)] = first
    signal[8 * RATE:8 * RATE + len(second)] = second
    rep = spoken(REP, voice="en-gb").astype(np.float64) * REP_LEVEL
    near = np.zeros(16 * RATE)
    near[10 * RATE:10 * RATE + len(rep)] = rep
    return played, signal, near, 8.0 + len(second) / RATE


def test_a_room_without_echo_keeps_the_rep_over_and_after_the_line():
    played, signal, near, line_end = drill_audio()
    assert line_end > 10.5  # the rep starts while the second line still plays
    echo = EchoCancellation.start(played)
    mic = np.clip(np.round(near), -32768, 32767).astype(np.int16)
    before_rep = through(echo, mic[:10 * RATE])
    # by the time the rep speaks, the gate knows the microphone hears nothing of the speakers
    assert echo.gate.silent_room
    rest = [echo.clean(AudioChunk(mic[i:i + 320], i / RATE, i)).samples for i in range(10 * RATE, len(mic), 320)]
    cleaned = np.concatenate([before_rep, *rest])
    spans = vad.speech_spans(cleaned[9 * RATE:], offset_s=9.0)
    kept = vad.speech_spans(near[9 * RATE:].astype(np.int16), offset_s=9.0)
    assert spans and abs(spans[0].start - kept[0].start) <= 0.1  # heard where the rep started
    over = slice(10 * RATE, int(line_end * RATE))
    assert db(cleaned[over]) - db(near[over]) >= -3.0  # the words over the line are kept


def test_a_room_with_echo_is_not_taken_for_a_silent_one():
    played, signal, near, _ = drill_audio()
    echo = EchoCancellation.start(played)
    through(echo, room_mic(RoomEcho(-12, 40), signal))
    assert not echo.gate.silent_room and echo.gate.measured and echo.gate.coupling > 0.05

"""The linear echo estimate (trainer/speech/echo_filter.py) on espeak-ng speech through the simulated room.

It learns the room from the reference and the microphone on frames of echo alone, says
how much of the echo it leaves (`leak`), and keeps a voice the reference does not hold.
"""

import math

import numpy as np
from tts_speech import spoken

from trainer.drill.echo_sim import RoomEcho, room_response
from trainer.speech.echo_filter import BLOCK, EchoPathFilter

RATE = 16_000
LINES = ["Well, right now it costs me nothing. I do the rota myself on Sunday nights.",
         "Gosh, that's expensive for a little business like mine."]
REP = "That makes sense. How long does that take you?"
LEAD_FRAMES = 6  # the reference runs 60 ms ahead of the microphone, as the gate gives it


def db(samples: np.ndarray) -> float:
    return 10 * math.log10(max(float(np.mean(np.asarray(samples, np.float64) ** 2)), 1e-12))


def test_the_filter_learns_the_room_and_keeps_the_rep_over_the_echo():
    room = RoomEcho(-6, 80)
    first, second = spoken(LINES[0]), spoken(LINES[1])
    played = np.concatenate([first, np.zeros(RATE // 2, np.int16), second]).astype(np.float64)
    played = played[:len(played) // BLOCK * BLOCK]
    echo = np.convolve(played, room_response(room))[:len(played)]
    rep = np.zeros(len(played))
    said = spoken(REP, voice="en-gb").astype(np.float64)[:len(played) - len(first) - RATE // 2]
    rep[len(played) - len(said):] = said  # the rep talks over the second line, as loud as its echo or more
    lead = LEAD_FRAMES * BLOCK
    reference = np.concatenate([played[lead:], np.zeros(lead)])

    estimate = EchoPathFilter(50)
    estimate.place(round(room.delay_ms / 10) + LEAD_FRAMES)
    residual = np.zeros(len(played))
    talking = np.zeros(len(played), bool)
    talking[len(played) - len(said):] = True
    for start in range(0, len(played), BLOCK):
        frame = slice(start, start + BLOCK)
        estimate.note_reference(reference[frame])
        residual[frame], _ = estimate.residual(echo[frame] + rep[frame])
        if not talking[frame].any():
            estimate.adapt(math.sqrt(np.mean(echo[frame] ** 2)) or 1.0)

    # over the first line it learns; by the second, echo alone is 15 dB down or more (measured 21.8 dB)
    alone = slice(len(first) + RATE // 2, len(played) - len(said))
    assert db(echo[alone]) - db(residual[alone]) >= 15
    assert estimate.leak <= 0.3  # what it says it leaves (measured 0.08)
    # the rep over the echo comes out nearly as said: the echo under it is taken out, the rep is not
    over = slice(len(played) - len(said), len(played))
    assert abs(db(residual[over]) - db(rep[over])) <= 1.0
    assert db(residual[over] - rep[over]) - db(echo[over]) <= -12  # measured -20 dB


def test_a_moved_delay_shifts_the_filter_and_its_leak_is_measured_anew():
    estimate = EchoPathFilter(50)
    estimate.place(14)
    estimate.leak = 0.1
    estimate.place(17)
    assert estimate.first_lag == 15 and estimate.leak == 1.0

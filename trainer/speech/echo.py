"""Echo cancellation: the prospect's voice, played from speakers, taken out of what the microphone hears.

With speakers and a microphone in one room the microphone hears the prospect's line;
left in, its words land in the rep's transcript, talk time grows and a barge-in is
counted that never happened. RepDrill knows exactly what it played and when
(`PlayedAudio`), so it cancels that, in two steps per 10 ms frame:

1. `EchoCanceller` (`trainer.speech.echo_canceller`): WebRTC's AEC3, an adaptive
   filter with its own delay estimation, double-talk handling and residual
   suppression. The reference it gets is what the speakers played
   `REFERENCE_LEAD_S` ahead of the capture time: PortAudio's DAC time runs ~19 ms
   ahead of the sound through PulseAudio (docs/audio.md), and a reference later than
   its echo cannot be cancelled.
2. `ResidualGate`: while a line plays (and for its echo's tail) a frame that is much
   quieter than the echo the played audio would cause is silenced, so the little that
   AEC3 leaves (most while it adapts to a new room, in the first line) never reaches
   the voice activity detector. The rep talking over the prospect is far louder than
   that and passes.
   Where the room's echo lags the reference by a delay the gate measures itself (from
   the two loudness envelopes, again for each line: under load the delay moves from
   line to line), a frame also passes only when it is louder than the echo expected
   there: through a real sound server AEC3 sometimes lets 50-70 ms of a line's echo
   through untouched, well past its first frames, and the rep talking over the prospect
   always adds to the echo. Until a line's own delay is measured, the echo is expected
   at any lag AEC3 handles.
   Where AEC3 itself suppresses the rep talking over a loud line (30-40 dB, when the echo
   is nearly as loud as the rep), the gate hears the rep in the microphone less a linear
   estimate of the echo (`trainer.speech.echo_filter`, learnt on frames of echo alone,
   once it takes at least 6 dB off; until then the raw microphone): a run of frames well
   above the echo expected there is the rep, and those of its frames AEC3 took far more
   off than any echo could explain are passed from that estimate's residual, so a
   barge-in does not depend on AEC3's output alone.

A microphone that hears nothing of the speakers (headphones not ticked, speakers turned
down) is left as it is once the gate has heard a second of loud playing come back as
silence (`ResidualGate.silent_room`): AEC3 would mute the rep talking over a line it has
no echo path for.

`EchoCancellation` is one drill's worth: the played lines, the canceller and the gate;
`clean(chunk)` turns a captured chunk into the chunk the turn uses.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from trainer.speech.audio_in import AudioChunk
from trainer.speech.audio_out import Playback
from trainer.speech.echo_canceller import CANCELLER_LAG_SAMPLES, FRAME_SAMPLES, EchoCanceller
from trainer.speech.echo_filter import EchoPathFilter
from trainer.speech.played_audio import PlayedAudio
from trainer.speech.wavs import ENGINE_RATE

# The reference is taken this far ahead of the capture time: PortAudio's DAC time leads the sound
# by ~19 ms through PulseAudio (docs/audio.md); AEC3 finds the rest of the delay itself (up to
# 0.5 s), measured with 10-80 ms of room delay on top.
REFERENCE_LEAD_S = 0.06
# How long after a sample is played the gate still expects its echo: the room's delay (up to
# 80 ms) and tail, and AEC3's own output, which goes on after the echo has stopped (measured:
# RMS 15-20 of filter residue through a 0.2 s pause in a line, voiced by webrtcvad). The gate
# looks at the loudest played frame in this window; 0.2 s let that residue through.
ECHO_SPAN_S = 0.45
# The gate silences a frame more than this far below the echo the played audio would cause.
# AEC3 removed 26-37 dB of echo over the first line and 49-68 dB later (-25..-6 dB, 10-80 ms,
# docs/audio.md); a rep talking over the prospect keeps all but 1.4-4.3 dB of their voice.
GATE_BELOW_ECHO_DB = 12.0
# While AEC3 adapts to the room (its first 1.5 s of played audio) it leaves whole syllables (measured: 70 ms onsets at
# full level 0.5-0.65 s into a drill's first line), and the coupling measured so far is too low (the first frames hear
# the echo of the quiet start of the line): then the gate silences everything not louder than the line as played. 6 dB
# below the echo let such an onset through as a barge-in (-25 dB, 10 ms); the price is that a rep talking over the
# first 1.5 s of a drill's first line is heard only where louder than the line.
ADAPT_S = 1.5
# AEC3 now and then lets an echo onset through untouched for 20-30 ms (measured: 2-3 frames at full level 2.4 s into a
# drill's second line, -12 dB, 40 ms), heard as a syllable (one 10 ms frame let through became a 70 ms voiced
# stretch). While a line plays, sound passes only after this many loud frames in a row; a barge-in loses its first
# 40 ms (a run of the rep over the echo in the linear estimate's residual is loud from its first frame; in the raw
# microphone, where echo alone made such runs through a loaded sound server, from its 5th).
MIN_RUN_FRAMES = 5
# Most of those frames come out louder than they went in (AEC3 taking out an echo that is not there adds its
# estimate): a frame that gained more than this is never the rep, who loses 1.4-4.3 dB to the canceller. Measured: 2
# drills in 10 (new espeak takes each) had such a 60-70 ms run, heard as a barge-in.
ADDED_DB = 1.0
# Until the room's echo level is measured (and while AEC3 adapts) the gate assumes echo as loud
# as the line (0 dB: a laptop's speakers at full volume next to its microphone).
INITIAL_COUPLING = 1.0
# A frame counts as echo alone (measures the coupling) when the canceller removed this much of it.
ECHO_ALONE_REMOVED_DB = 15.0
# The coupling is the 90th percentile of the last 500 echo-alone readings (5 s of them: a rep turning
# the volume down is followed). A moving average let echo through that was heard as a barge-in
# (-25 dB 10 ms, -6 dB 10 ms, -12 dB 40 ms); the loudest reading (decaying) was biased high, twice
# the percentile, by frames where AEC3's own suppression hid a rep talking over the line, and 2
# barge-ins in 10 went unheard (bench/echo.py); with the percentile, 0 false and 0 missed in 10.
COUPLING_FRAMES = 500
COUPLING_PERCENTILE = 90
COUPLING_EVERY = 25  # readings between two percentiles once it has settled (each costs ~40 us)
# Played frames quieter than this (int16 RMS) cause no echo worth gating.
QUIET_RMS = 30.0
# A microphone that stays under QUIET_RMS while a frame this loud plays hears the speakers at -36 dB or
# less (headphones not ticked, speakers turned down or far away). Such frames give no coupling reading
# (AEC3 removed nothing), so in such a room the coupling stayed at INITIAL_COUPLING for the whole drill
# and the rep was gated unless louder than the line: a drill through a sound server whose microphone
# never heard the speakers lost "Can I ask" said as the line ended (tests/cli/test_drill_cli.py).
SILENT_ROOM_PLAYED_RMS = 2000.0
# When at least this share of SILENT_ROOM_FRAMES or more such loud frames (1 s of them: longer than any delay AEC3
# handles) were heard as silence, the room has no echo: the microphone's own sound is used, not AEC3's. (AEC3 mutes a
# voice over a loud reference it has no echo path for: measured, a rep at -14 dB over the line came out at RMS 1 of
# 1,300, and stayed muted 0.3 s after the line.) The room stays silent until the microphone's loudness follows the
# played audio's (the echo's delay is found: the volume went up), however much the rep talks over the lines.
SILENT_ROOM_FRAMES = 100
SILENT_ROOM_SHARE = 0.95
# The echo's delay behind the reference is measured from the loudness envelopes of the microphone and the played audio
# (10 ms frames) over the last DELAY_WINDOW_FRAMES, at lags up to DELAY_MAX_FRAMES (AEC3's own range, 0.5 s), every
# DELAY_EVERY frames; a lag counts when the envelopes correlate by DELAY_MIN_CORR (measured through PulseAudio at
# -12 dB: 0.85-1.0 at the true lag, 80 ms). The window is 1 s: the delay moves from line to line. Through a sound
# server under load (the audio-loop rig with two busy loops on the 2 cores, load 9-13, 10 drills) the echo's lag
# behind the reference moved between a drill's two lines by up to 65 ms (74 -> 43 ms, 77 -> 66, 82 -> 92, 34 -> 79;
# 1 ms in the steadiest), and within a line by 65-105 ms, once after 90 ms of digital silence from the microphone
# (output underruns and lost input frames move the sound against the clock times). With a 3 s window the gate went on
# expecting the echo at the first line's lag well into the second, while AEC3, re-adapting, left the echo only 3 dB
# down: in 2 drills of 10, 70-170 ms of it passed as the rep, a false barge-in (tests/speech/test_audio_loop_echo.py
# failed so). Replayed with the per-line measurement below: none.
DELAY_WINDOW_FRAMES = 100
# The first measurement comes once this much is heard (1 s, a quarter of it played): waiting for 3.5 s of
# audio, the gate could not tell echo from the rep in AEC3's leaks early in a drill (through PulseAudio
# under load, 3 drills in 4: 10-70 ms of echo only 3-6 dB down passed as the rep, a false barge-in).
DELAY_FIRST_FRAMES = 100
DELAY_MAX_FRAMES = 50
DELAY_EVERY = 50
DELAY_MIN_CORR = 0.7
# A line that starts after this much quiet (frames: 1 s, longer than a pause between a line's sentences, and
# a drill's lines have the rep's answer between them), or goes on after a dropout, may come with a new delay:
# until it is measured on the line itself (every LINE_DELAY_EVERY frames once LINE_DELAY_FRAMES of it have
# played), the echo is expected at any lag up to DELAY_MAX_FRAMES. (The moves measured were up to 105 ms
# in one series of 10 drills, up to 320 ms in the next, with the microphone dropping 50-200 ms several times
# in a line: expected within 110 ms of the old delay, the line's last 0.4 s of echo passed as speech.)
LINE_GAP_FRAMES = 100
LINE_DELAY_FRAMES = 20
LINE_DELAY_EVERY = 10
# A frame reads the delay-coupling only where the line near the delay is at least this share of the window's loudest,
# and at most INITIAL_COUPLING: else it is an echo's tail or the rep AEC3 took 30-40 dB off (talk-over drills: the rep
# over a first line read 3.7-5.9, echo alone 2.4; the percentile went 0.50 -> 2.26 at -6 dB 10 ms, hiding the rep).
DELAY_READ_SHARE = 0.25
# The echo expected in a frame: the delay-coupling times the loudest played frame this close to the delay
# (the room's tail and the sound server's resampling smear the echo over neighbouring frames).
DELAY_SMEAR_FRAMES = 2
# A frame no louder than the echo expected there (dB) is echo, whatever AEC3 left of it. Measured
# through PulseAudio (-12 dB loopback): the 50-70 ms of untouched echo AEC3 let through 0.3-0.65 s into
# a line came 2.6-7.7 dB below that expectation; the rep's voice over the echo adds to it.
ABOVE_ECHO_DB = 0.0
# The rep over the echo, heard in the raw microphone: MIN_RUN_FRAMES frames in a row this far (dB) above
# the echo expected there. Measured on 7 simulated rooms (-25..-6 dB, 10-80 ms; bench/echo.py's espeak
# drills): frames of echo alone came up to 19 dB above that expectation, but never more than 3 in a row
# above 9 dB (6 dB: 8 runs of 5 in 7 drills without talk-over). The rep talking over a drill's second line
# made such a run in 19 of 21 turns; the 2 without were at -6 dB, where the rep was no louder than the
# echo (there level alone cannot tell them apart). Over the first line the delay is not known yet.
# Frames of such a run are not read as echo alone for the coupling either.
REP_OVER_ECHO_DB = 9.0
# In such a run, a frame AEC3 took more than this off (dB) was the rep suppressed, not echo removed
# (removing an echo 9 dB under the rep lowers the frame by 0.5 dB; AEC3 keeps a rep it does not
# suppress within 1.4-4.3 dB): the microphone's own frame is passed instead. bench/echo.py, the same
# espeak takes without and with this path: of the answers' 135 words with the rep starting 2.0 s before
# the line ends, 70 -> 83 kept (1.0 s: 104 -> 105; 1.5 s: 101 both); barge-ins 29 of 30 both, none false.
SUPPRESSED_DB = 10.0
# The filter (trainer/speech/echo_filter.py) does not learn from the rep: a frame louder than the echo
# expected there, or whose residual is this far (dB) above what the filter usually leaves, is double talk,
# and it learns again only DOUBLE_TALK_HOLD_FRAMES after the last such frame.
DOUBLE_TALK_OVER_ECHO_DB = 3.0
DOUBLE_TALK_LEAK_DB = 6.0
DOUBLE_TALK_HOLD_FRAMES = 5
# The filter's residual stands in for the microphone only once the filter leaves at most this much of the
# echo (-6 dB), and never where it is louder than the microphone (the filter adding an echo that is not
# there: through the real sound server with a filter that had learnt little (0.79), the end of a line came
# out 3-10 dB louder than it went in for 80 ms, a false barge-in).
LINEAR_LEAK_MAX = 0.5
# ... and is taken to leave at least this much (-9 dB) in any frame, so that a run of the rep over the line
# must be above the echo expected there (0 dB, not 9). In the simulated room (exactly linear) it learnt to
# leave 1% on average, but runs of 5 frames of echo alone came out up to 5.1 dB under the echo expected
# there (the onsets and ends of syllables; 9 rooms, -25..-6 dB, 10-80 ms, bench/echo.py's takes): taken at
# its word, 0.1-0.9 s of a line's echo passed as the rep at -6 dB.
LINEAR_LEAK_MIN = 0.35
# From the estimate's residual (the rep with the echo under it taken out), a frame of such a run passes when
# AEC3 took more than this off (dB), not SUPPRESSED_DB: AEC3 takes 1.4-4.3 dB off a rep it keeps, and more
# off one it is starting to suppress. bench/echo.py's talk-over drills (15, Whisper), the same takes with 10
# and with 3 dB (then for the raw microphone's frames too): words kept 283 -> 297 of 405, barge-ins 29 -> 30
# of 30 (the -6 dB 80 ms one was heard only where its frames came from the residual).
LINEAR_SUPPRESSED_DB = 3.0


class ResidualGate:
    """Silences frames that are only the echo's remains while the speakers play (see the module docstring)."""

    def __init__(self) -> None:
        self.coupling = INITIAL_COUPLING  # echo amplitude at the mic / played amplitude, measured as it goes
        self.measured = False
        self.gated_frames = 0
        self.played_frames = 0  # frames with something playing so far (AEC3's time to adapt)
        self._loud_run = 0  # loud frames in a row while playing
        self._over_run = 0  # frames in a row the raw microphone heard well above the expected echo
        self.rep_frames = 0  # frames passed from the raw microphone (the rep, where AEC3 suppressed it)
        self._observed: deque[float] = deque(maxlen=COUPLING_FRAMES)  # recent echo-alone coupling readings
        self._readings = 0
        self._recent = deque(maxlen=round((ECHO_SPAN_S + REFERENCE_LEAD_S) * 100))  # played RMS per frame
        self.delay_frames: int | None = None  # the echo's measured lag behind the reference (10 ms frames)
        self.delay_coupling = 0.0  # echo amplitude / played amplitude at that lag (90th percentile)
        self._delay_observed: deque[float] = deque(maxlen=COUPLING_FRAMES)
        self._played_envelope: deque[float] = deque(maxlen=DELAY_WINDOW_FRAMES + DELAY_MAX_FRAMES)
        self._heard_envelope: deque[float] = deque(maxlen=DELAY_WINDOW_FRAMES + DELAY_MAX_FRAMES)
        self._frames = 0
        self._quiet_run = LINE_GAP_FRAMES  # reference frames in a row with nothing played
        self._line_frames = 0  # frames played since the current line began
        self.line_delay_known = False  # the delay was measured on the line now playing
        self._loud_played = 0  # frames played at SILENT_ROOM_PLAYED_RMS or more ...
        self._loud_unheard = 0  # ... of which the microphone heard nothing
        self.silent_room = False  # no echo heard at all (see SILENT_ROOM_FRAMES)
        self._held = np.zeros((2, CANCELLER_LAG_SAMPLES), np.int16)  # the last input samples not yet out
        self._filter = EchoPathFilter(DELAY_MAX_FRAMES)  # the echo's linear estimate, once the delay is known
        self._double_talk_hold = 0  # frames left before the filter may learn again after the rep was heard

    def apply(self, mic: np.ndarray, reference: np.ndarray, cleaned: np.ndarray) -> np.ndarray:
        """`cleaned` with the frames that hold nothing but residual echo silenced (int16, whole 10 ms frames)."""
        out = cleaned.copy()
        mic, reference = self._aligned(mic, reference)
        for start in range(0, len(mic), FRAME_SAMPLES):
            frame = slice(start, start + FRAME_SAMPLES)
            self._recent.append(_rms(reference[frame]))
            self._filter.note_reference(reference[frame])
            heard = _rms(mic[frame])
            self._follow_delay(self._recent[-1], heard)
            played = max(self._recent)
            if played < QUIET_RMS:
                self._loud_run = self._over_run = 0
                continue
            self.played_frames += 1
            left = _rms(cleaned[frame])
            near_delay = self._played_near_delay()
            adapted = self.played_frames * FRAME_SAMPLES >= ADAPT_S * ENGINE_RATE
            expected = self.delay_coupling * near_delay  # the echo expected in this frame (0: not known yet)
            residual, rep_level, rep_floor, estimated = self._linear_residual(mic[frame], heard, expected)
            over_echo = adapted and expected > 0 and rep_level > max(rep_floor * 10 ** (REP_OVER_ECHO_DB / 20),
                                                                     QUIET_RMS)
            self._over_run = self._over_run + 1 if over_echo else 0
            rep_over = self._over_run >= MIN_RUN_FRAMES
            unheard = False
            if played >= SILENT_ROOM_PLAYED_RMS:
                self._loud_played += 1
                unheard = heard <= QUIET_RMS
                self._loud_unheard += unheard
                if (not self.silent_room and self.delay_frames is None and self._loud_played >= SILENT_ROOM_FRAMES
                        and self._loud_unheard >= SILENT_ROOM_SHARE * self._loud_played):
                    self.silent_room = True
            if heard > QUIET_RMS and left < heard * 10 ** (-ECHO_ALONE_REMOVED_DB / 20) and not rep_over:
                observed = heard / played
                self._observed.append(observed)
                self._readings += 1
                if self._readings <= COUPLING_EVERY or self._readings % COUPLING_EVERY == 0:
                    self.coupling = float(np.percentile(self._observed, COUPLING_PERCENTILE))
                    if self._delay_observed:
                        self.delay_coupling = float(np.percentile(self._delay_observed, COUPLING_PERCENTILE))
                if self.line_delay_known and near_delay > max(DELAY_READ_SHARE * played, heard / INITIAL_COUPLING):
                    self._delay_observed.append(heard / near_delay)
                self.measured = True
            suppressed_db = LINEAR_SUPPRESSED_DB if estimated else SUPPRESSED_DB
            if rep_over and left < heard * 10 ** (-suppressed_db / 20):
                out[frame] = np.clip(np.round(residual), -32768, 32767)
                self.rep_frames += 1
            if adapted or self.silent_room:
                loud = left >= self.coupling * played * 10 ** (-GATE_BELOW_ECHO_DB / 20)
                loud = loud and heard > expected * 10 ** (ABOVE_ECHO_DB / 20)
            else:
                loud = left >= max(self.coupling, INITIAL_COUPLING) * played
            loud = rep_over or (loud and left <= heard * 10 ** (ADDED_DB / 20))
            self._loud_run = max(self._loud_run + 1, self._over_run if estimated else 0) if loud else 0
            if self._loud_run < MIN_RUN_FRAMES:
                out[frame] = 0
                self.gated_frames += 1
        return out

    def _linear_residual(self, mic: np.ndarray, heard: float,
                         expected: float) -> tuple[np.ndarray, float, float, bool]:
        """The frame as the rep-over test reads it: (samples, their RMS, the echo's RMS expected in them,
        whether the samples are the linear estimate's residual).

        Once the line's delay is measured, the microphone less the filter's echo estimate, against the
        echo expected times what the filter leaves of it; the filter learns on frames without the rep.
        Before that, or while the filter leaves too much, the microphone itself against the echo expected.
        """
        if not self.line_delay_known or expected <= 0:
            return mic, heard, expected, False
        self._filter.place(self.delay_frames)
        residual, left = self._filter.residual(mic)
        double_talk = (heard > expected * 10 ** (DOUBLE_TALK_OVER_ECHO_DB / 20)
                       or left > heard * self._filter.leak * 10 ** (DOUBLE_TALK_LEAK_DB / 20))
        self._double_talk_hold = DOUBLE_TALK_HOLD_FRAMES if double_talk else max(0, self._double_talk_hold - 1)
        if not self._double_talk_hold and heard > QUIET_RMS:
            self._filter.adapt(heard)
        if self._filter.leak > LINEAR_LEAK_MAX or left > heard * 10 ** (ADDED_DB / 20):
            return mic, heard, expected, False  # the filter has not learnt the room yet, or it adds echo here
        return residual, left, expected * max(self._filter.leak, LINEAR_LEAK_MIN), True

    def _aligned(self, mic: np.ndarray, reference: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Microphone and reference delayed by the canceller's lag, so each frame lines up with its output."""
        joined = np.concatenate([self._held, np.stack([mic, reference])], axis=1)
        self._held = joined[:, len(mic):]
        return joined[0, :len(mic)], joined[1, :len(mic)]

    def _follow_delay(self, played: float, heard: float) -> None:
        """Note one frame's loudness, played and heard; now and then measure the echo's lag from them."""
        self._played_envelope.append(played)
        self._heard_envelope.append(heard)
        self._frames += 1
        # a dropout: a microphone hears at least its own noise, and here a loud echo was due (the sound
        # server lost frames). The echo may come at another lag from there on, as after a new line.
        dropout = heard == 0 and self.delay_frames is not None and self._played_at_delay() >= SILENT_ROOM_PLAYED_RMS
        if played < QUIET_RMS:
            self._quiet_run += 1
        else:
            if self._quiet_run >= LINE_GAP_FRAMES or dropout:
                self._line_frames, self.line_delay_known = 0, False
            self._quiet_run = 0
            self._line_frames += 1
        if len(self._played_envelope) < DELAY_MAX_FRAMES + DELAY_FIRST_FRAMES:
            return
        if self.line_delay_known or self._line_frames < LINE_DELAY_FRAMES:
            due = self._frames % DELAY_EVERY == 0
        else:
            due = (self._line_frames - LINE_DELAY_FRAMES) % LINE_DELAY_EVERY == 0
        if not due:
            return
        played_env = np.array(self._played_envelope)[-(DELAY_WINDOW_FRAMES + DELAY_MAX_FRAMES):]
        heard_env = np.array(self._heard_envelope)[-DELAY_WINDOW_FRAMES:]
        if np.count_nonzero(played_env[DELAY_MAX_FRAMES:] > QUIET_RMS) < len(heard_env) // 4 or heard_env.std() == 0:
            return  # too little played in the window to tell the lag
        # row `lag`: the played envelope `lag` frames before each heard frame
        shifted = np.lib.stride_tricks.sliding_window_view(played_env, DELAY_WINDOW_FRAMES)[::-1]
        shifted = shifted - shifted.mean(axis=1, keepdims=True)
        heard_env = heard_env - heard_env.mean()
        spread = np.sqrt(np.sum(shifted * shifted, axis=1) * np.sum(heard_env * heard_env))
        corr = np.where(spread > 0, shifted @ heard_env / np.where(spread > 0, spread, 1.0), -1.0)
        best = int(np.argmax(corr))
        if corr[best] > DELAY_MIN_CORR:
            self.delay_frames = best
            self.line_delay_known = self._line_frames >= LINE_DELAY_FRAMES
            self.silent_room = False  # the microphone hears the speakers after all

    def _played_near_delay(self) -> float:
        """The loudest played frame near the measured lag (0 before it is known).

        Within `DELAY_SMEAR_FRAMES` of it; while the line now playing has not had its own delay
        measured, at any lag up to `DELAY_MAX_FRAMES`.
        """
        if self.delay_frames is None:
            return 0.0
        return self._played_at_delay() if self.line_delay_known else self._played_at_any_lag()

    def _played_at_any_lag(self) -> float:
        """The loudest played frame at any lag up to `DELAY_MAX_FRAMES`."""
        envelope = self._played_envelope
        return max((envelope[i] for i in range(max(0, len(envelope) - 1 - DELAY_MAX_FRAMES), len(envelope))),
                   default=0.0)

    def _played_at_delay(self) -> float:
        """The loudest played frame within `DELAY_SMEAR_FRAMES` of the last measured lag (`delay_frames` set)."""
        envelope = self._played_envelope
        newest = len(envelope) - 1 - self.delay_frames
        lo, hi = max(0, newest - DELAY_SMEAR_FRAMES), min(len(envelope), newest + DELAY_SMEAR_FRAMES + 1)
        return max((envelope[i] for i in range(lo, hi)), default=0.0)


@dataclass
class EchoCancellation:
    """One drill's echo handling: note each line played (`line_played`), `clean` each captured chunk."""

    played: PlayedAudio
    canceller: EchoCanceller
    gate: ResidualGate

    @classmethod
    def start(cls, played: PlayedAudio | None = None) -> EchoCancellation:
        """A fresh canceller and gate (reusing `played` when the lines are noted elsewhere, e.g. a simulator)."""
        return cls(played if played is not None else PlayedAudio(), EchoCanceller(), ResidualGate())

    def line_played(self, path: str | Path, playback: Playback) -> None:
        """Note a line handed to the output (its start time is read from `playback` when it is known)."""
        self.played.add_file(path, playback)

    def clean(self, chunk: AudioChunk) -> AudioChunk:
        """The chunk with what the speakers played taken out (a chunk of whole 10 ms frames)."""
        reference = self.played.samples(chunk.captured_at + REFERENCE_LEAD_S, len(chunk.samples))
        cleaned = self.gate.apply(chunk.samples, reference, self.canceller.process(chunk.samples, reference))
        return chunk if self.gate.silent_room else replace(chunk, samples=cleaned)


def _rms(samples: np.ndarray) -> float:
    values = samples.astype(np.float32)
    return float(np.sqrt(np.mean(values * values))) if len(values) else 0.0

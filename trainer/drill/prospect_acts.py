"""What the prospect does in a drill by temperament: cuts in on a monologue, reacts to hedges, rewards a question.

The acts are data (`trainer.core.temperaments`, trainer/data/temperaments.yaml); this
module applies them to one drill. `cut_in_after_s(objection)` is how long that
objection's persona, as the level has them, lets the rep talk without a pause (the
runner's endpointer reports the monologue; the turn ends `CUT_IN`). After an answer,
`act_after(...)` says what the prospect does, at most one act an answer: a cut-in line
(the objection's `interruptions:`, else the persona's, else the built-in lines), a
reaction to an apology or a hedge, or a warm add-on after a credited `ask` move.

Every line an act could need is rendered ahead with the drill's lines
(`render_ahead`, through `ProspectLines`, in the persona's voice), one line per kind
and objection picked up front (a seed repeats it). The act is spoken just before the
prospect's next line, as one sound (`spoken_before`: the two rendered WAVs joined with
a short breath), so the turn's timing, echo cancellation and the rep going on after a
pause all work as for any line; after a drill's last answer it plays on its own.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass

import numpy as np
import soundfile
import soxr

from trainer.core import paths
from trainer.core.answer import Assessment
from trainer.core.levels import level_persona
from trainer.core.pack_model import Objection
from trainer.core.temperaments import acts_for, cut_in_after_s, generic_lines, is_apology
from trainer.drill.lines import ProspectLines
from trainer.drill.plan import DrillPlan
from trainer.speech.endpoint import CUT_IN
from trainer.speech.tts import RenderedLine

BREATH_S = 0.3  # silence between an act and the line after it: one speaker going on, not two sounds
ASK_MOVE = "ask"


@dataclass(frozen=True)
class Act:
    """One act after an answer: its kind (cut_in, hedges, apologies, add_on), the line, and whose voice."""

    kind: str
    line: str
    objection: Objection


class ProspectActs:
    """One drill's temperament acts: when to cut in, what to say after an answer, and the sound of it."""

    def __init__(self, plan: DrillPlan, lines: ProspectLines) -> None:
        self.plan = plan
        self.lines = lines
        rng = random.Random(plan.seed)
        self._chosen = {o.id: {kind: rng.choice(self._candidates(o, kind)) for kind in _KINDS}
                        for o in plan.objections}

    def temperament(self, objection: Objection) -> str:
        """The objection's persona's temperament as the level has it (`level_persona`)."""
        persona = self.plan.pack.personas.get(objection.persona)
        return level_persona(persona, self.plan.rules).temperament if persona else "neutral"

    def cut_in_after_s(self, objection: Objection) -> float | None:
        """How long this objection's prospect lets the rep talk without a pause (None: no cut-in)."""
        return cut_in_after_s(self.temperament(objection), self.plan.rules.level, self.plan.rules.cut_in_after_s)

    def act_after(self, objection: Objection, end_reason: str, assessment: Assessment) -> Act | None:
        """What the prospect does after this answer (None: nothing, the next line follows)."""
        acts = acts_for(self.temperament(objection), self.plan.rules.level)
        metrics, rubric = assessment.metrics, assessment.rubric
        if end_reason == CUT_IN:
            kind = "cut_in"
        elif acts.reacts_to_hedges and any(is_apology(m.phrase) for m in metrics.hedge_matches):
            kind = "apologies"
        elif acts.reacts_to_hedges and metrics.hedges:
            kind = "hedges"
        elif acts.adds_after_questions and rubric is not None and ASK_MOVE in rubric.covered:
            kind = "add_on"
        else:
            return None
        return Act(kind, self._chosen[objection.id][kind], objection)

    def render_ahead(self, objection: Objection) -> None:
        """Queue the lines this objection's acts could need, behind the drill's own lines."""
        acts = acts_for(self.temperament(objection), self.plan.rules.level)
        kinds = ["cut_in"] if self.cut_in_after_s(objection) is not None else []
        kinds += ["hedges", "apologies"] if acts.reacts_to_hedges else []
        kinds += ["add_on"] if acts.adds_after_questions else []
        for kind in kinds:
            self.lines.render(objection, self._chosen[objection.id][kind])

    def rendered(self, act: Act) -> RenderedLine:
        """The act's line in its persona's voice (rendered ahead, or now)."""
        return self.lines.render(act.objection, act.line).result()

    def spoken_before(self, act: Act, line: RenderedLine) -> RenderedLine:
        """The act followed by the next line, as one sound (cached beside the rendered lines)."""
        return join_lines(self.rendered(act), line)

    def _candidates(self, objection: Objection, kind: str) -> tuple[str, ...]:
        if kind == "cut_in":
            persona = self.plan.pack.personas.get(objection.persona)
            own = objection.interruptions or (persona.interruptions if persona else ())
            return own or generic_lines("interruptions")
        return generic_lines(_KINDS[kind])


_KINDS = {"cut_in": "interruptions", "hedges": "hedges", "apologies": "apologies", "add_on": "add_ons"}  # act: lines


def join_lines(first: RenderedLine, second: RenderedLine) -> RenderedLine:
    """Two rendered lines as one WAV, `BREATH_S` apart (same voice, so the same rate: resampled if not).

    Once joined, the file is reused and neither line is read again: the lengths come from the rendered
    lines' own records (this runs on the drill's thread just before the next line).
    """
    digest = hashlib.sha256(f"{first.path.name}|{second.path.name}|{BREATH_S}".encode()).hexdigest()[:32]
    path = paths.cache_dir() / "tts" / f"joined-{digest}.wav"
    rate = first.sample_rate
    if not path.is_file():
        a, _ = soundfile.read(str(first.path), dtype="int16")
        b, rate_b = soundfile.read(str(second.path), dtype="int16")
        if rate_b != rate:  # one of them fell back to espeak-ng from the natural voice
            b = soxr.resample(b, rate_b, rate).astype(np.int16)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.stem}.part.wav")
        soundfile.write(str(partial), np.concatenate([a, np.zeros(round(BREATH_S * rate), np.int16), b]), rate,
                        subtype="PCM_16")
        partial.replace(path)
    offset = (round(first.duration_s * rate) + round(BREATH_S * rate)) / rate
    duration = soundfile.info(str(path)).duration
    return RenderedLine(path, rate, duration, first.speech_start_s, offset + second.speech_end_s,
                        first.notice or second.notice)

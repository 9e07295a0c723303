"""The prospect's lines of one drill, in each persona's voice, rendered ahead on a background thread.

The first objection's lines are rendered before the drill starts (`render_before_start`: the
app once the rep's choice is known, before Start; `trainer drill` as soon as the drill is
planned, before or while the speech engine loads), so the first line is in the cache when the drill begins: the natural voice takes
~0.5 s a line on an idle machine, and 2-3 s while the drill's start loads the meaning model
beside it (measured, docs/voices.md). While the rep answers, every line that answer can lead
to (the node's follow-ups, then the next objection's opening) is rendered, so the next line
plays at once; renders still queued for the previous turn are dropped first.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor

from trainer.core.dialogue import Conversation, Prompt
from trainer.core.levels import level_persona
from trainer.core.pack_model import Objection, Voice
from trainer.drill.plan import DrillPlan, start_conversation
from trainer.speech import tts

_ahead = ThreadPoolExecutor(max_workers=1, thread_name_prefix="render-before-start")
_ahead_queued: list[Future] = []  # the latest choice's renders (an earlier choice's are dropped)


def line_voice(plan: DrillPlan, objection: Objection) -> Voice:
    """The objection's persona's voice as the plan's level has them speak (its rate factor)."""
    persona = plan.pack.personas.get(objection.persona)
    return level_persona(persona, plan.rules).voice if persona else Voice()


def first_lines(plan: DrillPlan) -> list[str]:
    """The line the drill opens with when it is known (the first variant, or the one the plan's seed draws at
    levels with random lines), else every variant of the first objection's opening.

    Only what can be said is rendered: at the start each render takes CPU from the speech engine loading and
    the microphone starting beside it.
    """
    if plan.seed is not None or not plan.rules.random_lines:
        return [start_conversation(plan).current.line]
    return list(plan.objections[0].lines)


def render_before_start(plan: DrillPlan) -> list[Future]:
    """Render the plan's first line in the background, before the drill is started (returns the renders' futures at
    once: one, or each variant when the opening is drawn at random without a seed).

    Renders queued for an earlier plan and not begun are dropped (the rep changed their choice). A failure
    is left to the drill, which renders the line again (and falls back to espeak-ng with a notice).
    """
    for future in _ahead_queued:
        future.cancel()
    objection = plan.objections[0]
    voice = line_voice(plan, objection)
    _ahead_queued[:] = [_ahead.submit(tts.render_voice, line, voice) for line in first_lines(plan)]
    return list(_ahead_queued)


class ProspectLines:
    """One drill's renders: `render()` gives a line's future (rendered ahead, or now); `close()` at the end."""

    def __init__(self, plan: DrillPlan) -> None:
        self.plan = plan
        self._renders: dict[tuple[str, Voice], Future] = {}
        self._renderer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="prerender")

    def persona_name(self, objection: Objection) -> str:
        """Who speaks the objection's lines ("Prospect" without a persona)."""
        persona = self.plan.pack.personas.get(objection.persona)
        return persona.name if persona else "Prospect"

    def render(self, objection: Objection, line: str) -> Future:
        """The rendered line (a future: pre-rendered in the background, or rendered now)."""
        voice = line_voice(self.plan, objection)
        key = (line, voice)
        if key not in self._renders:
            self._renders[key] = self._renderer.submit(tts.render_voice, line, voice)
        return self._renders[key]

    def render_first(self) -> None:
        """Start on the drill's opening line (`first_lines`) before its input starts; a line already rendering from
        `render_before_start` is waited for, not rendered again."""
        for line in first_lines(self.plan):
            self.render(self.plan.objections[0], line)

    def first_line(self) -> Future:
        """The drill's opening line, rendered (a future)."""
        return self.render(self.plan.objections[0], first_lines(self.plan)[0])

    def render_after(self, prompt: Prompt, conversation: Conversation) -> None:
        """Render every line the current answer can lead to: follow-ups, then the next objection's opening.

        Renders queued for the previous turn and not begun are dropped first (variants not chosen; a line
        still wanted is queued again, behind these follow-ups): the natural voice takes ~0.5 s a line.
        """
        for key, future in list(self._renders.items()):
            if future.cancel():
                del self._renders[key]
        objection = prompt.objection
        if prompt.depth + 1 < self.plan.rules.max_answers:
            for rule in prompt.node.next:
                follow_up = objection.follow_ups.get(rule.goto) if rule.goto else None
                for line in follow_up.lines if follow_up else ():
                    self.render(objection, line)
        upcoming = len(conversation.dialogues)
        if upcoming < len(self.plan.objections):
            following = self.plan.objections[upcoming]
            for line in following.lines:
                self.render(following, line)

    def close(self) -> None:
        """Drop what is still queued (the drill is over)."""
        self._renderer.shutdown(wait=False, cancel_futures=True)

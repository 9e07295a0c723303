"""The prospect's lines of one drill, in each persona's voice, rendered ahead on a background thread.

The first objection's lines are submitted before the drill's input starts, and while the
rep answers every line that answer can lead to (the node's follow-ups, then the next
objection's opening), so the next line plays at once; renders still queued for the
previous turn are dropped first (the natural voice takes ~0.5 s a line).
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor

from trainer.core.dialogue import Conversation, Prompt
from trainer.core.levels import level_persona
from trainer.core.pack_model import Objection, Voice
from trainer.drill.plan import DrillPlan
from trainer.speech import tts


class ProspectLines:
    """One drill's renders: `render()` gives a line's future (rendered ahead, or now); `close()` at the end."""

    def __init__(self, plan: DrillPlan) -> None:
        self.plan = plan
        self._renders: dict[tuple[str, Voice], Future] = {}
        self._renderer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="prerender")

    def voice(self, objection: Objection) -> Voice:
        """The persona's voice as the level has it speak (its rate factor)."""
        persona = self.plan.pack.personas.get(objection.persona)
        return level_persona(persona, self.plan.rules).voice if persona else Voice()

    def persona_name(self, objection: Objection) -> str:
        """Who speaks the objection's lines ("Prospect" without a persona)."""
        persona = self.plan.pack.personas.get(objection.persona)
        return persona.name if persona else "Prospect"

    def render(self, objection: Objection, line: str) -> Future:
        """The rendered line (a future: pre-rendered in the background, or rendered now)."""
        voice = self.voice(objection)
        key = (line, voice)
        if key not in self._renders:
            self._renders[key] = self._renderer.submit(tts.render_voice, line, voice)
        return self._renders[key]

    def render_first(self) -> None:
        """Start on the first objection's lines (the drill does this before its input starts)."""
        for line in self.plan.objections[0].lines:
            self.render(self.plan.objections[0], line)

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

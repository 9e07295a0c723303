"""The drill runner: one drill from core + speech + store, UI-agnostic, reporting through plain events.

- `runner.py`: `DrillRunner`, one drill turn after turn, from the prospect's line to a stored, scored answer.
- `turn.py`: the rep's side of one turn (the input streamed to the recording, the endpointer and the engine).
- `answered.py`: the latest answer as the runner keeps it after its end, and the `TurnResult` it becomes.
- `early_branch.py`: the next line chosen from the words heard at the end of turn, before Vosk's final result,
  and what happens when the final words lead elsewhere.
- `lines.py`: the prospect's lines in each persona's voice, rendered ahead on a background thread.
- `freed_memory.py`: memory a turn freed, handed back to the system.
- `devices.py`: the sound devices started and proved working before a drill is stored.
- `stored.py`: the drill as it is written to the store (each turn begun and committed, the drill finished or
  abandoned) and the forms it is kept in (move marks, relative paths, the whole drill's metrics and score).
- `prospect_acts.py`: what the prospect does by temperament (cuts in, reacts, adds a little).
- `transcriber.py`: one answer's recognizer on its own thread (partials, Whisper's speculative pass, the final words).
- `events.py`: what the runner reports, and the results it carries.
- `plan.py`: what to drill (pack, objections, the level's rules).
- `answer_source.py`: answer files standing in for a microphone.
- `echo_sim.py`: answer files that also hear the speakers, through a simulated room (`--echo-sim`).
"""

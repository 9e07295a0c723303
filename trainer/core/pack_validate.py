"""Checks a pack's meaning beyond its schema: ids, references, branches, bands, dates.

Runs on the plain data even when the schema found problems (every check skips parts
of the wrong shape), so a coach sees all problems of a file at once: duplicate ids,
unknown personas, rules naming moves the node does not have, `goto` to a follow-up
that does not exist, follow-ups never reached, cycles, conversations deeper than
`MAX_TURNS`, a last rule that is not a catch-all, bands with low > high, bad dates,
ladder overrides that change a level twice or that nobody could pass, `areas:` naming
no habit area of `trainer/data/reluctance.yaml`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from trainer.core.levels import default_ladder
from trainer.core.pack_schema import did_you_mean
from trainer.core.pack_yaml import Located, SourceMap
from trainer.core.reluctance import default_areas
from trainer.core.scoring import TURN_COMPONENTS
from trainer.core.targets import DEFAULT_WEIGHTS

MAX_TURNS = 4  # prospect turns in one conversation: the objection and up to 3 follow-ups
ROOT = ""  # the objection itself, as a branch target key (follow-up ids are never empty)


def _items(data: Any, key: str) -> list[tuple[int, dict]]:
    value = data.get(key) if isinstance(data, dict) else None
    if not isinstance(value, list):
        return []
    return [(i, item) for i, item in enumerate(value) if isinstance(item, dict)]


def _str_list(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


class _Checker:
    def __init__(self, data: dict, source_map: SourceMap):
        self.data = data
        self.map = source_map
        self.problems: list[Located] = []

    def at(self, path, message: str, key: bool = False) -> None:
        position = self.map.key(path) if key else self.map.value(path)
        self.problems.append(Located(*position, message))

    def unique_ids(self, key: str, noun: str) -> list[str]:
        seen: dict[str, int] = {}
        for index, item in _items(self.data, key):
            ident = item.get("id")
            if not isinstance(ident, str):
                continue
            if ident in seen:
                first_line = self.map.value((key, seen[ident], "id"))[0]
                self.at((key, index, "id"), f"duplicate {noun} id '{ident}' (first on line {first_line}) - rename one")
            else:
                seen[ident] = index
        return list(seen)

    def check(self) -> list[Located]:
        personas = self.unique_ids("personas", "persona")
        self.unique_ids("objections", "objection")
        for index, objection in _items(self.data, "objections"):
            path = ("objections", index)
            persona = objection.get("persona")
            if isinstance(persona, str) and persona not in personas:
                hint = did_you_mean(persona, personas) or f" - define it under personas: (known: {', '.join(personas) or 'none'})"
                self.at(path + ("persona",), f"unknown persona '{persona}'{hint}")
            self.areas(path, objection)
            self.branches(path, objection)
        self.targets()
        self.assignment()
        self.ladder()
        return self.problems

    def areas(self, path, objection: dict) -> None:
        known = default_areas().ids
        for index, area in enumerate(_str_list(objection.get("areas"))):
            if area not in known:
                hint = did_you_mean(area, known) or f" - the areas are: {', '.join(known)}"
                self.at(path + ("areas", index), f"unknown area '{area}'{hint} (docs/profile.md)")

    def branches(self, path, objection: dict) -> None:
        follow_ups = objection.get("follow_ups")
        follow_ups = {k: v for k, v in follow_ups.items() if isinstance(v, dict)} if isinstance(follow_ups, dict) else {}
        nodes = {ROOT: (path, objection)} | {k: (path + ("follow_ups", k), v) for k, v in follow_ups.items()}
        edges: dict[str, list[tuple[str, tuple]]] = {}
        for name, (node_path, node) in nodes.items():
            edges[name] = self.rules(node_path, node, list(follow_ups))
        reached = self.walk(edges)
        for name in follow_ups:
            if name not in reached:
                self.at(path + ("follow_ups", name), f"follow-up '{name}' is never reached - add a rule with 'goto: {name}' or remove it", key=True)

    def rules(self, node_path, node: dict, follow_up_ids: list[str]) -> list[tuple[str, tuple]]:
        """Check a node's rules; return its (goto target, path of the goto) edges."""
        rubric = node.get("rubric")
        moves = list(rubric) if isinstance(rubric, dict) else None
        examples = node.get("examples")
        if moves is not None and isinstance(examples, dict):
            for move in examples:
                if move not in moves:
                    hint = did_you_mean(move, moves) or f" - the rubric has: {', '.join(moves)}"
                    self.at(node_path + ("examples", move), f"examples for move '{move}', which is not in this turn's rubric{hint}", key=True)
        edges = []
        rules = _items(node, "next")
        for position, (index, rule) in enumerate(rules):
            rule_path = node_path + ("next", index)
            covered, missing = _str_list(rule.get("covered")), _str_list(rule.get("missing"))
            for key, names in (("covered", covered), ("missing", missing)):
                for i, move in enumerate(names):
                    if moves is not None and move not in moves:
                        hint = did_you_mean(move, moves) or f" - the rubric has: {', '.join(moves)}"
                        self.at(rule_path + (key, i), f"move '{move}' is not in this turn's rubric{hint}")
            for move in set(covered) & set(missing):
                self.at(rule_path, f"move '{move}' is both covered and missing - this rule can never apply")
            is_catch_all = not covered and not missing
            if is_catch_all and position < len(rules) - 1:
                self.at(node_path + ("next", rules[position + 1][0]), "rule after a catch-all rule (no covered/missing) can never apply - move the catch-all last")
            if position == len(rules) - 1 and not is_catch_all:
                self.at(rule_path, "the last rule must be a catch-all (only goto or outcome) so every answer leads somewhere")
            goto = rule.get("goto")
            if isinstance(goto, str):
                if goto in follow_up_ids:
                    edges.append((goto, rule_path + ("goto",)))
                else:
                    hint = did_you_mean(goto, follow_up_ids) or f" - define it under follow_ups: (known: {', '.join(follow_up_ids) or 'none'})"
                    self.at(rule_path + ("goto",), f"goto '{goto}' names no follow-up of this objection{hint}")
        return edges

    def walk(self, edges: dict[str, list[tuple[str, tuple]]]) -> set[str]:
        """Follow gotos from the objection; report cycles and too-deep paths; return reached ids."""
        reached: set[str] = set()
        visited: set[tuple[str, int]] = set()
        reported: set[tuple] = set()

        def visit(name: str, chain: list[str]) -> None:
            """`chain` is the path of turns from the objection down to `name`, inclusive."""
            if (name, len(chain)) in visited:
                return
            visited.add((name, len(chain)))
            for target, goto_path in edges.get(name, []):
                reached.add(target)
                if goto_path in reported:
                    continue
                if target in chain:
                    reported.add(goto_path)
                    loop = " -> ".join(s or "objection" for s in chain[chain.index(target):] + [target])
                    self.at(goto_path, f"branch loops ({loop}) - a conversation must end: send it to an outcome")
                elif len(chain) + 1 > MAX_TURNS:
                    reported.add(goto_path)
                    self.at(goto_path, f"conversation longer than {MAX_TURNS} prospect turns - end it with an outcome sooner")
                else:
                    visit(target, chain + [target])

        visit(ROOT, [ROOT])
        return reached

    def targets(self) -> None:
        targets = self.data.get("targets")
        if not isinstance(targets, dict):
            return
        for key, value in targets.items():
            if key.endswith("_band") and isinstance(value, list) and len(value) == 2:
                low, high = value
                if isinstance(low, (int, float)) and isinstance(high, (int, float)) and low > high:
                    self.at(("targets", key), f"'{key}' is [{low}, {high}] - write it as [low, high]")
        seen: dict[int, int] = {}
        for index, item in _items(targets, "levels"):
            level = item.get("level")
            if isinstance(level, int) and level in seen:
                self.at(("targets", "levels", index, "level"), f"level {level} has targets twice (first in item {seen[level] + 1}) - merge the two")
            seen.setdefault(level, index)
            for key, value in item.items():
                if key.endswith("_band") and isinstance(value, list) and len(value) == 2:
                    low, high = value
                    if isinstance(low, (int, float)) and isinstance(high, (int, float)) and low > high:
                        self.at(("targets", "levels", index, key), f"'{key}' is [{low}, {high}] - write it as [low, high]")
        share = targets.get("talk_share_band")
        if isinstance(share, list) and any(isinstance(v, (int, float)) and v > 100 for v in share):
            self.at(("targets", "talk_share_band"), "'talk_share_band' is a percentage - use values from 0 to 100")
        weights = targets.get("weights")
        if isinstance(weights, dict):
            merged = DEFAULT_WEIGHTS | {k: v for k, v in weights.items() if isinstance(v, (int, float))}
            if not any(merged[k] for k in TURN_COMPONENTS if k != "ask_then_stop"):  # it needs a question asked
                self.at(("targets", "weights"), "every turn-score weight is 0 - at least one part of the score must count")

    def assignment(self) -> None:
        assignment = self.data.get("assignment")
        due = assignment.get("due") if isinstance(assignment, dict) else None
        if isinstance(due, str):
            try:
                date.fromisoformat(due)
            except ValueError:
                self.at(("assignment", "due"), f"due date '{due}' is not a real date - use YYYY-MM-DD")

    def ladder(self) -> None:
        ladder = self.data.get("ladder")
        if not isinstance(ladder, dict):
            return
        seen: dict[int, int] = {}
        for index, item in _items(ladder, "levels"):
            level = item.get("level")
            if isinstance(level, int) and level in seen:
                self.at(("ladder", "levels", index, "level"), f"level {level} is changed twice (first in item {seen[level] + 1}) - merge the two")
            seen.setdefault(level, index)
        merged = default_ladder().rules
        numbers = {k: v for k, v in ladder.items() if k != "levels" and isinstance(v, (int, float))}
        if numbers.get("passes", merged.passes) > numbers.get("window", merged.window):
            key = "passes" if "passes" in numbers else "window"
            self.at(("ladder", key), f"passes ({numbers.get('passes', merged.passes)}) is more than window ({numbers.get('window', merged.window)}) - nobody could move up")
        if numbers.get("fail_score", merged.fail_score) > numbers.get("pass_score", merged.pass_score):
            key = "fail_score" if "fail_score" in numbers else "pass_score"
            self.at(("ladder", key), "fail_score is above pass_score - a failing drill must score below a passing one")


def meaning_problems(data: Any, source_map: SourceMap) -> list[Located]:
    """Every problem of meaning in pack `data` (which may also have schema problems)."""
    if not isinstance(data, dict):
        return []
    return _Checker(data, source_map).check()

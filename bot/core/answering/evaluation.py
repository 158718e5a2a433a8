"""Measuring answer quality on question sets written the way people type in Discord.

A set is a YAML list of single questions and conversations (see tests/eval/). A
question counts as right when the reply answers (or compares) and cites the expected
section, about the expected role(s) and level. Clarifying counts as not right: a
user who asked a clear question deserves an answer.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.core.answering.engine import Engine
from bot.core.answering.reply import Reply
from bot.core.knowledge import Knowledge

PARTS = ("dev", "heldout")


@dataclass(frozen=True, slots=True)
class Case:
    question: str
    expect: str  # in_scope | declined | smalltalk
    sections: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    level: str | None = None
    follow_up: bool = False


@dataclass(slots=True)
class Outcome:
    case: Case
    reply: Reply
    ok: bool
    why: str
    rule: str = ""
    """The decide rule that chose the reply (see bot/core/answering/decide.py)."""


@dataclass
class PartResult:
    name: str
    outcomes: list[Outcome] = field(default_factory=list)

    def _rate(self, pick: Iterable[Outcome]) -> tuple[float, int, int]:
        items = list(pick)
        good = sum(o.ok for o in items)
        return (good / len(items) if items else 1.0), good, len(items)

    @property
    def in_scope(self) -> tuple[float, int, int]:
        return self._rate(
            o for o in self.outcomes if o.case.expect == "in_scope" and not o.case.follow_up
        )

    @property
    def declined(self) -> tuple[float, int, int]:
        return self._rate(o for o in self.outcomes if o.case.expect == "declined")

    @property
    def smalltalk(self) -> tuple[float, int, int]:
        return self._rate(o for o in self.outcomes if o.case.expect == "smalltalk")

    @property
    def follow_ups(self) -> tuple[float, int, int]:
        return self._rate(
            o for o in self.outcomes if o.case.follow_up and o.case.expect == "in_scope"
        )

    @property
    def clarify_rate(self) -> float:
        scoped = [o for o in self.outcomes if o.case.expect == "in_scope"]
        return sum(o.reply.status == "clarify" for o in scoped) / len(scoped) if scoped else 0.0

    def by_section(self) -> dict[str, tuple[int, int]]:
        table: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for o in self.outcomes:
            if o.case.expect == "in_scope":
                row = table[o.case.sections[0]]
                row[0] += o.ok
                row[1] += 1
        return {k: (v[0], v[1]) for k, v in sorted(table.items())}

    def failure_kinds(self) -> Counter[str]:
        return Counter(o.why.split(":")[0] for o in self.outcomes if not o.ok)

    def to_json(self) -> dict[str, Any]:
        return {
            "part": self.name,
            "in_scope": self.in_scope[0],
            "declined": self.declined[0],
            "follow_ups": self.follow_ups[0],
            "smalltalk": self.smalltalk[0],
            "clarify_rate": self.clarify_rate,
            "failures": [
                {
                    "question": o.case.question,
                    "why": o.why,
                    "rule": o.rule,
                    "entries": list(o.reply.entries),
                }
                for o in self.outcomes
                if not o.ok
            ],
        }


def _case(raw: dict[str, Any], follow_up: bool) -> Case:
    sections = tuple(raw.get("sections") or ())
    expect = raw.get("expect") or ("in_scope" if sections else "declined")
    return Case(
        question=str(raw["q"]),
        expect=expect,
        sections=sections,
        roles=tuple(raw.get("roles") or ()),
        level=raw.get("level"),
        follow_up=follow_up,
    )


def load_cases(path: Path) -> list[list[Case]]:
    """Each item is a conversation: a list of turns (a single question is one turn)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    out: list[list[Case]] = []
    for item in data:
        if "conversation" in item:
            out.append([_case(turn, i > 0) for i, turn in enumerate(item["conversation"])])
        else:
            out.append([_case(item, False)])
    return out


def judge(case: Case, reply: Reply, knowledge: Knowledge) -> tuple[bool, str]:
    if case.expect == "declined":
        if reply.status == "declined":
            return True, ""
        return False, f"answered off-topic: {reply.status} {','.join(reply.entries)}"
    if case.expect == "smalltalk":
        return (reply.status == "smalltalk"), f"not smalltalk: {reply.status}"
    if reply.status == "declined":
        return False, "declined in-scope"
    if reply.status == "clarify":
        hit = any(
            c.section in case.sections for e in reply.entries for c in knowledge.by_id[e].cite
        )
        return False, "clarify" + (" (right option offered)" if hit else "")
    if reply.status == "smalltalk":
        return False, "smalltalk for a question"
    cited = {c.section for c in reply.citations}
    if not cited & set(case.sections):
        return False, f"wrong section: {','.join(reply.entries)} cites {sorted(cited)}"
    if case.roles and not set(case.roles) <= set(reply.roles):
        return False, f"wrong role: {','.join(reply.entries)} is about {list(reply.roles)}"
    if case.level and reply.level and reply.level != case.level:
        return False, f"wrong level: {reply.level} for {case.level}"
    return True, ""


def run_part(engine: Engine, name: str, conversations: list[list[Case]]) -> PartResult:
    result = PartResult(name)
    for n, turns in enumerate(conversations):
        key = ("eval", name, n)
        for case in turns:
            response = engine.respond(case.question, conversation=key)
            ok, why = judge(case, response.reply, engine.knowledge)
            result.outcomes.append(Outcome(case, response.reply, ok, why, response.decision.rule))
        engine.conversations.forget(key)
    return result


def part_files(directory: Path, part: str) -> list[Path]:
    """A part is ``<part>.yaml`` plus any ``<part>-*.yaml`` written later."""
    return [directory / f"{part}.yaml", *sorted(directory.glob(f"{part}-*.yaml"))]


def evaluate(engine: Engine, directory: Path, parts: Iterable[str] = PARTS) -> list[PartResult]:
    return [
        run_part(engine, p, [c for f in part_files(directory, p) for c in load_cases(f)])
        for p in parts
    ]


def _pct(rate: tuple[float, int, int]) -> str:
    return f"{rate[0] * 100:5.1f}% ({rate[1]}/{rate[2]})"


def render(results: list[PartResult], show_failures: bool = True) -> str:
    lines: list[str] = []
    for r in results:
        lines.append(f"== {r.name} ==")
        lines.append(f"  in-scope accuracy   {_pct(r.in_scope)}")
        lines.append(f"  off-topic declined  {_pct(r.declined)}")
        lines.append(f"  follow-up accuracy  {_pct(r.follow_ups)}")
        lines.append(f"  small talk          {_pct(r.smalltalk)}")
        lines.append(f"  clarify rate        {r.clarify_rate * 100:5.1f}% of in-scope questions")
        lines.append("  by section (right/total):")
        for section, (good, total) in r.by_section().items():
            lines.append(f"    {section:<46} {good:>3}/{total:<3}")
        kinds = r.failure_kinds()
        if kinds:
            lines.append(
                "  failure kinds: " + ", ".join(f"{k} ×{v}" for k, v in kinds.most_common())
            )
        if show_failures:
            fails = [o for o in r.outcomes if not o.ok]
            if fails:
                lines.append("  failures:")
            for o in fails:
                tag = "↳ " if o.case.follow_up else ""
                lines.append(f"    - {tag}{o.case.question!r}: {o.why} [rule {o.rule}]")
        lines.append("")
    return "\n".join(lines)


def default_eval_dir() -> Path:
    return Path(__file__).resolve().parents[3] / "tests" / "eval"


__all__ = [
    "PARTS",
    "Case",
    "PartResult",
    "default_eval_dir",
    "evaluate",
    "judge",
    "load_cases",
    "part_files",
    "render",
    "run_part",
]

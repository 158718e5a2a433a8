"""Measuring answer quality on question sets.

Two kinds of set live in tests/eval/: ours, written the way people type in Discord
(``dev*.yaml``, ``heldout.yaml``), and real questions other people wrote on public
pages, copied verbatim with their URL (``real/dev.yaml``, ``real/heldout.yaml``). A set
is a YAML list of single questions and conversations. A question the article answers
counts as right when the reply answers (or compares) and cites the expected section,
about the expected role(s) and level; clarifying is not right, since a clear question
deserves an answer. A question the article does not (fully) answer counts as right
when the reply declines or names what is not covered (``not_covered``). A *confident
wrong* answer is a wrong one given with confidence >= 0.8: the failure people notice.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.core.answering.engine import Engine
from bot.core.answering.reply import Reply
from bot.core.knowledge import Knowledge

PARTS = ("dev", "heldout", "real-dev", "real-heldout", "fit-dev", "fit-heldout")
SUBSETS = ("real", "fit")
"""Parts named <subset>-<x> are tests/eval/<subset>/<x>.yaml: real questions copied
from public pages, and self-descriptions asking which role fits."""
CONFIDENT = 0.8
"""A wrong reply at or above this confidence is a confident wrong answer."""
RELIABILITY_BINS = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01)
"""Confidence bins of the reliability table (how often replies that sure were right)."""
UNCOVERED = ("partly", "not_covered")
"""Expectations for questions the article does not fully answer."""


@dataclass(frozen=True, slots=True)
class Case:
    question: str
    expect: str  # in_scope | declined | smalltalk | partly | not_covered
    sections: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    level: str | None = None
    follow_up: bool = False
    url: str | None = None
    """Where a real question was copied from."""
    missing: str | None = None
    """For partly/not_covered: what the article does not cover."""
    lean: str | None = None
    """For advice: data_scientist, ml_engineer, balanced, or none (no usable signal)."""


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
    def uncovered(self) -> tuple[float, int, int]:
        """Questions the article does not (fully) answer, declined or with not_covered."""
        return self._rate(o for o in self.outcomes if o.case.expect in UNCOVERED)

    @property
    def leaning(self) -> tuple[float, int, int]:
        """Self-descriptions advised with the labelled leaning."""
        return self._rate(o for o in self.outcomes if o.case.expect == "advice")

    @property
    def not_advice(self) -> tuple[float, int, int]:
        """Lookups that mention a role and were (rightly) not turned into advice."""
        return self._rate(o for o in self.outcomes if o.case.expect == "not_advice")

    @property
    def advice_cited(self) -> tuple[float, int, int]:
        """Advised replies whose every signal carries a citation."""
        items = [o for o in self.outcomes if o.reply.status == "advised" and o.reply.fit]
        good = sum(all(s.citation for s in o.reply.fit.signals) for o in items)  # type: ignore[union-attr]
        return (good / len(items) if items else 1.0), good, len(items)

    @property
    def falsely_uncovered(self) -> tuple[float, int, int]:
        """Share of questions the article answers that were told part of it isn't
        covered (lower is better): naming gaps must not be free."""
        items = [o for o in self.outcomes if o.case.expect == "in_scope"]
        bad = sum(bool(o.reply.not_covered) for o in items)
        return (bad / len(items) if items else 0.0), bad, len(items)

    @property
    def confident_wrong(self) -> tuple[float, int, int]:
        """Share of all questions answered wrongly with confidence >= CONFIDENT (lower
        is better: the rate counts the bad ones)."""
        items = [o for o in self.outcomes if o.case.expect != "smalltalk"]
        bad = sum(not o.ok and o.reply.confidence >= CONFIDENT for o in items)
        return (bad / len(items) if items else 0.0), bad, len(items)

    def reliability(self) -> list[tuple[float, float, int, int]]:
        """(low, high, right, total) per confidence bin, for questions that got an
        answer, a comparison or a clarify: does 0.9 mean nine in ten right?"""
        rows = []
        scored = [
            o
            for o in self.outcomes
            if o.reply.status in ("answered", "compared", "clarify")
            and o.case.expect != "smalltalk"
        ]
        for low, high in itertools.pairwise(RELIABILITY_BINS):
            group = [o for o in scored if low <= o.reply.confidence < high]
            if group:
                rows.append((low, min(high, 1.0), sum(o.ok for o in group), len(group)))
        return rows

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
        return Counter(o.why.split(":")[0].split(" (")[0] for o in self.outcomes if not o.ok)

    def to_json(self) -> dict[str, Any]:
        return {
            "part": self.name,
            "in_scope": self.in_scope[0],
            "declined": self.declined[0],
            "uncovered": self.uncovered[0],
            "confident_wrong": self.confident_wrong[1],
            "falsely_uncovered": self.falsely_uncovered[1],
            "leaning": self.leaning[0],
            "advice_cited": self.advice_cited[0],
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
    if expect == "covered":  # the real-question sets' word for it
        expect = "in_scope"
    if "lean" in raw:
        expect = "advice"
    return Case(
        question=str(raw["q"]),
        expect=expect,
        sections=sections,
        roles=tuple(raw.get("roles") or ()),
        level=raw.get("level"),
        follow_up=follow_up,
        url=raw.get("url"),
        missing=raw.get("missing"),
        lean=raw.get("lean"),
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
    if case.expect == "advice":
        return _judge_advice(case, reply, knowledge)
    if case.expect == "not_advice":
        ok = reply.status != "advised"
        return ok, "" if ok else "advice for a lookup"
    if case.expect in UNCOVERED:
        return _judge_uncovered(case, reply)
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


def _judge_advice(case: Case, reply: Reply, knowledge: Knowledge) -> tuple[bool, str]:
    """Advice leaning the labelled way; "balanced" is advice with signals and no
    leaning, "none" advice with no signal (the article's criteria)."""
    if reply.status != "advised" or reply.fit is None:
        return False, f"no advice: {reply.status} {','.join(reply.entries)}"
    slug = {r.id: r.slug for r in knowledge.roles}
    if case.lean == "none":
        ok = not reply.fit.signals
        return ok, "" if ok else f"signals found where there are none: {reply.fit.role}"
    if case.lean == "balanced":
        ok = bool(reply.fit.signals) and reply.fit.role is None
        return ok, "" if ok else f"leaned {reply.fit.role} for balanced"
    want = slug.get(case.lean or "", case.lean)
    if reply.fit.role != want:
        return False, f"leaned {reply.fit.role or 'balanced'} for {want}"
    return True, ""


def _judge_uncovered(case: Case, reply: Reply) -> tuple[bool, str]:
    """Declining is honest; answering is honest only when the reply names what is
    missing, and (for a partly covered question) answers from the right section."""
    if reply.status == "declined":
        return True, ""
    if not reply.not_covered:
        what = case.missing or "something the article does not cover"
        return False, f"answered as covered ({what}): {reply.status} {','.join(reply.entries)}"
    cited = {c.section for c in reply.citations}
    if case.expect == "partly" and case.sections and not cited & set(case.sections):
        return False, f"wrong section: {','.join(reply.entries)} cites {sorted(cited)}"
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
    """Part ``real-x`` is ``real/x.yaml``; any other part is ``<part>.yaml`` plus any
    ``<part>-*.yaml`` written later."""
    subset, _, name = part.partition("-")
    if subset in SUBSETS and name:
        return [directory / subset / f"{name}.yaml"]
    return [directory / f"{part}.yaml", *sorted(directory.glob(f"{part}-*.yaml"))]


def evaluate(engine: Engine, directory: Path, parts: Iterable[str] = PARTS) -> list[PartResult]:
    """One result per part that has at least one file in ``directory``."""
    results = []
    for part in parts:
        files = [f for f in part_files(directory, part) if f.is_file()]
        if files:
            results.append(run_part(engine, part, [c for f in files for c in load_cases(f)]))
    return results


_RATES = (
    ("in-scope accuracy   ", "in_scope", True),
    ("off-topic declined  ", "declined", False),
    ("not covered: declined or named  ", "uncovered", False),
    ("advice leaning right ", "leaning", False),
    ("advice fully cited   ", "advice_cited", False),
    ("lookups not advised  ", "not_advice", False),
    (f"confident wrong (>= {CONFIDENT})  ", "confident_wrong", True),
    ("covered but gap named  ", "falsely_uncovered", True),
    ("follow-up accuracy  ", "follow_ups", False),
    ("small talk          ", "smalltalk", False),
)
"""(label, PartResult rate, shown even when no question of the part counts for it)."""


def _pct(rate: tuple[float, int, int]) -> str:
    return f"{rate[0] * 100:5.1f}% ({rate[1]}/{rate[2]})"


def render(
    results: list[PartResult], show_failures: bool = True, show_heldout: bool = False
) -> str:
    """The figures of each part, and the failures of the dev parts. A held-out part's
    failures are listed only when asked for: reading them while tuning is how a
    held-out set quietly becomes a dev set."""
    lines: list[str] = []
    for r in results:
        lines.append(f"== {r.name} ==")
        for label, rate, always in _RATES:
            value = getattr(r, rate)
            if always or value[2]:
                lines.append(f"  {label}{_pct(value)}")
        lines.append(f"  clarify rate        {r.clarify_rate * 100:5.1f}% of in-scope questions")
        reliability = r.reliability()
        if reliability:
            lines.append(
                "  reliability: "
                + ", ".join(f"{lo:.1f}-{hi:.1f} {ok}/{n}" for lo, hi, ok, n in reliability)
            )
        lines.append("  by section (right/total):")
        for section, (good, total) in r.by_section().items():
            lines.append(f"    {section:<46} {good:>3}/{total:<3}")
        kinds = r.failure_kinds()
        if kinds:
            lines.append(
                "  failure kinds: " + ", ".join(f"{k} ×{v}" for k, v in kinds.most_common())
            )
        if show_failures and ("heldout" not in r.name or show_heldout):
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

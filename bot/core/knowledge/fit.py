"""Reading ``fit.yaml``: what people say about themselves, and the /fit quiz.

Every signal carries the role it points to, a reason in our own words and a citation,
checked like an entry's (real section, paragraph in range, never promotional), so
advice for one person is as traceable as any answer. Quiz answers refer to signals by
id; a dangling id is a load problem with file and line.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.core.knowledge.model import (
    CitedLine,
    Fit,
    FitSignal,
    QuizOption,
    QuizQuestion,
    Source,
)
from bot.core.knowledge.validation import ID, Checker, citations_from
from bot.core.knowledge.yaml_reader import item_line, key_line, line_of

FILE = "fit.yaml"
MAX_WEIGHT = 3
QUIZ_QUESTIONS = (6, 8)
"""The quiz asks six to eight questions..."""
QUIZ_OPTIONS = (2, 4)
"""...each with two to four answers."""
_SIGNAL_REQUIRED = {"id", "role", "weight", "phrases", "reason", "cite"}
_SIGNAL_OPTIONAL = {"against", "against_reason", "aspect"}
"""``against_reason`` is required for a signal with a role (checked below)."""


def fit_from(data: Any, check: Checker, source: Source | None, roles: set[str]) -> Fit | None:
    """The fit data in ``data`` (``fit.yaml`` as read), problems recorded in ``check``."""
    if not isinstance(data, dict):
        check.fail("must be a mapping with 'signals' and 'quiz'")
        return None
    check.keys(data, {"signals", "quiz", "criteria", "disclaimer"}, set(), None)
    signals = _signals(data.get("signals"), check, source, roles)
    ids = {s.id for s in signals}
    quiz = _quiz(data.get("quiz"), check, ids)
    criteria = data.get("criteria")
    if not isinstance(criteria, list) or not criteria:
        check.fail("'criteria' must be a non-empty list of {text, cite}")
        criteria = []
    disclaimer = _cited(data.get("disclaimer"), check, source, "disclaimer")
    return Fit(
        signals=signals,
        quiz=quiz,
        criteria=tuple(
            c
            for i, raw in enumerate(criteria)
            if (c := _cited(raw, check, source, f"criteria[{i + 1}]"))
        ),
        disclaimer=disclaimer,
    )


def _cited(raw: Any, check: Checker, source: Source | None, name: str) -> CitedLine | None:
    if not isinstance(raw, dict) or not check.keys(raw, {"text", "cite"}, set(), name):
        if not isinstance(raw, dict):
            check.fail("must be {text, cite}", name)
        return None
    return CitedLine(check.text(raw, "text", name), citations_from(raw, check, source, name))


def _signals(
    value: Any, check: Checker, source: Source | None, roles: set[str]
) -> tuple[FitSignal, ...]:
    if not isinstance(value, list) or not value:
        check.fail("'signals' must be a non-empty list")
        return ()
    out: list[FitSignal] = []
    seen: set[str] = set()
    for i, raw in enumerate(value):
        if not isinstance(raw, dict):
            check.fail("each signal must be a mapping", None, item_line(value, i))
            continue
        sid = check.text(raw, "id", None) or None
        line = line_of(raw)
        if not check.keys(raw, _SIGNAL_REQUIRED, _SIGNAL_OPTIONAL, sid):
            continue
        if sid and not ID.match(sid):
            check.fail("id must be kebab-case", sid, line)
        if sid in seen:
            check.fail(f"duplicate signal id {sid!r}", sid, line)
        seen.add(sid or "")
        role = raw.get("role")
        if role is not None and (not isinstance(role, str) or role not in roles):
            check.fail(f"unknown role {role!r}; use one of {sorted(roles)} or null", sid, line)
        weight = raw.get("weight")
        if not isinstance(weight, int) or isinstance(weight, bool) or not 0 <= weight <= MAX_WEIGHT:
            check.fail(f"'weight' must be a whole number from 0 to {MAX_WEIGHT}", sid, line)
            weight = 0
        if (role is None) != (weight == 0):
            check.fail("a balanced signal (role null) has weight 0, and only it", sid, line)
        phrases = _phrases(raw, "phrases", check, sid)
        against = _phrases(raw, "against", check, sid) if "against" in raw else ()
        # Any signal can be said the other way round ("hate devops"), so every signal
        # with a role needs the reason shown then.
        against_reason = check.text(raw, "against_reason", sid) if role is not None else ""
        if "against" in raw and role is None:
            check.fail("a balanced signal has no 'against'", sid, line)
        aspect = raw.get("aspect")
        if aspect is not None and (not isinstance(aspect, str) or not ID.match(aspect)):
            check.fail(f"'aspect' must be a kebab-case name, not {aspect!r}", sid, line)
            aspect = None
        out.append(
            FitSignal(
                id=sid or "",
                role=role,
                weight=weight,
                phrases=phrases,
                against=against,
                reason=check.text(raw, "reason", sid),
                against_reason=against_reason,
                cite=citations_from(raw, check, source, sid),
                line=line,
                aspect=aspect,
            )
        )
    return tuple(out)


def _phrases(raw: Mapping[Any, Any], key: str, check: Checker, sid: str | None) -> tuple[str, ...]:
    phrases = check.strings(raw, key, sid)
    for phrase in phrases:
        if phrase != phrase.lower():
            check.fail(f"{phrase!r} must be lower case", sid, key_line(raw, key))
    return phrases


def _quiz(value: Any, check: Checker, signal_ids: set[str]) -> tuple[QuizQuestion, ...]:
    low, high = QUIZ_QUESTIONS
    if not isinstance(value, list) or not low <= len(value) <= high:
        check.fail(f"'quiz' must be a list of {low} to {high} questions", None, line_of(value))
        return ()
    out: list[QuizQuestion] = []
    for i, raw in enumerate(value):
        if not isinstance(raw, dict):
            check.fail("each quiz question must be a mapping", None, item_line(value, i))
            continue
        qid = check.text(raw, "id", None) or None
        if not check.keys(raw, {"id", "question", "options"}, set(), qid):
            continue
        options = raw.get("options")
        lo, hi = QUIZ_OPTIONS
        if not isinstance(options, list) or not lo <= len(options) <= hi:
            check.fail(f"'options' must be a list of {lo} to {hi} answers", qid, line_of(raw))
            continue
        parsed: list[QuizOption] = []
        for j, option in enumerate(options):
            line = item_line(options, j)
            if not isinstance(option, dict) or not check.keys(
                option, {"label", "signal"}, set(), qid
            ):
                check.fail("each option must be {label, signal}", qid, line)
                continue
            signal = option["signal"]
            if not isinstance(signal, str) or signal not in signal_ids:
                check.fail(f"signal {signal!r} does not exist in {FILE}", qid, line)
                continue
            parsed.append(QuizOption(check.text(option, "label", qid), signal))
        out.append(QuizQuestion(qid or "", check.text(raw, "question", qid), tuple(parsed)))
    return tuple(out)

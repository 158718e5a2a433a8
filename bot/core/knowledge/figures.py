"""Reading ``figures.yaml``: the salary ranges and career ladders the charts draw.

The figures are data, not parsed out of prose, and the prose is checked against them
both ways so a chart can never contradict the answer it is attached to:

* every figure (a range's minimum and maximum, or the start of an open-ended one)
  appears in the answer of every entry listed in its ``stated_in``;
* every dollar amount in *any* answer is a figure of a range that lists that entry,
  or the gap between the two roles' figures at one level ("$15,000 below ... at both
  ends").

A mismatch is one problem naming the line in ``figures.yaml`` and the entries (file and
line) whose text disagrees, with the amounts that text gives instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from bot.core.knowledge.model import (
    LEVELS,
    Citation,
    Entry,
    Figures,
    Ladder,
    Rung,
    Salaries,
    SalaryRange,
    Source,
)
from bot.core.knowledge.validation import Checker, Problem, citations_from
from bot.core.knowledge.yaml_reader import item_line, key_line, line_of

FILE = "figures.yaml"
CURRENCY = "USD"
"""The only currency drawn: the article's figures are US dollars, and so is the axis."""
NAME_LIMIT = 18
"""Most characters in a rung's name: one line of a chart column at body-text size."""
LINE_LIMIT = 24
"""Most characters in a rung's line: also one line of a chart column."""
_TOP = {"salary", "ladders"}
_SALARY = {"topic", "currency", "year", "region", "ranges"}
_RANGE = {"role", "level", "cite", "stated_in"}
_BOUNDS = ({"min", "max"}, {"above"})
_LADDERS = {"topic", "roles"}
_LADDER = {"role", "levels", "stated_in"}
_RUNG = {"name", "does", "cite"}
_AMOUNT = re.compile(r"\$\s?(\d{1,3}(?:,\d{3})+|\d+)(\s?[kK]\b)?")


def amounts(text: str) -> list[int]:
    """The dollar amounts in ``text``, in order: "$95,000" and "$95k" are both 95000."""
    return [int(n.replace(",", "")) * (1000 if k else 1) for n, k in _AMOUNT.findall(text)]


def dollars(amount: int) -> str:
    """95000 → "$95,000", as the answers write it."""
    return f"${amount:,}"


def figures_from(
    data: Any,
    check: Checker,
    source: Source | None,
    roles: Sequence[str],
    topics: set[str],
    entries: Sequence[Entry],
    years: frozenset[int],
) -> Figures | None:
    """The figures in ``data`` (``figures.yaml`` as read), checked against ``entries``;
    problems recorded in ``check``. None if the file is not even a mapping."""
    if not isinstance(data, dict):
        check.fail("must be a mapping with 'salary' and 'ladders'")
        return None
    check.keys(data, _TOP, set(), None)
    by_id = {e.id: e for e in entries if e.id}
    reader = _Reader(check, source, roles, topics, by_id)
    salary = reader.salaries(data.get("salary"), years)
    ladder_topic, ladders = reader.ladders(data.get("ladders"))
    if salary is not None:
        _check_text(salary, entries, by_id, check)
    return Figures(salary=salary, ladders=ladders, ladder_topic=ladder_topic)


class _Reader:
    """Field checks shared by the salary and ladder halves of the file."""

    def __init__(
        self,
        check: Checker,
        source: Source | None,
        roles: Sequence[str],
        topics: set[str],
        entries: Mapping[str, Entry],
    ) -> None:
        self.check, self.source, self.roles = check, source, roles
        self.topics, self.entries = topics, entries

    def mapping(self, value: Any, keys: set[str], name: str, line: int | None = None) -> bool:
        if not isinstance(value, dict):
            self.check.fail(f"{name!r} must be a mapping", None, line)
            return False
        return self.check.keys(value, keys, set(), None, where=f"{name}.")

    def topic(self, raw: Mapping[Any, Any], name: str) -> str:
        topic = self.check.text(raw, "topic", name)
        if topic and topic not in self.topics:
            self.check.fail(f"unknown topic {topic!r}", name, line_of(raw))
        return topic

    def role(self, raw: Mapping[Any, Any], name: str | None) -> str:
        role = raw.get("role")
        if role not in self.roles:
            known = ", ".join(self.roles)
            self.check.fail(f"unknown role {role!r} (known: {known})", name, line_of(raw))
            return ""
        return str(role)

    def stated_in(self, raw: Mapping[Any, Any], name: str) -> tuple[str, ...]:
        ids = self.check.strings(raw, "stated_in", name)
        if not ids:
            self.check.fail("'stated_in' must list the entries that state it", name, line_of(raw))
        for entry_id in ids:
            if entry_id not in self.entries:
                self.check.fail(f"stated_in: no entry {entry_id!r}", name, line_of(raw))
        return tuple(i for i in ids if i in self.entries)

    def items(self, raw: Mapping[Any, Any], key: str, name: str) -> list[Any]:
        value = raw.get(key)
        if not isinstance(value, list) or not value:
            self.check.fail(f"{key!r} must be a non-empty list", name, line_of(raw))
            return []
        out = []
        for i, item in enumerate(value):
            if isinstance(item, dict):
                out.append(item)
            else:
                self.check.fail(f"each of {key!r} must be a mapping", name, item_line(value, i))
        return out

    # ------------------------------------------------------------------ salary

    def salaries(self, raw: Any, years: frozenset[int]) -> Salaries | None:
        if raw is None:
            return None
        if not self.mapping(raw, _SALARY, "salary"):
            return None
        check = self.check
        currency = check.text(raw, "currency", "salary")
        if currency != CURRENCY:
            message = f"currency must be {CURRENCY} (the axis is drawn in US dollars)"
            check.fail(message, "salary", key_line(raw, "currency"))
        year = raw.get("year")
        if not isinstance(year, int) or isinstance(year, bool) or (years and year not in years):
            allowed = ", ".join(map(str, sorted(years))) or "a year"
            message = f"'year' must be one of the article's years ({allowed})"
            check.fail(message, "salary", key_line(raw, "year"))
            year = 0
        ranges: list[SalaryRange] = []
        for item in self.items(raw, "ranges", "salary"):
            found = self.salary_range(item)
            if found is None:
                continue
            if any((r.role, r.level) == (found.role, found.level) for r in ranges):
                check.fail("a second range for this role and level", _label(found), found.line)
                continue
            ranges.append(found)
        return Salaries(
            topic=self.topic(raw, "salary"),
            currency=currency,
            year=year,
            region=check.text(raw, "region", "salary"),
            ranges=tuple(ranges),
        )

    def salary_range(self, raw: Mapping[Any, Any]) -> SalaryRange | None:
        check, line = self.check, line_of(raw)
        given = set(raw) & {"min", "max", "above"}
        bounds = next((b for b in _BOUNDS if given == b), None)
        if bounds is None:
            check.fail("give 'min' and 'max', or 'above' for an open-ended range", None, line)
            return None
        if not check.keys(raw, _RANGE | bounds, set(), None):
            return None
        role, level = self.role(raw, None), raw.get("level")
        if level not in LEVELS:
            check.fail(f"unknown level {level!r} (known: {', '.join(LEVELS)})", None, line)
            return None
        name = f"salary {role} {level}"
        values = {key: raw[key] for key in bounds}
        whole = (isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in values.values())
        if not all(whole):
            check.fail("amounts must be positive whole numbers of dollars", name, line)
            return None
        minimum = values.get("min", values.get("above", 0))
        maximum = values.get("max")
        if maximum is not None and maximum <= minimum:
            check.fail(f"max {dollars(maximum)} is not above min {dollars(minimum)}", name, line)
        return SalaryRange(
            role=role,
            level=str(level),
            minimum=minimum,
            maximum=maximum,
            cite=self.cite(raw, name),
            stated_in=self.stated_in(raw, name),
            line=line,
        )

    def cite(self, raw: Mapping[Any, Any], name: str) -> tuple[Citation, ...]:
        return citations_from(raw, self.check, self.source, name)

    # ------------------------------------------------------------------ ladders

    def ladders(self, raw: Any) -> tuple[str, tuple[Ladder, ...]]:
        if raw is None:
            return "", ()
        if not self.mapping(raw, _LADDERS, "ladders"):
            return "", ()
        ladders = tuple(
            ladder for item in self.items(raw, "roles", "ladders") if (ladder := self.ladder(item))
        )
        heights = {len(ladder.rungs) for ladder in ladders}
        if len(heights) > 1:
            # Drawn side by side, rung by rung: a shorter ladder would leave a hole.
            self.check.fail("every role's ladder needs the same number of levels", "ladders")
        if len({ladder.role for ladder in ladders}) < len(ladders):
            self.check.fail("a role has two ladders", "ladders")
        return self.topic(raw, "ladders"), ladders

    def ladder(self, raw: Mapping[Any, Any]) -> Ladder | None:
        if not self.check.keys(raw, _LADDER, set(), None, where="ladders."):
            return None
        role = self.role(raw, None)
        name = f"ladder {role}"
        stated_in = self.stated_in(raw, name)
        levels = self.items(raw, "levels", name)
        rungs = tuple(rung for item in levels if (rung := self.rung(item, name)))
        text = " ".join(self.entries[e].answer for e in stated_in).lower()
        for rung in rungs:
            missing = [t for t in rung.titles if t.lower() not in text]
            if missing and stated_in:
                self.check.fail(
                    f"title(s) {', '.join(map(repr, missing))} of level {rung.name!r} are "
                    f"not in the text of {_places(self.entries[e] for e in stated_in)}",
                    name,
                    line_of(raw),
                )
        return Ladder(role=role, rungs=rungs, stated_in=stated_in, line=line_of(raw))

    def rung(self, raw: Mapping[Any, Any], ladder: str) -> Rung | None:
        check, line = self.check, line_of(raw)
        if not check.keys(raw, _RUNG, {"titles"}, ladder):
            return None
        name, does = check.text(raw, "name", ladder), check.text(raw, "does", ladder)
        for what, value, limit in (("name", name, NAME_LIMIT), ("does", does, LINE_LIMIT)):
            if len(value) > limit:
                check.fail(
                    f"{what} {value!r} is {len(value)} characters; the chart fits {limit}",
                    ladder,
                    line,
                )
        return Rung(
            name=name,
            does=does,
            cite=self.cite(raw, ladder),
            titles=check.strings(raw, "titles", ladder),
        )


# ---------------------------------------------------------------------------- text


def _label(r: SalaryRange) -> str:
    return f"salary {r.role} {r.level}"


def _places(entries: Iterable[Entry]) -> str:
    return ", ".join(_disagreeing(e, ()) for e in entries)


def _allowed(entry_id: str, ranges: Sequence[SalaryRange]) -> set[int]:
    """The amounts ``entry_id``'s answer may state: figures of the ranges it states, and
    the gaps between two roles' figures at one level (both ranges stated there)."""
    mine = [r for r in ranges if entry_id in r.stated_in]
    allowed = {v for r in mine for v in (r.minimum, r.maximum) if v is not None}
    for a in mine:
        for b in mine:
            if a.level == b.level and a.role < b.role:
                allowed.add(abs(a.minimum - b.minimum))
                if a.maximum is not None and b.maximum is not None:
                    allowed.add(abs(a.maximum - b.maximum))
    return allowed


def _check_text(
    salary: Salaries, entries: Sequence[Entry], by_id: Mapping[str, Entry], check: Checker
) -> None:
    """Figures → text, then text → figures, one problem per disagreement."""
    stated = {e.id: set(amounts(e.answer)) for e in entries if e.id}
    unexplained = {
        entry_id: sorted(found - _allowed(entry_id, salary.ranges))
        for entry_id, found in stated.items()
    }
    reported: set[str] = set()
    for r in salary.ranges:
        ends = [("min", r.minimum), ("max", r.maximum)] if r.maximum else [("above", r.minimum)]
        for what, value in ends:
            wrong = [e for e in r.stated_in if value not in stated.get(e, set())]
            if not wrong:
                continue
            reported.update(wrong)
            places = ", ".join(_disagreeing(by_id[e], unexplained[e]) for e in wrong)
            check.fail(f"{what} {dollars(value)} is not in the text of {places}", _label(r), r.line)
    for entry in entries:
        extra = unexplained.get(entry.id)
        if not extra or entry.id in reported:
            continue
        file, _, line = entry.file.rpartition(":")
        check.problems.append(
            Problem(
                file if line.isdigit() else entry.file,
                f"states {', '.join(map(dollars, extra))}, which is no figure in {FILE} of a "
                "range listing this entry in stated_in (nor a gap between two of them)",
                entry.id,
                int(line) if line.isdigit() else None,
            )
        )


def _disagreeing(entry: Entry, unexplained: Sequence[int]) -> str:
    says = f", which says {', '.join(map(dollars, unexplained))}" if unexplained else ""
    return f"{entry.id} ({entry.file}{says})"

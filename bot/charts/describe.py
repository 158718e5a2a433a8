"""The words around a chart: its source line and its description (alt text).

Kept apart from the drawing (and from matplotlib) because the words are needed even
where nothing is drawn: the description is what a screen reader reads out, and it
states every figure in words, so nobody needs to see the picture to get the facts.
"""

from __future__ import annotations

from bot.core.answering.compose import citation_line, spoken_list
from bot.core.knowledge import Knowledge, Ladder, Salaries, SalaryRange

LEVEL_NAMES = {"entry": "Entry level", "experienced": "Experienced", "senior": "Senior"}
"""How a level (``LEVELS``) is named on a chart."""


def salary_heading(salary: Salaries) -> str:
    """``Salary ranges: 2024 figures, US``: the chart's own title."""
    return f"Salary ranges: {salary.year} figures, {salary.region}"


def short_dollars(amount: int) -> str:
    """95000 → "$95k": a bar label, next to an axis in thousands."""
    return f"${amount / 1000:g}k"


def range_label(found: SalaryRange, *, short: bool = True) -> str:
    """``$95k–$130k``, or ``$250k and above`` for an open-ended range."""
    money = short_dollars if short else (lambda n: f"${n:,}")
    if found.maximum is None:
        return f"{money(found.minimum)} and above"
    joiner = "–" if short else " to "
    return f"{money(found.minimum)}{joiner}{money(found.maximum)}"


def salary_source(knowledge: Knowledge) -> str:
    salary = knowledge.figures.salary
    return citation_line(knowledge, salary.cite) if salary else ""


def ladder_source(knowledge: Knowledge) -> str:
    return citation_line(knowledge, knowledge.figures.cite)


def salary_levels(salary: Salaries) -> list[str]:
    """The levels that have a range, junior first."""
    return [level for level in LEVEL_NAMES if any(r.level == level for r in salary.ranges)]


def salary_description(knowledge: Knowledge) -> str:
    """Every range in words, level by level, then the source."""
    salary = knowledge.figures.salary
    if salary is None:
        return ""
    where = f"{salary.year} figures, {salary.region}"
    parts = [f"Chart of yearly salary ranges in US dollars, {where}."]
    for level in salary_levels(salary):
        ranges = [
            f"{knowledge.role(role.id).name} {range_label(found, short=False)}"
            for role in knowledge.roles
            if (found := salary.range(role.id, level)) is not None
        ]
        parts.append(f"{LEVEL_NAMES[level]}: {'; '.join(ranges)}.")
    parts.append(f"{salary_source(knowledge)}.")
    return " ".join(parts)


def _ladder_words(knowledge: Knowledge, ladder: Ladder) -> str:
    rungs = []
    for rung in ladder.rungs:
        titles = f" ({spoken_list(rung.titles)})" if rung.titles else ""
        rungs.append(f"{rung.name}: {rung.does}{titles}")
    return f"{knowledge.role(ladder.role).name}: " + "; then ".join(rungs) + "."


def ladder_description(knowledge: Knowledge) -> str:
    """Both ladders in words, first rung first, then the source."""
    ladders = knowledge.figures.ladders
    if not ladders:
        return ""
    words = " ".join(_ladder_words(knowledge, ladder) for ladder in ladders)
    return f"Chart of the career ladders, first level to last. {words} {ladder_source(knowledge)}."

"""``careerbot report``'s output: a :class:`~bot.core.reporting.report.Report` as text
or JSON.

The statistics live in ``bot.core.reporting``; how they look is a front end's choice,
like ``bot.ui.embeds`` draws the same report for ``/kb gaps``. Keeping the wording and
the JSON keys here means the core can change how it counts without touching what an
operator reads, and a new front end adds a view instead of editing the core.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.core.reporting.report import Report


def _when(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M UTC")


def _iso(ts: float | None) -> str | None:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds") if ts else None


def render_text(report: Report) -> str:
    """The report as plain text for a terminal: one gap, one rating, one topic a line."""
    scope = f"server {report.guild_id}" if report.guild_id is not None else "all servers"
    window = f"since {_when(report.since)}" if report.since is not None else "all retained data"
    lines = [
        f"CareerBot report: {scope}, {window} (generated {_when(report.generated_at)})",
        f"{report.questions} questions, {report.unanswered} not answered "
        "(declined or asked to clarify)",
        "",
        "Most frequent unanswered questions",
    ]
    if not report.gaps:
        lines.append("  (none)")
    for i, gap in enumerate(report.gaps, 1):
        statuses = ", ".join(f"{s} {n}" for s, n in gap.statuses.items())
        nearest = (
            f"nearest: {gap.nearest.entry_id} ({gap.nearest.score:.0f})"
            if gap.nearest
            else "nearest: -"
        )
        lines.append(f"  {i:>2}. {gap.count:>4}x  {gap.representative}")
        lines.append(f"              {statuses}; {nearest}")
        if gap.examples:
            lines.append(f"              also asked as: {'; '.join(gap.examples)}")

    lines += ["", f"Entries ranked by 👎 share (at least {report.min_votes} votes)"]
    if not report.worst:
        lines.append("  (none)")
    for rating in report.worst:
        question = rating.question or "(no longer in the KB)"
        lines.append(
            f"  {rating.down_share:>4.0%} 👎 ({rating.down} 👎, {rating.up} 👍)  "
            f"{rating.entry_id}: {question}"
        )

    lines += ["", "Questions per topic"]
    if not report.topics:
        lines.append("  (none)")
    width = max((len(t.name) for t in report.topics), default=0)
    for topic in report.topics:
        lines.append(
            f"  {topic.name:<{width}}  {topic.questions:>5}  ({topic.unanswered} unanswered)"
        )
    return "\n".join(lines)


def to_json(report: Report) -> dict[str, Any]:
    """The report as JSON-ready data. Server ids are strings, as in Discord's API,
    because they exceed the integers JavaScript can represent exactly."""
    return {
        "generated_at": _iso(report.generated_at),
        "guild_id": str(report.guild_id) if report.guild_id is not None else None,
        "since": _iso(report.since),
        "questions": report.questions,
        "unanswered": report.unanswered,
        "unanswered_groups": [
            {
                "representative": g.representative,
                "count": g.count,
                "statuses": dict(g.statuses),
                "examples": list(g.examples),
                "guilds": g.guilds,
                "last_seen": _iso(g.last_seen),
                "nearest_entry": (
                    {"id": g.nearest.entry_id, "score": g.nearest.score} if g.nearest else None
                ),
            }
            for g in report.gaps
        ],
        "worst_rated": [
            {
                "entry_id": r.entry_id,
                "question": r.question,
                "up": r.up,
                "down": r.down,
                "down_share": round(r.down_share, 4),
            }
            for r in report.worst
        ],
        "min_votes": report.min_votes,
        "topics": [
            {"topic": t.topic, "name": t.name, "questions": t.questions, "unanswered": t.unanswered}
            for t in report.topics
        ],
    }

"""What the stores' report queries return, the same from SQLite and PostgreSQL, so the
report cannot tell which database it read."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

UNANSWERED_STATUSES = ("declined", "clarify")
"""The outcomes whose question text is kept: the raw material of the gaps report."""
NORMALISED_LIMIT = 300
"""Longest normalised question kept: enough to see the gap, not a pasted essay."""


def kept_text(status: str, normalised: str) -> str:
    """What every store keeps of a question: its text only when it went unanswered, cut
    to :data:`NORMALISED_LIMIT` (nothing that identifies the person, and no essays)."""
    return normalised[:NORMALISED_LIMIT] if status in UNANSWERED_STATUSES else ""


@dataclass(frozen=True, slots=True)
class QuestionRecord:
    """One question the bot declined or asked to clarify (the raw material of gaps)."""

    status: str
    normalised: str
    guild_id: int | None
    created: float


@dataclass(frozen=True, slots=True)
class VoteCount:
    up: int = 0
    down: int = 0

    @property
    def total(self) -> int:
        return self.up + self.down


@dataclass(frozen=True, slots=True)
class TopicVolume:
    """How many questions a topic got, by outcome (``topic`` is None when unrouted)."""

    topic: str | None
    by_status: Mapping[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    @property
    def unanswered(self) -> int:
        return sum(self.by_status.get(s, 0) for s in UNANSWERED_STATUSES)


def topic_volumes(rows: Iterable[tuple[str | None, str, int]]) -> list[TopicVolume]:
    """``(topic, status, count)`` rows as volumes per topic, busiest topic first."""
    counts: dict[str | None, dict[str, int]] = {}
    for topic, status, n in rows:
        counts.setdefault(topic, {})[status] = int(n)
    volumes = [TopicVolume(t, s) for t, s in counts.items()]
    return sorted(volumes, key=lambda v: (-v.total, v.topic or ""))

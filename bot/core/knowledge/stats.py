"""Coverage figures for a knowledge base: what ``careerbot kb stats`` shows.

Computed here, in the core, so the numbers can be tested and reused (a report, a
check in CI) without parsing the CLI's text; the CLI only prints them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from bot.core.knowledge.model import Citation, Knowledge


@dataclass(frozen=True, slots=True)
class SectionCoverage:
    """How often each paragraph of one article section is cited."""

    title: str
    cited: tuple[int | None, ...]
    """Per paragraph (1 first): entries citing it; None for a promotional paragraph."""


@dataclass(frozen=True, slots=True)
class TopicRow:
    """One topic's entries by role: where a role has no entry the other role has."""

    topic: str
    per_role: tuple[int, ...]
    """Entries about that role alone, in ``knowledge.roles`` order."""
    both: int
    """Entries about more than one role (comparisons)."""
    holes: tuple[str, ...]
    """Role ids with no entry here although another role has one."""


@dataclass(frozen=True, slots=True)
class KbStats:
    entries: int
    phrasings: int
    by_topic: tuple[tuple[str, int], ...]
    """(topic id, entries) in ``topics.yaml`` order."""
    by_role: tuple[tuple[str, int], ...]
    """(role ids joined by ",", entries), sorted by the role ids."""
    sections: tuple[SectionCoverage, ...]
    uncited: tuple[Citation, ...]
    """Non-promotional paragraphs no entry cites."""
    grid: tuple[TopicRow, ...]

    @property
    def grid_holes(self) -> tuple[str, ...]:
        """Every ``topic/role`` hole of :attr:`grid`, in grid order."""
        return tuple(f"{row.topic}/{role}" for row in self.grid for role in row.holes)


def kb_stats(knowledge: Knowledge) -> KbStats:
    """Entries by topic and role, citations per paragraph, and the holes in both."""
    entries = knowledge.entries
    by_topic = Counter(e.topic for e in entries)
    by_role = Counter(",".join(e.roles) for e in entries)
    cites = Counter((c.section, c.paragraph) for e in entries for c in e.cite)
    sections = tuple(
        SectionCoverage(
            s.title,
            tuple(
                None if p in s.promotional else cites[(s.title, p)]
                for p in range(1, s.paragraphs + 1)
            ),
        )
        for s in knowledge.source.sections
    )
    role_ids = [r.id for r in knowledge.roles]
    grid = []
    for topic in knowledge.topics:
        row = [e for e in entries if e.topic == topic.id]
        counts = tuple(sum(1 for e in row if e.roles == (r,)) for r in role_ids)
        holes = tuple(r for r, n in zip(role_ids, counts, strict=True) if n == 0 and any(counts))
        grid.append(TopicRow(topic.id, counts, sum(1 for e in row if len(e.roles) > 1), holes))
    return KbStats(
        entries=len(entries),
        phrasings=sum(len(e.phrasings) for e in entries),
        by_topic=tuple((t.id, by_topic[t.id]) for t in knowledge.topics),
        by_role=tuple(sorted(by_role.items())),
        sections=sections,
        uncited=tuple(uncited_paragraphs(knowledge)),
        grid=tuple(grid),
    )


def uncited_paragraphs(knowledge: Knowledge) -> list[Citation]:
    """Non-promotional paragraphs no entry cites: holes in coverage."""
    cited = {c for e in knowledge.entries for c in e.cite}
    return [
        Citation(s.title, p)
        for s in knowledge.source.sections
        for p in range(1, s.paragraphs + 1)
        if p not in s.promotional and Citation(s.title, p) not in cited
    ]

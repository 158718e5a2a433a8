"""Entries that go together: the same question for the other role, and one entry per
role on a topic for side-by-side comparisons."""

from __future__ import annotations

import dataclasses

from bot.core.answering.context import counterpart_role
from bot.core.answering.matching import Index
from bot.core.answering.policy import Policy
from bot.core.answering.understanding import Analyzer
from bot.core.knowledge import Entry, Knowledge


class Pairs:
    def __init__(
        self, knowledge: Knowledge, analyzer: Analyzer, index: Index, policy: Policy
    ) -> None:
        self.knowledge = knowledge
        self.analyzer = analyzer
        self.index = index
        self.policy = policy
        self._counterparts: dict[str, Entry | None] = {}

    def pair(self, topic: str, level: str | None) -> tuple[Entry, Entry] | None:
        """One entry per role on ``topic``: the level's entries if both roles have one,
        else each role's primary entry, else None (the topic is not comparable)."""
        knowledge = self.knowledge
        ids = [r.id for r in knowledge.roles]
        if level:
            levelled = [
                next(
                    (
                        e
                        for e in knowledge.entries
                        if e.topic == topic and e.roles == (r,) and e.level == level
                    ),
                    None,
                )
                for r in ids
            ]
            if all(levelled):
                return tuple(levelled)  # type: ignore[return-value]
        primaries = [knowledge.primary(topic, r) for r in ids]
        if all(primaries):
            return tuple(primaries)  # type: ignore[return-value]
        return None

    def counterpart(self, entry_id: str) -> Entry | None:
        """The same question for the other role ("Same for the other role"). Computed on
        first use and cached: most entries never need one."""
        if entry_id not in self._counterparts:
            entry = self.knowledge.by_id.get(entry_id)
            self._counterparts[entry_id] = self._find_counterpart(entry) if entry else None
        return self._counterparts[entry_id]

    def _find_counterpart(self, entry: Entry) -> Entry | None:
        other = counterpart_role(self.knowledge, entry.roles)
        if other is None:
            return None
        if entry.primary:
            return self.knowledge.primary(entry.topic, other)
        for rel in entry.related:
            cand = self.knowledge.by_id.get(rel)
            if (
                cand
                and cand.roles == (other,)
                and cand.topic == entry.topic
                and cand.level == entry.level
            ):
                return cand
        analysis = self.analyzer.analyse(entry.question)
        analysis = dataclasses.replace(analysis, roles=frozenset({other}))
        for cand in self.index.search(analysis, limit=self.policy.counterpart_search):
            e = cand.entry
            if e.roles == (other,) and e.topic == entry.topic and e.level == entry.level:
                return e if cand.lexical >= self.policy.counterpart_match else None
        return None

"""Finding things by name rather than by question: topics and roles typed as command
options, autocomplete choices, and the topic list."""

from __future__ import annotations

from collections.abc import Callable

from rapidfuzz import fuzz, process

from bot.core.answering.matching import Index
from bot.core.answering.pairs import Pairs
from bot.core.answering.policy import Policy
from bot.core.answering.reply import TopicInfo
from bot.core.answering.understanding import Analysis
from bot.core.knowledge import Entry, Knowledge, Topic


class UnknownRoleError(ValueError):
    """Raised for a role name that matches neither role."""


class Lookup:
    def __init__(
        self,
        knowledge: Knowledge,
        analyse: Callable[[str], Analysis],
        index: Index,
        pairs: Pairs,
        policy: Policy,
    ) -> None:
        self.knowledge = knowledge
        self.analyse = analyse
        self.index = index
        self.pairs = pairs
        self.policy = policy
        self.questions = [e.question.lower() for e in knowledge.entries]

    def comparable(self) -> list[Topic]:
        return [t for t in self.knowledge.topics if self.pairs.pair(t.id, None)]

    def find_topic(self, text: str) -> str | None:
        """A topic id from its id, its name or free text ("pay" → salary)."""
        knowledge = self.knowledge
        key = text.strip().lower()
        for t in knowledge.topics:
            if key in (t.id, t.name.lower(), t.id.replace("-", " ")):
                return t.id
        analysis = self.analyse(text)
        if analysis.topic:
            return analysis.topic
        match = process.extractOne(
            key,
            {t.id: t.name.lower() for t in knowledge.topics},
            scorer=fuzz.WRatio,
            score_cutoff=self.policy.topic_cutoff,
        )
        return match[2] if match else None

    def find_role(self, text: str) -> str:
        key = text.strip().lower().replace("_", "-")
        for role in self.knowledge.roles:
            if key in (role.id.replace("_", "-"), role.slug, role.name.lower(), role.short.lower()):
                return role.id
        roles = self.analyse(text).roles
        if len(roles) == 1:
            return next(iter(roles))
        known = " or ".join(r.slug for r in self.knowledge.roles)
        raise UnknownRoleError(f"unknown role {text!r}: use {known}")

    def topics(self) -> list[TopicInfo]:
        counts: dict[str, int] = {}
        for e in self.knowledge.entries:
            counts[e.topic] = counts.get(e.topic, 0) + 1
        return [
            TopicInfo(t.id, t.name, t.description, t.example, counts.get(t.id, 0))
            for t in self.knowledge.topics
        ]

    def topic_choices(self, partial: str, limit: int) -> list[tuple[str, str]]:
        """Comparable topics for autocomplete as (name, id): names that start with what
        was typed first ("sal" → Salary), then fuzzy matches on name and vocabulary."""
        p = self.policy
        topics = self.comparable()
        typed = partial.strip().lower()
        if not typed:
            return [(t.name, t.id) for t in topics][:limit]

        def rank(topic: Topic) -> float:
            name = topic.name.lower()
            if name.startswith(typed) or topic.id.startswith(typed):
                return p.choice_prefix
            if any(w.startswith(typed) for w in name.split()):
                return p.choice_word_prefix
            words = " ".join(topic.vocabulary).lower()
            return max(
                fuzz.partial_ratio(typed, name),
                p.choice_vocabulary * fuzz.partial_ratio(typed, words),
            )

        scored = sorted(
            ((rank(t), i, t) for i, t in enumerate(topics)), key=lambda x: (-x[0], x[1])
        )
        return [(t.name, t.id) for score, _, t in scored if score >= p.choice_cutoff][:limit]

    def entries(self, partial: str, limit: int) -> list[Entry]:
        """KB entries best matching what the user has typed so far."""
        entries = self.knowledge.entries
        if not partial.strip():
            return [e for e in entries if e.primary][:limit]
        found: list[Entry] = []
        analysis = self.analyse(partial)
        if analysis.content:
            found.extend(c.entry for c in self.index.search(analysis, limit=limit))
        for _, _, i in process.extract(
            partial.lower(), self.questions, scorer=fuzz.partial_ratio, limit=limit
        ):
            found.append(entries[i])
        return list(dict.fromkeys(found))[:limit]

"""The resolve-context stage: what a follow-up leaves out, filled in from the last turn.

"and MLEs?", "why tho?", "what's the difference between them" mean something only
after a previous answer. This stage returns the analysis the rest of the pipeline
works on: roles, content, level and topic borrowed where the message leans on the
previous turn, and nothing borrowed where it asks something new.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from bot.core.answering.conversation import Turn
from bot.core.answering.policy import Policy
from bot.core.answering.understanding import Analysis
from bot.core.knowledge import Entry, Knowledge


def counterpart_role(knowledge: Knowledge, roles: frozenset[str] | tuple[str, ...]) -> str | None:
    """The other role, when exactly one is given."""
    roles = set(roles)
    if len(roles) != 1:
        return None
    others = [r.id for r in knowledge.roles if r.id not in roles]
    return others[0] if len(others) == 1 else None


class ContextResolver:
    def __init__(self, knowledge: Knowledge, policy: Policy) -> None:
        self.knowledge = knowledge
        self.policy = policy
        cues = knowledge.lexicon.cues
        self.connectors = tuple(tuple(c.split()) for c in cues.connectors)
        self.follow_up_words = cues.follow_up | cues.follow_up_synonyms

    def _opens_with_connector(self, words: tuple[str, ...]) -> bool:
        return any(words[: len(c)] == c for c in self.connectors)

    def resolve(self, analysis: Analysis, previous: Turn | None) -> Analysis:
        """Fill in what a follow-up leaves out ("and MLEs?") from the previous turn."""
        if previous is None or not analysis.words:
            # "?", "👀", "...": a message without a word asks nothing, so it cannot
            # lean on the previous answer (it used to repeat it).
            return analysis
        p = self.policy
        analysis = dataclasses.replace(analysis, previous_topic=previous.topic)
        connector = self._opens_with_connector(analysis.words)
        # One content word after "and"/"what about", or one with no topic ("why tho?"),
        # adds to the previous question rather than replacing it. One that names its
        # own role without a connector is a question of its own ("do sr data
        # scientists mentor juniors" after a skills comparison).
        own_question = (
            analysis.roles
            and not connector
            and not analysis.compare_cue
            and not analysis.pronoun
            and not self.follow_up_words & set(analysis.words)
        )
        tiny = len(analysis.content) <= p.follow_up_tiny and (
            (not analysis.topic and not own_question)
            or (connector and analysis.topic == previous.topic)
        )
        leans_back = (
            analysis.followup_shape
            or analysis.other_role
            or tiny
            or (
                not analysis.roles
                and len(analysis.words) <= p.follow_up_max_words
                and (analysis.pronoun or connector)
            )
        )
        if not leans_back:
            if analysis.roles or not previous.roles:
                return analysis
            # A new question in the same conversation keeps talking about the same role
            # unless it names one: "is kaggle enough to get noticed" after DS education.
            return dataclasses.replace(analysis, roles=previous.roles, inherited_roles=True)
        roles = analysis.roles
        inherited = False
        if analysis.compare_cue and not roles and (analysis.pronoun or analysis.other_role):
            roles = frozenset(r.id for r in self.knowledge.roles)  # "difference between them"
        elif analysis.compare_cue and len(roles) == 1 and previous.roles - roles:
            roles = roles | previous.roles  # "how is that different from an MLE?"
        elif analysis.other_role and not roles:
            other = counterpart_role(self.knowledge, previous.roles)
            roles = frozenset({other}) if other else previous.roles
        elif not roles:
            roles, inherited = previous.roles, True
        if analysis.followup_shape:
            content = previous.content
        elif tiny:
            content = tuple(dict.fromkeys(previous.content + analysis.content))  # "why tho?"
        else:
            content = analysis.content
        level = analysis.level
        if level is None and (analysis.roles or analysis.other_role or analysis.pronoun):
            level = previous.level  # "and for MLEs?" after "senior DS pay" keeps "senior"
        topic_scores = analysis.topic_scores
        if content is previous.content and previous.topic:
            topic_scores = {previous.topic: 1.0}
        return dataclasses.replace(
            analysis,
            roles=roles,
            inherited_roles=inherited,
            content=content,
            level=level,
            topic_scores=topic_scores,
            compare_cue=analysis.compare_cue and len(roles) > 1,
            words=analysis.words if content == analysis.content else (),
        )

    @staticmethod
    def switched_role(
        asked: Analysis,
        resolved: Analysis,
        previous: Turn | None,
        counterpart: Callable[[str], Entry | None],
    ) -> Entry | None:
        """ "and for MLEs?", "ds equivalent?": the same question for the other role is the
        previous answer's counterpart, when the KB has one."""
        if previous is None or previous.entry_id is None or not asked.followup_shape:
            return None
        if len(resolved.roles) != 1 or resolved.roles == previous.roles or resolved.inherited_roles:
            return None
        if asked.level and asked.level != previous.level:
            return None
        entry = counterpart(previous.entry_id)
        return entry if entry is not None and entry.roles == tuple(resolved.roles) else None

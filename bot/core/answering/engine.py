"""The answering engine: question in, cited reply out.

One :class:`Engine` serves every front end. It owns the matcher built from one
knowledge load; :meth:`Engine.reload` builds a complete new one and swaps it in, or
keeps the old one if the new KB is invalid.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Hashable
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process

from bot.core.answering import compose
from bot.core.answering.conversation import ConversationStore, Turn
from bot.core.answering.matching import CONTINUITY, ROLE_MATCH_SOFT, Candidate, Index
from bot.core.answering.reply import Reply, RoleCard, TopicInfo
from bot.core.answering.understanding import Analysis, Analyzer
from bot.core.knowledge import Entry, Knowledge, Topic, load_knowledge
from bot.core.text import tokens

MAX_QUESTION_CHARS = 1000
CHOOSING_TERMS = frozenset({"choose"})
# A contrasting entry this close to the question answers it as it stands ("why does
# picking between DS and MLE even matter" is the overview entry, not choosing advice).
STRONG_MATCH = 0.5
# Below this lexical fit the best entry shares nothing meaningful with the question;
# with a role named, the role's own entry (at the asked level/topic) is the answer.
WEAK_MATCH = 0.12
OFF_TOPIC_MATCH = 0.35
# A role switch answered by the previous entry's counterpart: as sure as that answer.
SWITCH_CONFIDENCE = 0.9
# Decision thresholds on the calibrated confidence (see `careerbot eval`).
ANSWER_AT = 0.45
CLARIFY_AT = 0.38
CLARIFY_MARGIN = 0.04
SMALLTALK_CUTOFF = 88.0
# A goodbye ends the chat whatever else is said ("ok cool bye"); "lol" only decides
# when nothing else does.
SMALLTALK_WEIGHT = {"goodbye": 2.0, "acknowledgement": 0.5}
# Words that may surround small talk without making it a question.
SMALLTALK_FILLER = frozenset(
    "careerbot bot everyone everybody all guys yall folks team friends again there so much "
    "very really lot lots man bro dude mate fam : ) ( ! xd pls please plz again lit fr "
    "just".split()
)
# Words small-talk patterns share with real questions; they never decide the item.
SMALLTALK_GLUE = frozenset("how do i you what is are the a this to can me my your that it".split())
UNKNOWN_HINT = (
    "I can only answer questions about Data Scientist and ML Engineer careers "
    "(pay, skills, education, career path, daily work, tools, remote work, outlook)."
)
# What a decline points to: entries that show the range of what the bot knows.
DECLINE_SUGGESTIONS = ("mle-salary", "ds-skills", "compare-choosing")


class UnknownRoleError(ValueError):
    """Raised for a role name that matches neither role."""


@dataclass(frozen=True, slots=True)
class Explanation:
    question: str
    normalised: str
    roles: tuple[str, ...]
    topic: str | None
    level: str | None
    corrections: tuple[tuple[str, str], ...]
    unknown: tuple[str, ...]
    candidates: tuple[tuple[str, float], ...]
    reply: Reply


class _Brain:
    """Everything derived from one knowledge load; replaced whole on reload."""

    def __init__(self, knowledge: Knowledge) -> None:
        self.knowledge = knowledge
        self.analyzer = Analyzer(knowledge)
        self.index = Index(knowledge, self.analyzer)
        self.smalltalk = {
            " ".join(tokens(p)): item for item in knowledge.smalltalk for p in item.patterns
        }
        self.smalltalk_keys = list(self.smalltalk)
        self.smalltalk_vocab = {
            item.id: {w for p in item.patterns for w in tokens(p)} for item in knowledge.smalltalk
        }
        self.smalltalk_words = set().union(*self.smalltalk_vocab.values(), SMALLTALK_GLUE)
        self._counterparts: dict[str, Entry | None] = {}
        self.questions = [e.question for e in knowledge.entries]

    def counterpart(self, entry_id: str) -> Entry | None:
        """Computed on first use and cached: most entries never need one."""
        if entry_id not in self._counterparts:
            entry = self.knowledge.by_id.get(entry_id)
            self._counterparts[entry_id] = self._find_counterpart(entry) if entry else None
        return self._counterparts[entry_id]

    def _find_counterpart(self, entry: Entry) -> Entry | None:
        """The same question for the other role ("Same for the other role")."""
        other = compose.counterpart_role(self.knowledge, entry.roles)
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
        for cand in self.index.search(analysis, limit=8):
            e = cand.entry
            if e.roles == (other,) and e.topic == entry.topic and e.level == entry.level:
                return e if cand.lexical >= 0.3 else None
        return None


class Engine:
    def __init__(
        self, knowledge: Knowledge, *, conversations: ConversationStore | None = None
    ) -> None:
        self._brain = _Brain(knowledge)
        self.conversations = conversations if conversations is not None else ConversationStore()

    @classmethod
    def load(cls, directory: Path | str | None = None, **kwargs: object) -> Engine:
        return cls(load_knowledge(directory), **kwargs)  # type: ignore[arg-type]

    @property
    def knowledge(self) -> Knowledge:
        return self._brain.knowledge

    def reload(self, directory: Path | str | None = None) -> None:
        """Load and index a new KB, then swap; on any error the old KB stays."""
        brain = _Brain(
            load_knowledge(directory if directory is not None else self.knowledge.directory)
        )
        self._brain = brain

    # ------------------------------------------------------------------ asking

    def analyse(self, question: str) -> Analysis:
        return self._brain.analyzer.analyse(question[:MAX_QUESTION_CHARS])

    def ask(self, question: str, conversation: Hashable | None = None) -> Reply:
        return self._ask(question, conversation)[0]

    def explain(self, question: str, conversation: Hashable | None = None) -> Explanation:
        reply, analysis, candidates = self._ask(question, conversation)
        return Explanation(
            question=question,
            normalised=analysis.normalised if analysis else "",
            roles=tuple(sorted(analysis.roles)) if analysis else (),
            topic=analysis.topic if analysis else None,
            level=analysis.level if analysis else None,
            corrections=analysis.corrections if analysis else (),
            unknown=analysis.unknown if analysis else (),
            candidates=tuple((c.entry.id, round(c.score, 3)) for c in candidates[:5]),
            reply=reply,
        )

    def _ask(
        self, question: str, conversation: Hashable | None
    ) -> tuple[Reply, Analysis | None, list[Candidate]]:
        brain = self._brain
        text = " ".join(question.split())[:MAX_QUESTION_CHARS]
        if not text:
            return (
                self._decline(
                    question, "Ask me a question about Data Scientist or ML Engineer careers."
                ),
                None,
                [],
            )
        small = self._smalltalk(text)
        if small is not None:
            return small, None, []
        analysis = brain.analyzer.analyse(text)
        # Judged on the message itself, before a follow-up borrows roles from the last
        # turn: "what about data analysts?" after a DS question is still not about DS.
        if analysis.professions and (not analysis.roles or analysis.compare_cue):
            names = ", ".join(sorted(set(analysis.professions)))
            body = (
                f"I only know about Data Scientist and ML Engineer careers, not {names}. "
                "Ask me about pay, skills, education, career paths or daily work in those two."
            )
            return self._decline(question, body), analysis, []
        previous = self.conversations.get(conversation)
        asked = analysis
        analysis = _resolve_follow_up(analysis, previous, brain.knowledge)
        switched = self._switched_role(asked, analysis, previous)
        if switched is not None:
            reply = compose.answer_reply(
                brain.knowledge,
                question,
                switched,
                confidence=SWITCH_CONFIDENCE,
                counterpart=brain.counterpart(switched.id),
            )
            self._remember(conversation, analysis, reply)
            return reply, analysis, []
        if analysis.off_topic:
            # Interviews, résumés, installing software: not what the article covers, even
            # when the question names a role ("DS interview tips").
            return self._decline(question), analysis, []
        if not analysis.content:
            if analysis.roles:
                reply = self._about_roles(question, analysis)
                self._remember(conversation, analysis, reply)
                return reply, analysis, []
            return self._decline(question), analysis, []

        candidates = brain.index.search(analysis)
        if candidates and _off_target(analysis, candidates[0]):
            candidates = []  # nothing in the KB is about these words
        if not candidates and analysis.roles and not analysis.inherited_roles:
            # "give me a quick rundown: DS vs MLE": nothing but the roles is known.
            reply = self._about_roles(question, dataclasses.replace(analysis, content=()))
            self._remember(conversation, analysis, reply)
            return reply, analysis, []
        if not candidates:
            return self._decline(question), analysis, candidates
        confidence = _confidence(analysis, candidates)
        reply = self._decide(question, analysis, candidates, confidence)
        if reply.status in ("answered", "compared", "clarify"):
            # A did-you-mean still tells us what the conversation is about, so "and
            # for MLEs?" after it has something to lean on.
            self._remember(conversation, analysis, reply)
        return reply, analysis, candidates

    def _decide(
        self, question: str, analysis: Analysis, candidates: list[Candidate], confidence: float
    ) -> Reply:
        knowledge = self.knowledge
        best = candidates[0]
        if confidence < CLARIFY_AT:
            return self._decline(question, confidence=confidence)

        named = frozenset() if analysis.inherited_roles else analysis.roles
        wants_comparison = len(analysis.roles) > 1 or (
            not named and (analysis.compare_cue or analysis.which_cue)
        )
        if wants_comparison:
            compared = self._comparison(question, analysis, candidates, confidence)
            if compared is not None:
                return compared
        if not analysis.roles and len(best.entry.roles) == 1:
            pair = self._tied_counterparts(candidates)
            if pair is not None:
                return compose.comparison_reply(knowledge, question, pair, confidence=confidence)

        if confidence < ANSWER_AT:
            return self._clarify(question, candidates, confidence)
        entry = self._honour_role(analysis, candidates)
        return compose.answer_reply(
            knowledge,
            question,
            entry,
            confidence=confidence,
            counterpart=self._brain.counterpart(entry.id),
        )

    def _honour_role(self, analysis: Analysis, candidates: list[Candidate]) -> Entry:
        """Never answer about the other role than the one asked: "do MLEs use those too"
        after a DS tools answer must talk about MLEs, even if the KB has no entry on
        exactly that, so fall back to the asked role's nearest entry or headline entry."""
        top = candidates[0]
        best = top.entry
        if len(analysis.roles) != 1:
            return best
        (role,) = analysis.roles
        if best.roles == (role,):
            return best
        # About this role alone beats about both ("and ML eng teams?"), when close.
        alone = [
            c
            for c in candidates
            if c.entry.topic == best.topic
            and c.entry.roles == (role,)
            and c.score >= top.score - 0.15
        ]
        if alone:
            return alone[0].entry
        if role in best.roles:
            return best
        same_topic = [
            c for c in candidates if c.entry.topic == best.topic and role in c.entry.roles
        ]
        if same_topic:
            return same_topic[0].entry
        if analysis.inherited_roles:
            return best
        for cand in candidates[1:]:
            if role in cand.entry.roles and cand.score >= candidates[0].score - 0.35:
                return cand.entry
        return self.knowledge.primary(best.topic, role) or best

    def _switched_role(
        self, asked: Analysis, resolved: Analysis, previous: Turn | None
    ) -> Entry | None:
        """ "and for MLEs?", "ds equivalent?": the same question for the other role is the
        previous answer's counterpart, when the KB has one."""
        if previous is None or previous.entry_id is None or not asked.followup_shape:
            return None
        if len(resolved.roles) != 1 or resolved.roles == previous.roles or resolved.inherited_roles:
            return None
        if asked.level and asked.level != previous.level:
            return None
        entry = self._brain.counterpart(previous.entry_id)
        return entry if entry is not None and entry.roles == tuple(resolved.roles) else None

    def _comparison(
        self, question: str, analysis: Analysis, candidates: list[Candidate], confidence: float
    ) -> Reply | None:
        knowledge = self.knowledge
        best = candidates[0]
        topic = best.entry.topic
        # "I like building stuff, ds or mle?": a request to choose is about choosing,
        # whatever else the person describes.
        contrast = len(best.entry.roles) > 1 and best.lexical >= STRONG_MATCH
        if CHOOSING_TERMS & set(analysis.content) and not contrast and self._pair("choosing", None):
            topic = "choosing"
            best = next((c for c in candidates if c.entry.topic == topic), best)
        intro = next(
            (
                c.entry
                for c in candidates[:5]
                if len(c.entry.roles) > 1 and c.entry.topic == topic and c.score >= best.score - 0.1
            ),
            None,
        )
        pair = self._pair(topic, analysis.level)
        if pair is None:
            return None
        # A question answered by one contrasting entry ("who earns more?") gets that
        # entry as the lead, with both roles' facts beside it.
        return compose.comparison_reply(
            knowledge, question, pair, confidence=confidence, intro=intro, topic=topic
        )

    def _pair(self, topic: str, level: str | None) -> tuple[Entry, Entry] | None:
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

    def _tied_counterparts(self, candidates: list[Candidate]) -> tuple[Entry, Entry] | None:
        """No role named and the best two answers are the same question for each role."""
        if len(candidates) < 2:
            return None
        a, b = candidates[0], candidates[1]
        if (
            len(a.entry.roles) == 1
            and len(b.entry.roles) == 1
            and a.entry.roles != b.entry.roles
            and a.entry.topic == b.entry.topic
            and a.entry.level == b.entry.level
            and a.score - b.score < 0.08
        ):
            order = [r.id for r in self.knowledge.roles]
            pair = sorted((a.entry, b.entry), key=lambda e: order.index(e.roles[0]))
            return pair[0], pair[1]
        return None

    def _clarify(self, question: str, candidates: list[Candidate], confidence: float) -> Reply:
        options: list[Entry] = []
        for cand in candidates:
            if cand.score < candidates[0].score - 0.25:
                break
            if cand.entry not in options:
                options.append(cand.entry)
            if len(options) == 3:
                break
        return compose.simple_reply(
            question,
            "clarify",
            "I'm not sure which of these you mean. Pick one, or rephrase your question:",
            title="Did you mean…?",
            confidence=confidence,
            suggestions=[e.question for e in options],
            suggestion_ids=[e.id for e in options],
            entries=[e.id for e in options],
        )

    def _decline(self, question: str, body: str | None = None, *, confidence: float = 0.0) -> Reply:
        pointers = [i for i in DECLINE_SUGGESTIONS if i in self.knowledge.by_id]
        return compose.simple_reply(
            question,
            "declined",
            body or "Sorry, I don't know that one. " + UNKNOWN_HINT,
            title="I can't answer that",
            confidence=min(confidence, CLARIFY_AT),
            suggestions=[self.knowledge.by_id[i].question for i in pointers],
            suggestion_ids=pointers,
        )

    def _smalltalk(self, text: str) -> Reply | None:
        """A message made only of small-talk words ("thx that helped", "gm everyone")."""
        brain = self._brain
        words = [w for w in tokens(text) if w not in SMALLTALK_FILLER]
        if not words or len(words) > 8:
            return None
        key = " ".join(words)
        item = brain.smalltalk.get(key)
        if item is None and len(key) >= 4:
            match = process.extractOne(
                key, brain.smalltalk_keys, scorer=fuzz.ratio, score_cutoff=SMALLTALK_CUTOFF
            )
            item = brain.smalltalk[match[0]] if match else None
        if item is None and all(w in brain.smalltalk_words for w in words):
            # Every word is small talk: pick the item whose words it uses most, the
            # later one on a tie ("ok cool bye" is a goodbye).
            best_score = 0
            for candidate in brain.knowledge.smalltalk:
                score = SMALLTALK_WEIGHT.get(candidate.id, 1.0) * sum(
                    w in brain.smalltalk_vocab[candidate.id]
                    for w in words
                    if w not in SMALLTALK_GLUE
                )
                if score and score >= best_score:
                    best_score, item = score, candidate
        if item is None:
            return None
        return compose.simple_reply(text, "smalltalk", item.reply, confidence=1.0)

    def _about_roles(self, question: str, analysis: Analysis) -> Reply:
        """A bare role ("mle?", "what is a data scientist") gets the role's definition."""
        if len(analysis.roles) > 1:
            pair = self._pair("role", None)
            if pair:
                return compose.comparison_reply(
                    self.knowledge, question, pair, confidence=0.9, topic="role"
                )
        (role,) = tuple(analysis.roles)[:1]
        topic = analysis.topic or "role"
        entry = None
        if analysis.level:
            # "what does a junior MLE do": the level's entry, career path first.
            levelled = [
                e
                for e in self.knowledge.entries
                if e.roles == (role,) and e.level == analysis.level
            ]
            levelled.sort(key=lambda e: (e.topic != topic, e.topic != "career-path"))
            entry = levelled[0] if levelled else None
        entry = entry or self.knowledge.primary(topic, role) or self.knowledge.primary("role", role)
        if entry is None:
            return self._decline(question)
        return compose.answer_reply(
            self.knowledge,
            question,
            entry,
            confidence=0.9,
            counterpart=self._brain.counterpart(entry.id),
        )

    def _remember(self, conversation: Hashable | None, analysis: Analysis, reply: Reply) -> None:
        if conversation is None:
            return
        self.conversations.put(
            conversation,
            Turn(
                # The roles the user named, if any: "mle stack?" answered by a both-roles
                # entry is still a conversation about MLEs.
                roles=(analysis.roles if not analysis.inherited_roles else frozenset())
                or frozenset(reply.roles),
                topic=reply.topic or analysis.topic,
                level=reply.level or analysis.level,
                content=analysis.content,
                entry_id=reply.entries[0] if reply.status == "answered" and reply.entries else None,
                at=self.conversations.now(),
            ),
        )

    # ------------------------------------------------------------------ direct access

    def answer_entry(self, entry_id: str, conversation: Hashable | None = None) -> Reply:
        """Answer one entry by id (did-you-mean, related and other-role buttons)."""
        entry = self.knowledge.by_id[entry_id]
        reply = compose.answer_reply(
            self.knowledge,
            entry.question,
            entry,
            confidence=1.0,
            counterpart=self._brain.counterpart(entry.id),
        )
        analysis = self._brain.analyzer.analyse(entry.question)
        self._remember(conversation, analysis, reply)
        return reply

    def counterpart(self, entry_id: str) -> Entry | None:
        return self._brain.counterpart(entry_id)

    def compare(self, topic: str) -> Reply:
        """Side-by-side comparison of a topic (id, name or free text)."""
        topic_id = self.find_topic(topic)
        pair = self._pair(topic_id, None) if topic_id else None
        if topic_id is None or pair is None:
            comparable = ", ".join(t.id for t in self.knowledge.topics if self._pair(t.id, None))
            return self._decline(
                topic, f"I can't compare {topic!r}. Topics I can compare: {comparable}."
            )
        intro = next(
            (e for e in self.knowledge.entries if e.topic == topic_id and len(e.roles) > 1),
            None,
        )
        return compose.comparison_reply(
            self.knowledge, topic, pair, confidence=1.0, intro=intro, topic=topic_id
        )

    def find_topic(self, text: str) -> str | None:
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
            score_cutoff=80,
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

    def role_card(self, role: str) -> RoleCard:
        return compose.role_card(self.knowledge, self.find_role(role))

    def topics(self) -> list[TopicInfo]:
        counts: dict[str, int] = {}
        for e in self.knowledge.entries:
            counts[e.topic] = counts.get(e.topic, 0) + 1
        return [
            TopicInfo(t.id, t.name, t.description, t.example, counts.get(t.id, 0))
            for t in self.knowledge.topics
        ]

    def topic_choices(self, partial: str, limit: int = 25) -> list[tuple[str, str]]:
        """Comparable topics for autocomplete as (name, id): names that start with what
        was typed first ("sal" → Salary), then fuzzy matches on name and vocabulary."""
        topics = [t for t in self.knowledge.topics if self._pair(t.id, None)]
        typed = partial.strip().lower()
        if not typed:
            return [(t.name, t.id) for t in topics][:limit]

        def rank(topic: Topic) -> float:
            name = topic.name.lower()
            if name.startswith(typed) or topic.id.startswith(typed):
                return 300.0
            if any(w.startswith(typed) for w in name.split()):
                return 200.0
            words = " ".join(topic.vocabulary).lower()
            return max(fuzz.partial_ratio(typed, name), 0.9 * fuzz.partial_ratio(typed, words))

        scored = sorted(
            ((rank(t), i, t) for i, t in enumerate(topics)), key=lambda x: (-x[0], x[1])
        )
        return [(t.name, t.id) for score, _, t in scored if score >= 60][:limit]

    def autocomplete_entries(self, partial: str, limit: int = 25) -> list[Entry]:
        """KB entries best matching what the user has typed so far."""
        entries = self.knowledge.entries
        if not partial.strip():
            return [e for e in entries if e.primary][:limit]
        found: list[Entry] = []
        analysis = self.analyse(partial)
        if analysis.content:
            found.extend(c.entry for c in self._brain.index.search(analysis, limit=limit))
        for _, _, i in process.extract(
            partial.lower(),
            [q.lower() for q in self._brain.questions],
            scorer=fuzz.partial_ratio,
            limit=limit,
        ):
            found.append(entries[i])
        return list(dict.fromkeys(found))[:limit]

    def autocomplete(self, partial: str, limit: int = 25) -> list[str]:
        return [e.question for e in self.autocomplete_entries(partial, limit)]


def _resolve_follow_up(analysis: Analysis, previous: Turn | None, knowledge: Knowledge) -> Analysis:
    """Fill in what a follow-up leaves out ("and MLEs?") from the previous turn."""
    if previous is None:
        return analysis
    analysis = dataclasses.replace(analysis, previous_topic=previous.topic)
    connector = analysis.words[:1] in (("and",), ("also",), ("so",), ("then",), ("ok",)) or (
        analysis.words[:2] in (("what", "about"), ("how", "about"))
    )
    # One content word after "and"/"what about", or one with no topic ("why tho?"),
    # adds to the previous question rather than replacing it.
    tiny = len(analysis.content) <= 1 and (
        not analysis.topic or (connector and analysis.topic == previous.topic)
    )
    leans_back = (
        analysis.followup_shape
        or analysis.other_role
        or tiny
        or (not analysis.roles and len(analysis.words) <= 8 and (analysis.pronoun or connector))
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
        roles = frozenset(r.id for r in knowledge.roles)  # "what's the difference between them"
    elif analysis.compare_cue and len(roles) == 1 and previous.roles - roles:
        roles = roles | previous.roles  # "how is that different from an MLE?"
    elif analysis.other_role and not roles:
        other = compose.counterpart_role(knowledge, previous.roles)
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


def _off_target(analysis: Analysis, best: Candidate) -> bool:
    """The best entry shares next to nothing with the question, or, with a role and a
    topic word in it ("what about becoming an ML engineer"), is weakly about another
    topic: the role's own entry for that topic is the better answer."""
    if best.lexical < WEAK_MATCH:
        return True
    named = analysis.roles and not analysis.inherited_roles
    return bool(
        named
        and analysis.topic
        and best.entry.topic != analysis.topic
        and best.lexical < OFF_TOPIC_MATCH
    )


def _raw_strength(analysis: Analysis, candidates: list[Candidate]) -> float:
    """How well the best entry fits, discounted by how much of the question we know
    at all: an answer that fits half the question is not half right."""
    best = candidates[0]
    named = analysis.roles and not analysis.inherited_roles
    evidence = 1.0 if (named or analysis.topic) else 0.75
    margin = best.score - candidates[1].score if len(candidates) > 1 else 0.3
    # Agreement with roles borrowed from the previous turn ranks entries but is no
    # evidence that *this* message is on topic ("lol did you see the game last night").
    borrowed = CONTINUITY + (ROLE_MATCH_SOFT if analysis.inherited_roles else 0.0)
    slots = max(best.slots - (borrowed if analysis.previous_topic else 0.0), 0.0)
    raw = (0.75 * best.lexical + 0.25 * best.fuzzy + slots) * evidence
    # Without a role named, words we do not know weigh more: "how do i reverse a linked
    # list in python" knows only "python".
    raw *= analysis.known_share ** (1.5 if named else 2.5)
    if analysis.off_topic:
        raw *= 0.6  # "install", "error": help requests we should not answer as careers
    return raw + 0.1 * min(margin, 0.3)


# Platt scaling fitted on the dev set by tools/calibrate.py: P(top answer is right).
CALIBRATION_SLOPE = 6.25
CALIBRATION_MIDPOINT = 0.477


def _confidence(analysis: Analysis, candidates: list[Candidate]) -> float:
    """Probability-like 0–1 score: how often an answer this strong was right on dev."""
    raw = _raw_strength(analysis, candidates)
    return 1.0 / (1.0 + math.exp(-CALIBRATION_SLOPE * (raw - CALIBRATION_MIDPOINT)))

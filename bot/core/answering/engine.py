"""The answering engine: question in, cited reply out, through named stages.

    prepare → (small talk) → analyse → resolve context → retrieve → decide → compose

Each stage lives in its own module and appends what it saw and chose to the
question's :class:`~bot.core.answering.trace.Trace`; only ``decide`` chooses the
outcome (a :class:`~bot.core.answering.decide.Decision` naming its rule) and only
``compose`` writes the reply. One :class:`Engine` serves every front end. It owns
everything derived from one knowledge load (a :class:`Brain`); :meth:`Engine.reload`
builds a complete new one and swaps it in, or keeps the old one if the new KB is
invalid.
"""

from __future__ import annotations

import dataclasses
import enum
import time
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeAlias

from bot.core.answering.advice import Advisor, FitResult, FoundSignal
from bot.core.answering.advice_gate import Opinion
from bot.core.answering.asks import split_asks
from bot.core.answering.compose import QUIZ_RULE, compose, role_card
from bot.core.answering.context import ContextResolver
from bot.core.answering.conversation import ConversationStore, Turn
from bot.core.answering.coverage import CoverageJudge
from bot.core.answering.decide import Decider, Decision
from bot.core.answering.lookup import Lookup, UnknownRoleError
from bot.core.answering.matching import Index
from bot.core.answering.pairs import Pairs
from bot.core.answering.policy import POLICY, Policy
from bot.core.answering.prepare import prepare
from bot.core.answering.reply import Reply, RoleCard, TopicInfo
from bot.core.answering.smalltalk import SmallTalkMatcher
from bot.core.answering.trace import Rows, Trace
from bot.core.answering.understanding import ROLE, Analysis, Analyzer
from bot.core.knowledge import Entry, Knowledge, load_knowledge

__all__ = ["Engine", "Response", "UnknownRoleError"]

QUIZ_QUESTION = "Which role fits me? (the /fit quiz)"
"""What a quiz result replies to."""
TRACE_CANDIDATES = 5
"""Candidates shown in a trace."""


class _Unset(enum.Enum):
    NOT_YET = enum.auto()


_NOT_YET = _Unset.NOT_YET
Advice: TypeAlias = tuple[str, FitResult] | _Unset | None
"""The advisor's verdict on a message, or ``_NOT_YET`` when it has not been asked."""


@dataclass(frozen=True, slots=True)
class Response:
    """A reply with the trace of how it was reached."""

    reply: Reply
    decision: Decision
    trace: Trace


class Brain:
    """Every stage built from one knowledge load; replaced whole on reload."""

    def __init__(self, knowledge: Knowledge, policy: Policy) -> None:
        self.knowledge = knowledge
        self.loaded_at = time.time()
        """Wall-clock time (unix seconds) of this load: operators see when a reload took."""
        self.policy = policy
        self.analyzer = Analyzer(knowledge, policy)
        self.index = Index(knowledge, self.analyzer, policy)
        self.smalltalk = SmallTalkMatcher(knowledge, policy)
        self.context = ContextResolver(knowledge, policy)
        self.pairs = Pairs(knowledge, self.analyzer, self.index, policy)
        self.coverage = CoverageJudge(
            knowledge, self.analyzer, self.index, policy, self.pairs.counterpart
        )
        self.decider = Decider(knowledge, policy, self.pairs.pair, self.coverage.explained_share)
        self.lookup = Lookup(knowledge, self.analyse, self.index, self.pairs, policy)
        self.advisor = Advisor(knowledge, policy, self.analyzer.topics_of, self.analyzer.terms)

    def analyse(self, text: str) -> Analysis:
        return self.analyzer.analyse(text[: self.policy.max_question_chars])


class Engine:
    def __init__(
        self,
        knowledge: Knowledge,
        *,
        conversations: ConversationStore | None = None,
        policy: Policy = POLICY,
    ) -> None:
        self.policy = policy
        self._brain = Brain(knowledge, policy)
        self.conversations = conversations if conversations is not None else ConversationStore()

    @classmethod
    def load(cls, directory: Path | str | None = None, **kwargs: object) -> Engine:
        return cls(load_knowledge(directory), **kwargs)  # type: ignore[arg-type]

    @property
    def knowledge(self) -> Knowledge:
        return self._brain.knowledge

    @property
    def loaded_at(self) -> float:
        """When the knowledge base in use was loaded (unix seconds); a failed reload keeps it."""
        return self._brain.loaded_at

    def reload(self, directory: Path | str | None = None) -> None:
        """Load and index a new KB, then swap; on any error the old KB stays."""
        knowledge = load_knowledge(directory if directory is not None else self.knowledge.directory)
        self._brain = Brain(knowledge, self.policy)

    # ------------------------------------------------------------------ asking

    def analyse(self, question: str) -> Analysis:
        return self._brain.analyse(question)

    def ask(self, question: str, conversation: Hashable | None = None) -> Reply:
        return self.respond(question, conversation).reply

    def respond(self, question: str, conversation: Hashable | None = None) -> Response:
        """Answer ``question`` and keep the trace of every stage."""
        brain = self._brain
        trace = Trace()
        text = prepare(question, self.policy.max_question_chars)
        cues = brain.knowledge.lexicon.cues
        p = self.policy
        asks = split_asks(text, cues.question_openers, cues.joiners, p.max_asks, p.min_ask_words)
        trace.add("prepare", text=text, asks=Rows(asks) if len(asks) > 1 else None)
        # Read once: every stage below sees the same previous turn.
        previous = self.conversations.get(conversation)
        several = None
        asked = None
        advice: Advice = _NOT_YET
        if len(asks) > 1:
            # "ds or mle? no clue what i want" is one request about the person, not two
            # questions: advice is judged on the whole message first.
            asked = brain.analyzer.analyse(text)
            earlier = previous.advice if previous else ()
            advice = brain.advisor.consider(text, asked, earlier)
            if advice is None:
                several = self._several(brain, asks, previous, trace)
        if several is not None:
            decision, analysis = several
        else:
            decision, analysis = self._decide(brain, text, previous, trace, asked, advice)
            if analysis is not None:
                decision = brain.coverage.review(decision, analysis, trace)
        trace.add(
            "decide",
            rule=decision.rule,
            outcome=decision.kind,
            entries=[e.id for e in decision.entries],
        )
        reply = compose(brain.knowledge, text, decision, brain.pairs.counterpart)
        trace.add("compose", status=reply.status, entries=reply.entries)
        if decision.remember and analysis is not None and conversation is not None:
            if decision.advice is not None:
                # "what would I earn?" after advice is about the role it leaned to.
                leaned = decision.advice.role
                roles = frozenset({leaned}) if leaned else frozenset(reply.roles)
                analysis = dataclasses.replace(analysis, roles=roles, inherited_roles=False)
                advice = decision.advice.found
            else:
                # Advice stays in the conversation: "what would I earn?" and then "and if
                # I also like dashboards?" still builds on it.
                advice = previous.advice if previous else ()
            self.conversations.put(conversation, self._turn(analysis, reply, advice))
        return Response(reply, decision, trace)

    def _several(
        self, brain: Brain, asks: list[str], previous: Turn | None, trace: Trace
    ) -> tuple[Decision, Analysis] | None:
        """Each ask of a message answered in turn ("what do MLEs earn and what skills do
        they need?"), later asks leaning on earlier ones as follow-ups do. None when
        fewer than two asks get an answer and nothing is left to name as uncovered:
        the message is then answered as one question."""
        answered: list[tuple[str, Decision, Analysis]] = []
        missing: list[str] = []
        named = False
        for n, ask in enumerate(asks):
            asked = brain.analyzer.analyse(ask)
            if n and not named and asked.words and all(w.startswith(ROLE) for w in asked.words):
                # "Wie werde ich…? Data Scientist": a role name alone, after asks that
                # named none, says whom they are about; it is no second ask.
                return None
            named = named or bool(asked.roles)
            part = Trace()
            decision, analysis = self._decide(brain, ask, previous, part, asked)
            if analysis is None:
                continue
            decision = brain.coverage.review(decision, analysis, part)
            trace.add("asks", ask=ask, rule=decision.rule)
            if decision.kind in ("answer", "compare"):
                answered.append((ask, decision, analysis))
                if n + 1 < len(asks):  # the next ask leans on this one, as a follow-up
                    reply = compose(brain.knowledge, ask, decision, brain.pairs.counterpart)
                    previous = self._turn(analysis, reply)
            elif not decision.unsure:
                # A part we could only guess at names no gap of its own: the whole
                # message may answer it better.
                missing.extend(decision.not_covered)
        if not answered or (len(answered) == 1 and not missing):
            return None
        if len({tuple(e.id for e in d.entries) for _, d, _ in answered}) < len(answered):
            return None  # two asks, one answer: the whole message says it better
        not_covered = tuple(
            dict.fromkeys([*missing, *(n for _, d, _ in answered for n in d.not_covered)])
        )
        last_analysis = answered[-1][2]
        if len(answered) == 1:
            _, decision, _ = answered[0]
            return dataclasses.replace(decision, not_covered=not_covered), last_analysis
        confidence = min(d.confidence for _, d, _ in answered)
        return Decision(
            "answer",
            "several-asks",
            confidence,
            tuple(e for _, d, _ in answered for e in d.entries),
            not_covered=not_covered,
            parts=tuple((ask, d) for ask, d, _ in answered),
            remember=True,
        ), last_analysis

    def _decide(
        self,
        brain: Brain,
        text: str,
        previous: Turn | None,
        trace: Trace,
        asked: Analysis | None = None,
        advice: Advice = _NOT_YET,
    ) -> tuple[Decision, Analysis | None]:
        """Run the stages in order; the first rule that decides ends the pipeline.
        ``asked`` is ``text`` already analysed, when the caller has done it."""
        decider = brain.decider
        if not text:
            return decider.decline("empty", brain.knowledge.lexicon.decline.empty), None
        small = brain.smalltalk.match(text)
        if small is not None:
            trace.add("smalltalk", item=small.id)
            return Decision("smalltalk", "smalltalk", 1.0, message=small.reply), None

        asked = asked or brain.analyzer.analyse(text)
        _trace_analysis(trace, asked, self.policy)
        if isinstance(advice, _Unset):  # the caller may have asked the advisor already
            advice = brain.advisor.consider(text, asked, previous.advice if previous else ())
        if advice is not None:
            rule, result = advice
            trace.add(
                "advise",
                signals=Rows(f"{f.text} → {f.role or 'both'}" for f in result.found) or None,
                leaning=result.role or "balanced",
                learned_gate=_gate_note(result.learned),
            )
            return Decision(
                "advise", rule, self.policy.advice_confidence, remember=True, advice=result
            ), asked
        decision = decider.other_profession(asked)
        if decision is not None:
            return decision, asked

        analysis = brain.context.resolve(asked, previous)
        switched = brain.context.switched_role(asked, analysis, previous, brain.pairs.counterpart)
        trace.add(
            "context",
            previous=f"{previous.topic} {previous.entry_id or ''}".strip() if previous else None,
            roles=analysis.roles if analysis is not asked else None,
            inherited=analysis.inherited_roles or None,
            content=analysis.normalised if analysis.content != asked.content else None,
            level=analysis.level if analysis.level != asked.level else None,
            switched=switched.id if switched else None,
        )
        if switched is not None:
            return Decision(
                "answer", "role-switch", self.policy.switch_confidence, (switched,), remember=True
            ), analysis
        if analysis.off_topic:
            # Interviews, résumés, installing software: not what the article covers, even
            # when the question names a role ("DS interview tips").
            return decider.decline("help-request"), analysis
        if decider.only_roles(analysis):
            if analysis.roles:
                return decider.about_roles(analysis, "bare-role"), analysis
            return decider.decline("no-content"), analysis

        candidates = brain.index.search(analysis)
        trace.add(
            "retrieve",
            candidates=Rows(candidates[:TRACE_CANDIDATES]),  # formatted only if shown
        )
        if candidates and decider.off_target(analysis, candidates[0]):
            trace.add("retrieve", off_target=candidates[0].entry.id)
            candidates = []  # nothing in the KB is about these words
        if not candidates and analysis.roles and not analysis.inherited_roles:
            # "give me a quick rundown: DS vs MLE": nothing but the roles is known.
            return decider.about_roles(
                dataclasses.replace(analysis, content=()), "roles-only"
            ), analysis
        if not candidates:
            topic_only = decider.about_topic(analysis)
            return topic_only or decider.decline("no-match"), analysis
        return decider.on_candidates(analysis, candidates, trace), analysis

    def _turn(self, analysis: Analysis, reply: Reply, advice: tuple[FoundSignal, ...] = ()) -> Turn:
        """What the conversation keeps of one answered turn."""
        return Turn(
            advice=advice,
            # The roles the user named, if any: "mle stack?" answered by a both-roles
            # entry is still a conversation about MLEs.
            roles=(analysis.roles if not analysis.inherited_roles else frozenset())
            or frozenset(reply.roles),
            topic=reply.topic or analysis.topic,
            level=reply.level or analysis.level,
            content=analysis.content,
            entry_id=reply.entries[0] if reply.status == "answered" and reply.entries else None,
            at=self.conversations.now(),
        )

    # ------------------------------------------------------------------ direct access

    def answer_entry(self, entry_id: str, conversation: Hashable | None = None) -> Reply:
        """Answer one entry by id (did-you-mean, related and other-role buttons)."""
        brain = self._brain
        entry = brain.knowledge.by_id[entry_id]
        decision = Decision("answer", "picked", self.policy.certain, (entry,))
        reply = compose(brain.knowledge, entry.question, decision, brain.pairs.counterpart)
        if conversation is not None:
            turn = self._turn(brain.analyzer.analyse(entry.question), reply)
            self.conversations.put(conversation, turn)
        return reply

    def quiz_result(self, answers: Sequence[int]) -> Reply:
        """The /fit quiz's result for ``answers`` (1-based option numbers in question
        order): the same advice as free text, one cited line per answer. Raises
        ValueError for answers that do not fit the quiz."""
        result = self._brain.advisor.quiz(answers)
        return compose(
            self.knowledge,
            QUIZ_QUESTION,
            Decision("advise", QUIZ_RULE, self.policy.certain, remember=False, advice=result),
            self._brain.pairs.counterpart,
        )

    def counterpart(self, entry_id: str) -> Entry | None:
        return self._brain.pairs.counterpart(entry_id)

    def compare(self, topic: str) -> Reply:
        """Side-by-side comparison of a topic (id, name or free text)."""
        brain = self._brain
        topic_id = brain.lookup.find_topic(topic)
        pair = brain.pairs.pair(topic_id, None) if topic_id else None
        if topic_id is None or pair is None:
            comparable = ", ".join(t.id for t in brain.lookup.comparable())
            message = f"I can't compare {topic!r}. Topics I can compare: {comparable}."
            decision = brain.decider.decline("not-comparable", message)
        else:
            intro = next(
                (e for e in self.knowledge.entries if e.topic == topic_id and len(e.roles) > 1),
                None,
            )
            decision = Decision(
                "compare", "picked", self.policy.certain, pair, intro=intro, topic=topic_id
            )
        return compose(brain.knowledge, topic, decision, brain.pairs.counterpart)

    def find_topic(self, text: str) -> str | None:
        return self._brain.lookup.find_topic(text)

    def find_role(self, text: str) -> str:
        return self._brain.lookup.find_role(text)

    def role_card(self, role: str) -> RoleCard:
        return role_card(self.knowledge, self.find_role(role))

    def topics(self) -> list[TopicInfo]:
        return self._brain.lookup.topics()

    def topic_choices(self, partial: str, limit: int | None = None) -> list[tuple[str, str]]:
        return self._brain.lookup.topic_choices(partial, limit or self.policy.autocomplete_limit)

    def autocomplete_entries(self, partial: str, limit: int | None = None) -> list[Entry]:
        return self._brain.lookup.entries(partial, limit or self.policy.autocomplete_limit)

    def autocomplete(self, partial: str, limit: int | None = None) -> list[str]:
        return [e.question for e in self.autocomplete_entries(partial, limit)]


def _trace_analysis(trace: Trace, a: Analysis, policy: Policy) -> None:
    cues = [
        name
        for name, on in (
            ("compare", a.compare_cue),
            ("which", a.which_cue),
            ("other-role", a.other_role),
            ("pronoun", a.pronoun),
            ("follow-up-shape", a.followup_shape),
        )
        if on
    ]
    trace.add(
        "analyse",
        normalised=a.normalised,
        roles=a.roles,
        topic=a.topic,
        level=a.level,
        corrected=[f"{x}→{y}" for x, y in a.corrections],
        unknown=a.unknown,
        unread=a.unread or None,
        professions=a.professions,
        help_request=a.off_topic,
        cues=cues,
        known_share=a.known_share(policy),
    )


def _gate_note(seen: Opinion | None) -> str | None:
    """Why the learned gate took the message as a request for advice, for ``--explain``."""
    if seen is None:
        return None
    return f"p={seen.probability:.2f}, pushed by " + ", ".join(seen.reasons)

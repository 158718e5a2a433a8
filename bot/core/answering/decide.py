"""The decide stage: what kind of reply a question gets, and which rule chose it.

A :class:`Decision` names the outcome (answer, compare, clarify, decline, small talk),
the entries it rests on and the rule that fired. It is not a reply: only
:mod:`bot.core.answering.compose` turns decisions into words. Every rule has a short
name that ``--explain`` and ``careerbot eval`` show, so "why did it say that?" is
answered by reading one rule here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from bot.core.answering.advice import FitResult
from bot.core.answering.calibration import (
    calibrated,
    confidence_features,
    decline_cap,
    learned_confidence,
)
from bot.core.answering.matching import Candidate
from bot.core.answering.policy import Policy
from bot.core.answering.trace import Trace
from bot.core.answering.understanding import ROLE, Analysis
from bot.core.knowledge import Entry, Knowledge
from bot.core.text import plural

Kind = Literal["answer", "compare", "clarify", "decline", "smalltalk", "advise"]


@dataclass(frozen=True, slots=True)
class Decision:
    kind: Kind
    rule: str
    """Short name of the rule that chose this outcome ("low-confidence", "answer")."""
    confidence: float = 0.0
    entries: tuple[Entry, ...] = ()
    """answer: the entry; compare: one entry per role; clarify: the options."""
    intro: Entry | None = None
    """compare: an entry that contrasts the two roles, shown as the lead."""
    topic: str | None = None
    """compare: the topic compared, when it differs from the pair's own."""
    message: str | None = None
    """decline or small talk: what to say instead of an entry."""
    remember: bool = False
    """Whether the conversation should remember this turn for follow-ups."""
    not_covered: tuple[str, ...] = ()
    """What the question asked that the article does not cover (the coverage stage)."""
    unsure: bool = False
    """``not_covered`` holds words of the question that an answer likely to be wrong
    doesn't explain: said as a doubt ("I'm not sure the article answers what you ask
    about…"), not as a fact."""
    guess: bool = False
    """A role's entry offered for a message we could only partly read ("Doch was muss
    ein Data Scientist können?"): the reply says so."""
    advice: FitResult | None = None
    """advise: the leaning and the signals it rests on."""
    parts: tuple[tuple[str, Decision], ...] = ()
    """A message with several asks: (ask, decision) for each one answered."""


Pairing = Callable[[str, "str | None"], "tuple[Entry, Entry] | None"]


class Decider:
    """The rules, in the order the engine consults them."""

    def __init__(
        self,
        knowledge: Knowledge,
        policy: Policy,
        pair: Pairing,
        explained_share: Callable[[Analysis, Entry], float],
    ) -> None:
        self.knowledge = knowledge
        self.policy = policy
        self.pair = pair
        self.explained_share = explained_share
        self.decline_cap = decline_cap(policy)
        lexicon = knowledge.lexicon
        self.choosing_topic = lexicon.topic_roles.choosing
        self.definition_topic = lexicon.topic_roles.definition
        self.ladder_topic = lexicon.topic_roles.ladder
        self.outlook_topic = lexicon.topic_roles.outlook

    # ------------------------------------------------------------ before retrieval

    def decline(self, rule: str, message: str | None = None, confidence: float = 0.0) -> Decision:
        return Decision(
            "decline", rule, confidence=min(confidence, self.decline_cap), message=message
        )

    def other_profession(self, analysis: Analysis) -> Decision | None:
        """ "what about data analysts?": judged on the message itself, before a follow-up
        borrows roles from the last turn. "im a nurse, ds or mle?" is not declined: the
        profession is the asker's, and a named role or a comparison keeps it in scope."""
        if analysis.professions and (not analysis.roles or analysis.compared_professions):
            names = ", ".join(sorted(set(analysis.professions)))
            template = self.knowledge.lexicon.decline.other_profession
            decision = self.decline("other-profession", template.format(names=names))
            # --json's not_covered names them too: "what does an epidemiologist earn".
            gone = tuple(dict.fromkeys(plural(p) for p in analysis.professions))
            return dataclasses.replace(decision, not_covered=gone)
        return None

    def only_roles(self, analysis: Analysis) -> bool:
        """Whether a question asks about the roles themselves: nothing but role names
        ("mle?"), a role restated ("mle role", "what is the job of a data scientist"),
        or a verdict on the career ("ds vs mle: which career path is better?"). "will ai
        take data scientist jobs" says more than the role."""
        if not analysis.content:
            return True
        if not analysis.roles:
            return False
        lexicon = self.knowledge.lexicon
        cues = lexicon.cues
        content = set(analysis.content)
        # "Data Scientist vs. ML Engineer: Clarifying the Critical Roles": filler and a
        # comparison around the role words still ask about the roles themselves.
        said = lexicon.stop_words | cues.title_filler | cues.role_words | cues.compare
        restated = content <= cues.role_words | cues.title_filler and all(
            w.startswith(ROLE) or w in said for w in analysis.words
        )
        judged = self._judged(analysis) and content <= (cues.role_words | cues.role_nouns)
        return restated or judged

    def _verdict_topic(self, analysis: Analysis) -> str:
        """The topic that answers a verdict asked of one role: who it suits ("is data
        science a good career?"), or, asked with a time ("is data science still a good
        career in 2025?", "is ML worth it right now"), how its market looks."""
        if self.outlook_topic and self.knowledge.lexicon.cues.outlook_times & set(analysis.words):
            return self.outlook_topic
        return self.choosing_topic

    def _judged(self, analysis: Analysis) -> bool:
        """ "which is better, ds or mle", "is ml engineering a good career path?": a
        verdict asked of a role, which is a question about choosing it."""
        return bool(self.knowledge.lexicon.cues.evaluative & set(analysis.words))

    def about_roles(self, analysis: Analysis, rule: str) -> Decision:
        """A bare role ("mle?", "what is a data scientist") gets the role's definition;
        both roles get the two definitions side by side."""
        p = self.policy
        # With words we could not read around the role ("Doch was muss ein Data Scientist
        # können?", "データサイエンティストに向いている人"), the definition is a guess.
        guess = bool(analysis.unknown or analysis.unread)
        if analysis.unread and analysis.compare_cue and len(analysis.roles) == 1:
            # "ما الفرق بين علم البيانات وهندسة البيانات؟": one side of the comparison is
            # in words we cannot read, so the role's definition would answer half of it.
            return self.decline(rule + "/unread-side")
        confidence = p.role_guess_confidence if guess else p.role_confidence
        judged = self._judged(analysis)
        if len(analysis.roles) > 1:
            # "ML engineer or data scientist?" asks for a choice, "DS vs MLE" for the
            # difference: the choosing topic or the two definitions.
            chooses = analysis.choosing or analysis.either_or or judged
            topic = self.choosing_topic if chooses else self.definition_topic
            pair = self.pair(topic, None)
            if pair:
                return Decision(
                    "compare",
                    rule + "/both",
                    confidence,
                    pair,
                    topic=topic,
                    remember=True,
                    guess=guess,
                )
        # The first role in roles.yaml order, whatever the set's order.
        role = next(r.id for r in self.knowledge.roles if r.id in analysis.roles)
        if judged:
            topic = self._verdict_topic(analysis)
        else:
            topic = analysis.topic or (
                self.choosing_topic if analysis.choosing else self.definition_topic
            )
        entry = None
        missing: tuple[str, ...] = ()
        if analysis.level:
            # "what does a junior MLE do": the level's entry, career path first.
            # Another topic's entry for the level is no answer: "what is a mid-level data
            # scientist" is not asking the mid-level pay, so without an entry for the
            # level on the ladder, the ladder itself answers.
            levelled = [
                e
                for e in self.knowledge.entries
                if e.roles == (role,)
                and e.level == analysis.level
                and e.topic in (topic, self.ladder_topic)
            ]
            levelled.sort(key=lambda e: e.topic != topic)
            entry = levelled[0] if levelled else None
            if entry is None and not analysis.topic:
                entry = self.knowledge.primary(self.ladder_topic, role)
                if entry is not None and (name := self.knowledge.coverage.level_name):
                    # The ladder has no step of its own for this level: say so.
                    missing, rule = (name.format(level=analysis.level),), rule + "/ladder"
        entry = (
            entry
            or self.knowledge.primary(topic, role)
            or self.knowledge.primary(self.definition_topic, role)
        )
        if entry is None:
            return dataclasses.replace(self.decline(rule + "/none"), remember=True)
        return Decision(
            "answer",
            rule,
            confidence,
            (entry,),
            remember=True,
            guess=guess,
            not_covered=missing,
        )

    def about_topic(self, analysis: Analysis) -> Decision | None:
        """A topic and nothing an entry shares words with ("how do you progress from
        junior to senior?", the levels being slots): the topic for both roles, side by
        side, at the asked level where both have one."""
        if analysis.topic is None or analysis.roles:
            return None
        pair = self.pair(analysis.topic, analysis.level)
        if pair is None:
            return None
        return Decision(
            "compare",
            "topic-only",
            self.policy.topic_only_confidence,
            pair,
            topic=analysis.topic,
            remember=True,
        )

    def off_target(self, analysis: Analysis, best: Candidate) -> bool:
        """The best entry shares next to nothing with the question, or, with a topic word
        in it and a role named ("what about becoming an ML engineer") or none ("how do
        you grow from junior to senior"), is weakly about another topic: the topic's own
        entries are the better answer."""
        p = self.policy
        if best.lexical < p.weak_match:
            return True
        if not analysis.inherited_roles and analysis.topic and best.entry.topic != analysis.topic:
            if best.lexical < p.off_topic_match:
                return True
            # "what does it mean to be a senior data scientist": one word left, and an
            # entry on another topic about the other role answers neither what nor
            # whom it asks. (With more words left, they may be what it asks about.)
            return (
                len(analysis.content) == 1
                and bool(analysis.roles)
                and not analysis.roles & set(best.entry.roles)
            )
        return False

    # ------------------------------------------------------------ on candidates

    def strength(self, analysis: Analysis, candidates: list[Candidate]) -> float:
        """How well the best entry fits, discounted by how much of the question we know
        at all: an answer that fits half the question is not half right."""
        p = self.policy
        best = candidates[0]
        named = analysis.roles and not analysis.inherited_roles
        evidence = 1.0 if (named or analysis.topic) else p.no_topic_evidence
        margin = best.score - candidates[1].score if len(candidates) > 1 else p.margin_cap
        # Agreement with roles borrowed from the previous turn ranks entries but is no
        # evidence that *this* message is on topic ("lol did you see the game last night").
        borrowed = p.continuity + (p.role_match_soft if analysis.inherited_roles else 0.0)
        slots = max(best.slots - (borrowed if analysis.previous_topic else 0.0), 0.0)
        raw = (p.w_strength_lexical * best.lexical + p.w_strength_fuzzy * best.fuzzy + slots) * (
            evidence
        )
        # Without a role named, words we do not know weigh more: "how do i reverse a linked
        # list in python" knows only "python".
        raw *= analysis.known_share(p) ** (
            p.known_exponent_named if named else p.known_exponent_unnamed
        )
        if analysis.off_topic:
            raw *= p.off_topic_factor  # "install", "error": help requests, not careers
        return raw + p.margin_weight * min(margin, p.margin_cap)

    def confidence(
        self, analysis: Analysis, candidates: list[Candidate], strength: float, explained: float
    ) -> tuple[float, dict[str, float]]:
        """How likely answering with the best candidate is right, and the features that
        say so (shown by ``--explain``, read by ``tools/calibrate.py``)."""
        p = self.policy
        features = confidence_features(analysis, candidates, strength, explained, p)
        model = self.knowledge.calibration
        if not model.weights:
            return calibrated(p, strength * explained**p.explained_exponent), features
        return learned_confidence(model, features), features

    def on_candidates(
        self, analysis: Analysis, candidates: list[Candidate], trace: Trace
    ) -> Decision:
        p = self.policy
        strength = self.strength(analysis, candidates)
        explained = self.explained_share(analysis, candidates[0].entry)
        confidence, features = self.confidence(analysis, candidates, strength, explained)
        trace.add("decide", features=features, confidence=confidence)
        if strength < p.clarify_strength:
            return self.decline("low-confidence", confidence=confidence)
        best = candidates[0]
        named = frozenset() if analysis.inherited_roles else analysis.roles
        wants_comparison = len(analysis.roles) > 1 or (
            not named and (analysis.compare_cue or analysis.which_cue)
        )
        if wants_comparison:
            compared = self._comparison(analysis, candidates, confidence)
            if compared is not None:
                return compared
        if not analysis.roles and len(best.entry.roles) == 1:
            pair = self._tied_counterparts(candidates)
            if pair is not None:
                return Decision("compare", "tied-counterparts", confidence, pair, remember=True)
        if strength < p.answer_strength:
            return Decision(
                "clarify", "unsure", confidence, self._options(candidates), remember=True
            )
        entry, rule = self._honour_role(analysis, candidates)
        if analysis.choosing and len(analysis.named_roles) == 1:
            # "Is data science a good career?", "is MLE right for me": the role's own
            # choosing entry answers who the role suits; "still a good career in 2025?"
            # its outlook.
            (role,) = analysis.named_roles
            topic = self._verdict_topic(analysis)
            chosen = self.knowledge.primary(topic, role)
            if chosen is not None and entry.topic != topic:
                entry, rule = chosen, "choosing" if topic == self.choosing_topic else "outlook"
        return Decision("answer", rule, confidence, (entry,), remember=True)

    def _honour_role(self, analysis: Analysis, candidates: list[Candidate]) -> tuple[Entry, str]:
        """Never answer about the other role than the one asked: "do MLEs use those too"
        after a DS tools answer must talk about MLEs, even if the KB has no entry on
        exactly that, so fall back to the asked role's nearest entry or headline entry."""
        p = self.policy
        top = candidates[0]
        best = top.entry
        if len(analysis.roles) != 1:
            return best, "best-match"
        (role,) = analysis.roles
        if best.roles == (role,):
            return best, "best-match"
        # About this role alone beats about both ("and ML eng teams?"), when close.
        for c in candidates:
            if (
                c.entry.topic == best.topic
                and c.entry.roles == (role,)
                and c.score >= top.score - p.own_role_margin
            ):
                return c.entry, "own-role-entry"
        if role in best.roles:
            return best, "best-match"
        for c in candidates:
            if c.entry.topic == best.topic and role in c.entry.roles:
                return c.entry, "own-role-same-topic"
        if analysis.inherited_roles:
            return best, "best-match"
        for cand in candidates[1:]:
            if role in cand.entry.roles and cand.score >= top.score - p.other_entry_margin:
                return cand.entry, "own-role-nearby"
        primary = self.knowledge.primary(best.topic, role)
        return (primary, "own-role-headline") if primary else (best, "best-match")

    def _comparison(
        self, analysis: Analysis, candidates: list[Candidate], confidence: float
    ) -> Decision | None:
        p = self.policy
        best = candidates[0]
        topic = best.entry.topic
        rule = "compare"
        # "I like building stuff, ds or mle?": a request to choose is about choosing,
        # whatever else the person describes.
        contrast = len(best.entry.roles) > 1 and best.lexical >= p.strong_match
        chooses = analysis.choosing and (not contrast or analysis.choosing_phrase)
        if chooses and self.pair(self.choosing_topic, None):
            topic, rule = self.choosing_topic, "compare-choosing"
            best = next((c for c in candidates if c.entry.topic == topic), best)
        # A question answered by one contrasting entry ("who earns more?") gets that
        # entry as the lead, with both roles' facts beside it.
        intro = next(
            (
                c.entry
                for c in candidates[: p.intro_window]
                if len(c.entry.roles) > 1
                and c.entry.topic == topic
                and c.score >= best.score - p.intro_margin
            ),
            None,
        )
        pair = self.pair(topic, analysis.level)
        if pair is None:
            return None
        return Decision("compare", rule, confidence, pair, intro=intro, topic=topic, remember=True)

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
            and a.score - b.score < self.policy.tie
        ):
            order = [r.id for r in self.knowledge.roles]
            pair = sorted((a.entry, b.entry), key=lambda e: order.index(e.roles[0]))
            return pair[0], pair[1]
        return None

    def _options(self, candidates: list[Candidate]) -> tuple[Entry, ...]:
        p = self.policy
        options: list[Entry] = []
        for cand in candidates:
            if cand.score < candidates[0].score - p.clarify_spread:
                break
            if cand.entry not in options:
                options.append(cand.entry)
            if len(options) == p.clarify_options:
                break
        return tuple(options)

"""Advice for the person asking: which role their own words point to, every reason cited.

"been a Java dev for six years, is MLE or DS the better move for me?" is not a lookup.
The signals in ``knowledge/fit.yaml`` are matched in the message (negated ones, "hate
devops", point the other way), weighed, and turned into a leaning with one cited
reason per signal. The /fit quiz scores its answers with the same signals, so the two
can never disagree.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from bot.core.answering.advice_gate import Opinion, gate_features, opinion
from bot.core.answering.policy import Policy
from bot.core.answering.understanding import ROLE, Analysis
from bot.core.knowledge import FitSignal, Knowledge
from bot.core.phrases import PhraseTable
from bot.core.text import stem, stems, tokens


@dataclass(frozen=True, slots=True)
class FoundSignal:
    signal: FitSignal
    text: str
    """The person's own words that gave it ("Java dev"), or the quiz answer."""
    role: str | None
    """The role it points to here: the signal's, or the other one when negated."""
    negated: bool = False
    outweighed: bool = False
    """Said before a "but" that goes on the other way ("people say i present well, but
    what i enjoy is building the system"): listed, not counted."""

    @property
    def reason(self) -> str:
        return self.signal.against_reason if self.negated else self.signal.reason


@dataclass(frozen=True, slots=True)
class FitResult:
    role: str | None
    """The role the evidence leans to; None when it is balanced."""
    score: dict[str, int] = field(default_factory=dict)
    found: tuple[FoundSignal, ...] = ()
    learned: Opinion | None = None
    """The learned gate's opinion, when it, not the rules, recognised the request."""


class Advisor:
    def __init__(
        self,
        knowledge: Knowledge,
        policy: Policy,
        topics_of: Callable[[str], frozenset[str]] = lambda term: frozenset(),
        terms_of: Callable[[str], frozenset[str]] = lambda text: frozenset(),
    ) -> None:
        self.knowledge = knowledge
        self.policy = policy
        self.topics_of = topics_of
        self.terms_of = terms_of
        self.choosing_topic = knowledge.lexicon.topic_roles.choosing
        self.roles = tuple(r.id for r in knowledge.roles)
        self.role_names = PhraseTable.of(
            name for r in knowledge.roles for name in (*r.aliases, r.name, r.short, r.slug)
        )
        cues = knowledge.lexicon.cues
        self.cues = cues
        # What a clause that only offers the roles ("ds or mle?", "so ds right") holds.
        self.bare = (
            frozenset(w for key in self.role_names.table for w in key)
            | knowledge.lexicon.stop_words
            | knowledge.lexicon.neutral
            | cues.compare
            | cues.alternative
            | cues.fit_words
            | cues.self_reference
        )
        # "former biologist", "ex-teacher": describing oneself without an "i".
        self.self_reference = cues.self_reference | cues.self_words
        self.fit_phrases = PhraseTable.of(cues.fit_phrases)
        self.closing = PhraseTable.of(cues.closing_fit_phrases)
        self.verdicts = PhraseTable.of(cues.verdict_phrases)
        self.even = PhraseTable.of(cues.even_phrases)
        # What a short reply ("no thanks", "not my thing at all") may be made of.
        self.reply_words = (
            cues.reply_words
            | cues.negators
            | cues.after_negators
            | knowledge.lexicon.stop_words
            | knowledge.lexicon.neutral
        )
        self.every_negator = cues.negators | cues.after_negators
        # "will i", "do they": an opener before one of these starts a question.
        self.subjects = cues.self_reference | cues.pronouns
        # "a stats major who thinks docker is witchcraft": a relative clause about
        # something else ends what a dislike after it reaches back to.
        self._relative = cues.who | cues.which | cues.backrefs
        phrases: dict[tuple[str, ...], tuple[FitSignal, bool]] = {}
        for signal in knowledge.fit.signals:
            if signal.role is None:
                continue  # balanced answers exist only in the quiz
            # Plurals fold together: "regressions" is the "regression" signal.
            for phrase in signal.phrases:
                phrases.setdefault(stems(tokens(phrase)), (signal, False))
            for phrase in signal.against:
                phrases.setdefault(stems(tokens(phrase)), (signal, True))
        self.phrases = PhraseTable(phrases)

    def consider(
        self, text: str, analysis: Analysis, previous: Sequence[FoundSignal]
    ) -> tuple[str, FitResult] | None:
        """Advice, and the rule that gives it, when the message asks for it: the person
        describes themselves and asks which role fits ("been a java dev, mle or ds for
        me?"), asks for help choosing with nothing about themselves yet ("can't decide,
        help me pick one"), or follows up on advice ("why?", "and if I also like
        dashboards?"). A lookup that mentions a role is never advice. The rules decide
        first; where they see no request, the learned gate may still see one."""
        every = self.find(text)
        careers = self._careers_named(text, analysis)
        # "why software engineers have on-call duties": other people's job, not a signal
        # about the person ("sitting w the product managers" names colleagues instead).
        others = {stems(tokens(p)) for p in careers}
        found = tuple(f for f in every if not _within(stems(tokens(f.text)), others))
        ruled = self._by_rules(text, analysis, previous, found, careers, others)
        if ruled is not None:
            return ruled
        return self._learned(text, found, every)

    def _careers_named(self, text: str, analysis: Analysis) -> list[str]:
        """The other professions named as careers, not as colleagues."""
        colleagues = self._colleagues(text, analysis.professions)
        return [p for p in analysis.professions if p not in colleagues]

    def gate_features(
        self, text: str, found: tuple[FoundSignal, ...] | None = None
    ) -> frozenset[str]:
        """What the learned gate sees of ``text`` (see :mod:`.advice_gate`); ``found``:
        every signal in it, when the caller has them already."""
        words = tokens(text)
        found = self.find(text) if found is None else found
        _, last = _story_and_close(text)
        return gate_features(
            stems(words),
            stems(last),
            signals=len(found),
            sides=len({f.role for f in found if f.role}),
            self_reference=bool(self.self_reference & set(words)),
            question=text.rstrip().endswith("?"),
            roles=len({key for _, key, _ in self.role_names.scan(words)}),
        )

    def _learned(
        self, text: str, found: tuple[FoundSignal, ...], every: tuple[FoundSignal, ...]
    ) -> tuple[str, FitResult] | None:
        """Advice the rules missed, when the learned gate is confident the message asks
        which role fits and the person has said something about themselves: a signal
        ("backend for 3 yrs"), or at least "i"/"me" (then the criteria, as for "help me
        pick one")."""
        words = tokens(text)
        about_self = bool(found) or bool(self.self_reference & set(words))
        if not about_self or not self.knowledge.advice_gate.weights:
            return None
        seen = opinion(self.knowledge.advice_gate, self.gate_features(text, every))
        if seen.probability < self.policy.advice_gate_min:
            return None
        result = self.weigh(found, self.even.contains(words)) if found else self.weigh(())
        rule = "advice-learned" if found else "advice-learned-criteria"
        return rule, dataclasses.replace(result, learned=seen)

    def _by_rules(
        self,
        text: str,
        analysis: Analysis,
        previous: Sequence[FoundSignal],
        found: tuple[FoundSignal, ...],
        professions: list[str],
        others: AbstractSet[tuple[str, ...]],
    ) -> tuple[str, FitResult] | None:
        """The hand-written rules: each names the wording it recognises.
        ``professions``: other careers the message names (not colleagues); ``others``:
        their stemmed words."""
        if previous:
            adds = self.self_reference & set(tokens(text)) or analysis.words[:1] == ("and",)
            # "and if i also like dashboards?" adds to the advice; "and who deploys
            # the model afterwards" asks a question of its own.
            if found and not analysis.named_roles and adds and self._stated(text, found):
                merged = {f.signal.id: f for f in previous} | {f.signal.id: f for f in found}
                return "advice-more", self.weigh(tuple(merged.values()))
            if analysis.content and set(analysis.content) <= self.cues.asks_why:
                return "advice-why", self.weigh(tuple(previous))
        words = tokens(text)
        even = self.even.contains(words)  # "enjoy both equally", "50/50"
        fit_request = (
            analysis.choosing_phrase
            or self._asks_fit(words)
            or bool(found and self._closing_fit_question(text, found))
        )
        opens = self._opens_with(text, found, others)
        profile = self._profile(words)
        about_self = (
            bool(self.self_reference & set(words)) or opens or analysis.own_profession or profile
        )
        # "love stats, hate devops. thoughts?", "which for a guy who likes k8s": asking for
        # a verdict on what the person said about themselves, and on nothing else.
        verdict = bool(
            found
            and (profile or self.verdicts.contains(words))
            and self._only_about_self(text, analysis, found, asked=True)
        ) or bool(found and self._story_then_verdict(text, found))
        if self._compares_roles(text):
            # "torn between the two... which path leads more toward leadership?" asks
            # how the roles compare, whatever the person said about themselves.
            return None
        explicit = fit_request or analysis.either_or or analysis.choosing
        if analysis.off_topic and not (found and about_self and explicit):
            # "system design interviews" in "cs grad who loves system design interviews,
            # ds or mle for me?" is the person; "interview tips for mle" is off-topic.
            return None
        if not fit_request and self._route_choice(analysis):
            # "should I do a PhD or a master's for a career in data science?": a choice
            # between routes into one role, not between the roles.
            return None
        if professions and (analysis.compared_professions or not found):
            # "should i become a dentist or a vet", "is data engineering a good career",
            # "DS or software engineering for me?": other careers than ours.
            return None
        if analysis.unknown and not analysis.roles and not found and not fit_request:
            return None  # "git merge vs rebase, which should i use": not about careers
        if (
            not analysis.roles
            and not found
            and not self._asks_fit(words)
            and not self.cues.role_nouns & {stem(w) for w in words}
            and any(self.topics_of(t) - {self.choosing_topic} for t in analysis.content)
        ):
            return None  # "which AI certification should i pursue first?": not a career
        # Asking which role fits, in so many words, or choosing between the two;
        # "which of the two involves more coding" compares them, it asks no advice.
        picks = self._picks(text, analysis) and (not self.cues.comparative & set(words) or opens)
        asks = bool(fit_request or analysis.choosing or analysis.either_or or picks or verdict)
        # The choice is between careers: a role is named, or fit is asked in words
        # ("where do i fit", "which path"), not "which should i use".
        about_roles = bool(
            analysis.roles or fit_request or analysis.choosing or analysis.which_cue or verdict
        )
        both = len(analysis.roles) > 1 and analysis.compare_cue
        if (
            found
            and both
            and self._stated(text, found)
            and self._roles_bare(text)
            and (about_self or self._only_about_self(text, analysis, found))
        ):
            # "love stats and storytelling, ds vs mle?": their traits, then the two roles.
            return "advice", self.weigh(found, even)
        if (
            found
            and about_self
            and not asks
            and self._only_about_self(text, analysis, found)
            and self._stated(text, found)
            and self._roles_bare(text)
        ):
            # "stats grad here, ds or mle?" without the words: everything the message
            # says is about the person, and it ends as a question.
            return "advice", self.weigh(found, even)
        if not asks or not about_roles:
            return None
        if not fit_request and self._role_question(text):
            # "former accountant here. does a data scientist's job involve reports?"
            return None
        offered = analysis.either_or and not (fit_request or verdict or analysis.choosing or picks)
        if offered and not self._roles_bare(text):
            # "remote work give access to high-paying DS or MLE job if i live far away?"
            return None
        if found and (
            about_self
            or (
                # "stats grad. ds or mle?"; "is statistics more important for ds or mle"
                # compares the roles.
                analysis.either_or
                and not self._asks_about_a_role(analysis)
                and not self.cues.comparative & set(words)
                and self._only_about_self(text, analysis, found)
                and self._stated(text, found)  # not "who runs a/b tests, ds or mle?"
            )
        ):
            # What people say about themselves ("java dev", "love stats"), with a
            # question about fit, is a request for advice.
            return "advice", self.weigh(found, even)
        short = len(analysis.content) <= self.policy.criteria_max_terms
        chooses = analysis.choosing or analysis.either_or
        helped = short and analysis.either_or and bool(self.cues.help_words & set(words))
        if (about_self or helped) and (fit_request or (short and chooses)):
            # "career advice pls: data scientist or ml engineer": help choosing, with
            # nothing said about the person yet.
            return "advice-criteria", self.weigh(())
        return None

    def _closing_fit_question(self, text: str, found: Sequence[FoundSignal]) -> bool:
        """ "stata + sql are my bread and butter. what does that make me", "...where do
        i slot in", "...which road should i take": after the person has said something
        about themselves, a short closing question about them or about which role, and
        about nothing else, asks which role fits, however it is worded."""
        story, last = _story_and_close(text)
        if not story or len(last) > self.policy.closing_question_words or not self._question(last):
            return False
        openers = self.cues.which | self.cues.where
        if not openers & set(last):
            return False  # "do i need stats" is a question about the job
        person = self.self_reference & set(last)
        career = self.cues.role_nouns & {stem(w) for w in last}
        if not (person or career):
            return False
        asked = " ".join(
            w for w in last if w not in openers and stem(w) not in self.cues.role_nouns
        )
        if any(self.topics_of(t) - {self.choosing_topic} for t in self.terms_of(asked)):
            return False  # "what tools should i learn" asks about tools
        return self._stated(" ".join(" ".join(c) for c in story), found)

    def _story_then_verdict(self, text: str, found: Sequence[FoundSignal]) -> bool:
        """ "kept our model serving alive thru black friday, zero downtime. thoughts?":
        a story about the person that closes on nothing but a request for a verdict,
        with no question of its own on the way, asks for advice however much else it
        tells."""
        story, last = _story_and_close(text)
        if not story or not self.verdicts.contains(last):
            return False
        if len(last) > _SHORT_REPLY or self.phrases.contains(stems(last)):
            return False  # "thoughts on docker?" asks about docker
        if any(self._question(c) for c in story):
            return False
        return self._stated(text, found)

    def _colleagues(self, text: str, professions: Sequence[str]) -> frozenset[str]:
        """Professions the person works with ("sitting w the product managers"): people
        around them, not another career they ask about."""
        words = stems(tokens(text))
        out = set()
        for profession in professions:
            key = stems(tokens(profession))
            for i in range(len(words) - len(key) + 1):
                if words[i : i + len(key)] != key:
                    continue
                j = i - 1
                while j >= 0 and words[j] in self.cues.determiners:
                    j -= 1  # "with the", "w our"
                if j >= 0 and words[j] in self.cues.with_words:
                    out.add(profession)
        return frozenset(out)

    def _asks_about_a_role(self, analysis: Analysis) -> bool:
        """ "do ml engineers use notebooks or is that a ds thing": a question that opens
        on a role asks about that role, whatever else it names."""
        words = analysis.words
        reach = self.policy.role_question_reach
        return (
            bool(words)
            and words[0] in self.cues.question_openers
            and any(w.startswith(ROLE) for w in words[1 : 1 + reach])
        )

    def _opens_with(
        self, text: str, found: Sequence[FoundSignal], others: set[tuple[str, ...]]
    ) -> bool:
        """ "statistics phd. ds or mle?", "spent 3 years on spark clusters, which suits":
        a message that opens with a statement about the person, then asks. An opening
        question ("are design patterns important for ml eng"), comparison ("discovery
        vs implementation, which role is which") or statement about other people ("why
        software engineers have on-call duties", ``others``) is not about the person."""
        clauses = [c for c in _CLAUSE.split(text) if tokens(c)]
        if len(clauses) < 2:
            return False
        first = tokens(clauses[0])
        if self._question(first) or self.cues.compare & set(first):
            return False
        if self.cues.role_properties & set(first):
            return False  # "wfh friendly: ds or mle?" describes a role, not the person
        if self.cues.pronouns & set(first) and not self.self_reference & set(first):
            return False  # "if their futures are so grim, why...": about other people
        after = tokens(clauses[1])
        if (
            after[:1]
            and after[0] in self.cues.question_openers
            and after[1:2]
            and after[1] in self.cues.pronouns
        ):
            return False  # "aws lambda for inference, is that common?": it is the topic
        if PhraseTable(dict.fromkeys(others, True)).contains(stems(first)):
            return False
        return PhraseTable({tuple(tokens(f.text)): True for f in found}).contains(first)

    def _only_about_self(
        self, text: str, analysis: Analysis, found: Sequence[FoundSignal], asked: bool = False
    ) -> bool:
        """A question whose topic words are all the person's own signals: "physics grad
        here, ds?" is about fit; "physics grad here, do ds jobs need a phd?" asks about
        education, a lookup. ``asked``: the message asks for a verdict in words
        ("thoughts?"), so it need not end as a question or name a role."""
        if not asked and not text.rstrip().endswith("?") and not analysis.roles:
            return False
        said = {w for f in found for w in tokens(f.text)}
        # "stats" is read as "statistics": the signal's words as the analyser reads them.
        said_terms = {t for f in found for t in self.terms_of(f.text)}
        for term, word in analysis.surfaces:
            if word in said or term in said_terms:
                continue
            if self.topics_of(term) - {self.choosing_topic}:
                return False
        return True

    def _stated(self, text: str, found: Sequence[FoundSignal]) -> bool:
        """Whether a signal is said outside a question: "stats grad here, ds?" states
        something about the person; "do i need statistics for mle?", "as an mle will i
        have to be on call" and "data scientist can work from home?" ask about the role,
        though they name one of the signals."""
        said = {w for f in found for w in tokens(f.text)}
        for words in _clause_words(text):
            if self.role_names.contains(words) or self.cues.role_properties & set(words):
                continue  # "wfh friendly": a property of the roles, not of the person
            for i, word in enumerate(words):
                if i == 0 and self._question(words):
                    break  # a question from its first word
                if (
                    word in self.cues.question_openers
                    and words[i + 1 : i + 2]
                    and words[i + 1] in self.subjects
                ):
                    break  # "will i", "do they": the question starts here
                if word in said:
                    return True
        return False

    def _compares_roles(self, text: str) -> bool:
        """Whether a clause picks between the roles on something other than the person:
        "which pays more", "which path leads more toward leadership", but not "which
        suits me more" or "which is better" (better for whom goes without saying)."""
        for words in _clause_words(text):
            if not self._question(words) or not (self.cues.which | self.cues.who) & set(words):
                continue
            if self.self_reference & set(words) or self._asks_fit(words):
                continue  # "which suits me more", "which path makes more sense"
            if (self.cues.comparative - self.cues.fit_comparatives) & set(words):
                return True
        return False

    def _asks_fit(self, words: Sequence[str]) -> bool:
        """ "where do i fit", "which path makes sense", "...what role?": fit asked in
        words, as opposed to only choosing between the roles."""
        return bool(
            self.cues.fit_words & set(words)
            or self.fit_phrases.contains(words)
            or self.closing.ends(words)
        )

    def _roles_bare(self, text: str) -> bool:
        """Whether the roles are only offered, never asked about: "physics grad here,
        ds?", "what's left for me, ds?" and "ds or mle if i hate meetings" offer them;
        "junior data scientist in first job, what do i do?" and "is kubernetes used a
        lot by ml engineers?" ask about the job."""
        for words in _clause_words(text):
            hits = list(self.role_names.scan(words))
            if not hits or self._asks_fit(words):
                continue  # "ds or mle more natural for me": fit, asked in words
            if self._question(words) and not self.self_reference & set(words):
                return False
            after = words[hits[-1][0] + len(hits[-1][1]) :]
            # "ds or mle if i hate meetings": what follows the roles is about the person.
            rider = next((i for i, w in enumerate(after) if w in self.cues.role_riders), len(after))
            if not set(after[:rider]) <= self.bare:
                return False
        return True

    def _role_question(self, text: str) -> bool:
        """Whether a clause asks about a role ("does a data scientist's job involve
        reports", "do mles need docker") rather than about the person ("is ds for me")."""
        reach = self.policy.role_question_reach
        for words in _clause_words(text):
            if self._asks_needs(words):
                return True  # "if i end up as a ds will i actually need docker"
            if not self._question(words) or self.self_reference & set(words):
                continue
            if self.verdicts.contains(words):
                continue  # "...present the numbers. is that a ds thing?"
            if len({key for _, key, _ in self.role_names.scan(words)}) > 1:
                continue  # "which of ds/mle for that": a choice between them
            if any(self.role_names.at(words, j) for j in range(1, reach + 2)):
                return True
        return False

    def _asks_needs(self, words: Sequence[str]) -> bool:
        """ "will i (actually) need docker", "do i have to know stats": what the job
        will ask of the person, a lookup about the role, wherever it sits in a clause."""
        for i, word in enumerate(words[:-2]):
            if word not in self.cues.question_openers or words[i + 1] not in self.self_reference:
                continue
            if self.cues.needs & set(words[i + 2 : i + 2 + self.policy.role_question_reach]):
                return True
        return False

    def _route_choice(self, analysis: Analysis) -> bool:
        """One role named, and an "or" between two things that are not roles."""
        if len(analysis.roles) != 1:
            return False
        words = analysis.words
        return any(
            w in self.cues.alternative
            and 0 < i < len(words) - 1
            and not words[i - 1].startswith(ROLE)
            and not words[i + 1].startswith(ROLE)
            for i, w in enumerate(words)
        )

    def _picks(self, text: str, analysis: Analysis) -> bool:
        """ "which one", "who earns more": picking between the roles. The "who" of "the
        data scientists who built the model" picks nothing."""
        if not analysis.which_cue or self.cues.which & set(tokens(text)):
            return analysis.which_cue
        return any(self._question(w) for w in _clause_words(text) if self.cues.who & set(w))

    def _question(self, words: Sequence[str]) -> bool:
        """Whether a clause opens as a question: "do i need stats", "and who deploys
        it", not "don't like meetings" or "can't stand devops", which open with the same
        words."""
        while words and words[0] in self.cues.joiners:
            words = words[1:]
        if not words or words[0] not in self.cues.question_openers:
            return False
        rest = words[1:]
        return not (
            rest and rest[0] in self.cues.denials and rest[1:] and rest[1] in self.cues.affirmers
        )

    def _profile(self, words: Sequence[str]) -> bool:
        """ "which one for a guy who likes kubernetes", "better for someone with a stats
        degree": a person is described, and the question is about them."""
        reach = self.policy.profile_reach
        for i, word in enumerate(words[:-1]):
            if word not in self.cues.profile_openers or words[i + 1] not in self.cues.profile_heads:
                continue
            span = words[i + 2 : i + 2 + reach]
            links = [j for j, w in enumerate(span) if w in self.cues.profile_links]
            # "the career path for an mle who likes system design" is about the role.
            if links and not self.role_names.contains(span[: links[0]]):
                return True
        return False

    def _negated_before(self, words: Sequence[str], i: int) -> int | None:
        """The position of the negator that turns around the phrase at ``i``, if any. A
        liking joined on after the negator ends its reach ("i hate meetings and love
        stats"); "dont like presenting", "hate stuff like meetings" stay negated."""
        last = None
        start = max(0, i - self.policy.negator_reach)
        for j, word in enumerate(words[start:i], start):
            if word in self.cues.near_negators and (
                i - j > self.policy.near_negator_reach
                or self.cues.places & set(words[j + 1 : j + 2])
            ):
                continue  # "over in the stats dept" is a place, "over stats" a preference
            if self.cues.outdone & set(words[j + 1 : j + 2]):
                continue  # "nothing beats a pivot table", "cant get enough of stats"
            if word in self.cues.negators:
                last = j
            elif (
                last is not None
                and word in self.cues.affirmers
                and self.cues.joiners & set(words[last + 1 : j])
            ):
                last = None
        return last

    def _negated_after(
        self, rest: Sequence[str], same_side: set[int], later: AbstractSet[int] = frozenset()
    ) -> bool:
        """Whether what follows a phrase in its clause turns it around: "docker makes
        me want to cry", "on call is not for me". A negative word that is itself denied
        does not ("kubernetes doesnt scare me", "stats is not boring"), nor one after
        "and" goes on to something else ("a masters in statistics and honestly the
        thought of servers makes me sick"); "ci/cd and k8s configs make my eyes glaze
        over" turns both around, but in "i live in docker and terraform and stats bores
        me" only stats is boring: the reach ends at a phrase pointing the other way.
        ``same_side``: where phrases pointing the same way start in ``rest``;
        ``later``: where any phrase starts in it."""
        reach = self.policy.double_negation_reach
        for k, word in enumerate(rest):
            if word in self.cues.joiners and k + 1 not in same_side:
                break
            if k in later and self._relative & set(rest[:k]):
                break  # "a stats major who thinks docker is witchcraft": docker's, not stats
            if (
                k
                and rest[k - 1] in self.cues.determiners
                and not self.cues.copulas & set(rest[: k - 1])
            ):
                continue  # "explaining a confusing result" (but "stats is a nightmare")
            if word in self.cues.after_negators and not self.cues.negators & set(
                rest[max(0, k - reach) : k]
            ):
                return True
        k = 0
        while k < len(rest) and rest[k] in self.cues.copulas:
            k += 1
        fused = k < len(rest) and rest[k] in self.cues.fused_denials  # "docker isnt my thing"
        if k < len(rest) and ((k and rest[k] in self.cues.denials) or fused):
            denied = set(rest[k + 1 : k + 1 + reach])
            return not denied & (self.cues.negators | self.cues.after_negators)
        return False

    def other(self, role: str | None) -> str | None:
        others = [r for r in self.roles if r != role]
        return others[0] if role is not None and len(others) == 1 else None

    def find(self, text: str) -> tuple[FoundSignal, ...]:
        """The signals in ``text``, each once, in the order they are said. A negator
        turns around what follows it in the same clause: "i dont enjoy system design or
        talking infra" says the opposite of both."""
        found: dict[str, FoundSignal] = {}
        part_of: dict[str, int] = {}
        clause_of: dict[str, str] = {}
        pieces = _CONTRAST.split(text)
        for part, piece in enumerate(pieces):
            for clause, turned in _clauses(
                piece, self.every_negator, self.phrases, self.reply_words, self.cues.backrefs
            ):
                words = tokens(clause)
                mine = bool(self.self_reference & set(words))  # said of the person
                hits = list(self.phrases.scan(stems(words)))
                roles = {
                    i: self.other(sig.role) if against else sig.role
                    for i, _, (sig, against) in hits
                }
                for i, key, (signal, against) in hits:
                    earlier = found.get(signal.id)
                    if earlier is not None and earlier.negated:
                        continue
                    last = self._negated_before(words, i)
                    before = last is not None
                    end = i + len(key)
                    same_side = {j - end for j, r in roles.items() if j >= end and r == roles[i]}
                    later = {j - end for j in roles if j >= end}
                    after = self._negated_after(words[end:], same_side, later)
                    negated = against != (before or after or turned)
                    # "the other team has an on-call rotation. i hate on-call": what the
                    # person says against something, later and of themselves, outweighs
                    # naming it earlier; "...to ppl who hate math" is other people.
                    if earlier is not None and not (
                        negated and clause_of[signal.id] != clause and mine
                    ):
                        continue
                    role = self.other(signal.role) if negated else signal.role
                    said = tuple(words[i : i + len(key)])
                    if last is not None and i - last <= _QUOTE_REACH:
                        said = tuple(words[last : i + len(key)])  # "hate devops", not "devops"
                    found[signal.id] = FoundSignal(signal, _quote(clause, said), role, negated)
                    clause_of[signal.id] = clause
                    part_of[signal.id] = part
        return self._contrasted(tuple(found.values()), part_of, pieces)

    def _contrasted(
        self, found: tuple[FoundSignal, ...], part_of: dict[str, int], pieces: list[str]
    ) -> tuple[FoundSignal, ...]:
        """ "stats masters, but the best part was setting up ci": what comes after a
        "but" outweighs what came before it the other way, when it says it is preferred
        ("only", "actually", "best") and points one way. "good at decks, but i learned
        kubernetes and loved it" or "...but scale thrills me too" add, they outweigh
        nothing."""
        out = list(found)
        for part in sorted(set(part_of.values()) - {0}):
            words = set(tokens(pieces[part]))
            # "a bit of docker is fine, i can get by, but what i live for is...": what
            # came before is conceded, so what follows is the preference.
            conceded = self.cues.conceding & set(tokens(pieces[part - 1]))
            if not (words & self.cues.preferring or conceded) or words & self.cues.adding:
                continue
            after = {f.role for f in found if part_of[f.signal.id] == part and f.role}
            if len(after) != 1:
                continue
            (role,) = after
            for n, item in enumerate(out):
                if part_of[item.signal.id] < part and item.role not in (None, role):
                    out[n] = dataclasses.replace(item, outweighed=True)
        return tuple(out)

    def weigh(self, found: Sequence[FoundSignal], even: bool = False) -> FitResult:
        """The leaning: each role scores its signals' weights, an aspect of the person
        (collaboration, tools...) counting once at its strongest, so "presenting to
        execs" (storytelling and stakeholders) does not outweigh "system design".
        ``even``: the person says the two sides are even ("enjoy both equally"), which
        evidence both ways makes balanced whatever the weights."""
        strongest: dict[tuple[str, str], int] = {}
        for item in found:
            if item.role is not None and not item.outweighed:
                key = (item.role, item.signal.aspect or item.signal.id)
                strongest[key] = max(strongest.get(key, 0), item.signal.weight)
        score = dict.fromkeys(self.roles, 0)
        for (role, _), weight in strongest.items():
            score[role] += weight
        ranked = sorted(score.items(), key=lambda kv: -kv[1])
        runner_up = ranked[1][1] if len(ranked) > 1 else 0
        lead = ranked[0][1] - runner_up
        # Evidence all one way leans that way, however light ("sql all day"); balanced
        # means evidence both ways.
        one_sided = lead > 0 and not runner_up
        # "applied maths, then a masters in software engineering. i like both the same":
        # the person says it is even, and one thing we read one way does not outweigh
        # that; "i love both stats and R" (two things, both one way) still leans.
        said_even = even and (runner_up or len(strongest) < _EVEN_OUTWEIGHED)
        leans = (lead >= self.policy.fit_margin or one_sided) and not said_even
        role = ranked[0][0] if leans else None
        return FitResult(role, score, tuple(found))

    def quiz(self, answers: Sequence[int]) -> FitResult:
        """Score quiz answers (1-based option numbers, one per question in order)."""
        quiz = self.knowledge.fit.quiz
        if len(answers) != len(quiz):
            raise ValueError(f"the quiz has {len(quiz)} questions, got {len(answers)} answers")
        found = []
        for question, answer in zip(quiz, answers, strict=True):
            if not 1 <= answer <= len(question.options):
                raise ValueError(
                    f"question {question.id!r} has {len(question.options)} answers, got {answer}"
                )
            option = question.options[answer - 1]
            signal = self.knowledge.fit.signal(option.signal)
            found.append(FoundSignal(signal, option.label, signal.role))
        return self.weigh(found)


_CONTRAST = re.compile(r"\s(?:but|though|although|however|whereas)\s", re.I)
"""Where what follows may outweigh what came before ("...but what i enjoy is")."""

_CLAUSE = re.compile(r"[.,;:!?()]+|\s(?:but|though|although|however|yet|whereas|while)\s", re.I)
"""Where a negation stops: "i hate meetings, but love stats"."""


def _clauses(
    text: str,
    negators: frozenset[str],
    signals: PhraseTable[Any],
    reply_words: frozenset[str],
    backrefs: frozenset[str] = frozenset(),
) -> list[tuple[str, bool]]:
    """The clauses of ``text``, each with whether a short reply after it turns it
    around: "kubernetes? no thanks", "storytelling w data? not my thing at all" (a reply
    with a negator, no signal of its own and nothing else to say joins the clause before
    it; "love stats but hate programming" says something new)."""
    out: list[tuple[str, bool]] = []
    for clause in _CLAUSE.split(text):
        words = tokens(clause)
        # "presenting to the c-suite? i avoid it like the plague": a dislike of "it"
        # refers back as surely as a short "no thanks" does.
        refers = len(words) <= _BACK_REPLY and bool(backrefs & set(words))
        # "i want to build the pipelines, not analyze whats coming out of them": a
        # "not" before something of its own sets it against the clause before, it does
        # not turn that clause around ("not my thing" does).
        contrast = words[:1] == ["not"] and len(words) > 1 and words[1] not in reply_words
        reply = (
            not contrast
            and out
            and words
            and negators & set(words)
            and ((len(words) <= _SHORT_REPLY and set(words) <= reply_words) or refers)
            and not signals.contains(stems(words))
        )
        if reply:
            out[-1] = (f"{out[-1][0]} {clause}", True)
            # "java, scala, go... none of that appeals to me": "that" is the whole list.
            k = len(out) - 2
            while refers and k >= 0 and not out[k][1] and len(tokens(out[k][0])) <= _LIST_ITEM:
                out[k] = (out[k][0], True)
                k -= 1
        else:
            out.append((clause, False))
    return out


_CLAUSE_CACHE = 64
"""Messages whose clauses are kept: the one at hand, not a store of user text."""


@lru_cache(maxsize=_CLAUSE_CACHE)
def _clause_words(text: str) -> tuple[tuple[str, ...], ...]:
    """The words of each clause of ``text``: the advisor looks at the clauses of the
    message at hand several times, so they are split once."""
    return tuple(tuple(tokens(clause)) for clause in _CLAUSE.split(text))


def _within(words: tuple[str, ...], names: AbstractSet[tuple[str, ...]]) -> bool:
    """Whether ``words`` are one of ``names`` or part of one ("self driving car" in "self
    driving car engineer")."""
    n = len(words)
    return any(name[i : i + n] == words for name in names for i in range(len(name) - n + 1))


def _story_and_close(text: str) -> tuple[tuple[tuple[str, ...], ...], tuple[str, ...]]:
    """The clauses before the last one, and the last one ("...zero downtime", "thoughts?")."""
    clauses = tuple(c for c in _clause_words(text) if c)
    return clauses[:-1], clauses[-1] if clauses else ()


_EVEN_OUTWEIGHED = 2
"""Signals, all pointing one way, that outweigh the person's own "i like both the same"."""
_QUOTE_REACH = 3
"""A negator this close to a phrase is quoted with it ("hate devops")."""
_BACK_REPLY = 8
"""Words in a reply that refers back with a pronoun ("i avoid it like the plague")."""
_LIST_ITEM = 3
"""Words in a clause that is one item of a list ("java, scala, go")."""
_SHORT_REPLY = 5
"""Words in a reply ("no thanks", "not my thing at all") that refers to the clause
before it."""


def _quote(text: str, words: tuple[str, ...]) -> str:
    """The person's own spelling of ``words`` ("Java dev", not "java dev")."""
    pattern = r"\W+".join(re.escape(w) for w in words)
    match = re.search(pattern, text, flags=re.IGNORECASE)
    return match.group(0) if match else " ".join(words)

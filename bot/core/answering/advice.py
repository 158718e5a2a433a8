"""Advice for the person asking: which role their own words point to, every reason cited.

"been a Java dev for six years, is MLE or DS the better move for me?" is not a lookup.
The signals in ``knowledge/fit.yaml`` are matched in the message (negated ones, "hate
devops", point the other way), weighed, and turned into a leaning with one cited
reason per signal. The /fit quiz scores its answers with the same signals, so the two
can never disagree.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.core.answering.policy import Policy
from bot.core.answering.understanding import ROLE, Analysis
from bot.core.knowledge import FitSignal, Knowledge
from bot.core.phrases import PhraseTable
from bot.core.text import stem, tokens


@dataclass(frozen=True, slots=True)
class FoundSignal:
    signal: FitSignal
    text: str
    """The person's own words that gave it ("Java dev"), or the quiz answer."""
    role: str | None
    """The role it points to here: the signal's, or the other one when negated."""
    negated: bool = False

    @property
    def reason(self) -> str:
        return self.signal.against_reason if self.negated else self.signal.reason


@dataclass(frozen=True, slots=True)
class FitResult:
    role: str | None
    """The role the evidence leans to; None when it is balanced."""
    score: dict[str, int] = field(default_factory=dict)
    found: tuple[FoundSignal, ...] = ()


class Advisor:
    def __init__(
        self,
        knowledge: Knowledge,
        policy: Policy,
        topics_of: Callable[[str], frozenset[str]] = lambda term: frozenset(),
    ) -> None:
        self.knowledge = knowledge
        self.policy = policy
        self.topics_of = topics_of
        self.choosing_topic = knowledge.lexicon.topic_roles.choosing
        self.roles = tuple(r.id for r in knowledge.roles)
        cues = knowledge.lexicon.cues
        self.negators = cues.negators
        # "former biologist", "ex-teacher": describing oneself without an "i".
        self.self_reference = cues.self_reference | cues.self_words
        self.fit_words = cues.fit_words
        self.fit_phrases = PhraseTable.of(cues.fit_phrases)
        self.closing = PhraseTable.of(cues.closing_fit_phrases)
        self.after_negators = cues.after_negators
        self.alternative = cues.alternative
        self.comparative = cues.comparative
        self.openers = cues.question_openers
        self.compare = cues.compare
        self.why = cues.asks_why
        phrases: dict[tuple[str, ...], tuple[FitSignal, bool]] = {}
        for signal in knowledge.fit.signals:
            if signal.role is None:
                continue  # balanced answers exist only in the quiz
            # Plurals fold together: "regressions" is the "regression" signal.
            for phrase in signal.phrases:
                phrases.setdefault(_stems(phrase), (signal, False))
            for phrase in signal.against:
                phrases.setdefault(_stems(phrase), (signal, True))
        self.phrases = PhraseTable(phrases)

    def consider(
        self, text: str, analysis: Analysis, previous: Sequence[FoundSignal]
    ) -> tuple[str, FitResult] | None:
        """Advice, and the rule that gives it, when the message asks for it: the person
        describes themselves and asks which role fits ("been a java dev, mle or ds for
        me?"), asks for help choosing with nothing about themselves yet ("can't decide,
        help me pick one"), or follows up on advice ("why?", "and if I also like
        dashboards?"). A lookup that mentions a role is never advice."""
        found = self.find(text)
        if previous:
            adds = self.self_reference & set(tokens(text)) or analysis.words[:1] == ("and",)
            if found and not analysis.named_roles and adds:
                merged = {f.signal.id: f for f in previous} | {f.signal.id: f for f in found}
                return "advice-more", self.weigh(tuple(merged.values()))
            if analysis.content and set(analysis.content) <= self.why:
                return "advice-why", self.weigh(tuple(previous))
        if analysis.off_topic:
            return None
        words = tokens(text)
        fit_request = bool(
            self.fit_words & set(words)
            or analysis.choosing_phrase
            or self.fit_phrases.contains(words)
            or self.closing.ends(words)
        )
        opens = self._opens_with(text, found)
        about_self = bool(self.self_reference & set(words)) or opens or analysis.own_profession
        if analysis.professions and (analysis.compared_professions or not found):
            # "should i become a dentist or a vet", "is data engineering a good career",
            # "DS or software engineering for me?": other careers than ours.
            return None
        if analysis.unknown and not analysis.roles and not found and not fit_request:
            return None  # "git merge vs rebase, which should i use": not about careers
        # Asking which role fits, in so many words, or choosing between the two;
        # "which of the two involves more coding" compares them, it asks no advice.
        picks = analysis.which_cue and (not self.comparative & set(words) or opens)
        asks = bool(fit_request or analysis.choosing or analysis.either_or or picks)
        # The choice is between careers: a role is named, or fit is asked in words
        # ("where do i fit", "which path"), not "which should i use".
        about_roles = bool(analysis.roles or fit_request or analysis.choosing or analysis.which_cue)
        both = len(analysis.roles) > 1 and analysis.compare_cue
        if found and both and (about_self or self._only_about_self(text, analysis, found)):
            # "love stats and storytelling, ds vs mle?": their traits, then the two roles.
            return "advice", self.weigh(found)
        if found and about_self and not asks and self._only_about_self(text, analysis, found):
            # "stats grad here, ds or mle?" without the words: everything the message
            # says is about the person, and it ends as a question.
            return "advice", self.weigh(found)
        if not asks or not about_roles:
            return None
        if found and (about_self or (analysis.either_or and not self._asks_about_a_role(analysis))):
            # What people say about themselves ("java dev", "love stats"), with a
            # question about fit, is a request for advice.
            return "advice", self.weigh(found)
        short = len(analysis.content) <= self.policy.criteria_max_terms
        chooses = analysis.choosing or analysis.either_or
        if about_self and (fit_request or (short and chooses)):
            return "advice-criteria", self.weigh(())
        return None

    def _asks_about_a_role(self, analysis: Analysis) -> bool:
        """ "do ml engineers use notebooks or is that a ds thing": a question that opens
        on a role asks about that role, whatever else it names."""
        words = analysis.words
        reach = self.policy.role_question_reach
        return (
            bool(words)
            and words[0] in self.openers
            and any(w.startswith(ROLE) for w in words[1 : 1 + reach])
        )

    def _opens_with(self, text: str, found: Sequence[FoundSignal]) -> bool:
        """ "statistics phd. ds or mle?", "spent 3 years on spark clusters, which suits":
        a message that opens with a statement about the person, then asks. An opening
        question ("are design patterns important for ml eng") or comparison ("discovery
        vs implementation, which role is which") is not about the person."""
        clauses = [c for c in _CLAUSE.split(text) if tokens(c)]
        if len(clauses) < 2:
            return False
        first = tokens(clauses[0])
        if first[0] in self.openers or self.compare & set(first):
            return False
        return PhraseTable({tuple(tokens(f.text)): True for f in found}).contains(first)

    def _only_about_self(self, text: str, analysis: Analysis, found: Sequence[FoundSignal]) -> bool:
        """A question whose topic words are all the person's own signals: "physics grad
        here, ds?" is about fit; "physics grad here, do ds jobs need a phd?" asks about
        education, a lookup."""
        if not text.rstrip().endswith("?") and not analysis.roles:
            return False
        said = {w for f in found for w in tokens(f.text)}
        for term, word in analysis.surfaces:
            if word not in said and self.topics_of(term) - {self.choosing_topic}:
                return False
        return True

    def other(self, role: str | None) -> str | None:
        others = [r for r in self.roles if r != role]
        return others[0] if role is not None and len(others) == 1 else None

    def find(self, text: str) -> tuple[FoundSignal, ...]:
        """The signals in ``text``, each once, in the order they are said. A negator
        turns around what follows it in the same clause: "i dont enjoy system design or
        talking infra" says the opposite of both."""
        found: dict[str, FoundSignal] = {}
        every_negator = self.negators | self.after_negators
        for clause, turned in _clauses(text, every_negator, self.phrases):
            words = tokens(clause)
            for i, key, (signal, against) in self.phrases.scan([stem(w) for w in words]):
                if signal.id in found:
                    continue
                before = bool(self.negators & set(words[:i]))
                after = bool(self.after_negators & set(words[i + len(key) :]))
                negated = against != (before or after or turned)
                role = self.other(signal.role) if negated else signal.role
                said = tuple(words[i : i + len(key)])
                if before:  # quote "hate devops", not just "devops"
                    last = max(j for j, w in enumerate(words[:i]) if w in self.negators)
                    if i - last <= _QUOTE_REACH:
                        said = tuple(words[last : i + len(key)])
                found[signal.id] = FoundSignal(signal, _quote(clause, said), role, negated)
        return tuple(found.values())

    def weigh(self, found: Sequence[FoundSignal]) -> FitResult:
        score = dict.fromkeys(self.roles, 0)
        for item in found:
            if item.role is not None:
                score[item.role] += item.signal.weight
        ranked = sorted(score.items(), key=lambda kv: -kv[1])
        lead = ranked[0][1] - (ranked[1][1] if len(ranked) > 1 else 0)
        role = ranked[0][0] if lead >= self.policy.fit_margin else None
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


_CLAUSE = re.compile(r"[.,;:!?()]+|\s(?:but|though|although|however|yet|whereas|while)\s", re.I)
"""Where a negation stops: "i hate meetings, but love stats"."""


def _clauses(
    text: str, negators: frozenset[str], signals: PhraseTable[Any]
) -> list[tuple[str, bool]]:
    """The clauses of ``text``, each with whether a short reply after it turns it
    around: "kubernetes? no thanks", "storytelling w data? not my thing at all" (a reply
    with a negator and no signal of its own joins the clause before it)."""
    out: list[tuple[str, bool]] = []
    for clause in _CLAUSE.split(text):
        words = tokens(clause)
        reply = (
            out
            and words
            and len(words) <= _SHORT_REPLY
            and negators & set(words)
            and not signals.contains([stem(w) for w in words])
        )
        if reply:
            out[-1] = (f"{out[-1][0]} {clause}", True)
        else:
            out.append((clause, False))
    return out


_QUOTE_REACH = 3
"""A negator this close to a phrase is quoted with it ("hate devops")."""
_SHORT_REPLY = 5
"""Words in a reply ("no thanks", "not my thing at all") that refers to the clause
before it."""


def _stems(phrase: str) -> tuple[str, ...]:
    return tuple(stem(w) for w in tokens(phrase))


def _quote(text: str, words: tuple[str, ...]) -> str:
    """The person's own spelling of ``words`` ("Java dev", not "java dev")."""
    pattern = r"\W+".join(re.escape(w) for w in words)
    match = re.search(pattern, text, flags=re.IGNORECASE)
    return match.group(0) if match else " ".join(words)

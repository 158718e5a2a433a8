"""The coverage stage: what the question asked that the chosen entries do not cover.

A question has a focus (stress, weekends, certifications, how long, a country, a year,
another profession, two named tools) besides the roles it names. Role words alone
must not carry a match: "Is Data Scientist a Stressful Job?" is not answered by the
senior career path. This stage looks at the decided outcome and the question and
finds the gaps:

* **qualifiers** the article's scope leaves out: a year other than the article's, a
  place outside its US figures, another profession named beside our roles;
* **focus gaps**: what ``knowledge/coverage.yaml`` lists as not covered ("stressful",
  "bootcamp", "how long"), two tools compared with each other, and real English words
  the KB does not know, weighted by how rare they are in ordinary English.

A question with only qualifier gaps is *partly covered*: answered, with the gaps named.
One whose focus is not covered, and whose other words the entry does not answer
either, is *not covered*: declined, with the gaps named and the closest thing the
article does say.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.core.answering import english
from bot.core.answering.calibration import decline_cap
from bot.core.answering.decide import Decision
from bot.core.answering.matching import Index
from bot.core.answering.policy import Policy
from bot.core.answering.trace import Trace
from bot.core.answering.understanding import PROFESSION, ROLE, Analysis, Analyzer
from bot.core.knowledge import Entry, Gap, Knowledge
from bot.core.phrases import PhraseTable
from bot.core.text import plural, stem, stems, tokens

_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")


@dataclass(frozen=True, slots=True)
class Gaps:
    qualifiers: tuple[str, ...] = ()
    """Names of scope qualifiers the article leaves out ("salaries outside the US")."""
    focus: tuple[str, ...] = ()
    """Names of what the question is about that the article does not cover."""
    closest: Entry | None = None
    """The entry that comes closest to a focus gap, if the KB names one."""
    terms: frozenset[str] = frozenset()
    """The question's content terms that belong to a gap (not evidence for an entry)."""
    partly_closest: Entry | None = None
    """The entry that answers the covered part of a ``partly`` gap ("how to get a data
    science job": what the article says about portfolios and practical skills)."""
    definition: str = ""
    """The qualifier naming a field or tool asked to be defined ("a definition of SQL"):
    the entry the question lands on still says what the article says about it."""
    unknown: tuple[tuple[str, str], ...] = ()
    """(term, word) for real English words the KB doesn't know: a gap only when the
    question is short and the chosen entry explains little of it (see ``review``)."""

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.focus + self.qualifiers))


class CoverageJudge:
    def __init__(
        self,
        knowledge: Knowledge,
        analyzer: Analyzer,
        index: Index,
        policy: Policy,
        counterpart: Callable[[str], Entry | None],
    ) -> None:
        self.counterpart = counterpart
        self.knowledge = knowledge
        self.analyzer = analyzer
        self.index = index
        self.policy = policy
        self.decline_cap = decline_cap(policy)
        coverage = knowledge.coverage
        self.coverage = coverage
        # A phrase's value is its gap, or None for a place outside the article's figures.
        phrases: dict[tuple[str, ...], Gap | None] = {}
        # Keyed by word stems: a gap listed as "career switch" is also asked as "career
        # switches", and the lists should not have to spell every plural.
        for gap in coverage.gaps:
            for phrase in gap.phrases:
                phrases.setdefault(stems(tokens(phrase)), gap)
        for place in coverage.places:
            phrases.setdefault(stems(tokens(place)), None)
        self.phrases = PhraseTable(phrases)
        self.from_profession = tuple(g for g in coverage.gaps if g.from_profession)
        self.between_roles = tuple(g for g in coverage.gaps if g.between_roles)
        self.only_with = {
            g.name: PhraseTable({stems(tokens(p)): True for p in g.only_with})
            for g in coverage.gaps
            if g.only_with
        }
        self.not_before = {
            g.name: frozenset(stem(w) for p in g.not_before for w in tokens(p))
            for g in coverage.gaps
            if g.not_before
        }
        # The same gaps with articles dropped, looked up in the question with its role
        # names taken out: "get a data science job" asks about getting a job.
        self.articles = frozenset(coverage.articles)
        self.loose = PhraseTable(
            {self._bare(key): gap for key, gap in phrases.items() if gap is not None}
        )
        # A loose match needs a phrase's first and last words in the question: checked
        # first, so most questions never pay for taking the role names out.
        self.loose_ends: dict[str, set[str]] = {}
        for key in self.loose.table:
            if len(key) > 1:
                self.loose_ends.setdefault(key[0], set()).add(key[-1])
        definitions = coverage.definitions
        self.definition_asks = frozenset(definitions.asks)
        self.definition_words = frozenset(definitions.words)
        self.definition_subjects = PhraseTable.of(definitions.subjects)
        lexicon = knowledge.lexicon
        self.pay = lexicon.terms.pay
        self.tool_topic = lexicon.topic_roles.tools
        self.industries = PhraseTable.of(coverage.industry_specific.industries)
        self.asker_words = frozenset(coverage.industry_specific.asker_words)
        self.topic_names = {t.id: t.name.lower() for t in knowledge.topics}
        cues = lexicon.cues
        self.cue_words = cues.follow_up | cues.compare | cues.pronouns | cues.other_role
        self.alternative = cues.alternative
        self.self_words = cues.self_words
        self.move_from = cues.move_from
        self.move_to = cues.move_to
        self.role_change = cues.role_change
        self.openers = cues.question_openers
        # "machine", "learning", "science": the words of the roles' names and aliases.
        self.role_names = frozenset(
            w for r in knowledge.roles for a in (r.name, *r.aliases) for w in tokens(a)
        )
        # What the KB's answers (the article, in our words) mention anywhere: a word
        # outside it is something the article does not discuss.
        self.said = frozenset(
            _spelling(stem(w)) for e in knowledge.entries for w in tokens(e.answer)
        )
        n = max(len(index.docs), 1)
        # Terms in a large share of entries ("job", "career") say nothing specific.
        self.generic = frozenset(
            t for t, df in index.document_frequency().items() if df / n > policy.generic_share
        )

    # ------------------------------------------------------------------ finding gaps

    def find(self, analysis: Analysis) -> Gaps:
        """Every gap in the question, whatever entry answers it."""
        p = self.policy
        focus: list[str] = []
        qualifiers: list[str] = []
        terms: set[str] = set()
        closest: Entry | None = None
        partly_closest: Entry | None = None
        words = analysis.tokens
        surfaces = dict(analysis.surfaces)
        by_surface = {w: t for t, w in analysis.surfaces}
        pay = self.pay in analysis.content
        forms = stems(words)
        hits = [(words, *hit) for hit in self.phrases.scan(forms)]
        if self._may_match_loosely(forms):
            loose = self._bare(self.analyzer.without_roles(words))
            hits += [(loose, *hit) for hit in self.loose.scan(stems(loose))]
        # Moves between careers have no words of their own: hits without a phrase.
        hits += [((), 0, (), gap) for gap in self._moves(analysis)]
        for seen, i, key, gap in hits:
            if gap is None:
                place = " ".join(key)
                qualifiers.append(
                    self.coverage.salary_place_name
                    if pay
                    else self.coverage.place_name.format(place=place.title())
                )
            elif gap.name in focus or gap.name in qualifiers or self._background(seen, i, key):
                continue  # "been to a bootcamp": the asker's past, not the ask
            elif gap.name in self.only_with and not self.only_with[gap.name].contains(forms):
                continue  # "is ml worth it": a degree's worth only with a degree named
            elif self._followed_by(gap, seen, i + len(key)):
                continue  # "ml engineer hard skills": not how hard the job is
            elif gap.partly:
                qualifiers.append(gap.name)
                if gap.closest and partly_closest is None:
                    partly_closest = self.knowledge.by_id.get(gap.closest)
                continue  # its words are still the question's, for the entry to answer
            else:
                focus.append(gap.name)
                if gap.closest and closest is None:
                    closest = self.knowledge.by_id.get(gap.closest)
            terms.update(by_surface[w] for w in seen[i : i + len(key)] if w in by_surface)
        definition = ""
        if defined := self._defined(words):
            subjects = " and ".join(_as_written(analysis.text, s) for s in defined)
            definition = self.coverage.definitions.name.format(subject=subjects)
            qualifiers.append(definition)
        qualifiers += self._industry_specific(analysis)
        for year in _YEAR.findall(analysis.text):
            if int(year) not in self.coverage.article_years:
                qualifiers.append(self.coverage.year_name.format(year=year))
        if analysis.roles and not analysis.inherited_roles:
            for profession in analysis.professions:
                qualifiers.append(plural(profession))
                terms.add(stem(profession.replace(" ", "_")))
        tools = [
            t
            for t in analysis.content
            if self.tool_topic in self.analyzer.topics_of(t) and t not in self.generic
        ]
        asks_between = analysis.compare_cue or bool(self.alternative & set(analysis.tokens))
        names = [surfaces.get(t, t) for t in tools]
        if asks_between and len(names) < 2:
            # "pytorch or tensorflow" is one term ("framework") but two tools named.
            names = self._named_tools(analysis.tokens) or names
        if asks_between and not analysis.named_roles and len(names) >= 2:
            # The article names tools but never compares them with each other: what it
            # says about them is worth giving, with the comparison named as missing.
            a, b = (_as_written(analysis.text, tuple(n.split())) for n in names[:2])
            qualifiers.append(f"how {a} and {b} compare")
        unknown = tuple(
            (term, word)
            for term in analysis.unknown
            if term not in terms
            and (word := surfaces.get(term, term)) not in self.cue_words
            and p.english_word_zipf <= english.zipf(word) <= p.gap_max_zipf
        )
        return Gaps(
            tuple(dict.fromkeys(qualifiers)),
            tuple(dict.fromkeys(focus)),
            closest,
            frozenset(terms),
            partly_closest,
            definition,
            unknown,
        )

    def _industry_specific(self, analysis: Analysis) -> list[str]:
        """ "How to become a data scientist in healthcare", "a day in the life of an ML
        engineer in finance": the article names industries, but says nothing about
        education, daily work, skills or pay that is specific to one. An industry the
        asker comes from ("former retail manager") is their story, not the ask."""
        spec = self.coverage.industry_specific
        scores = analysis.topic_scores
        asked = [t for t in spec.topics if scores.get(t, 0.0) >= 1.0]
        if not asked:
            return []
        words = analysis.tokens
        for i, key, _ in self.industries.scan(words):
            after = words[i + len(key) : i + len(key) + 1]
            if not self._background(words, i) and self.asker_words.isdisjoint(after):
                industry = _as_written(analysis.text, key)
                return [spec.name.format(topic=self.topic_names[asked[0]], industry=industry)]
        return []

    # ------------------------------------------------------------------ judging

    def info(self, word: str) -> float:
        """How much a word says about what is asked, 0–1: rare in English says a lot
        ("stressful"), common says little ("really"); a word English doesn't know
        (jargon, a name, an uncorrected typo) counts in full."""
        p = self.policy
        zipf = english.zipf(word)
        if not zipf:
            return 1.0
        return min(1.0, max(0.0, (p.info_common_zipf - zipf) / p.info_span))

    def explained_share(self, analysis: Analysis, entry: Entry) -> float:
        """The share of the question's informative words the entry uses: an entry that
        explains "data scientist" but not "stressful" explains little of the question."""
        explained = self.explained((entry,))
        surfaces = dict(analysis.surfaces)
        total = covered = 0.0
        for term in analysis.content:
            weight = self.info(surfaces.get(term, term))
            total += weight
            covered += weight if term in explained else 0.0
        return covered / total if total else 1.0

    def explained(self, entries: tuple[Entry, ...]) -> frozenset[str]:
        """Terms the entries' phrasings or answers use."""
        if len(entries) == 1:
            return self.index.vocabulary(entries[0].id)
        return frozenset().union(*(self.index.vocabulary(e.id) for e in entries))

    def review(self, decision: Decision, analysis: Analysis, trace: Trace) -> Decision:
        """The decision, with what it leaves uncovered named, or turned into a decline
        when the question's focus is not covered at all."""
        gaps = self._with_unknown(self.find(analysis), analysis, decision)
        if not gaps.names:
            return self._doubtful(self._unsure(decision, analysis, trace), analysis)
        trace.add("coverage", focus=gaps.focus, qualifiers=gaps.qualifiers)
        if decision.kind in ("decline", "clarify"):
            # "a freelance data scientist's hourly rate": whatever the options offered,
            # say what the article doesn't cover.
            return self._doubtful(dataclasses.replace(decision, not_covered=gaps.names), analysis)
        if decision.kind not in ("answer", "compare"):
            return decision
        decision = self._toward_partly(decision, gaps, analysis)
        entries = (*decision.entries, *((decision.intro,) if decision.intro else ()))
        explained = self.explained(entries)
        surfaces = dict(analysis.surfaces)
        rest = [
            t
            for t in analysis.content
            if t not in gaps.terms
            and t not in self.generic
            and t in explained
            and (
                english.zipf(surfaces.get(t, t)) <= self.policy.specific_max_zipf
                or any(e.topic in self.analyzer.topics_of(t) for e in entries)
            )
        ]
        trace.add("coverage", answered_by_entry=rest)
        if not rest and gaps.focus:
            # Nothing specific the question asks is in the chosen entries: what is left
            # of the question is its gaps, and the entries answer something else.
            closest = self._for_role(gaps.closest, analysis)
            return Decision(
                "decline",
                "not-covered",
                min(decision.confidence, self.decline_cap),
                (closest,) if closest else (),
                not_covered=gaps.names,
            )
        return self._doubtful(
            dataclasses.replace(decision, rule=decision.rule + "+partly", not_covered=gaps.names),
            analysis,
        )

    def _doubtful(self, decision: Decision, analysis: Analysis) -> Decision:
        """An answer (or a did-you-mean) very unlikely to be right, with what it leaves
        out named, is no answer: the person is told what the article doesn't cover and
        shown the (first) entry as the closest it gets, as for a question it doesn't
        cover at all."""
        limit = (
            self.policy.doubt_clarify_confidence
            if decision.kind == "clarify"
            else self.policy.doubt_decline_confidence
        )
        if (
            decision.kind not in ("answer", "compare", "clarify")
            or not decision.not_covered
            or decision.confidence >= limit
            or not decision.entries
        ):
            return decision
        closest = self._for_role(decision.entries[0], analysis) or decision.entries[0]
        return Decision(
            "decline",
            decision.rule + "+doubt",
            min(decision.confidence, self.decline_cap),
            (closest,),
            not_covered=decision.not_covered,
            unsure=decision.unsure,
            # "and for beginners there?" still builds on what was asked.
            remember=decision.remember,
        )

    def _unsure(self, decision: Decision, analysis: Analysis, trace: Trace) -> Decision:
        """An answer more likely wrong than right names the informative words of the
        question its entries never use ("landscape", "challenges"): the person sees
        what the article may not cover instead of a confident-looking neighbour."""
        p = self.policy
        very = decision.confidence < p.very_unsure_confidence
        if (
            decision.kind not in ("answer", "compare", "clarify")
            or decision.confidence >= p.unsure_confidence
            or (len(analysis.content) > p.unknown_gap_max_terms and not very)
            or analysis.inherited_roles
            or analysis.followup_shape
            or self._foreign(analysis)
        ):
            return decision  # in a long message such words are the story around it
        entries = (*decision.entries, *((decision.intro,) if decision.intro else ()))
        explained = self.explained(entries)
        surfaces = dict(analysis.surfaces)
        # An answer very likely wrong names any real word of the question its entries
        # don't explain, even one the KB uses elsewhere or a common one ("struggle").
        most = p.very_unsure_max_zipf if very else p.gap_max_zipf
        words = tuple(
            dict.fromkeys(
                word
                for term in analysis.content
                if term not in explained
                and term not in self.generic
                and (word := surfaces.get(term, term)) not in self.cue_words
                and word.isalpha()
                and len(word) >= _DOUBT_MIN_LETTERS
                and (word not in self.role_names if very else self._unsaid(word))
                and p.english_word_zipf <= english.zipf(word) <= most
            )
        )
        if not words:
            return decision
        trace.add("coverage", unsure=words)
        return dataclasses.replace(
            decision, rule=decision.rule + "+unsure", not_covered=words, unsure=True
        )

    def _foreign(self, analysis: Analysis) -> bool:
        """Whether the question is mostly in a language we don't translate: its words
        that are English too ("die", "se") are not what it asks about."""
        p = self.policy
        surfaces = dict(analysis.surfaces)
        foreign = sum(
            english.zipf(surfaces.get(t, t)) < p.english_word_zipf for t in analysis.unknown
        )
        return foreign >= p.foreign_unknown_words

    def _unsaid(self, word: str) -> bool:
        """Whether no answer in the KB mentions ``word`` (in any spelling we fold)."""
        return _spelling(stem(word)) not in self.said

    def _toward_partly(self, decision: Decision, gaps: Gaps, analysis: Analysis) -> Decision:
        """A question about what the article covers only in part ("how do I get a data
        science job") is answered by that part, not by whatever shares its words."""
        closest = gaps.partly_closest
        if closest is None or decision.kind != "answer":
            return decision
        if any(e.topic == closest.topic for e in decision.entries):
            return decision
        entry = self._for_role(closest, analysis) or closest
        return dataclasses.replace(decision, rule=decision.rule + "+closest", entries=(entry,))

    def _named_tools(self, words: tuple[str, ...]) -> list[str]:
        """The tools a question names word by word, each once as written: synonyms fold
        "pytorch" and "tensorflow" into one term, but the question names two."""
        named = []
        for word in dict.fromkeys(words):
            terms = self.analyzer.terms(word)
            if (
                terms
                and not terms & self.generic
                and any(self.tool_topic in self.analyzer.topics_of(t) for t in terms)
            ):
                named.append(word)
        return named

    def _followed_by(self, gap: Gap, words: Sequence[str], end: int) -> bool:
        """Whether the word after a gap's phrase is one that makes it something else."""
        after = self.not_before.get(gap.name)
        return bool(after) and end < len(words) and stem(words[end]) in after

    def _may_match_loosely(self, words: tuple[str, ...]) -> bool:
        present = set(words)
        return any(
            not self.loose_ends[w].isdisjoint(present) for w in present if w in self.loose_ends
        )

    def _bare(self, words: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(w for w in words if w not in self.articles)

    def _defined(self, words: tuple[str, ...]) -> list[tuple[str, ...]]:
        """The fields or tools a question asks to have defined: "what is data science",
        "ML Ops, what is it?", "difference between ML and data science"; nothing when
        any other word is asked ("what is data science salary"). A second ask after
        "and" ("..., and what does the job involve?") is answered on its own."""
        window = self.policy.second_ask_window
        for i in range(1, len(words) - 1):
            if words[i] == "and" and not self.openers.isdisjoint(words[i + 1 : i + 1 + window]):
                words = words[:i]
                break
        subjects: list[tuple[str, ...]] = []
        asked = False
        i = 0
        while i < len(words):
            hit = self.definition_subjects.at(words, i)
            if subjects and words[i] == "".join(w[0] for w in subjects[-1]):
                i += 1  # "Deep Learning (DL)": the initials repeat the subject
            elif hit is not None:
                subjects.append(hit[0])
                i += len(hit[0])
            elif words[i] in self.definition_words:
                asked = asked or words[i] in self.definition_asks
                i += 1
            else:
                return []
        return list(dict.fromkeys(subjects)) if asked else []

    def _background(self, words: tuple[str, ...], i: int, key: tuple[str, ...] = ()) -> bool:
        """Whether the phrase at ``i`` describes the asker ("im 45", "been to a
        bootcamp", "former phd student") rather than what they ask about. A phrase that
        is itself a question ("I am 26. Am I too old...?") is the ask."""
        if key and key[0] in self.openers:
            return False
        start = max(0, i - self.policy.background_window)
        for j in range(start, i):
            if words[j] in self.self_words:
                return not self.analyzer.compared_from(words, j)
        return False

    def _moves(self, analysis: Analysis) -> tuple[Gap, ...]:
        """The gaps a move between careers asks about: from another profession to ours
        (a profession after "from" is read as the asker's own, so only then), or from
        one of our roles to the other."""
        gaps: tuple[Gap, ...] = ()
        if analysis.own_profession and self._moves_from_profession(analysis.words):
            gaps += self.from_profession
        if len(analysis.named_roles) > 1 and self._changes_role(analysis.words):
            gaps += self.between_roles
        return gaps

    def _moves_from_profession(self, words: tuple[str, ...]) -> bool:
        """ "go from backend developer to MLE", "from a nurse into data science": a move
        from another profession, whatever verb says it."""
        return any(
            word.startswith(PROFESSION)
            and self._after_from(words, i)
            and not self.move_to.isdisjoint(words[i + 1 :])
            for i, word in enumerate(words)
        )

    def _changes_role(self, words: tuple[str, ...]) -> bool:
        """ "can a DS become an MLE", "switch from ds to mle": a move from one of our
        roles to the other, which the article never discusses."""
        marks = [(i, w) for i, w in enumerate(words) if w.startswith(ROLE)]
        for (i, a), (k, b) in itertools.pairwise(marks):
            between = set(words[i + 1 : k])
            moved = between & self.move_to and self._after_from(words, i)
            if a != b and (between & self.role_change or moved):
                return True
        return False

    def _after_from(self, words: tuple[str, ...], i: int) -> bool:
        """Whether "from" stands just before ``words[i]`` ("from a nurse", "from being a
        senior"), within the window that describes the asker."""
        return not self.move_from.isdisjoint(words[max(0, i - self.policy.background_window) : i])

    def _with_unknown(self, gaps: Gaps, analysis: Analysis, decision: Decision) -> Gaps:
        """Unknown words name a gap only in a short question that the decided entry
        answers little of: in a long message they are the story around the question
        ("ugh", "roommate", "minecraft"), and an entry that explains the rest of a short
        one is answering it."""
        p = self.policy
        if not gaps.unknown or len(analysis.content) > p.unknown_gap_max_terms:
            return gaps
        if decision.entries:
            share = self.explained_share(analysis, decision.entries[0])
            if share >= p.unknown_gap_share:
                return gaps
        words = tuple(word for _, word in gaps.unknown)
        return dataclasses.replace(
            gaps,
            focus=tuple(dict.fromkeys(gaps.focus + words)),
            terms=gaps.terms | {term for term, _ in gaps.unknown},
        )

    def _for_role(self, entry: Entry | None, analysis: Analysis) -> Entry | None:
        """The closest entry about the role asked ("do MLEs need a PhD" gets the MLE
        side of an entry written for data scientists), when there is one."""
        if entry is None or len(analysis.named_roles) != 1:
            return entry
        (role,) = analysis.named_roles
        if role in entry.roles:
            return entry
        other = self.counterpart(entry.id)
        return other if other is not None and role in other.roles else entry


_DOUBT_MIN_LETTERS = 3
"""A doubt is a word, not a fragment: "e" of "e-commerce", Portuguese "o"."""


def _spelling(word: str) -> str:
    """British and American spellings as one ("specialising", "specializing")."""
    return word.replace("yz", "ys").replace("iz", "is")


def _as_written(text: str, phrase: tuple[str, ...]) -> str:
    """The phrase as the person wrote it ("SQL", "Machine Learning")."""
    found = re.search(r"\W+".join(map(re.escape, phrase)), text, re.IGNORECASE)
    return found.group(0) if found else " ".join(phrase)

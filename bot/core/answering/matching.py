"""The retrieve stage: ranking KB entries for an analysed question.

Word importance does the routing (a word shared with few entries says more than one
shared with many), the detected slots (roles, level, topic) settle ties between
siblings, and RapidFuzz re-ranks the short list for phrasing similarity. Candidates
come from an inverted index, so cost grows with the entries that share a word with
the question, not with the size of the KB.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from rapidfuzz import fuzz, process

from bot.core.answering.policy import Policy
from bot.core.answering.understanding import Analysis, Analyzer
from bot.core.knowledge import Entry, Knowledge

RAPIDFUZZ_SCALE = 100.0
"""RapidFuzz scores run from 0 to 100; candidates carry 0–1."""


class Candidate(NamedTuple):
    """One ranked entry. A named tuple, not a frozen dataclass: every search builds
    thirty of them, and a tuple is built in one step instead of one setattr per field."""

    entry: Entry
    score: float
    lexical: float
    coverage: float
    fuzzy: float
    slots: float

    def row(self) -> str:
        """How ``--explain`` shows the candidate."""
        return (
            f"{self.score:6.3f}  {self.entry.id:<30} lexical {self.lexical:.3f}  "
            f"fuzzy {self.fuzzy:.2f}  slots {self.slots:+.2f}"
        )


@dataclass(frozen=True, slots=True)
class _Doc:
    entry: Entry
    phrasings: tuple[frozenset[str], ...]
    sizes: tuple[float, ...]
    texts: tuple[str, ...]
    union: frozenset[str]
    answer: frozenset[str]
    holders: dict[str, tuple[int, ...]] = field(default_factory=dict)
    """Term → the indexes of the phrasings that use it: a question's few terms reach
    the phrasings they share without a set intersection per phrasing."""


class Index:
    """Entries analysed once at load, with IDF weights and posting lists."""

    def __init__(self, knowledge: Knowledge, analyzer: Analyzer, policy: Policy) -> None:
        self.analyzer = analyzer
        self.policy = p = policy
        docs: list[_Doc] = []
        for entry in knowledge.entries:
            analyses = [analyzer.analyse(p) for p in entry.phrasings]
            phrasings = tuple(frozenset(a.content) for a in analyses)
            answer = frozenset(analyzer.analyse(entry.answer).content)
            docs.append(
                _Doc(
                    entry=entry,
                    phrasings=phrasings,
                    sizes=(),
                    texts=tuple(" ".join(a.content) for a in analyses),
                    union=frozenset().union(*phrasings),
                    answer=answer,
                )
            )
        self.docs = tuple(docs)
        n = len(docs)
        df_phr: dict[str, int] = defaultdict(int)
        df_ans: dict[str, int] = defaultdict(int)
        postings: dict[str, list[int]] = defaultdict(list)
        answer_postings: dict[str, list[int]] = defaultdict(list)
        for i, doc in enumerate(docs):
            for term in doc.union:
                df_phr[term] += 1
                postings[term].append(i)
            for term in doc.answer - doc.union:
                df_ans[term] += 1
                answer_postings[term].append(i)
        terms = set(df_phr) | set(df_ans)
        self.idf = {
            t: math.log(1 + n / (1 + df_phr.get(t, 0) + p.answer_df_weight * df_ans.get(t, 0)))
            for t in terms
        }
        # Question words are rare in phrasings but say little about the subject: "why
        # are DSs expected to have business skills" is not the "why do MLEs earn more"
        # entry. Their weight is capped at that of a common word.
        for t in knowledge.lexicon.cues.question_words & self.idf.keys():
            self.idf[t] = min(self.idf[t], p.question_word_idf)
        self.max_idf = math.log(1 + n)
        self.postings = {t: tuple(v) for t, v in postings.items()}
        self.answer_postings = {t: tuple(v) for t, v in answer_postings.items()}
        self.posting_sets = {t: frozenset(v) for t, v in postings.items()}
        self.answer_sets = {t: frozenset(v) for t, v in answer_postings.items()}
        self.docs = tuple(
            _Doc(
                d.entry,
                d.phrasings,
                tuple(sum(self.idf[t] for t in p) for p in d.phrasings),
                d.texts,
                d.union,
                d.answer,
                {t: tuple(k for k, phr in enumerate(d.phrasings) if t in phr) for t in d.union},
            )
            for d in docs
        )
        kinds: dict[tuple[tuple[str, ...], str | None, str], int] = {}
        self.kind_of = tuple(
            kinds.setdefault((d.entry.roles, d.entry.level, d.entry.topic), len(kinds))
            for d in docs
        )
        """Each entry's kind (roles, level, topic): slot agreement is scored once per kind."""
        self.kinds = len(kinds)
        self.by_id = {doc.entry.id: i for i, doc in enumerate(docs)}
        self._vocabulary = tuple(d.union | d.answer for d in docs)

    def vocabulary(self, entry_id: str) -> frozenset[str]:
        """Every term the entry's phrasings or answer use (computed once at load)."""
        return self._vocabulary[self.by_id[entry_id]]

    def document_frequency(self) -> dict[str, int]:
        """How many entries use each term, in a phrasing or the answer."""
        return {
            t: len(self.postings.get(t, ())) + len(self.answer_postings.get(t, ()))
            for t in self.idf
        }

    def weight(self, term: str) -> float:
        """How much a query word says: rare in the KB says a lot. Words the KB never
        uses weigh nothing here; the confidence accounts for them instead."""
        return self.idf.get(term, 0.0)

    def search(self, analysis: Analysis, limit: int | None = None) -> list[Candidate]:
        p = self.policy
        limit = limit or p.shortlist
        terms = [t for t in analysis.content if t in self.idf]
        if not terms:
            return []
        weights = {t: self.idf[t] for t in terms}
        total = sum(weights.values())
        admitted, common = self._split(terms)
        cover: dict[int, float] = defaultdict(float)
        extra: dict[int, float] = defaultdict(float)
        for t in admitted:
            w = weights[t]
            for i in self.postings.get(t, ()):
                cover[i] += w
            for i in self.answer_postings.get(t, ()):
                extra[i] += w
        pool = set(cover) | set(extra)
        if not pool:
            return []
        for t in common:  # only add to candidates the rare words found
            w = weights[t]
            hits, more = self.posting_sets.get(t, frozenset()), self.answer_sets.get(t, frozenset())
            for i in pool:
                if i in hits:
                    cover[i] += w
                elif i in more:
                    extra[i] += w
        if len(pool) <= p.shortlist_rough:
            shortlist = list(pool)  # few candidates: all go on, the final ranking sorts them
        else:
            answer_weight = p.rough_answer_weight
            rough = {i: cover.get(i, 0.0) + answer_weight * extra.get(i, 0.0) for i in pool}
            shortlist = heapq.nlargest(p.shortlist_rough, pool, key=rough.__getitem__)
        query = frozenset(terms)
        scored = []
        # Slot agreement depends only on an entry's kind, and a KB has far fewer kinds
        # than the forty entries a search weighs: each is scored once per question.
        slots: list[float | None] = [None] * self.kinds
        kind_of = self.kind_of
        w_dice, w_contained = p.w_dice, p.w_contained
        w_coverage, w_answer = p.w_coverage, p.w_answer
        contained_scale = min(1.0, len(query) / p.contained_full_at)
        docs = self.docs
        for i in shortlist:
            doc = docs[i]
            coverage, answer_cover = cover.get(i, 0.0) / total, extra.get(i, 0.0) / total
            dice = contained = 0.0
            shared: dict[int, float] = {}
            holders = doc.holders
            for t in query & doc.union:
                w = weights[t]
                for k in holders[t]:
                    shared[k] = shared.get(k, 0.0) + w
            sizes = doc.sizes
            for k, weight in shared.items():
                size = sizes[k]
                d = 2 * weight / (total + size)
                if d > dice:
                    dice = d
                # How much of a phrasing the question contains: the signal that
                # survives in long messages, where the question is a small part.
                if size and weight / size > contained:
                    contained = weight / size
            lexical = (
                w_dice * dice
                + w_contained * contained * contained_scale
                + w_coverage * coverage
                + w_answer * answer_cover
            )
            slot = slots[kind_of[i]]
            if slot is None:
                slot = slots[kind_of[i]] = _slot_score(analysis, doc.entry, p)
            scored.append((lexical + slot, lexical, coverage + answer_cover, i))
        best = heapq.nlargest(limit, scored)
        query_text = " ".join(analysis.content)
        result = []
        for rank, (base, lexical, coverage, i) in enumerate(best):
            doc = self.docs[i]
            # Fuzzy similarity only re-ranks the head of the list: it buys typo and
            # word-order tolerance where it can change the answer, at a fixed cost.
            fuzzy = 0.0
            if rank < p.fuzzy_rerank:
                # One C call per entry, not one Python call per phrasing.
                top = process.extractOne(
                    query_text, doc.texts, scorer=fuzz.token_sort_ratio, processor=None
                )
                fuzzy = (top[1] if top else 0.0) / RAPIDFUZZ_SCALE
            result.append(
                Candidate(
                    doc.entry,
                    base + p.fuzzy_weight * fuzzy,
                    lexical,
                    min(coverage, 1.0),
                    fuzzy,
                    base - lexical,
                )
            )
        result.sort(key=lambda c: c.score, reverse=True)
        return result

    def _split(self, terms: list[str]) -> tuple[list[str], list[str]]:
        """Rare words bring candidates in; a word shared by a large part of the KB only
        adds to candidates already found, so cost follows the question's rare words,
        not the size of the KB."""
        cap = max(self.policy.rare_df, len(self.docs) // self.policy.rare_share)
        ordered = sorted(terms, key=lambda t: self.idf[t], reverse=True)
        admitted, common = [], []
        for t in ordered:
            df = len(self.postings.get(t, ())) + len(self.answer_postings.get(t, ()))
            (admitted if df <= cap or not admitted else common).append(t)
        return admitted, common


def _slot_score(analysis: Analysis, entry: Entry, p: Policy) -> float:
    """Agreement between what the question is about and what the entry is about."""
    score = 0.0
    asked = analysis.roles
    about = set(entry.roles)
    # Roles borrowed from the previous turn are a hint, named roles a requirement.
    soft = analysis.inherited_roles
    if len(asked) == 1:
        (role,) = asked
        if role not in about:
            score -= p.role_mismatch_soft if soft else p.role_mismatch
        elif len(about) == 1:
            score += p.role_match_soft if soft else p.role_match
        else:
            score += p.role_in_pair
    elif len(asked) > 1:
        score += p.pair_match if len(about) > 1 else -p.pair_mismatch
    else:
        score += p.no_role_pair if len(about) > 1 else 0.0
    if analysis.level:
        if entry.level == analysis.level:
            score += p.level_match
        elif entry.level is not None:
            score -= p.level_mismatch
    elif entry.level is not None:
        score -= p.level_unasked
    if analysis.previous_topic == entry.topic:
        score += p.continuity
    if analysis.topic_scores:
        best = max(analysis.topic_scores.values())
        if best > 0:
            score += p.topic_weight * analysis.topic_scores.get(entry.topic, 0.0) / best
    return score

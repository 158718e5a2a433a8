"""Ranking KB entries for an analysed question.

Word importance does the routing (a word shared with few entries says more than one
shared with many), the detected slots (roles, level, topic) settle ties between
siblings, and RapidFuzz re-ranks the short list for phrasing similarity. Candidates
come from an inverted index, so cost grows with the entries that share a word with
the question, not with the size of the KB.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from rapidfuzz import fuzz

from bot.core.knowledge import Entry, Knowledge
from bot.core.understanding import Analysis, Analyzer

SHORTLIST = 30


@dataclass(frozen=True, slots=True)
class Candidate:
    entry: Entry
    score: float
    lexical: float
    coverage: float
    fuzzy: float
    slots: float


@dataclass(frozen=True, slots=True)
class _Doc:
    entry: Entry
    phrasings: tuple[frozenset[str], ...]
    texts: tuple[str, ...]
    union: frozenset[str]
    answer: frozenset[str]


class Index:
    """Entries analysed once at load, with IDF weights and posting lists."""

    def __init__(self, knowledge: Knowledge, analyzer: Analyzer) -> None:
        self.analyzer = analyzer
        docs: list[_Doc] = []
        for entry in knowledge.entries:
            analyses = [analyzer.analyse(p) for p in entry.phrasings]
            phrasings = tuple(frozenset(a.content) for a in analyses)
            answer = frozenset(analyzer.analyse(entry.answer).content)
            docs.append(
                _Doc(
                    entry=entry,
                    phrasings=phrasings,
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
            t: math.log(1 + n / (1 + df_phr.get(t, 0) + 0.5 * df_ans.get(t, 0))) for t in terms
        }
        self.max_idf = math.log(1 + n)
        self.postings = {t: tuple(v) for t, v in postings.items()}
        self.answer_postings = {t: tuple(v) for t, v in answer_postings.items()}
        self.by_id = {doc.entry.id: i for i, doc in enumerate(docs)}

    def weight(self, term: str) -> float:
        """How much a query word says: rare in the KB says a lot. Words the KB never
        uses weigh nothing here; the confidence accounts for them instead."""
        return self.idf.get(term, 0.0)

    def search(self, analysis: Analysis, limit: int = SHORTLIST) -> list[Candidate]:
        terms = analysis.content
        weights = {t: self.weight(t) for t in terms}
        total = sum(weights.values()) or 1.0
        cover: dict[int, float] = defaultdict(float)
        extra: dict[int, float] = defaultdict(float)
        for term in terms:
            for i in self.postings.get(term, ()):
                cover[i] += weights[term]
            for i in self.answer_postings.get(term, ()):
                extra[i] += weights[term]
        pool = set(cover) | set(extra)
        if not pool:
            return []
        rough = sorted(pool, key=lambda i: cover.get(i, 0.0) + 0.4 * extra.get(i, 0.0), reverse=True)
        shortlist = rough[: max(limit * 3, 60)]
        query_text = " ".join(terms)
        out = []
        for i in shortlist:
            doc = self.docs[i]
            coverage = cover.get(i, 0.0) / total
            answer_cover = extra.get(i, 0.0) / total
            dice = 0.0
            for phr in doc.phrasings:
                shared = sum(weights[t] for t in terms if t in phr)
                if shared:
                    size = sum(self.weight(t) for t in phr)
                    dice = max(dice, 2 * shared / (total + size))
            lexical = 0.5 * dice + 0.4 * coverage + 0.25 * answer_cover
            slots = _slot_score(analysis, doc.entry)
            out.append((i, lexical, coverage + answer_cover, slots))
        out.sort(key=lambda x: x[1] + x[3], reverse=True)
        result = []
        for i, lexical, coverage, slots in out[:limit]:
            doc = self.docs[i]
            fuzzy = max(
                (fuzz.token_sort_ratio(query_text, text, processor=None) for text in doc.texts),
                default=0.0,
            ) / 100.0
            score = lexical + 0.15 * fuzzy + slots
            result.append(Candidate(doc.entry, score, lexical, min(coverage, 1.0), fuzzy, slots))
        result.sort(key=lambda c: c.score, reverse=True)
        return result


def _slot_score(analysis: Analysis, entry: Entry) -> float:
    """Agreement between what the question is about and what the entry is about."""
    score = 0.0
    asked = analysis.roles
    about = set(entry.roles)
    if len(asked) == 1:
        (role,) = asked
        if role not in about:
            score -= 0.35
        elif len(about) == 1:
            score += 0.12
        else:
            score += 0.03
    elif len(asked) > 1:
        score += 0.1 if len(about) > 1 else -0.02
    else:
        score += 0.02 if len(about) > 1 else 0.0
    if analysis.level:
        if entry.level == analysis.level:
            score += 0.12
        elif entry.level is not None:
            score -= 0.15
    elif entry.level is not None:
        score -= 0.05
    if analysis.topic_scores:
        best = max(analysis.topic_scores.values())
        if best > 0:
            score += 0.08 * analysis.topic_scores.get(entry.topic, 0.0) / best
    return score

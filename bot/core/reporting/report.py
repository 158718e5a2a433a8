"""The maintainers' report: what people asked that the KB could not answer, which
answers people dislike, and where the questions go.

This is how the KB gets better, so the report must put *one* gap on *one* line: the
same missing question arrives in many wordings ("dentist salary", "salary of
dentists", "how much do dentists make"), and ten lines of one question hide the next
gap. Questions are therefore grouped by meaning before counting:

1. :func:`group_key` turns a question into a canonical key: the shared normaliser
   (``bot.core.text``, the same one the matcher uses), a light stemmer, a handful of
   pay synonyms folded into ``salary`` (the single most common paraphrase family in a
   careers channel), duplicates dropped and tokens sorted, so word order and
   "dentist"/"dentists" stop mattering.
2. :func:`similarity` compares keys with RapidFuzz: ``token_sort_ratio`` (catches
   typos) and, when both keys have two or more tokens and differ by at most one,
   ``token_set_ratio`` (forgives one extra word). The guards avoid ``token_set_ratio``'s
   trap of scoring 100 whenever one side is a subset, which would merge every
   "X salary" into "salary" and every ML-engineer question into "ml engineer".
3. Keys are grouped greedily, most frequent first: each joins the first group whose
   leader scores at least ``threshold`` (default :data:`GROUP_THRESHOLD`), else leads a
   new group. Most-frequent-first makes the leader the wording people actually use.

Each group also names the nearest KB entry (same key and scorer over every phrasing)
so a maintainer sees at once whether to add an alternate or write a new entry.

``build_report`` reads an open store (``/kb gaps``) or opens a database file itself,
read-only (``careerbot report``); ``compile_report`` does the same from plain query
results, for tests and front ends that already hold them. A report that could not read
its data is an error, never an empty report: "0 unanswered questions" from a damaged
file would tell maintainers there is nothing to fix. Presenting a :class:`Report` is the front ends'
job: ``bot.report_view`` (text and JSON for the terminal) and ``bot.ui.embeds``
(``/kb gaps``).
"""

from __future__ import annotations

import asyncio
import os
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from rapidfuzz import fuzz, process

from bot.core.knowledge import Knowledge, Lexicon
from bot.core.storage.postgres import DriverMissingError
from bot.core.storage.selection import Database, DurableStore
from bot.core.storage.sqlite import (
    DAY,
    QuestionRecord,
    SqliteStore,
    TopicVolume,
    VoteCount,
)
from bot.core.text import content_tokens, stem

GROUP_THRESHOLD = 85.0
"""Measured on paraphrase pairs: same-question wordings and typos score 96-100,
different questions sharing a word ("data analyst career"/"data analyst salary") 79."""
DEFAULT_LIMIT = 20
DEFAULT_MIN_VOTES = 3
EXAMPLES_PER_GROUP = 3
MAX_GROUPED = 5000
"""Only the most recent this many unanswered questions are grouped: grouping costs
O(questions x groups) (about 1 s for 3,000 all-different questions), and the newest
gaps are the ones worth fixing. Totals are still counted over everything."""
UNROUTED = "(no topic)"


class ReportError(Exception):
    """The report cannot be built (for example, there is no database at that path)."""


class ReportSource(Protocol):
    """What a report reads: the store's three report queries, and how many reads failed
    (a failed read returns an empty default, which must not pass for "nothing asked")."""

    failed_reads: int

    async def unanswered(
        self, *, guild_id: int | None = None, since: float | None = None, limit: int | None = None
    ) -> list[QuestionRecord]: ...

    async def feedback_stats(
        self, *, guild_id: int | None = None, since: float | None = None
    ) -> dict[str, VoteCount]: ...

    async def topic_volume(
        self, *, guild_id: int | None = None, since: float | None = None
    ) -> list[TopicVolume]: ...


# ---------------------------------------------------------------------------- model


@dataclass(frozen=True, slots=True)
class NearestEntry:
    entry_id: str
    score: float


@dataclass(frozen=True, slots=True)
class GapGroup:
    """Paraphrases of one unanswered question, counted together."""

    representative: str
    count: int
    statuses: Mapping[str, int]
    examples: tuple[str, ...]
    guilds: int
    last_seen: float
    nearest: NearestEntry | None


@dataclass(frozen=True, slots=True)
class EntryRating:
    entry_id: str
    question: str | None
    """The entry's canonical question, or None if it is no longer in the KB."""
    up: int
    down: int

    @property
    def total(self) -> int:
        return self.up + self.down

    @property
    def down_share(self) -> float:
        return self.down / self.total if self.total else 0.0


@dataclass(frozen=True, slots=True)
class TopicLine:
    topic: str | None
    name: str
    questions: int
    unanswered: int


@dataclass(frozen=True, slots=True)
class Report:
    generated_at: float
    guild_id: int | None
    since: float | None
    questions: int
    unanswered: int
    gaps: tuple[GapGroup, ...]
    worst: tuple[EntryRating, ...]
    topics: tuple[TopicLine, ...]
    min_votes: int


# ---------------------------------------------------------------------------- grouping


def group_key(text: str, lexicon: Lexicon) -> str:
    """Canonical key of a question: content tokens, stemmed, pay words folded, sorted.

    Only the lexicon's pay words are folded: folding a topic's whole vocabulary (python,
    sql, docker... -> "skills") would merge distinct gaps such as "rust for ml" and
    "julia for ml"."""
    tokens = (stem(t) for t in content_tokens(text, lexicon.stop_words))
    folded = (lexicon.terms.pay if t in lexicon.pay_words else t for t in tokens)
    return " ".join(sorted(dict.fromkeys(folded)))


def similarity(a: str, b: str, **_: Any) -> float:
    """How alike two keys are (0-100). Accepts RapidFuzz's scorer keyword arguments.

    ``token_set_ratio`` is consulted only when both keys have two or more tokens and
    differ in length by at most one: it then forgives one extra word ("dentist salary
    uk") without its subset trap, where "ml engineer" would score 100 against every
    question that mentions ML engineers.
    """
    score = fuzz.token_sort_ratio(a, b, processor=None)
    na, nb = a.count(" ") + 1, b.count(" ") + 1
    if min(na, nb) >= 2 and abs(na - nb) <= 1:
        score = max(score, fuzz.token_set_ratio(a, b, processor=None))
    return float(score)


class _KeyIndex:
    """Keys searchable by :func:`similarity`, at C speed.

    ``similarity`` is the max of two RapidFuzz scorers, so the best match is the better
    of two ``extractOne`` scans: ``token_sort_ratio`` over every key, and
    ``token_set_ratio`` over only the keys whose token count ``similarity`` would let it
    apply to. Same answer as ``extractOne(scorer=similarity)``, without a Python call per
    pair (3,000 distinct questions: seconds → a fraction of one).
    """

    def __init__(self, keys: Iterable[str] = ()) -> None:
        self.keys: list[str] = []
        self._by_count: dict[int, tuple[list[str], list[int]]] = {}
        for key in keys:
            self.add(key)

    def add(self, key: str) -> int:
        position = len(self.keys)
        self.keys.append(key)
        keys, positions = self._by_count.setdefault(_count(key), ([], []))
        keys.append(key)
        positions.append(position)
        return position

    def best(
        self, key: str, cutoff: float = 0.0, *, extra_word: bool = True
    ) -> tuple[int, float] | None:
        """(position, score) of the most similar key at or above ``cutoff``; the earliest
        key wins a tie, so greedy grouping joins the bigger group. ``extra_word=False``
        scores with ``token_sort_ratio`` alone."""
        # Keys are already sorted tokens, so plain ``ratio`` *is* ``token_sort_ratio``
        # here, minus re-splitting and re-sorting every choice on every call.
        found = process.extractOne(
            key, self.keys, scorer=fuzz.ratio, processor=None, score_cutoff=cutoff
        )
        best = (found[2], float(found[1])) if found else None
        n = _count(key)
        if n < 2 or not extra_word:
            return best
        for m in range(max(2, n - 1), n + 2):
            if m not in self._by_count:
                continue
            keys, positions = self._by_count[m]
            hit = process.extractOne(
                key, keys, scorer=fuzz.token_set_ratio, processor=None, score_cutoff=cutoff
            )
            if hit is None:
                continue
            candidate = (positions[hit[2]], float(hit[1]))
            if best is None or (candidate[1], -candidate[0]) > (best[1], -best[0]):
                best = candidate
        return best


def _count(key: str) -> int:
    return key.count(" ") + 1 if key else 0


def group_questions(
    records: Iterable[QuestionRecord],
    knowledge: Knowledge,
    *,
    threshold: float = GROUP_THRESHOLD,
    limit: int | None = None,
) -> list[GapGroup]:
    """Group unanswered questions by meaning (see module docstring), biggest first.

    Only the first ``limit`` groups are returned (and only they get a nearest entry).
    """
    by_key: dict[str, list[QuestionRecord]] = {}
    for record in records:
        key = group_key(record.normalised, knowledge.lexicon)
        if key:
            by_key.setdefault(key, []).append(record)

    leaders = _KeyIndex()
    members: list[list[str]] = []
    for key in sorted(by_key, key=lambda k: (-len(by_key[k]), k)):
        match = leaders.best(key, threshold)
        if match is None:
            leaders.add(key)
            members.append([key])
        else:
            members[match[0]].append(key)

    drafts = []
    for leader, keys in zip(leaders.keys, members, strict=True):
        rows = [r for key in keys for r in by_key[key]]
        drafts.append((len(rows), max(r.created for r in rows), leader, rows))
    drafts.sort(key=lambda d: (-d[0], -d[1], d[2]))
    if limit is not None:
        drafts = drafts[:limit]

    nearest = _EntryIndex(knowledge)
    groups = []
    for count, last_seen, leader, rows in drafts:
        texts = Counter(r.normalised for r in rows)
        # The leader's own wordings come first: the leader is the most frequent canonical
        # form, so a one-off typo in a joined key never becomes the headline.
        own = {r.normalised for r in by_key[leader]}
        ordered = sorted(texts, key=lambda t: (t not in own, -texts[t], len(t), t))
        groups.append(
            GapGroup(
                representative=ordered[0],
                count=count,
                statuses=dict(Counter(r.status for r in rows).most_common()),
                examples=tuple(ordered[1 : 1 + EXAMPLES_PER_GROUP]),
                guilds=len({r.guild_id for r in rows}),
                last_seen=last_seen,
                nearest=nearest.find(leader),
            )
        )
    return groups


class _EntryIndex:
    """Every KB phrasing keyed once; the entry of the most similar phrasing."""

    def __init__(self, knowledge: Knowledge) -> None:
        self.index = _KeyIndex()
        self.ids: list[str] = []
        for entry in knowledge.entries:
            for phrasing in entry.phrasings:
                key = group_key(phrasing, knowledge.lexicon)
                if key:
                    self.index.add(key)
                    self.ids.append(entry.id)

    def find(self, key: str) -> NearestEntry | None:
        # token_sort_ratio alone: forgiving an extra word is right for grouping people's
        # wordings, but here it would give 90+ to entries that merely contain the
        # question's words, and the score must tell "needs an alternate" from "not covered".
        match = self.index.best(key, extra_word=False)
        if match is None:
            return None
        position, score = match
        return NearestEntry(self.ids[position], round(score, 1))


# ---------------------------------------------------------------------------- report


def compile_report(
    unanswered: Sequence[QuestionRecord],
    feedback: Mapping[str, VoteCount],
    volume: Sequence[TopicVolume],
    knowledge: Knowledge,
    *,
    guild_id: int | None = None,
    since: float | None = None,
    limit: int = DEFAULT_LIMIT,
    min_votes: int = DEFAULT_MIN_VOTES,
    threshold: float = GROUP_THRESHOLD,
    now: float | None = None,
) -> Report:
    """Build a :class:`Report` from query results (no I/O)."""
    gaps = group_questions(unanswered, knowledge, threshold=threshold, limit=limit)
    ratings = [
        EntryRating(
            entry_id,
            knowledge.by_id[entry_id].question if entry_id in knowledge.by_id else None,
            votes.up,
            votes.down,
        )
        for entry_id, votes in feedback.items()
        if votes.total >= min_votes and votes.down > 0
    ]
    ratings.sort(key=lambda r: (-r.down_share, -r.down, r.entry_id))
    names = {t.id: t.name for t in knowledge.topics}
    topics = tuple(
        TopicLine(
            v.topic,
            names.get(v.topic, v.topic) if v.topic else UNROUTED,
            v.total,
            v.unanswered,
        )
        for v in volume
    )
    return Report(
        generated_at=time.time() if now is None else now,
        guild_id=guild_id,
        since=since,
        questions=sum(t.questions for t in topics),
        unanswered=sum(t.unanswered for t in topics),
        gaps=tuple(gaps),
        worst=tuple(ratings[:limit]),
        topics=topics,
        min_votes=min_votes,
    )


async def build_report(
    source: ReportSource | Database | str | os.PathLike[str],
    knowledge: Knowledge,
    *,
    guild_id: int | None = None,
    days: float | None = None,
    limit: int = DEFAULT_LIMIT,
    min_votes: int = DEFAULT_MIN_VOTES,
    threshold: float = GROUP_THRESHOLD,
) -> Report:
    """Read the store (or open the database file at a path, read it, close it) and report.

    ``guild_id`` limits everything to one server (``/kb gaps``); ``days`` to a recent
    window. A path is opened read-only: the report never creates, migrates or prunes
    the file (retention is the running bot's job; a report of a copied production file
    must not delete its old rows). A :class:`Database` with a PostgreSQL URL is read
    the same way: read-only transactions, no migration, no pruning. Raises
    :class:`ReportError`, one line, when there is no file, it cannot be read (damaged,
    newer schema, unreadable, unreachable), or a query failed.
    """
    now = time.time()
    since = now - days * DAY if days is not None else None
    if isinstance(source, Database) and not source.is_postgres:
        source = source.path
    store: DurableStore
    if isinstance(source, Database):
        try:
            store = source.postgres(read_only=True)
        except DriverMissingError as exc:
            raise ReportError(str(exc)) from None
        where = source.shown
    elif isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if not await asyncio.to_thread(path.is_file):
            raise ReportError(f"no database at {path} (set CAREERBOT_DB or pass --db)")
        store, where = SqliteStore(path, read_only=True), str(path)
    else:
        return await read_report(source, knowledge, guild_id, since, limit, min_votes, threshold)
    try:
        if not await store.wait_ready():
            raise ReportError(f"cannot read the database at {where}: {store.open_error}")
        return await read_report(store, knowledge, guild_id, since, limit, min_votes, threshold)
    finally:
        await store.close()


async def read_report(
    store: ReportSource,
    knowledge: Knowledge,
    guild_id: int | None,
    since: float | None,
    limit: int,
    min_votes: int,
    threshold: float,
) -> Report:
    """The report from an open store; :class:`ReportError` if any of its reads failed."""
    failed_before = store.failed_reads
    unanswered = await store.unanswered(guild_id=guild_id, since=since, limit=MAX_GROUPED)
    feedback = await store.feedback_stats(guild_id=guild_id, since=since)
    volume = await store.topic_volume(guild_id=guild_id, since=since)
    failed = store.failed_reads - failed_before
    if failed:
        raise ReportError(
            f"{failed} of the report's 3 queries failed (is the database locked or "
            "damaged?): a report without them would be wrong"
        )
    # Grouping is CPU work proportional to the unanswered questions kept; in a thread,
    # so /kb gaps on a busy server never stalls the gateway heartbeat.
    return await asyncio.to_thread(
        compile_report,
        unanswered,
        feedback,
        volume,
        knowledge,
        guild_id=guild_id,
        since=since,
        limit=limit,
        min_votes=min_votes,
        threshold=threshold,
    )

"""The durable :class:`~bot.core.storage.base.Store`: one SQLite file, written by one thread.

Why it is built this way:

- **One dedicated thread owns the connection.** SQLite calls block, and the Discord
  gateway heartbeat must never wait behind a disk flush, so every query runs on a
  worker thread and the event loop only awaits a future. One connection in one thread
  also means writes are applied in the order they were made, with no lock juggling.
- **Group commit.** The worker drains whatever queued up while it was busy and commits
  it in one transaction (one fsync), so a burst of votes costs one disk flush instead
  of hundreds. An await returns only after its transaction committed: "recorded" means
  on disk.
- **WAL mode, ``synchronous=FULL`` by default.** Readers (``careerbot report``, the
  health check) never block the bot, and a crash or power cut never loses a committed
  vote or corrupts the file.
- **Failures never reach the caller.** A vote that cannot be saved must not stop the bot
  answering: the failure is counted in :attr:`SqliteStore.failed_writes` and logged as
  one WARNING line (then at most one a minute while it persists), and the call returns
  normally. Reads return empty values. If the file cannot even be opened, the store
  keeps retrying every :data:`REOPEN_INTERVAL` seconds, so it heals when the disk does.
- **Nothing identifies a person**: no user ids, only entry ids, votes, server ids,
  outcomes and the normalised text of questions the bot could not answer.
- **Bounded retention**: votes and question logs older than ``retention_days`` are
  deleted on open and then daily; per-server settings are kept. That is the running
  bot's job only: a store opened with ``read_only=True`` (``careerbot report``) never
  migrates, prunes or writes, so reading a copy of a production file leaves it
  byte-identical and keeps every old row.
- **Migrations under the write lock.** Shard processes (or the bot and ``report``)
  may open a new file at the same moment; each step re-reads the schema version after
  ``BEGIN IMMEDIATE``, so the second process waits and then finds the work done,
  instead of failing with "table feedback already exists".
- **Told, never looking**: the path and the retention come from the caller
  (``bot.settings`` reads them from the environment and ``.env``), so the bot, the
  health check and the report cannot disagree about which file they mean.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import os
import queue
import random
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

from bot.core.storage.base import CooldownSetting, Vote
from bot.core.storage.records import (
    UNANSWERED_STATUSES,
    QuestionRecord,
    TopicVolume,
    VoteCount,
    kept_text,
    topic_volumes,
)
from bot.core.storage.shared import CooldownCache, WarningLimiter
from bot.core.storage.shared import describe as _describe

log = logging.getLogger(__name__)

DEFAULT_RETENTION_DAYS = 180.0
BUSY_TIMEOUT_SECONDS = 5.0
"""How long a write waits for another process (``careerbot report``) to release a lock."""
REOPEN_INTERVAL = 30.0
"""Seconds between attempts to open a database that could not be opened."""
PRUNE_INTERVAL = 24 * 3600.0
MAX_BATCH = 512
QUEUE_LIMIT = 20_000
"""Pending operations beyond this are refused (and counted) rather than eating memory."""
SETTINGS_CACHE_SECONDS = 60.0
"""How long a server's cooldown setting is served from memory (see ``cooldown``)."""
DAY = 86400.0

_REOPEN_ERRORS = ("SQLITE_IOERR", "SQLITE_CANTOPEN", "SQLITE_NOTADB", "SQLITE_CORRUPT")

Synchronous = Literal["OFF", "NORMAL", "FULL", "EXTRA"]
T = TypeVar("T")


class SchemaError(Exception):
    """The database file was written by a newer CareerBot; we refuse to touch it."""


class DamagedDatabaseError(Exception):
    """SQLite's ``quick_check`` found damaged pages: what it returns cannot be trusted."""


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def check_not_newer(version: int) -> None:
    """Raise :class:`SchemaError` for a file from a newer CareerBot (its writes and
    queries may mean something else; the bot, report and health all refuse it)."""
    if version > SCHEMA_VERSION:
        raise SchemaError(
            f"schema v{version} is newer than this CareerBot understands "
            f"(v{SCHEMA_VERSION}); upgrade CareerBot or use another CAREERBOT_DB"
        )


QUICK_CHECK_SHOWN = 160
"""Characters of quick_check's first finding shown in a message."""


def quick_check(conn: sqlite3.Connection) -> None:
    """Raise :class:`DamagedDatabaseError` unless SQLite's ``quick_check`` passes.

    O(file size), so only the report and the health check run it, not every start:
    a damaged index can make a query return wrong rows without any error.
    """
    try:
        found = [row[0] for row in conn.execute("PRAGMA quick_check")]
    except sqlite3.DatabaseError as exc:  # some damage stops the check itself
        raise DamagedDatabaseError(f"quick_check stopped: {_describe(exc)}") from None
    if found != ["ok"]:
        # One problem per line, possibly several per row, under "*** in database ***"
        # headers; a page of them would drown the one line an operator needs.
        lines = [line.strip() for text in found for line in str(text).splitlines()]
        problems = [line for line in lines if line and not line.startswith("***")]
        first = problems[0][:QUICK_CHECK_SHOWN] if problems else "no details"
        raise DamagedDatabaseError(
            f"quick_check found {len(problems)} problem(s), the first: {first}"
        )


# ---------------------------------------------------------------------------- schema


def _v1(conn: sqlite3.Connection) -> None:
    """The first schema: votes, question outcomes and auto-answer channels."""
    conn.execute(
        """CREATE TABLE feedback (
            id INTEGER PRIMARY KEY,
            entry_id TEXT NOT NULL,
            vote INTEGER NOT NULL CHECK (vote IN (1, -1)),
            guild_id INTEGER,
            created REAL NOT NULL
        )"""
    )
    conn.execute(
        """CREATE TABLE questions (
            id INTEGER PRIMARY KEY,
            status TEXT NOT NULL,
            topic TEXT,
            normalised TEXT NOT NULL DEFAULT '',
            guild_id INTEGER,
            created REAL NOT NULL
        )"""
    )
    conn.execute(
        """CREATE TABLE auto_channels (
            guild_id INTEGER NOT NULL,
            channel_id INTEGER NOT NULL,
            PRIMARY KEY (guild_id, channel_id)
        )"""
    )


def _v2(conn: sqlite3.Connection) -> None:
    """Per-server cooldown overrides (``/config cooldown``)."""
    conn.execute(
        """CREATE TABLE cooldowns (
            guild_id INTEGER PRIMARY KEY,
            rate INTEGER NOT NULL CHECK (rate > 0),
            per REAL NOT NULL CHECK (per > 0)
        )"""
    )


def _v3(conn: sqlite3.Connection) -> None:
    """Indexes for retention pruning and the report, which otherwise scan every row."""
    conn.execute("CREATE INDEX feedback_created ON feedback (created)")
    conn.execute("CREATE INDEX feedback_entry ON feedback (entry_id)")
    conn.execute("CREATE INDEX questions_created ON questions (created)")
    conn.execute("CREATE INDEX questions_status ON questions (status, created)")


MIGRATIONS: tuple[tuple[int, Callable[[sqlite3.Connection], None]], ...] = (
    (1, _v1),
    (2, _v2),
    (3, _v3),
)
"""Ordered forward migrations: ``(version it produces, step)``. Never edit a released
step; append a new one, so every existing database takes the same path forward."""
SCHEMA_VERSION = MIGRATIONS[-1][0]


def migrate(conn: sqlite3.Connection) -> int:
    """Bring ``conn``'s database up to :data:`SCHEMA_VERSION`; return the version it had.

    Each step runs in its own transaction together with its ``user_version`` bump, so a
    crash mid-migration leaves the file at the previous version, never in between. The
    version that decides a step is read *after* ``BEGIN IMMEDIATE`` took the write lock:
    another process migrating the same file at the same moment makes this one wait
    (busy timeout) and then skip what it already did. Read before the lock, both would
    create the same tables and one would fail.
    """
    found = schema_version(conn)
    check_not_newer(found)
    if found == SCHEMA_VERSION:
        return found  # versions only grow: nothing to do, no need for the write lock
    for version, step in MIGRATIONS:
        conn.execute("BEGIN IMMEDIATE")
        try:
            current = schema_version(conn)
            check_not_newer(current)
            if current < version:
                step(conn)
                conn.execute(f"PRAGMA user_version = {int(version)}")
            conn.execute("COMMIT")
        except BaseException:
            _rollback(conn)
            raise
        if current < version:
            log.info("database migrated to schema v%d", version)
    return found


# ---------------------------------------------------------------------------- store


@dataclass(slots=True)
class _Job:
    fn: Callable[[sqlite3.Connection], Any]
    write: bool
    default: Any
    what: str
    future: concurrent.futures.Future[Any]


_STOP = object()


class SqliteStore:
    """A :class:`~bot.core.storage.base.Store` backed by one SQLite file (see module docstring).

    Construct it anywhere (no event loop needed); the worker thread opens the file in
    the background. ``await store.wait_ready()`` (or use :func:`open_store`) to know
    whether it opened. ``await store.close()`` flushes every pending write.

    ``read_only=True`` is for readers that must change nothing (``careerbot report``):
    the file is opened with SQLite's ``mode=ro`` and ``query_only``, never created,
    migrated or pruned, and only opened at all if its schema is one this version
    understands and ``quick_check`` passes; otherwise :attr:`open_error` says why.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        retention_days: float = DEFAULT_RETENTION_DAYS,
        synchronous: Synchronous = "FULL",
        clock: Callable[[], float] = time.time,
        read_only: bool = False,
    ) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self.retention_days = float(retention_days)
        if self.retention_days <= 0:
            raise ValueError("retention_days must be positive")
        if synchronous not in ("OFF", "NORMAL", "FULL", "EXTRA"):
            raise ValueError(f"unknown synchronous mode {synchronous!r}")
        self.synchronous = synchronous
        self.failed_writes = 0
        """Writes that could not be saved since start-up (for logs, health and tests)."""
        self.failed_reads = 0
        """Reads that returned an empty default because the database failed: a report
        built from them would be wrong, so ``build_report`` refuses to show it."""
        self._clock = clock
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=QUEUE_LIMIT)
        self._conn: sqlite3.Connection | None = None
        self._open_error: BaseException | None = None
        self._next_open = 0.0
        self._next_prune = 0.0
        self._warnings = WarningLimiter(log)
        self._failing = False
        self._closed = False
        self._lock = threading.Lock()  # failures are counted from both threads
        self._cooldowns = CooldownCache()
        self._thread = threading.Thread(
            target=self._run, name=f"sqlite-store:{self.path.name}", daemon=True
        )
        self._thread.start()

    def __repr__(self) -> str:
        return f"<SqliteStore {str(self.path)!r} failed_writes={self.failed_writes}>"

    @property
    def available(self) -> bool:
        """Whether the database is open right now (False while degraded)."""
        return self._conn is not None

    @property
    def open_error(self) -> str | None:
        """Why the database could not be opened, as one line (None when it could)."""
        exc = self._open_error
        if exc is None:
            return None
        if isinstance(exc, DamagedDatabaseError):
            return f"the file is damaged: {exc}"
        if isinstance(exc, (SchemaError, FileNotFoundError, PermissionError)):
            return str(exc)
        return _describe(exc)

    # ------------------------------------------------------------------ Store API

    async def record_feedback(self, entry_id: str, vote: Vote, guild_id: int | None) -> None:
        """Store one 👍 (1) or 👎 (-1) on an entry. Returns once it is committed."""
        created = self._clock()

        def write(conn: sqlite3.Connection) -> None:
            conn.execute(
                "INSERT INTO feedback (entry_id, vote, guild_id, created) VALUES (?, ?, ?, ?)",
                (entry_id, int(vote), guild_id, created),
            )

        await self._submit(write, write=True, default=None, what=f"vote on {entry_id}")

    async def record_question(
        self,
        *,
        status: str,
        topic: str | None,
        normalised: str,
        guild_id: int | None,
    ) -> None:
        """Log one question's outcome; the text is kept only when it was not answered."""
        created = self._clock()
        kept = kept_text(status, normalised)

        def write(conn: sqlite3.Connection) -> None:
            conn.execute(
                "INSERT INTO questions (status, topic, normalised, guild_id, created)"
                " VALUES (?, ?, ?, ?, ?)",
                (status, topic, kept, guild_id, created),
            )

        await self._submit(write, write=True, default=None, what=f"{status} question")

    async def auto_channels(self, guild_id: int) -> frozenset[int]:
        def read(conn: sqlite3.Connection) -> frozenset[int]:
            rows = conn.execute(
                "SELECT channel_id FROM auto_channels WHERE guild_id = ?", (guild_id,)
            )
            return frozenset(r[0] for r in rows)

        return await self._submit(read, write=False, default=frozenset(), what="auto channels")

    async def all_auto_channels(self) -> dict[int, frozenset[int]]:
        def read(conn: sqlite3.Connection) -> dict[int, frozenset[int]]:
            out: dict[int, set[int]] = {}
            for guild, channel in conn.execute("SELECT guild_id, channel_id FROM auto_channels"):
                out.setdefault(guild, set()).add(channel)
            return {g: frozenset(c) for g, c in out.items()}

        return await self._submit(read, write=False, default={}, what="auto channels")

    async def add_auto_channel(self, guild_id: int, channel_id: int) -> bool:
        """True if the channel was added; False if it was already there or saving failed."""

        def write(conn: sqlite3.Connection) -> bool:
            cur = conn.execute(
                "INSERT OR IGNORE INTO auto_channels (guild_id, channel_id) VALUES (?, ?)",
                (guild_id, channel_id),
            )
            return cur.rowcount == 1

        return await self._submit(write, write=True, default=False, what="auto channel")

    async def remove_auto_channel(self, guild_id: int, channel_id: int) -> bool:
        """True if the channel was removed; False if it was not there or saving failed."""

        def write(conn: sqlite3.Connection) -> bool:
            cur = conn.execute(
                "DELETE FROM auto_channels WHERE guild_id = ? AND channel_id = ?",
                (guild_id, channel_id),
            )
            return cur.rowcount == 1

        return await self._submit(write, write=True, default=False, what="auto channel")

    async def cooldown(self, guild_id: int) -> CooldownSetting | None:
        """A server's cooldown override, or None.

        Read before *every* answer, so it is cached for :data:`SETTINGS_CACHE_SECONDS`:
        the answer path then never waits on the disk or behind a burst of votes. The
        cache expires so a change made by another process is picked up.
        """
        known, setting = self._cooldowns.get(guild_id)
        if known:
            return setting

        def read(conn: sqlite3.Connection) -> tuple[bool, CooldownSetting | None]:
            row = conn.execute(
                "SELECT rate, per FROM cooldowns WHERE guild_id = ?", (guild_id,)
            ).fetchone()
            return True, (CooldownSetting(int(row[0]), float(row[1])) if row else None)

        ok, setting = await self._submit(read, write=False, default=(False, None), what="cooldown")
        if ok:  # a failed read is not cached: the next question tries again
            self._cooldowns.put(guild_id, setting, SETTINGS_CACHE_SECONDS)
        return setting

    async def set_cooldown(self, guild_id: int, setting: CooldownSetting | None) -> bool:
        """Set or clear (None) a server's cooldown override; False if it was not saved.

        The protocol declares ``-> None``; returning False on failure lets ``/config``
        tell the admin (the Discord layer checks ``saved is False``).
        """

        def write(conn: sqlite3.Connection) -> bool:
            if setting is None:
                conn.execute("DELETE FROM cooldowns WHERE guild_id = ?", (guild_id,))
            else:
                conn.execute(
                    "INSERT INTO cooldowns (guild_id, rate, per) VALUES (?, ?, ?)"
                    " ON CONFLICT (guild_id) DO UPDATE SET rate = excluded.rate,"
                    " per = excluded.per",
                    (guild_id, setting.rate, setting.per),
                )
            return True

        saved = await self._submit(write, write=True, default=False, what="cooldown")
        if saved:
            self._cooldowns.put(guild_id, setting, SETTINGS_CACHE_SECONDS)
        return saved

    async def close(self) -> None:
        """Flush every pending write, then close the file. Safe to call twice."""
        if not self._closed:
            self._closed = True
            # A blocking put (the marker must not be dropped), off the loop in case the
            # queue is full.
            await asyncio.to_thread(self._queue.put, _STOP)
        await asyncio.to_thread(self._thread.join)

    # ------------------------------------------------------------------ extras

    async def wait_ready(self) -> bool:
        """Wait for the worker to try opening the file; True if the database is usable."""
        return bool(await self._submit(lambda conn: True, write=False, default=False, what="open"))

    async def prune(self) -> int:
        """Delete votes and question logs past retention now; return how many went
        (always 0 for a read-only store, which never deletes)."""
        if self.read_only:
            return 0
        return await self._submit(self._prune, write=False, default=0, what="prune")

    async def unanswered(
        self,
        *,
        guild_id: int | None = None,
        since: float | None = None,
        until: float | None = None,
        limit: int | None = None,
    ) -> list[QuestionRecord]:
        """Declined and clarify questions, newest first, for the gaps report."""
        where, params = _window(guild_id, since, until)
        marks = ", ".join("?" for _ in UNANSWERED_STATUSES)
        sql = (
            "SELECT status, normalised, guild_id, created FROM questions"
            f" WHERE status IN ({marks}) AND normalised != ''{where}"
            " ORDER BY created DESC"
        )
        args: list[Any] = [*UNANSWERED_STATUSES, *params]
        if limit is not None:
            sql += " LIMIT ?"
            args.append(int(limit))

        def read(conn: sqlite3.Connection) -> list[QuestionRecord]:
            return [QuestionRecord(*row) for row in conn.execute(sql, args)]

        return await self._submit(read, write=False, default=[], what="unanswered questions")

    async def feedback_stats(
        self, *, guild_id: int | None = None, since: float | None = None
    ) -> dict[str, VoteCount]:
        """👍/👎 counts per entry id."""
        where, params = _window(guild_id, since, None)
        sql = (
            "SELECT entry_id, SUM(vote = 1), SUM(vote = -1) FROM feedback"
            f" WHERE 1 = 1{where} GROUP BY entry_id"
        )

        def read(conn: sqlite3.Connection) -> dict[str, VoteCount]:
            return {e: VoteCount(int(u), int(d)) for e, u, d in conn.execute(sql, params)}

        return await self._submit(read, write=False, default={}, what="feedback stats")

    async def topic_volume(
        self, *, guild_id: int | None = None, since: float | None = None
    ) -> list[TopicVolume]:
        """Question counts per topic and outcome, busiest topic first."""
        where, params = _window(guild_id, since, None)
        sql = (
            "SELECT topic, status, COUNT(*) FROM questions"
            f" WHERE 1 = 1{where} GROUP BY topic, status"
        )

        def read(conn: sqlite3.Connection) -> list[TopicVolume]:
            return topic_volumes(conn.execute(sql, params))

        return await self._submit(read, write=False, default=[], what="topic volume")

    # ------------------------------------------------------------------ plumbing

    async def _submit(
        self, fn: Callable[[sqlite3.Connection], T], *, write: bool, default: T, what: str
    ) -> T:
        """Queue ``fn`` for the worker and await its result without blocking the loop."""
        future: concurrent.futures.Future[Any] = concurrent.futures.Future()
        job = _Job(fn, write, default, what, future)
        if self._closed:
            self._fail(job, RuntimeError("the store is closed"))
        else:
            try:
                self._queue.put_nowait(job)
            except queue.Full:
                self._fail(job, RuntimeError(f"{QUEUE_LIMIT} operations already queued"))
        return await asyncio.wrap_future(future)

    def _run(self) -> None:
        """The worker thread: open, then execute queued jobs in batches until stopped."""
        self._connection()
        stopping = False
        while not stopping:
            try:
                first = self._queue.get(timeout=self._idle_timeout())
            except queue.Empty:
                self._maybe_prune()
                continue
            batch: list[_Job] = []
            item = first
            while True:
                if item is _STOP:
                    stopping = True
                    break
                batch.append(item)
                if len(batch) >= MAX_BATCH:
                    break
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
            if batch:
                self._execute(batch)
            self._maybe_prune()
        self._drain_after_stop()
        if self._conn is not None:
            try:
                self._conn.close()
            except sqlite3.Error as exc:
                log.warning("closing the database failed: %s", exc)
            self._conn = None

    def _drain_after_stop(self) -> None:
        """Anything queued behind the stop marker is refused, never left hanging."""
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return
            if isinstance(item, _Job):
                self._fail(item, RuntimeError("the store is closed"))

    def _idle_timeout(self) -> float:
        if self._conn is None:
            return REOPEN_INTERVAL
        return max(1.0, min(3600.0, self._next_prune - time.monotonic()))

    def _execute(self, jobs: list[_Job]) -> None:
        """Run ``jobs`` in one transaction; if it fails, retry each alone to isolate it."""
        conn = self._connection()
        if conn is None:
            for job in jobs:
                self._fail(job, self._open_error or RuntimeError("database unavailable"))
            return
        results: list[Any] = []
        try:
            conn.execute("BEGIN IMMEDIATE" if any(j.write for j in jobs) else "BEGIN")
            results = [job.fn(conn) for job in jobs]
            conn.execute("COMMIT")
        except Exception as exc:  # a failed write must never kill the worker
            _rollback(conn)
            if len(jobs) > 1:
                for job in jobs:
                    self._execute([job])
                return
            if not isinstance(exc, sqlite3.Error):
                log.error("bug in a storage query (%s)", jobs[0].what, exc_info=exc)
            self._drop_broken_connection(exc)
            self._fail(jobs[0], exc)
            return
        if self._failing and any(j.write for j in jobs):
            self._failing = False
            log.warning(
                "database writes are working again (%d failed in total)", self.failed_writes
            )
        for job, result in zip(jobs, results, strict=True):
            _resolve(job.future, result)

    def _fail(self, job: _Job, exc: BaseException) -> None:
        """Count and report a failed job; its caller gets the default value."""
        with self._lock:
            if job.write:
                self.failed_writes += 1
                self._failing = True
                self._warn("write", f"could not save {job.what} to {self.path}: {_describe(exc)}")
            elif job.what not in ("open", "prune"):
                self.failed_reads += 1
                self._warn("read", f"could not read {job.what} from {self.path}: {_describe(exc)}")
        _resolve(job.future, job.default)

    def _warn(self, kind: str, message: str) -> None:
        """One WARNING line per kind of failure (open, write, read), then at most one a
        minute while it persists (see :class:`~bot.core.storage.shared.WarningLimiter`)."""
        self._warnings.warn(kind, message, self.failed_writes)

    def _connection(self) -> sqlite3.Connection | None:
        """The open connection, opening (or re-trying to open) it if needed."""
        if self._conn is not None:
            return self._conn
        if time.monotonic() < self._next_open:
            return None
        conn: sqlite3.Connection | None = None
        try:
            if self.read_only:
                conn = self._connect_read_only()
            else:
                if not self.path.parent.exists():
                    self.path.parent.mkdir(parents=True, exist_ok=True)
                conn = self._connect()
                _use_wal(conn)
                conn.execute(f"PRAGMA synchronous = {self.synchronous}")
                conn.execute("PRAGMA foreign_keys = ON")
                migrate(conn)
        except (sqlite3.Error, OSError, SchemaError, DamagedDatabaseError) as exc:
            if conn is not None:
                conn.close()
            self._open_error = exc
            self._next_open = time.monotonic() + REOPEN_INTERVAL
            if not self.read_only:  # a reader reports open_error itself, in its own words
                self._warn("open", f"database {self.path} is unavailable: {_describe(exc)}")
            return None
        self._conn = conn
        self._open_error = None
        if not self.read_only:
            self._prune(conn)
        return conn

    def _drop_broken_connection(self, exc: BaseException) -> None:
        """After an I/O-level error the open handle may point at a vanished or replaced
        file (a remounted volume): close it, so the next attempt reopens the path."""
        name = getattr(exc, "sqlite_errorname", "") or ""
        if self._conn is not None and name.startswith(_REOPEN_ERRORS):
            with contextlib.suppress(sqlite3.Error):
                self._conn.close()
            self._conn = None
            self._open_error = exc
            self._next_open = time.monotonic() + REOPEN_INTERVAL

    def _connect(self) -> sqlite3.Connection:
        """Open the file. A seam for tests that need a connection which refuses writes."""
        return sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)

    def _connect_read_only(self) -> sqlite3.Connection:
        """Open an existing CareerBot file without changing a byte of it; raise if it is
        missing, unreadable, from a newer CareerBot, not ours, or damaged."""
        if not self.path.is_file():
            raise FileNotFoundError(f"no database file at {self.path}")
        if not os.access(self.path, os.R_OK):  # SQLite would only say "unable to open"
            raise PermissionError(f"no permission to read {self.path}")
        uri = f"{self.path.resolve().as_uri()}?mode=ro"
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
        try:
            version = schema_version(conn)  # the first read: it opens the file for real
        except sqlite3.OperationalError as exc:
            conn.close()
            wal = self.path.with_name(f"{self.path.name}-wal")
            if getattr(exc, "sqlite_errorname", "") != "SQLITE_READONLY_DIRECTORY" or wal.exists():
                raise
            # A WAL file in a directory we cannot write (a read-only mount, a copy handed
            # to another user): SQLite cannot create the shared-memory file a WAL reader
            # needs. With no -wal file, no writer has it open and the main file is the
            # whole database, so reading it as immutable misses nothing.
            conn = sqlite3.connect(f"{uri}&immutable=1", uri=True, isolation_level=None)
            version = schema_version(conn)
        try:
            conn.execute("PRAGMA query_only = ON")  # a write that slips through fails
            check_not_newer(version)
            if version == 0:
                raise SchemaError("no CareerBot tables in it (schema v0)")
            quick_check(conn)
        except BaseException:
            conn.close()
            raise
        return conn

    def _maybe_prune(self) -> None:
        if self.read_only:
            return
        if self._conn is not None and time.monotonic() >= self._next_prune:
            self._prune(self._conn)

    def _prune(self, conn: sqlite3.Connection) -> int:
        """Delete rows past retention. Runs in the worker; failure only postpones it."""
        self._next_prune = time.monotonic() + PRUNE_INTERVAL
        cutoff = self._clock() - self.retention_days * DAY
        in_transaction = conn.in_transaction
        try:
            if not in_transaction:
                conn.execute("BEGIN IMMEDIATE")
            removed = conn.execute("DELETE FROM feedback WHERE created < ?", (cutoff,)).rowcount
            removed += conn.execute("DELETE FROM questions WHERE created < ?", (cutoff,)).rowcount
            if not in_transaction:
                conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if not in_transaction:
                _rollback(conn)
            self._next_prune = time.monotonic() + REOPEN_INTERVAL
            self._warn("prune", f"could not prune old rows from {self.path}: {_describe(exc)}")
            return 0
        if removed:
            log.info("pruned %d votes/questions older than %g days", removed, self.retention_days)
        return removed


# ---------------------------------------------------------------------------- helpers


def _window(
    guild_id: int | None, since: float | None, until: float | None
) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if guild_id is not None:
        clauses.append("guild_id = ?")
        params.append(guild_id)
    if since is not None:
        clauses.append("created >= ?")
        params.append(since)
    if until is not None:
        clauses.append("created < ?")
        params.append(until)
    return "".join(f" AND {c}" for c in clauses), params


def _use_wal(conn: sqlite3.Connection) -> None:
    """Switch the file to WAL, waiting out another process doing the same.

    Two processes creating one new file both switch it; each holds a shared lock and
    wants an exclusive one, so SQLite answers one of them "database is locked" at once,
    without its busy timeout (waiting could deadlock). Measured: 76 of 400 first opens.
    Retrying after the other has finished always succeeds: the file is then WAL already.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            busy = (getattr(exc, "sqlite_errorname", "") or "").startswith("SQLITE_BUSY")
            if not busy or time.monotonic() >= deadline:
                raise
            time.sleep(random.uniform(0.005, 0.02))


def _rollback(conn: sqlite3.Connection) -> None:
    # After SQLITE_FULL SQLite may already have rolled back; then there is nothing to undo.
    if conn.in_transaction:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")


def _resolve(future: concurrent.futures.Future[Any], value: Any) -> None:
    if not future.done():
        future.set_result(value)


def schema_tables(conn: sqlite3.Connection) -> dict[str, tuple[str, ...]]:
    """Table name → column names; used by tests that guard "no user ids anywhere"."""
    names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {
        name: tuple(r[1] for r in conn.execute(f"PRAGMA table_info({name})"))
        for name in names
        if not name.startswith("sqlite_")
    }


async def open_store(
    path: str | os.PathLike[str],
    *,
    retention_days: float = DEFAULT_RETENTION_DAYS,
    synchronous: Synchronous = "FULL",
) -> SqliteStore:
    """Open the durable store and wait until it has tried the file.

    Always returns a :class:`SqliteStore`, even when the file cannot be opened: it then
    runs degraded (writes counted as failed, reads empty, one warning logged) and keeps
    retrying, so the bot still answers and recovers by itself when the disk does. We do
    not fall back to memory: settings that silently vanish on restart are worse than a
    ``/config`` that says it could not save.
    """
    store = SqliteStore(path, retention_days=retention_days, synchronous=synchronous)
    if not await store.wait_ready():
        log.warning(
            "running without durable storage: votes, unanswered questions and settings "
            "will not be saved until %s can be opened",
            store.path,
        )
    return store

"""The shared :class:`~bot.core.storage.base.Store`: one PostgreSQL database for every
shard process, through psycopg 3's async driver and its connection pool.

Why it is built this way:

- **The same promises as the SQLite store.** Same methods, same return types for the
  report's queries, same rows kept (no user ids; question text only when it was not
  answered; retention pruning), so the bot, the report and the tests cannot tell the
  two apart. Only where the rows live differs.
- **Async all the way.** psycopg's ``AsyncConnection`` waits on its socket in the event
  loop, so a slow query never stalls the gateway heartbeat, and the pool
  (``psycopg_pool.AsyncConnectionPool``) lets a burst of votes use a few connections
  at once instead of queueing behind one.
- **Writes never raise; the database going away is degraded mode, not a crash.** A
  failed write is counted in :attr:`PostgresStore.failed_writes`, logged as one
  WARNING line (then at most one a minute while it persists) and the call returns
  normally; reads return empty values. When a connection breaks, or the pool cannot
  open one, the whole pool is retired (its other connections are as stale, and callers
  waiting on it are released at once) and a fresh one is opened: at once
  for the write that noticed (it had not committed, so it is safe to run again on
  the new connection), then at most every :data:`REOPEN_INTERVAL` seconds while the
  server stays away. Opening starts with one direct connection, so "connection
  refused" is known in milliseconds instead of after the pool's patient retries,
  and the bot's bounded storage calls fail cleanly instead of timing out.
- **A write is retried only when it cannot have committed.** If the connection breaks
  while the statement runs, no COMMIT was sent: the server rolls it back and running
  it again cannot double a vote. If it breaks during COMMIT, the outcome is unknown and
  the write is counted as failed rather than risk storing it twice.
- **Versioned migrations under an advisory lock** (``postgres_schema``), because shard
  processes start together. A database from a newer CareerBot is refused: the store
  stays degraded and ``careerbot health`` says why.
- **Read-only mode for the report.** ``read_only=True`` never migrates or prunes,
  checks the schema version only, and runs every transaction as ``BEGIN READ ONLY``,
  so the server itself refuses any write that might slip through.
- **Never the password.** The URL is shown through
  :func:`~bot.core.storage.database_url.redact` in every message, and driver messages
  are scrubbed of it too.
- psycopg is imported lazily: without the ``postgres`` extra the bot still runs on
  SQLite, and asking for PostgreSQL then is one clear line
  (:class:`DriverMissingError`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from bot.core.storage import postgres_schema
from bot.core.storage.base import CooldownSetting, Vote
from bot.core.storage.database_url import redact, redact_text
from bot.core.storage.records import (
    UNANSWERED_STATUSES,
    QuestionRecord,
    TopicVolume,
    VoteCount,
    kept_text,
    topic_volumes,
)
from bot.core.storage.shared import CooldownCache, WarningLimiter, describe
from bot.core.storage.sqlite import (
    DAY,
    DEFAULT_RETENTION_DAYS,
    PRUNE_INTERVAL,
    SETTINGS_CACHE_SECONDS,
    SchemaError,
)

if TYPE_CHECKING:
    from psycopg import AsyncConnection
    from psycopg_pool import AsyncConnectionPool

log = logging.getLogger(__name__)

REOPEN_INTERVAL = 5.0
"""Seconds between attempts to reach a server that is down. Cheap ("connection
refused" is immediate), so shorter than SQLite's: shards recover quickly."""
CONNECT_TIMEOUT = 1.5
"""A connection attempt gives up after this long, inside the Discord layer's 2-second
budget for a storage call, so an unreachable host fails (and is counted) cleanly."""
POOL_WAIT = 1.5
"""How long an operation waits for a free pooled connection. The Discord layer gives a
storage call 2 seconds; failing (and counting) inside that beats being cancelled."""
POOL_MIN, POOL_MAX = 1, 4
"""Connections per process: one kept warm, up to four during a burst of votes."""
CLOSE_TIMEOUT = 30.0
"""``close`` waits this long for operations already running to finish."""

Kind = Literal["write", "read", "maintenance"]
T = TypeVar("T")
Query = Callable[["AsyncConnection[Any]"], Awaitable[T]]


class DriverMissingError(RuntimeError):
    """PostgreSQL was asked for but psycopg is not installed; ``str()`` is one line."""


def require_driver() -> None:
    """Import psycopg and its pool now, or explain in one line how to install them."""
    try:
        import psycopg  # noqa: F401
        import psycopg_pool  # noqa: F401
    except ImportError:
        raise DriverMissingError(
            "CAREERBOT_DATABASE_URL selects PostgreSQL but psycopg is not installed: "
            "pip install 'careerbot[postgres]'"
        ) from None


class PostgresStore:
    """A :class:`~bot.core.storage.base.Store` in a PostgreSQL database (see module
    docstring). Construct it anywhere; it connects on first use or ``wait_ready()``.
    ``await store.close()`` lets running operations finish, then closes the pool."""

    def __init__(
        self,
        url: str,
        *,
        retention_days: float = DEFAULT_RETENTION_DAYS,
        clock: Callable[[], float] = time.time,
        read_only: bool = False,
    ) -> None:
        require_driver()
        self.retention_days = float(retention_days)
        if self.retention_days <= 0:
            raise ValueError("retention_days must be positive")
        self.url = url
        self.where = redact(url)
        """The URL without its password: the only form that may be shown."""
        self.read_only = read_only
        self.failed_writes = 0
        """Writes that could not be saved since start-up (for logs, health and tests)."""
        self.failed_reads = 0
        """Reads that returned an empty default because the database failed."""
        self._clock = clock
        self._pool: AsyncConnectionPool[Any] | None = None
        self._open_error: BaseException | None = None
        self._next_open = 0.0
        self._next_prune = 0.0
        self._opening = asyncio.Lock()
        self._attempts = 0
        self._closed = False
        self._failing = False
        self._active = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._warnings = WarningLimiter(log)
        self._cooldowns = CooldownCache()

    def __repr__(self) -> str:
        return f"<PostgresStore {self.where!r} failed_writes={self.failed_writes}>"

    @property
    def available(self) -> bool:
        """Whether the database is reachable and its schema usable right now."""
        return self._pool is not None and not self._closed

    @property
    def open_error(self) -> str | None:
        """Why the database could not be used, as one line (None when it can be)."""
        if self._open_error is None:
            return None
        return self._describe(self._open_error)

    # ------------------------------------------------------------------ Store API

    async def record_feedback(self, entry_id: str, vote: Vote, guild_id: int | None) -> None:
        """Store one 👍 (1) or 👎 (-1) on an entry. Returns once it is committed."""
        created = self._clock()

        async def write(conn: AsyncConnection[Any]) -> None:
            await conn.execute(
                "INSERT INTO feedback (entry_id, vote, guild_id, created) VALUES (%s, %s, %s, %s)",
                (entry_id, int(vote), guild_id, created),
            )

        await self._run(write, kind="write", default=None, what=f"vote on {entry_id}")

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
        # PostgreSQL text cannot hold NUL; a pasted control character must not cost the row.
        kept = kept_text(status, normalised).replace("\x00", "")

        async def write(conn: AsyncConnection[Any]) -> None:
            await conn.execute(
                "INSERT INTO questions (status, topic, normalised, guild_id, created)"
                " VALUES (%s, %s, %s, %s, %s)",
                (status, topic, kept, guild_id, created),
            )

        await self._run(write, kind="write", default=None, what=f"{status} question")

    async def auto_channels(self, guild_id: int) -> frozenset[int]:
        async def read(conn: AsyncConnection[Any]) -> frozenset[int]:
            cur = await conn.execute(
                "SELECT channel_id FROM auto_channels WHERE guild_id = %s", (guild_id,)
            )
            return frozenset(r[0] for r in await cur.fetchall())

        return await self._run(read, kind="read", default=frozenset(), what="auto channels")

    async def all_auto_channels(self) -> dict[int, frozenset[int]]:
        async def read(conn: AsyncConnection[Any]) -> dict[int, frozenset[int]]:
            cur = await conn.execute("SELECT guild_id, channel_id FROM auto_channels")
            out: dict[int, set[int]] = {}
            for guild, channel in await cur.fetchall():
                out.setdefault(guild, set()).add(channel)
            return {g: frozenset(c) for g, c in out.items()}

        return await self._run(read, kind="read", default={}, what="auto channels")

    async def add_auto_channel(self, guild_id: int, channel_id: int) -> bool:
        """True if the channel was added; False if it was already there or saving failed."""

        async def write(conn: AsyncConnection[Any]) -> bool:
            cur = await conn.execute(
                "INSERT INTO auto_channels (guild_id, channel_id) VALUES (%s, %s)"
                " ON CONFLICT DO NOTHING",
                (guild_id, channel_id),
            )
            return cur.rowcount == 1

        return await self._run(write, kind="write", default=False, what="auto channel")

    async def remove_auto_channel(self, guild_id: int, channel_id: int) -> bool:
        """True if the channel was removed; False if it was not there or saving failed."""

        async def write(conn: AsyncConnection[Any]) -> bool:
            cur = await conn.execute(
                "DELETE FROM auto_channels WHERE guild_id = %s AND channel_id = %s",
                (guild_id, channel_id),
            )
            return cur.rowcount == 1

        return await self._run(write, kind="write", default=False, what="auto channel")

    async def cooldown(self, guild_id: int) -> CooldownSetting | None:
        """A server's cooldown override, or None.

        Read before *every* answer, so it is cached for :data:`SETTINGS_CACHE_SECONDS`
        (as in the SQLite store): the answer path never waits on the network, and the
        cache expires so a change made by another shard process is picked up.
        """
        known, setting = self._cooldowns.get(guild_id)
        if known:
            return setting

        async def read(conn: AsyncConnection[Any]) -> tuple[bool, CooldownSetting | None]:
            cur = await conn.execute(
                "SELECT rate, per FROM cooldowns WHERE guild_id = %s", (guild_id,)
            )
            row = await cur.fetchone()
            return True, (CooldownSetting(int(row[0]), float(row[1])) if row else None)

        ok, setting = await self._run(read, kind="read", default=(False, None), what="cooldown")
        if ok:  # a failed read is not cached: the next question tries again
            self._cooldowns.put(guild_id, setting, SETTINGS_CACHE_SECONDS)
        return setting

    async def set_cooldown(self, guild_id: int, setting: CooldownSetting | None) -> bool:
        """Set or clear (None) a server's cooldown override; False if it was not saved."""

        async def write(conn: AsyncConnection[Any]) -> bool:
            if setting is None:
                await conn.execute("DELETE FROM cooldowns WHERE guild_id = %s", (guild_id,))
            else:
                await conn.execute(
                    "INSERT INTO cooldowns (guild_id, rate, per) VALUES (%s, %s, %s)"
                    " ON CONFLICT (guild_id) DO UPDATE SET rate = EXCLUDED.rate,"
                    " per = EXCLUDED.per",
                    (guild_id, setting.rate, setting.per),
                )
            return True

        saved = await self._run(write, kind="write", default=False, what="cooldown")
        if saved:
            self._cooldowns.put(guild_id, setting, SETTINGS_CACHE_SECONDS)
        return saved

    async def close(self) -> None:
        """Let running operations finish, then close the pool. Safe to call twice."""
        self._closed = True
        try:
            await asyncio.wait_for(self._idle.wait(), CLOSE_TIMEOUT)
        except TimeoutError:
            log.warning("closing %s with operations still running", self.where)
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
        pool, self._pool = self._pool, None
        if pool is not None:
            await pool.close()

    # ------------------------------------------------------------------ extras

    async def wait_ready(self) -> bool:
        """Connect (and migrate) now; True if the database is usable."""
        if self._closed:
            return False
        return await self._usable_pool(retry_now=True) is not None

    async def prune(self) -> int:
        """Delete votes and question logs past retention now; return how many went."""
        if self.read_only:
            return 0
        return await self._run(self._prune, kind="maintenance", default=0, what="prune")

    async def _prune(self, conn: AsyncConnection[Any]) -> int:
        self._next_prune = time.monotonic() + PRUNE_INTERVAL
        cutoff = self._clock() - self.retention_days * DAY
        removed = 0
        for table in ("feedback", "questions"):
            cur = await conn.execute(f"DELETE FROM {table} WHERE created < %s", (cutoff,))
            removed += max(cur.rowcount, 0)
        if removed:
            log.info("pruned %d votes/questions older than %g days", removed, self.retention_days)
        return removed

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
        sql = (
            "SELECT status, normalised, guild_id, created FROM questions"
            f" WHERE status = ANY(%s) AND normalised <> ''{where}"
            " ORDER BY created DESC, id DESC"
        )
        args: list[Any] = [list(UNANSWERED_STATUSES), *params]
        if limit is not None:
            sql += " LIMIT %s"
            args.append(int(limit))

        async def read(conn: AsyncConnection[Any]) -> list[QuestionRecord]:
            cur = await conn.execute(sql, args)  # type: ignore[arg-type]  # built from literals
            return [QuestionRecord(s, n, g, float(c)) for s, n, g, c in await cur.fetchall()]

        return await self._run(read, kind="read", default=[], what="unanswered questions")

    async def feedback_stats(
        self, *, guild_id: int | None = None, since: float | None = None
    ) -> dict[str, VoteCount]:
        """👍/👎 counts per entry id."""
        where, params = _window(guild_id, since, None)
        sql = (
            "SELECT entry_id, COUNT(*) FILTER (WHERE vote = 1), COUNT(*) FILTER (WHERE vote = -1)"
            f" FROM feedback WHERE TRUE{where} GROUP BY entry_id"
        )

        async def read(conn: AsyncConnection[Any]) -> dict[str, VoteCount]:
            cur = await conn.execute(sql, params)  # type: ignore[arg-type]
            return {e: VoteCount(int(u), int(d)) for e, u, d in await cur.fetchall()}

        return await self._run(read, kind="read", default={}, what="feedback stats")

    async def topic_volume(
        self, *, guild_id: int | None = None, since: float | None = None
    ) -> list[TopicVolume]:
        """Question counts per topic and outcome, busiest topic first."""
        where, params = _window(guild_id, since, None)
        sql = (
            "SELECT topic, status, COUNT(*) FROM questions"
            f" WHERE TRUE{where} GROUP BY topic, status"
        )

        async def read(conn: AsyncConnection[Any]) -> list[TopicVolume]:
            cur = await conn.execute(sql, params)  # type: ignore[arg-type]
            return topic_volumes(await cur.fetchall())

        return await self._run(read, kind="read", default=[], what="topic volume")

    # ------------------------------------------------------------------ plumbing

    async def _run(self, fn: Query[T], *, kind: Kind, default: T, what: str) -> T:
        """Run ``fn`` in one transaction on a pooled connection; never raise.

        A connection that broke before COMMIT is retried once on a fresh pool (see the
        module docstring); every other failure gives the caller ``default``.
        """
        import psycopg
        import psycopg_pool

        if self._closed:
            if kind == "maintenance":
                return default  # a prune that lost the race with close: nothing to say
            return self._fail(kind, what, RuntimeError("the store is closed"), default)
        self._active += 1
        self._idle.clear()
        try:
            for attempt in (1, 2):
                pool = await self._usable_pool(retry_now=attempt == 2)
                if pool is None:
                    error = self._open_error or RuntimeError("database unavailable")
                    return self._fail(kind, what, error, default)
                used: AsyncConnection[Any] | None = None
                committing = False
                try:
                    async with pool.connection(timeout=POOL_WAIT) as conn:
                        used = conn
                        result = await fn(conn)
                        committing = True  # leaving the block commits
                except psycopg_pool.PoolTimeout as exc:
                    return self._fail(kind, what, exc, default)
                except psycopg_pool.PoolClosed as exc:
                    if attempt == 2:  # retired while we waited: nothing ran, try the next
                        return self._fail(kind, what, exc, default)
                    continue
                except psycopg.Error as exc:
                    if used is None or not used.broken:  # the statement failed, not the link
                        return self._fail(kind, what, exc, default)
                    self._retire(pool, exc)
                    if committing or attempt == 2:
                        return self._fail(kind, what, exc, default)
                    continue  # nothing was committed: run it once more on a fresh pool
                except Exception as exc:  # a bug in a query must never reach the bot
                    log.error("bug in a storage query (%s)", what, exc_info=exc)
                    return self._fail(kind, what, exc, default)
                self._succeeded(kind)
                return result
            raise AssertionError("unreachable")  # pragma: no cover
        finally:
            self._active -= 1
            if self._active == 0:
                self._idle.set()

    def _succeeded(self, kind: Kind) -> None:
        if kind == "write":
            if self._failing:
                self._failing = False
                log.warning(
                    "database writes to %s are working again (%d failed in total)",
                    self.where,
                    self.failed_writes,
                )
            if time.monotonic() >= self._next_prune:
                self._background(self.prune())

    async def _usable_pool(self, *, retry_now: bool = False) -> AsyncConnectionPool[Any] | None:
        """The open pool; opening one first if there is none and it is time to try.

        Callers that arrive while an attempt is under way wait for its result instead
        of being turned away or trying again themselves.
        """
        if self._pool is not None or self._closed:
            return self._pool
        attempts = self._attempts
        due = retry_now or time.monotonic() >= self._next_open
        if not due and not self._opening.locked():
            return None
        async with self._opening:
            if self._pool is None and not self._closed and due and self._attempts == attempts:
                self._attempts += 1
                # Set before trying: an attempt cancelled by a caller's timeout still
                # counts, so an unreachable host costs one attempt per interval.
                self._next_open = time.monotonic() + REOPEN_INTERVAL
                await self._open()
        return self._pool

    async def _open(self) -> None:
        """Connect once directly (fails fast), check or migrate the schema, then start
        the pool. On failure the store stays degraded until the next attempt."""
        import psycopg
        from psycopg_pool import AsyncConnectionPool

        try:
            async with await asyncio.wait_for(
                psycopg.AsyncConnection.connect(self.url, autocommit=True), CONNECT_TIMEOUT
            ) as conn:
                if self.read_only:
                    await postgres_schema.check_readable(conn)
                else:
                    await postgres_schema.migrate(conn)
                    await self._prune_on_open(conn)
        except Exception as exc:  # opening must never raise into the bot either
            if not isinstance(exc, psycopg.Error | SchemaError | OSError | TimeoutError):
                log.error("bug while opening %s", self.where, exc_info=exc)
            self._open_error = exc
            if not self.read_only:  # a reader reports open_error itself, in its own words
                self._warn("open", f"database {self.where} is unavailable: {self._describe(exc)}")
            return
        pool: AsyncConnectionPool[Any] = AsyncConnectionPool(
            self.url,
            min_size=POOL_MIN,
            max_size=POOL_MAX,
            open=False,
            name="careerbot",
            timeout=POOL_WAIT,
            configure=_read_only_session if self.read_only else None,
            kwargs={"connect_timeout": max(2, round(CONNECT_TIMEOUT))},
            # The pool would keep retrying for minutes while callers wait; instead it
            # gives up at once and this store takes over (fast direct attempts).
            reconnect_timeout=0.0,
            reconnect_failed=self._pool_cannot_connect,
        )
        await pool.open()
        self._pool = pool
        if self._open_error is not None:
            log.info("database %s is reachable again", self.where)
        self._open_error = None

    async def _prune_on_open(self, conn: AsyncConnection[Any]) -> None:
        """Prune as the store opens, as the SQLite store does. A failure (a database
        that has turned read-only) only postpones it: reading must still work."""
        import psycopg

        try:
            async with conn.transaction():
                await self._prune(conn)
        except psycopg.Error as exc:
            if conn.broken:
                raise
            self._next_prune = time.monotonic() + REOPEN_INTERVAL
            self._warn(
                "prune", f"could not prune old rows from {self.where}: {self._describe(exc)}"
            )

    async def _pool_cannot_connect(self, pool: AsyncConnectionPool[Any]) -> None:
        """The pool failed to open a connection: the server is probably gone. Retiring
        the pool wakes everyone waiting on it, so they fail now instead of in 1.5 s."""
        self._retire(pool, ConnectionError(f"lost the connection to {self.where}"))

    def _retire(self, pool: AsyncConnectionPool[Any], exc: BaseException) -> None:
        """Drop a pool whose connection broke; close it in the background."""
        if self._pool is pool:
            self._pool = None
            self._open_error = exc
            self._background(pool.close(timeout=1.0))

    def _background(self, work: Coroutine[Any, Any, Any]) -> None:
        """Run ``work`` without making the caller wait; ``close`` awaits it."""
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _fail(self, kind: Kind, what: str, exc: BaseException, default: T) -> T:
        """Count and report a failed operation; the caller gets ``default``."""
        reason = self._describe(exc)
        if kind == "write":
            self.failed_writes += 1
            self._failing = True
            self._warn("write", f"could not save {what} to {self.where}: {reason}")
        elif kind == "read":
            self.failed_reads += 1
            self._warn("read", f"could not read {what} from {self.where}: {reason}")
        else:
            self._warn(what, f"could not {what} {self.where}: {reason}")
        return default

    def _warn(self, kind: str, message: str) -> None:
        self._warnings.warn(kind, message, self.failed_writes)

    def _describe(self, exc: BaseException) -> str:
        """A one-line reason without the password: the message, never a traceback."""
        return redact_text(describe(exc), self.url)


async def _read_only_session(conn: AsyncConnection[Any]) -> None:
    """Every transaction on a report's connection starts ``BEGIN READ ONLY``."""
    await conn.set_read_only(True)


def _window(
    guild_id: int | None, since: float | None, until: float | None
) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    for clause, value in (
        ("guild_id = %s", guild_id),
        ("created >= %s", since),
        ("created < %s", until),
    ):
        if value is not None:
            clauses.append(clause)
            params.append(value)
    return "".join(f" AND {c}" for c in clauses), params

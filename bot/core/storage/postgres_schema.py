"""The PostgreSQL schema and its versioned migrations, safe when processes race.

Several shard processes share one database and usually start together (one
``docker compose up``), so two of them may find a fresh database at the same moment.
"CREATE TABLE IF NOT EXISTS" alone does not make that safe: two concurrent creates can
still collide in the catalogue, and a later step (an index, a column) would run twice.
So every process migrates under one transaction-level advisory lock:

1. ``pg_advisory_xact_lock(MIGRATION_LOCK_KEY)``: the second process waits here;
2. read the version from ``careerbot_schema`` (the table is created here when absent:
   under the lock nobody else can be creating it);
3. refuse a newer version than this code knows (:class:`SchemaError`);
4. run the missing steps and record each version;
5. commit, which releases the lock. The waiting process then reads the new version
   and has nothing left to do.

All of it is one transaction: PostgreSQL's DDL is transactional, so a crash mid-way
leaves the previous version, never half of a step.

Readers that must not change anything (``careerbot report``, ``careerbot health``)
only call :func:`schema_version`.

The column types mirror SQLite's (times are epoch seconds in ``double precision``,
Discord ids in ``bigint``), so both stores return the same values to the report.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from bot.core.storage.sqlite import SchemaError

if TYPE_CHECKING:
    from psycopg import AsyncConnection

log = logging.getLogger(__name__)

VERSION_TABLE = "careerbot_schema"
MIGRATION_LOCK_KEY = int.from_bytes(b"careerbt", "big")
"""One fixed advisory-lock key for "migrating CareerBot's tables" in this database."""
LOCK_WAIT = "30s"
"""How long a process waits for another one's migration before giving up (and
retrying later): a migration takes milliseconds, so this only trips on a stuck peer."""


async def _v1(conn: AsyncConnection[Any]) -> None:
    """Everything SQLite reached in its v3: votes, question outcomes, auto-answer
    channels, cooldown overrides, and the indexes retention and the report need."""
    for statement in (
        """CREATE TABLE feedback (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            entry_id text NOT NULL,
            vote smallint NOT NULL CHECK (vote IN (1, -1)),
            guild_id bigint,
            created double precision NOT NULL
        )""",
        """CREATE TABLE questions (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            status text NOT NULL,
            topic text,
            normalised text NOT NULL DEFAULT '',
            guild_id bigint,
            created double precision NOT NULL
        )""",
        """CREATE TABLE auto_channels (
            guild_id bigint NOT NULL,
            channel_id bigint NOT NULL,
            PRIMARY KEY (guild_id, channel_id)
        )""",
        """CREATE TABLE cooldowns (
            guild_id bigint PRIMARY KEY,
            rate integer NOT NULL CHECK (rate > 0),
            per double precision NOT NULL CHECK (per > 0)
        )""",
        "CREATE INDEX feedback_created ON feedback (created)",
        "CREATE INDEX feedback_entry ON feedback (entry_id)",
        "CREATE INDEX questions_created ON questions (created)",
        "CREATE INDEX questions_status ON questions (status, created)",
    ):
        await conn.execute(statement)  # type: ignore[arg-type]  # literal SQL


Migration = Callable[["AsyncConnection[Any]"], Awaitable[None]]
MIGRATIONS: tuple[tuple[int, Migration], ...] = ((1, _v1),)
"""Ordered forward migrations: ``(version it produces, step)``. Never edit a released
step; append a new one, so every existing database takes the same path forward."""
SCHEMA_VERSION = MIGRATIONS[-1][0]


def newer_schema_message(found: int) -> str:
    return (
        f"database schema v{found} is newer than this CareerBot understands "
        f"(v{SCHEMA_VERSION}); upgrade CareerBot or use another CAREERBOT_DATABASE_URL"
    )


async def schema_version(conn: AsyncConnection[Any]) -> int | None:
    """The version recorded in this database, or None if CareerBot never migrated it.
    Reads only: safe in a read-only transaction."""
    cur = await conn.execute("SELECT to_regclass(%s) IS NOT NULL", (VERSION_TABLE,))
    row = await cur.fetchone()
    if not row or not row[0]:
        return None
    cur = await conn.execute(f"SELECT COALESCE(MAX(version), 0) FROM {VERSION_TABLE}")
    row = await cur.fetchone()
    return int(row[0]) if row else 0


async def migrate(conn: AsyncConnection[Any]) -> int:
    """Bring the database up to :data:`SCHEMA_VERSION`; return the version it had.

    ``conn`` must be in autocommit mode (no transaction open): the whole migration is
    one transaction of its own, holding the advisory lock until it commits.
    """
    async with conn.transaction():
        await conn.execute(f"SET LOCAL lock_timeout = '{LOCK_WAIT}'")
        await conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK_KEY,))
        found = await schema_version(conn)
        if found is None:
            # Under the lock nobody else can be creating it. Only created when missing,
            # so an up-to-date database that has turned read-only still opens for reading.
            await conn.execute(
                f"CREATE TABLE {VERSION_TABLE} ("
                " version integer PRIMARY KEY, applied double precision NOT NULL)"
            )
            found = 0
        if found > SCHEMA_VERSION:
            raise SchemaError(newer_schema_message(found))
        for version, step in MIGRATIONS:
            if version <= found:
                continue
            await step(conn)
            await conn.execute(
                f"INSERT INTO {VERSION_TABLE} (version, applied) VALUES (%s, %s)",
                (version, time.time()),
            )
            log.info("PostgreSQL database migrated to schema v%d", version)
    return found


async def check_readable(conn: AsyncConnection[Any]) -> int:
    """The schema version, if this code can read the database without changing it;
    else :class:`SchemaError` saying why (never migrated, or newer than this code)."""
    found = await schema_version(conn)
    if found is None or found == 0:
        raise SchemaError(
            "the database has no CareerBot tables yet (the bot creates them when it starts)"
        )
    if found > SCHEMA_VERSION:
        raise SchemaError(newer_schema_message(found))
    return found

"""``careerbot health`` for a PostgreSQL database: can the bot save anything right now?

A server that accepts connections is not enough. The bot also cannot write when:

- the server is a standby in recovery, or the database (or role) has
  ``default_transaction_read_only = on``: every INSERT fails with "cannot execute
  INSERT in a read-only transaction";
- the database was migrated by a newer CareerBot: the store refuses it and runs
  without storage;
- the role lacks the privileges the bot uses.

So the probe connects, reads the schema version, and then performs the very write the
bot performs (an INSERT into ``questions``, or creating a table when the bot has not
created its tables yet) inside a transaction it rolls back: nothing is left behind.
Each problem is one line naming the database by its URL without the password.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from bot.core.storage import postgres_schema
from bot.core.storage.database_url import redact, redact_text
from bot.core.storage.postgres import DriverMissingError, require_driver
from bot.core.storage.shared import describe

if TYPE_CHECKING:
    from psycopg import AsyncConnection

PROBE_TIMEOUT = 5.0
"""Seconds for the whole probe: well inside Docker's 10-second health-check timeout."""


class _Problem(Exception):
    """One line for ``careerbot health``."""


def check_postgres(url: str) -> list[str]:
    """Every reason the bot could not use the database at ``url`` now (at most one)."""
    shown = redact(url)
    try:
        require_driver()
        asyncio.run(asyncio.wait_for(_probe(url, shown), PROBE_TIMEOUT))
    except DriverMissingError as exc:
        return [str(exc)]
    except _Problem as exc:
        return [redact_text(str(exc), url)]
    except TimeoutError:
        return [f"PostgreSQL database {shown} did not answer within {PROBE_TIMEOUT:g}s"]
    return []


async def _probe(url: str, shown: str) -> None:
    import psycopg

    try:
        conn = await psycopg.AsyncConnection.connect(url, autocommit=True)
    except psycopg.Error as exc:
        raise _Problem(f"PostgreSQL database {shown} is unreachable: {describe(exc)}") from None
    async with conn:
        try:
            await _check_writable(conn, shown)
        except psycopg.Error as exc:
            raise _Problem(
                f"PostgreSQL database {shown} cannot be checked: {describe(exc)}"
            ) from None


async def _check_writable(conn: AsyncConnection[Any], shown: str) -> None:
    import psycopg

    async with conn.transaction(force_rollback=True):
        cur = await conn.execute(
            "SELECT pg_is_in_recovery(), current_setting('transaction_read_only')"
        )
        row = await cur.fetchone()
        in_recovery, read_only = (bool(row[0]), row[1] == "on") if row else (False, False)
        if in_recovery or read_only:
            why = "a standby in recovery" if in_recovery else "default_transaction_read_only is on"
            raise _Problem(
                f"PostgreSQL database {shown} is read-only ({why}): the bot cannot save votes, "
                "questions or settings"
            )
        version = await postgres_schema.schema_version(conn)
        if version is not None and version > postgres_schema.SCHEMA_VERSION:
            raise _Problem(
                f"PostgreSQL database {shown} cannot be used: "
                f"{postgres_schema.newer_schema_message(version)}"
            )
        try:
            async with conn.transaction():  # a savepoint: the probe's own write
                if version:
                    # An explicit id leaves the id sequence where it was: not even a
                    # gap in the numbering is left behind.
                    await conn.execute(
                        "INSERT INTO questions (id, status, topic, normalised, guild_id, created)"
                        " OVERRIDING SYSTEM VALUE VALUES (0, 'health-probe', NULL, '', NULL, 0)"
                    )
                else:
                    await conn.execute("CREATE TABLE careerbot_health_probe (x integer)")
        except psycopg.Error as exc:
            raise _Problem(
                f"PostgreSQL database {shown} is not writable: {describe(exc)}"
            ) from None

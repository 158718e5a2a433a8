"""Which durable store a command uses: the one place that chooses SQLite or PostgreSQL.

``careerbot run``, ``report`` and ``health`` all describe their database with one
:class:`Database` (built from :class:`bot.settings.Settings`), so they cannot disagree
about where the data is: ``CAREERBOT_DATABASE_URL`` set means PostgreSQL, shared by
every shard process; unset means the SQLite file at ``CAREERBOT_DB``, as before.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from bot.core.storage.database_url import redact
from bot.core.storage.postgres import PostgresStore, require_driver
from bot.core.storage.sqlite import DEFAULT_RETENTION_DAYS, SqliteStore

log = logging.getLogger(__name__)


DurableStore = SqliteStore | PostgresStore
"""A store that keeps its rows and answers the report's queries: what ``careerbot run``
works with, whichever database it was given."""


@dataclass(frozen=True, slots=True)
class Database:
    """Where the durable data lives: a PostgreSQL URL when one is set, else a file."""

    path: Path
    url: str | None = None
    retention_days: float = DEFAULT_RETENTION_DAYS

    def __repr__(self) -> str:
        return f"Database({self.shown!r}, retention_days={self.retention_days!r})"

    @property
    def is_postgres(self) -> bool:
        return self.url is not None

    @property
    def shown(self) -> str:
        """How to name it in messages: the file, or the URL without its password."""
        return redact(self.url) if self.url is not None else str(self.path)

    def require_driver(self) -> None:
        """Raise :class:`~bot.core.storage.postgres.DriverMissingError` (one line) if this
        database needs psycopg and it is not installed; before anything is started."""
        if self.url is not None:
            require_driver()

    def store(self) -> DurableStore:
        """The bot's store, not yet opened (it migrates and prunes as it opens).

        Raises :class:`~bot.core.storage.postgres.DriverMissingError` when the URL asks
        for PostgreSQL and psycopg is not installed.
        """
        if self.url is not None:
            return self.postgres()
        return SqliteStore(self.path, retention_days=self.retention_days)

    def postgres(self, *, read_only: bool = False) -> PostgresStore:
        """The PostgreSQL store for this URL; ``read_only`` for ``careerbot report``."""
        if self.url is None:
            raise ValueError("no PostgreSQL URL configured")
        return PostgresStore(self.url, retention_days=self.retention_days, read_only=read_only)


async def open_store(database: Database) -> DurableStore:
    """The bot's store for ``database``, once it has tried to connect (and migrate).

    Unreachable is not fatal: the store runs degraded and keeps retrying (see the
    stores' docstrings), because answering matters more than saving votes.
    """
    store = database.store()
    log.info("storage: %s", database.shown)
    if not await store.wait_ready():
        log.warning(
            "running without durable storage: votes, unanswered questions and settings "
            "will not be saved until %s can be reached",
            database.shown,
        )
    return store

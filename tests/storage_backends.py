"""The two durable stores, seen the same way by the tests: SQLite and PostgreSQL.

A :class:`Backend` makes stores of one kind and reads their rows directly, bypassing
the store, as a second opinion. ``tests/test_storage_contract.py`` runs every
backend-agnostic store test against both; the fault tests use the same fixture.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from bot.core.storage import postgres as postgres_store
from bot.core.storage import sqlite as sqlite_store
from bot.core.storage.base import CooldownSetting
from bot.core.storage.selection import Database, DurableStore
from bot.core.storage.sqlite import SqliteStore, schema_tables
from tests.pg_cluster import free_port

DAY = 86400.0
LOGGERS = ("bot.core.storage.sqlite", "bot.core.storage.postgres")


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@dataclass
class Backend:
    """One kind of durable store, and direct access to what it wrote."""

    name: str
    module: ModuleType
    """The store's module, for tests that shorten its intervals with monkeypatch."""
    database: Database
    """Where the store under test keeps its rows (a fresh file or database)."""
    rows: Callable[[str], list[tuple[Any, ...]]]
    """Run one SQL statement outside the store and return its rows."""
    tables: Callable[[], dict[str, tuple[str, ...]]]
    """Table name → column names."""
    hold_locks: Callable[[], contextlib.AbstractContextManager[None]]
    """Another client holds locks that stop this store's writes (and, for PostgreSQL,
    its reads) until the block ends, as ``careerbot report`` or a migration might."""
    unreachable: Callable[[], Database]
    """A database the store cannot reach (and that does not exist afterwards)."""
    set_schema_version: Callable[[int], None]
    schema_version: Callable[[], int]
    make_read_only: Callable[[], Callable[..., DurableStore]]
    """Turn the database read-only as its operator would; how to open a store on it."""

    def make(self, **options: Any) -> DurableStore:
        """A store on :attr:`database`, not yet opened (``retention_days``, ``clock``)."""
        if self.database.url is not None:
            return postgres_store.PostgresStore(self.database.url, **options)
        return SqliteStore(self.database.path, **options)

    async def open(self, **options: Any) -> DurableStore:
        store = self.make(**options)
        await store.wait_ready()
        return store

    @property
    def spec(self) -> str:
        """What a child process needs to open the same database: a path or a URL."""
        return self.database.url or str(self.database.path)


# ---------------------------------------------------------------------------- sqlite


def sqlite_rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


class ReadOnlySqliteStore(SqliteStore):
    """Opens the file with SQLite's read-only mode: every write really fails in SQLite,
    as with a read-only mount, whatever user the tests run as."""

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(
            f"{self.path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None
        )


def sqlite_backend(tmp_path: Path) -> Backend:
    path = tmp_path / "careerbot.sqlite3"

    def tables() -> dict[str, tuple[str, ...]]:
        conn = sqlite3.connect(path)
        try:
            return schema_tables(conn)
        finally:
            conn.close()

    @contextlib.contextmanager
    def hold_locks() -> Iterator[None]:
        blocker = sqlite3.connect(path, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()

    def unreachable() -> Database:
        blocker = tmp_path / "not-a-directory"  # fails even for root (unlike chmod)
        blocker.write_text("x")
        return Database(blocker / "careerbot.sqlite3")

    def set_version(version: int) -> None:
        conn = sqlite3.connect(path)
        conn.executescript(
            f"CREATE TABLE IF NOT EXISTS future (x); PRAGMA user_version = {version};"
        )
        conn.close()

    def make_read_only() -> Callable[..., DurableStore]:
        return lambda **options: ReadOnlySqliteStore(path, **options)

    return Backend(
        name="sqlite",
        module=sqlite_store,
        database=Database(path),
        rows=lambda sql: sqlite_rows(path, sql),
        tables=tables,
        hold_locks=hold_locks,
        unreachable=unreachable,
        set_schema_version=set_version,
        schema_version=lambda: int(sqlite_rows(path, "PRAGMA user_version")[0][0]),
        make_read_only=make_read_only,
    )


# ---------------------------------------------------------------------------- postgres


def postgres_rows(url: str, sql: str) -> list[tuple[Any, ...]]:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        cur = conn.execute(sql)  # type: ignore[arg-type]  # test-controlled SQL
        return cur.fetchall() if cur.description else []


def postgres_backend(url: str) -> Backend:
    def tables() -> dict[str, tuple[str, ...]]:
        found: dict[str, list[str]] = {}
        for table, column in postgres_rows(
            url,
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position",
        ):
            found.setdefault(table, []).append(column)
        return {t: tuple(c) for t, c in found.items()}

    @contextlib.contextmanager
    def hold_locks() -> Iterator[None]:
        import psycopg

        with psycopg.connect(url) as blocker:
            blocker.execute(
                "LOCK TABLE feedback, questions, auto_channels, cooldowns IN ACCESS EXCLUSIVE MODE"
            )
            try:
                yield
            finally:
                blocker.rollback()

    def set_version(version: int) -> None:
        postgres_rows(
            url,
            "CREATE TABLE IF NOT EXISTS careerbot_schema"
            " (version integer PRIMARY KEY, applied double precision NOT NULL);"
            f" INSERT INTO careerbot_schema VALUES ({int(version)}, 0)",
        )

    def version() -> int:
        return int(postgres_rows(url, "SELECT MAX(version) FROM careerbot_schema")[0][0])

    def make_read_only() -> Callable[..., DurableStore]:
        name = url.rsplit("/", 1)[1]
        postgres_rows(url, f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
        return lambda **options: postgres_store.PostgresStore(url, **options)

    return Backend(
        name="postgres",
        module=postgres_store,
        database=Database(Path("unused"), url),
        rows=lambda sql: postgres_rows(url, sql),
        tables=tables,
        hold_locks=hold_locks,
        unreachable=lambda: Database(
            Path("unused"), f"postgresql://careerbot:secret@127.0.0.1:{free_port()}/careerbot"
        ),
        set_schema_version=set_version,
        schema_version=version,
        make_read_only=make_read_only,
    )


# ---------------------------------------------------------------------------- checks


def failure_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name in LOGGERS and r.levelno == logging.WARNING]


async def assert_degraded_but_answering(
    store: DurableStore, caplog: pytest.LogCaptureFixture
) -> None:
    """Every call returns normally; writes are counted and logged, reads are empty."""
    await store.record_feedback("mle-salary-entry", 1, 1)
    await store.record_question(status="declined", topic=None, normalised="dentist pay", guild_id=1)
    assert await store.add_auto_channel(1, 2) is False  # /config can say "not saved"
    assert await store.set_cooldown(1, CooldownSetting(1, 1.0)) is False
    assert store.failed_writes == 4
    warnings = failure_records(caplog)
    assert warnings, "the failure must be logged"
    assert any("could not save" in r.getMessage() for r in warnings)
    for record in warnings:
        assert record.exc_info is None, "one line, no traceback"
        assert "\n" not in record.getMessage()


@pytest.fixture
def no_stray_store_threads() -> Iterator[None]:
    """Every test closes its stores: no SQLite worker thread may outlive it."""
    yield
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        alive = [t for t in threading.enumerate() if t.name.startswith("sqlite-store:")]
        if not alive:
            return
        time.sleep(0.01)
    pytest.fail(f"store threads left running: {alive}")

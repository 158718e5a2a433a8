"""The SQLite store's own behaviour: WAL, its file and directory, a full disk, an I/O
error that reopens the file, and its migrations. What every durable store promises
(restarts, crashes, concurrency, degraded mode, retention, the report's queries) is
in ``test_storage_contract.py``, run on SQLite and PostgreSQL alike."""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
import time
from pathlib import Path

import pytest

from bot.core.storage import sqlite as sqlite_store
from bot.core.storage.base import CooldownSetting
from bot.core.storage.sqlite import SCHEMA_VERSION, SqliteStore, open_store
from tests.storage_backends import (
    assert_degraded_but_answering,
    failure_records,
    no_stray_store_threads,  # noqa: F401  (used through pytestmark)
)
from tests.storage_backends import sqlite_rows as rows

pytestmark = pytest.mark.usefixtures("no_stray_store_threads")
LOGGER = "bot.core.storage.sqlite"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "careerbot.sqlite3"


# ---------------------------------------------------------------------------- basics


async def test_uses_wal_and_latest_schema(db: Path) -> None:
    store = await open_store(db)
    await store.close()
    assert rows(db, "PRAGMA journal_mode") == [("wal",)]
    assert rows(db, "PRAGMA user_version") == [(SCHEMA_VERSION,)]


# ---------------------------------------------------------------------------- failures


@pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0,
    reason="root ignores directory permissions; covered by the read-only and full-disk tests",
)
async def test_read_only_directory(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    directory = tmp_path / "ro"
    directory.mkdir()
    directory.chmod(0o555)
    caplog.set_level(logging.WARNING, logger=LOGGER)
    try:
        store = await open_store(directory / "careerbot.sqlite3")
        await assert_degraded_but_answering(store, caplog)
        await store.close()
    finally:
        directory.chmod(0o755)


class FullDiskStore(SqliteStore):
    """Caps the file at its current size: the next page SQLite needs fails with
    SQLITE_FULL ("database or disk is full"), exactly as on a full disk."""

    def _connect(self) -> sqlite3.Connection:
        conn = super()._connect()
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {max(pages, 1)}")
        return conn


async def test_full_disk(db: Path, caplog: pytest.LogCaptureFixture) -> None:
    seed = await open_store(db)
    await asyncio.gather(*(seed.record_feedback(f"old-{i}", 1, 1) for i in range(50)))
    await seed.close()
    rows(db, "PRAGMA wal_checkpoint(TRUNCATE)")

    caplog.set_level(logging.WARNING, logger=LOGGER)
    store = FullDiskStore(db)
    assert await store.wait_ready()
    # Enough rows that they cannot fit in the free space of the last page.
    await asyncio.gather(
        *(
            store.record_question(status="declined", topic=None, normalised="q" * 300, guild_id=1)
            for _ in range(200)
        )
    )
    assert store.failed_writes > 0
    assert any("full" in r.getMessage() for r in failure_records(caplog))
    stats = await store.feedback_stats()
    await store.close()
    assert sum(v.total for v in stats.values()) == 50
    assert rows(db, "PRAGMA integrity_check") == [("ok",)]


async def test_recovers_when_the_database_comes_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(sqlite_store, "REOPEN_INTERVAL", 0.0)
    blocker = tmp_path / "data"
    blocker.write_text("x")  # the volume is "not mounted": a file where the dir should be
    caplog.set_level(logging.WARNING, logger=LOGGER)
    store = await open_store(blocker / "careerbot.sqlite3")
    await store.record_feedback("lost", 1, 1)
    assert store.failed_writes == 1
    blocker.unlink()
    blocker.mkdir()  # ...and now it is
    await store.record_feedback("saved", 1, 1)
    assert store.available
    assert set(await store.feedback_stats()) == {"saved"}
    await store.close()
    assert store.failed_writes == 1
    assert any("working again" in r.getMessage() for r in failure_records(caplog))


class FlakyConnection(sqlite3.Connection):
    """A connection whose INSERTs fail with an I/O error while ``failing`` is set, as
    when the volume under an open file goes away."""

    failing = False
    opened = 0

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        FlakyConnection.opened += 1

    def execute(self, sql: str, *args: object) -> sqlite3.Cursor:  # type: ignore[override]
        if FlakyConnection.failing and sql.startswith("INSERT"):
            exc = sqlite3.OperationalError("disk I/O error")
            exc.sqlite_errorname = "SQLITE_IOERR_WRITE"  # type: ignore[attr-defined]
            raise exc
        return super().execute(sql, *args)


class FlakyStore(SqliteStore):
    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, isolation_level=None, factory=FlakyConnection)


async def test_io_error_reopens_the_file(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sqlite_store, "REOPEN_INTERVAL", 0.0)
    monkeypatch.setattr(FlakyConnection, "opened", 0)
    store = FlakyStore(db)
    await store.record_feedback("before", 1, 1)
    monkeypatch.setattr(FlakyConnection, "failing", True)
    await store.record_feedback("lost", 1, 1)
    assert store.failed_writes == 1
    assert not store.available  # the suspect handle was dropped
    monkeypatch.setattr(FlakyConnection, "failing", False)
    await store.record_feedback("after", 1, 1)
    assert store.available
    assert FlakyConnection.opened == 2
    assert set(await store.feedback_stats()) == {"before", "after"}
    await store.close()


# ---------------------------------------------------------------------------- migrations

V1_SCHEMA = """
CREATE TABLE feedback (
    id INTEGER PRIMARY KEY, entry_id TEXT NOT NULL,
    vote INTEGER NOT NULL CHECK (vote IN (1, -1)), guild_id INTEGER, created REAL NOT NULL);
CREATE TABLE questions (
    id INTEGER PRIMARY KEY, status TEXT NOT NULL, topic TEXT,
    normalised TEXT NOT NULL DEFAULT '', guild_id INTEGER, created REAL NOT NULL);
CREATE TABLE auto_channels (
    guild_id INTEGER NOT NULL, channel_id INTEGER NOT NULL, PRIMARY KEY (guild_id, channel_id));
PRAGMA user_version = 1;
"""
"""Written out by hand, as released: the test must not use the code it is testing."""


def make_v1(path: Path) -> None:
    now = time.time()
    conn = sqlite3.connect(path)
    conn.executescript(V1_SCHEMA)
    conn.execute(
        "INSERT INTO feedback (entry_id, vote, guild_id, created) VALUES ('a', -1, 7, ?)", (now,)
    )
    conn.execute(
        "INSERT INTO questions (status, topic, normalised, guild_id, created)"
        " VALUES ('declined', NULL, 'dentist salary', 7, ?)",
        (now,),
    )
    conn.execute("INSERT INTO auto_channels VALUES (7, 70)")
    conn.commit()
    conn.close()


def indexes(path: Path) -> set[str]:
    return {
        n
        for (n,) in rows(path, "SELECT name FROM sqlite_master WHERE type = 'index'")
        if not n.startswith("sqlite_")
    }


async def test_migrates_v1_database(db: Path) -> None:
    make_v1(db)
    assert "cooldowns" not in {n for (n,) in rows(db, "SELECT name FROM sqlite_master")}
    store = await open_store(db)
    try:
        assert await store.auto_channels(7) == frozenset({70})
        assert (await store.feedback_stats()) == {"a": sqlite_store.VoteCount(0, 1)}
        assert [q.normalised for q in await store.unanswered()] == ["dentist salary"]
        await store.set_cooldown(7, CooldownSetting(2, 20.0))  # the v2 table works
        assert await store.cooldown(7) == CooldownSetting(2, 20.0)
    finally:
        await store.close()
    assert rows(db, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert {"feedback_created", "questions_created", "questions_status"} <= indexes(db)


async def test_migrates_v2_database(db: Path) -> None:
    make_v1(db)
    conn = sqlite3.connect(db)
    conn.executescript(
        "CREATE TABLE cooldowns (guild_id INTEGER PRIMARY KEY, rate INTEGER NOT NULL,"
        " per REAL NOT NULL); INSERT INTO cooldowns VALUES (7, 4, 40.0);"
        " PRAGMA user_version = 2;"
    )
    conn.close()
    store = await open_store(db)
    assert await store.cooldown(7) == CooldownSetting(4, 40.0)
    await store.close()
    assert rows(db, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert "feedback_created" in indexes(db)


async def test_failed_migration_leaves_previous_version(
    db: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    make_v1(db)

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE cooldowns (guild_id INTEGER)")
        raise sqlite3.OperationalError("simulated crash mid-migration")

    monkeypatch.setattr(sqlite_store, "MIGRATIONS", ((1, sqlite_store._v1), (2, broken)))
    store = await open_store(db)
    assert not store.available
    await store.close()
    assert rows(db, "PRAGMA user_version") == [(1,)]
    assert "cooldowns" not in {n for (n,) in rows(db, "SELECT name FROM sqlite_master")}

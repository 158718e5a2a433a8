"""The durable store: restarts, crashes, concurrency, failing disks, migrations, retention."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.core.storage import sqlite as sqlite_store
from bot.core.storage.base import CooldownSetting, Store
from bot.core.storage.sqlite import (
    SCHEMA_VERSION,
    SqliteStore,
    open_store,
    schema_tables,
)

LOGGER = "bot.core.storage.sqlite"
DAY = 86400.0


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "careerbot.sqlite3"


def rows(path: Path, sql: str) -> list[tuple]:
    """Read the file directly, bypassing the store, as a second opinion."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def failure_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == LOGGER and r.levelno == logging.WARNING]


# ---------------------------------------------------------------------------- basics


async def test_is_a_store(db: Path) -> None:
    store: Store = await open_store(db)
    await store.close()


async def test_survives_restart(db: Path) -> None:
    store = await open_store(db)
    await store.record_feedback("mle-salary-entry", 1, 10)
    await store.record_feedback("mle-salary-entry", -1, 10)
    await store.record_question(
        status="declined", topic=None, normalised="dentist salary", guild_id=10
    )
    await store.record_question(status="clarify", topic="salary", normalised="ml pay", guild_id=10)
    await store.record_question(
        status="answered", topic="salary", normalised="mle pay", guild_id=10
    )
    assert await store.add_auto_channel(10, 111)
    assert await store.add_auto_channel(20, 222)
    await store.set_cooldown(10, CooldownSetting(3, 30.0))
    await store.close()

    reopened = await open_store(db)
    try:
        assert (await reopened.feedback_stats())["mle-salary-entry"] == sqlite_store.VoteCount(1, 1)
        unanswered = await reopened.unanswered()
        assert {(q.status, q.normalised, q.guild_id) for q in unanswered} == {
            ("declined", "dentist salary", 10),
            ("clarify", "ml pay", 10),
        }
        assert await reopened.auto_channels(10) == frozenset({111})
        assert await reopened.all_auto_channels() == {10: frozenset({111}), 20: frozenset({222})}
        assert await reopened.cooldown(10) == CooldownSetting(3, 30.0)
        assert await reopened.cooldown(20) is None
        assert reopened.failed_writes == 0
    finally:
        await reopened.close()


async def test_settings_round_trip(db: Path) -> None:
    store = await open_store(db)
    try:
        assert await store.add_auto_channel(1, 5) is True
        assert await store.add_auto_channel(1, 5) is False  # already there
        assert await store.remove_auto_channel(1, 5) is True
        assert await store.remove_auto_channel(1, 5) is False
        assert await store.auto_channels(1) == frozenset()
        assert await store.all_auto_channels() == {}
        assert await store.set_cooldown(1, CooldownSetting(1, 5.0)) is True
        assert await store.set_cooldown(1, CooldownSetting(2, 9.5))  # overwrite, no duplicate
        assert await store.cooldown(1) == CooldownSetting(2, 9.5)
        assert await store.set_cooldown(1, None)
        assert await store.cooldown(1) is None
    finally:
        await store.close()


async def test_answered_questions_keep_no_text(db: Path) -> None:
    store = await open_store(db)
    await store.record_question(status="answered", topic="salary", normalised="mle pay", guild_id=1)
    await store.record_question(status="declined", topic=None, normalised="x" * 5000, guild_id=1)
    await store.close()
    texts = rows(db, "SELECT status, normalised FROM questions ORDER BY id")
    assert texts[0] == ("answered", "")
    assert texts[1][0] == "declined"
    assert len(texts[1][1]) == sqlite_store.NORMALISED_LIMIT


async def test_schema_has_no_user_identifiers(db: Path) -> None:
    store = await open_store(db)
    await store.close()
    conn = sqlite3.connect(db)
    tables = schema_tables(conn)
    conn.close()
    assert {"feedback", "questions", "auto_channels", "cooldowns"} <= set(tables)
    columns = {c.lower() for cols in tables.values() for c in cols}
    for forbidden in ("user", "author", "member", "username", "name", "discriminator"):
        assert not any(forbidden in c for c in columns), (forbidden, columns)


async def test_uses_wal_and_latest_schema(db: Path) -> None:
    store = await open_store(db)
    await store.close()
    assert rows(db, "PRAGMA journal_mode") == [("wal",)]
    assert rows(db, "PRAGMA user_version") == [(SCHEMA_VERSION,)]


async def test_close_flushes_pending_writes(db: Path) -> None:
    store = SqliteStore(db)
    tasks = [asyncio.create_task(store.record_feedback(f"e{i}", 1, 1)) for i in range(300)]
    await asyncio.sleep(0)  # the tasks have queued their writes; nobody awaited them
    await store.close()
    await asyncio.gather(*tasks)
    assert rows(db, "SELECT COUNT(*) FROM feedback") == [(300,)]
    await store.close()  # idempotent


async def test_writes_after_close_are_refused_not_raised(db: Path) -> None:
    store = await open_store(db)
    await store.close()
    await store.record_feedback("e", 1, None)
    assert await store.auto_channels(1) == frozenset()
    assert store.failed_writes == 1


# ---------------------------------------------------------------------------- concurrency


async def test_concurrent_votes_are_all_stored(db: Path) -> None:
    store = await open_store(db)
    n = 500
    await asyncio.gather(
        *(store.record_feedback(f"entry-{i % 7}", 1 if i % 3 else -1, i % 4) for i in range(n))
    )
    stats = await store.feedback_stats()
    await store.close()
    assert sum(v.total for v in stats.values()) == n
    assert sum(v.down for v in stats.values()) == len([i for i in range(n) if i % 3 == 0])
    assert rows(db, "SELECT COUNT(*) FROM feedback") == [(n,)]


async def test_two_stores_on_one_file_do_not_lose_votes(db: Path) -> None:
    """Two processes (the bot and ``careerbot report``) may hold the file at once."""
    a, b = await open_store(db), await open_store(db)
    await asyncio.gather(
        *(a.record_feedback("e", 1, 1) for _ in range(150)),
        *(b.record_feedback("e", -1, 1) for _ in range(150)),
    )
    await a.close()
    await b.close()
    assert rows(db, "SELECT vote, COUNT(*) FROM feedback GROUP BY vote ORDER BY vote") == [
        (-1, 150),
        (1, 150),
    ]


async def test_a_locked_database_does_not_block_the_event_loop(db: Path) -> None:
    store = await open_store(db)
    blocker = sqlite3.connect(db, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    try:
        write = asyncio.create_task(store.record_feedback("e", 1, 1))
        started = time.perf_counter()
        ticks = 0
        for _ in range(20):
            await asyncio.sleep(0.01)
            ticks += 1
        elapsed = time.perf_counter() - started
        assert ticks == 20 and elapsed < 1.0, "the event loop stalled behind the lock"
        assert not write.done(), "the write should still be waiting for the lock"
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    await write
    await store.close()
    assert store.failed_writes == 0
    assert rows(db, "SELECT COUNT(*) FROM feedback") == [(1,)]


async def test_cooldown_is_read_from_memory_while_the_database_is_locked(db: Path) -> None:
    """Every answer reads the cooldown: that read must not wait on the disk."""
    store = await open_store(db)
    assert await store.set_cooldown(1, CooldownSetting(2, 20.0))
    assert await store.cooldown(3) is None
    blocker = sqlite3.connect(db, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        vote = asyncio.create_task(store.record_feedback("e", 1, 1))  # stuck behind the lock
        await asyncio.sleep(0.05)
        started = time.perf_counter()
        assert await store.cooldown(1) == CooldownSetting(2, 20.0)
        assert await store.cooldown(3) is None
        assert time.perf_counter() - started < 0.5  # the lock would hold it for 5 s
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    await vote
    await store.close()


async def test_cooldown_cache_expires(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A change made by another process (a second shard process) is picked up."""
    monkeypatch.setattr(sqlite_store, "SETTINGS_CACHE_SECONDS", 0.0)
    bot, other = await open_store(db), await open_store(db)
    assert await bot.cooldown(1) is None
    assert await other.set_cooldown(1, CooldownSetting(4, 8.0))
    assert await bot.cooldown(1) == CooldownSetting(4, 8.0)
    await bot.close()
    await other.close()


# ---------------------------------------------------------------------------- crash

CHILD = r"""
import asyncio, itertools, sys
from bot.core.storage.sqlite import SqliteStore

async def main() -> None:
    store = SqliteStore(sys.argv[1])
    counter = itertools.count()

    async def voter() -> None:
        # Independent voters, so at any instant some writes are queued or mid-commit.
        while True:
            i = next(counter)
            await store.record_feedback(f"entry-{i}", 1 if i % 2 else -1, 42)
            print(i, flush=True)  # only after the await: the vote is committed

    await asyncio.gather(*(voter() for _ in range(16)))

asyncio.run(main())
"""


def test_kill_during_writes_keeps_every_committed_vote(db: Path) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    reported: list[int] = []
    deadline = time.monotonic() + 60
    try:
        assert child.stdout is not None
        while len(reported) < 800 and time.monotonic() < deadline:
            line = child.stdout.readline()
            if not line:
                break
            reported.append(int(line))
        # SIGKILL: no flush, no close, no atexit; the worker is mid-transaction.
        os.kill(child.pid, signal.SIGKILL)
        rest, err = child.communicate(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    reported += [int(x) for x in rest.split()]
    assert child.returncode == -signal.SIGKILL
    assert len(reported) >= 800, f"child reported too little before dying: {err}"

    assert rows(db, "PRAGMA integrity_check") == [("ok",)]
    stored = {e for (e,) in rows(db, "SELECT entry_id FROM feedback")}
    missing = {f"entry-{i}" for i in reported} - stored
    assert not missing, f"{len(missing)} committed votes lost"

    # The bot restarts on the same file and carries on writing.
    async def restart() -> tuple[int, int]:
        store = await open_store(db)
        await store.record_feedback("after-crash", 1, 1)
        stats = await store.feedback_stats()
        await store.close()
        return len(stats), store.failed_writes

    entries, failed = asyncio.run(restart())
    assert (entries, failed) == (len(stored) + 1, 0)


# ---------------------------------------------------------------------------- failures


async def assert_degraded_but_answering(
    store: SqliteStore, caplog: pytest.LogCaptureFixture
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


async def test_unopenable_path_degrades(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A parent that is a regular file fails even for root (unlike chmod)."""
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("x")
    caplog.set_level(logging.WARNING, logger=LOGGER)
    store = await open_store(blocker / "careerbot.sqlite3")
    assert not store.available
    await assert_degraded_but_answering(store, caplog)
    assert await store.auto_channels(1) == frozenset()
    assert await store.all_auto_channels() == {}
    assert await store.cooldown(1) is None
    assert await store.unanswered() == []
    assert await store.feedback_stats() == {}
    await store.close()
    assert blocker.read_text() == "x"


class ReadOnlyStore(SqliteStore):
    """Opens the file with SQLite's read-only mode: every write really fails in SQLite,
    as with a read-only mount, whatever user the tests run as."""

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(
            f"{self.path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None
        )


async def test_read_only_database(db: Path, caplog: pytest.LogCaptureFixture) -> None:
    seed = await open_store(db)
    await seed.record_feedback("kept-entry", -1, 1)
    assert await seed.add_auto_channel(1, 99)
    await seed.close()

    caplog.set_level(logging.WARNING, logger=LOGGER)
    store = ReadOnlyStore(db)
    assert await store.wait_ready()
    await assert_degraded_but_answering(store, caplog)
    assert any("readonly" in r.getMessage() for r in failure_records(caplog))
    # What was stored before is still readable and untouched.
    assert await store.auto_channels(1) == frozenset({99})
    assert (await store.feedback_stats()) == {"kept-entry": sqlite_store.VoteCount(0, 1)}
    await store.close()
    assert rows(db, "PRAGMA integrity_check") == [("ok",)]
    assert rows(db, "SELECT COUNT(*) FROM feedback") == [(1,)]


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


async def test_failure_warnings_are_rate_limited(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    caplog.set_level(logging.WARNING, logger=LOGGER)
    store = await open_store(blocker / "db.sqlite3")
    await asyncio.gather(*(store.record_feedback("e", 1, 1) for _ in range(100)))
    await store.close()
    saves = [r for r in failure_records(caplog) if "could not save" in r.getMessage()]
    assert store.failed_writes == 100
    assert len(saves) == 1


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


async def test_newer_schema_is_left_alone(db: Path, caplog: pytest.LogCaptureFixture) -> None:
    conn = sqlite3.connect(db)
    conn.executescript("CREATE TABLE future (x); PRAGMA user_version = 999;")
    conn.close()
    caplog.set_level(logging.WARNING, logger=LOGGER)
    store = await open_store(db)
    await store.record_feedback("e", 1, 1)
    await store.close()
    assert store.failed_writes == 1
    assert any("newer" in r.getMessage() for r in failure_records(caplog))
    assert rows(db, "PRAGMA user_version") == [(999,)]


# ---------------------------------------------------------------------------- retention


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


async def test_retention_prunes_old_rows_on_open(db: Path) -> None:
    now = time.time()
    clock = Clock(now - 200 * DAY)
    old = SqliteStore(db, retention_days=180, clock=clock)
    await old.record_feedback("ancient", 1, 1)
    await old.record_question(status="declined", topic=None, normalised="old gap", guild_id=1)
    assert await old.add_auto_channel(1, 10)
    clock.now = now - 10 * DAY
    await old.record_feedback("recent", 1, 1)
    await old.record_question(status="declined", topic=None, normalised="new gap", guild_id=1)
    await old.close()
    assert rows(db, "SELECT COUNT(*) FROM feedback") == [(2,)]

    store = await open_store(db, retention_days=180)
    try:
        assert set(await store.feedback_stats()) == {"recent"}
        assert [q.normalised for q in await store.unanswered()] == ["new gap"]
        assert await store.auto_channels(1) == frozenset({10})  # settings are not pruned
    finally:
        await store.close()


async def test_prune_runs_periodically(db: Path) -> None:
    clock = Clock(time.time())
    store = SqliteStore(db, retention_days=1, clock=clock)
    await store.record_feedback("today", 1, 1)
    clock.now += 2 * DAY  # the bot has been up for two days
    assert await store.prune() == 1
    assert await store.feedback_stats() == {}
    await store.close()


def test_retention_must_be_positive(db: Path) -> None:
    with pytest.raises(ValueError, match="retention"):
        SqliteStore(db, retention_days=0)


# ---------------------------------------------------------------------------- report queries


async def test_report_queries_filter_by_guild_and_time(db: Path) -> None:
    clock = Clock(1_000_000.0)
    store = SqliteStore(db, retention_days=10_000, clock=clock)
    try:
        await store.record_question(status="declined", topic=None, normalised="a", guild_id=1)
        clock.now += 100
        await store.record_question(status="clarify", topic="salary", normalised="b", guild_id=2)
        await store.record_question(status="answered", topic="salary", normalised="c", guild_id=2)
        await store.record_feedback("e", -1, 1)
        await store.record_feedback("e", 1, 2)

        assert [q.normalised for q in await store.unanswered()] == ["b", "a"]  # newest first
        assert [q.normalised for q in await store.unanswered(guild_id=1)] == ["a"]
        assert [q.normalised for q in await store.unanswered(since=1_000_050.0)] == ["b"]
        assert [q.normalised for q in await store.unanswered(until=1_000_050.0)] == ["a"]
        assert [q.normalised for q in await store.unanswered(limit=1)] == ["b"]
        assert await store.feedback_stats(guild_id=2) == {"e": sqlite_store.VoteCount(1, 0)}
        volume = await store.topic_volume()
        assert [(v.topic, v.total, v.unanswered) for v in volume] == [
            ("salary", 2, 1),
            (None, 1, 1),
        ]
        assert [v.topic for v in await store.topic_volume(guild_id=1)] == [None]
    finally:
        await store.close()


@pytest.fixture(autouse=True)
def _no_stray_threads() -> Iterator[None]:
    """Every test closes its stores: no worker thread may outlive it."""
    yield
    import threading

    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        alive = [t for t in threading.enumerate() if t.name.startswith("sqlite-store:")]
        if not alive:
            return
        time.sleep(0.01)
    pytest.fail(f"store threads left running: {alive}")

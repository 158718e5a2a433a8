"""What every durable store promises, checked on SQLite and on a real PostgreSQL server.

The bot, ``careerbot report`` and an operator cannot tell the backends apart: the
same rows survive a restart, settings round-trip, concurrent writers lose nothing, a
killed writer loses no committed vote, an unreachable or read-only database degrades
instead of raising, retention prunes only what it should, and the report's queries
filter the same way. Backend-specific behaviour (SQLite's WAL and file handling,
PostgreSQL's migrations lock and reconnection) lives in ``test_storage_sqlite.py`` and
``test_storage_postgres.py``.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.core.storage.base import CooldownSetting, Store
from bot.core.storage.records import NORMALISED_LIMIT
from bot.core.storage.selection import open_store
from bot.core.storage.sqlite import VoteCount
from tests.storage_backends import (
    DAY,
    Backend,
    Clock,
    assert_degraded_but_answering,
    failure_records,
    no_stray_store_threads,  # noqa: F401  (the fixture below uses it)
    postgres_backend,
    sqlite_backend,
)

pytestmark = pytest.mark.usefixtures("no_stray_store_threads")


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    """A fresh database of each kind (PostgreSQL: a new database on the test cluster)."""
    if request.param == "sqlite":
        return sqlite_backend(tmp_path)
    return postgres_backend(request.getfixturevalue("postgres_url"))


# ---------------------------------------------------------------------------- basics


async def test_is_a_store(backend: Backend) -> None:
    store: Store = await open_store(backend.database)
    await store.close()


async def test_survives_restart(backend: Backend) -> None:
    store = await backend.open()
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

    reopened = await backend.open()
    try:
        assert (await reopened.feedback_stats())["mle-salary-entry"] == VoteCount(1, 1)
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


async def test_settings_round_trip(backend: Backend) -> None:
    store = await backend.open()
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


async def test_discord_sized_ids_round_trip(backend: Backend) -> None:
    """Snowflakes use 63 bits: the largest must come back exactly, not rounded."""
    guild, channel = 2**63 - 1, 2**63 - 2
    store = await backend.open()
    try:
        assert await store.add_auto_channel(guild, channel)
        await store.record_question(status="declined", topic=None, normalised="q", guild_id=guild)
        assert await store.all_auto_channels() == {guild: frozenset({channel})}
        assert [q.guild_id for q in await store.unanswered(guild_id=guild)] == [guild]
        assert store.failed_writes == 0
    finally:
        await store.close()


async def test_answered_questions_keep_no_text(backend: Backend) -> None:
    store = await backend.open()
    await store.record_question(status="answered", topic="salary", normalised="mle pay", guild_id=1)
    await store.record_question(status="declined", topic=None, normalised="x" * 5000, guild_id=1)
    await store.close()
    texts = backend.rows("SELECT status, normalised FROM questions ORDER BY id")
    assert texts[0] == ("answered", "")
    assert texts[1][0] == "declined"
    assert len(texts[1][1]) == NORMALISED_LIMIT


async def test_schema_has_no_user_identifiers(backend: Backend) -> None:
    store = await backend.open()
    await store.close()
    tables = backend.tables()
    assert {"feedback", "questions", "auto_channels", "cooldowns"} <= set(tables)
    columns = {c.lower() for cols in tables.values() for c in cols}
    for forbidden in ("user", "author", "member", "username", "name", "discriminator"):
        assert not any(forbidden in c for c in columns), (forbidden, columns)


async def test_close_flushes_pending_writes(backend: Backend) -> None:
    store = backend.make()
    tasks = [asyncio.create_task(store.record_feedback(f"e{i}", 1, 1)) for i in range(300)]
    await asyncio.sleep(0)  # the tasks have queued their writes; nobody awaited them
    await store.close()
    await asyncio.gather(*tasks)
    assert backend.rows("SELECT COUNT(*) FROM feedback") == [(300,)]
    await store.close()  # idempotent


async def test_writes_after_close_are_refused_not_raised(backend: Backend) -> None:
    store = await backend.open()
    await store.close()
    await store.record_feedback("e", 1, None)
    assert await store.auto_channels(1) == frozenset()
    assert store.failed_writes == 1


# ---------------------------------------------------------------------------- concurrency


async def test_concurrent_votes_are_all_stored(backend: Backend) -> None:
    store = await backend.open()
    n = 500
    await asyncio.gather(
        *(store.record_feedback(f"entry-{i % 7}", 1 if i % 3 else -1, i % 4) for i in range(n))
    )
    stats = await store.feedback_stats()
    await store.close()
    assert sum(v.total for v in stats.values()) == n
    assert sum(v.down for v in stats.values()) == len([i for i in range(n) if i % 3 == 0])
    assert backend.rows("SELECT COUNT(*) FROM feedback") == [(n,)]


async def test_two_stores_on_one_database_do_not_lose_votes(backend: Backend) -> None:
    """Two processes (two shards, or the bot and ``careerbot report``) share the data."""
    a, b = await backend.open(), await backend.open()
    await asyncio.gather(
        *(a.record_feedback("e", 1, 1) for _ in range(150)),
        *(b.record_feedback("e", -1, 1) for _ in range(150)),
    )
    await a.close()
    await b.close()
    assert backend.rows("SELECT vote, COUNT(*) FROM feedback GROUP BY vote ORDER BY vote") == [
        (-1, 150),
        (1, 150),
    ]


async def test_a_locked_database_does_not_block_the_event_loop(backend: Backend) -> None:
    store = await backend.open()
    with backend.hold_locks():  # another process holds the lock
        write = asyncio.create_task(store.record_feedback("e", 1, 1))
        started = time.perf_counter()
        ticks = 0
        for _ in range(20):
            await asyncio.sleep(0.01)
            ticks += 1
        elapsed = time.perf_counter() - started
        assert ticks == 20 and elapsed < 1.0, "the event loop stalled behind the lock"
        assert not write.done(), "the write should still be waiting for the lock"
    await write
    await store.close()
    assert store.failed_writes == 0
    assert backend.rows("SELECT COUNT(*) FROM feedback") == [(1,)]


async def test_cooldown_is_read_from_memory_while_the_database_is_locked(
    backend: Backend,
) -> None:
    """Every answer reads the cooldown: that read must not wait on the database."""
    store = await backend.open()
    assert await store.set_cooldown(1, CooldownSetting(2, 20.0))
    assert await store.cooldown(3) is None
    with backend.hold_locks():
        vote = asyncio.create_task(store.record_feedback("e", 1, 1))  # stuck behind the lock
        await asyncio.sleep(0.05)
        started = time.perf_counter()
        assert await store.cooldown(1) == CooldownSetting(2, 20.0)
        assert await store.cooldown(3) is None
        assert time.perf_counter() - started < 0.5  # the lock would hold it for seconds
    await vote
    await store.close()


async def test_cooldown_cache_expires(backend: Backend, monkeypatch: pytest.MonkeyPatch) -> None:
    """A change made by another process (a second shard process) is picked up."""
    monkeypatch.setattr(backend.module, "SETTINGS_CACHE_SECONDS", 0.0)
    bot, other = await backend.open(), await backend.open()
    assert await bot.cooldown(1) is None
    assert await other.set_cooldown(1, CooldownSetting(4, 8.0))
    assert await bot.cooldown(1) == CooldownSetting(4, 8.0)
    await bot.close()
    await other.close()


# ---------------------------------------------------------------------------- crash

CHILD = r"""
import asyncio, itertools, sys
from pathlib import Path
from bot.core.storage.selection import Database

async def main() -> None:
    where = sys.argv[1]
    database = Database(Path("unused"), where) if "://" in where else Database(Path(where))
    store = database.store()
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


def test_kill_during_writes_keeps_every_committed_vote(backend: Backend) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, backend.spec],
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
        # SIGKILL: no flush, no close, no atexit; writes are mid-transaction.
        os.kill(child.pid, signal.SIGKILL)
        rest, err = child.communicate(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    reported += [int(x) for x in rest.split()]
    assert child.returncode == -signal.SIGKILL
    assert len(reported) >= 800, f"child reported too little before dying: {err}"

    if backend.name == "sqlite":
        assert backend.rows("PRAGMA integrity_check") == [("ok",)]
    stored = {e for (e,) in backend.rows("SELECT entry_id FROM feedback")}
    missing = {f"entry-{i}" for i in reported} - stored
    assert not missing, f"{len(missing)} committed votes lost"

    # The bot restarts on the same database and carries on writing.
    async def restart() -> tuple[int, int]:
        store = await backend.open()
        await store.record_feedback("after-crash", 1, 1)
        stats = await store.feedback_stats()
        await store.close()
        return len(stats), store.failed_writes

    entries, failed = asyncio.run(restart())
    assert (entries, failed) == (len(stored) + 1, 0)


# ---------------------------------------------------------------------------- failures


async def test_unreachable_database_degrades(
    backend: Backend, caplog: pytest.LogCaptureFixture
) -> None:
    """A database that cannot be reached (SQLite: a parent that is a regular file;
    PostgreSQL: nothing listening on the port) costs the bot its storage, not its
    answers."""
    caplog.set_level(logging.WARNING)
    store = await open_store(backend.unreachable())
    assert not store.available
    await assert_degraded_but_answering(store, caplog)
    assert await store.auto_channels(1) == frozenset()
    assert await store.all_auto_channels() == {}
    assert await store.cooldown(1) is None
    assert await store.unanswered() == []
    assert await store.feedback_stats() == {}
    await store.close()
    assert "secret" not in caplog.text, "the password must never be logged"


async def test_read_only_database(backend: Backend, caplog: pytest.LogCaptureFixture) -> None:
    seed = await backend.open()
    await seed.record_feedback("kept-entry", -1, 1)
    assert await seed.add_auto_channel(1, 99)
    await seed.close()

    read_only = backend.make_read_only()
    caplog.set_level(logging.WARNING)
    store = read_only()
    assert await store.wait_ready()
    await assert_degraded_but_answering(store, caplog)
    assert any("read" in r.getMessage().lower() for r in failure_records(caplog))
    assert any("only" in r.getMessage().lower() for r in failure_records(caplog))
    # What was stored before is still readable and untouched.
    assert await store.auto_channels(1) == frozenset({99})
    assert (await store.feedback_stats()) == {"kept-entry": VoteCount(0, 1)}
    await store.close()
    if backend.name == "sqlite":
        assert backend.rows("PRAGMA integrity_check") == [("ok",)]
    assert backend.rows("SELECT COUNT(*) FROM feedback") == [(1,)]


async def test_failure_warnings_are_rate_limited(
    backend: Backend, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    store = await open_store(backend.unreachable())
    await asyncio.gather(*(store.record_feedback("e", 1, 1) for _ in range(100)))
    await store.close()
    saves = [r for r in failure_records(caplog) if "could not save" in r.getMessage()]
    assert store.failed_writes == 100
    assert len(saves) == 1


async def test_newer_schema_is_left_alone(
    backend: Backend, caplog: pytest.LogCaptureFixture
) -> None:
    backend.set_schema_version(999)
    caplog.set_level(logging.WARNING)
    store = await backend.open()
    assert not store.available
    await store.record_feedback("e", 1, 1)
    await store.close()
    assert store.failed_writes == 1
    assert any("newer" in r.getMessage() for r in failure_records(caplog))
    assert backend.schema_version() == 999


# ---------------------------------------------------------------------------- retention


async def test_retention_prunes_old_rows_on_open(backend: Backend) -> None:
    now = time.time()
    clock = Clock(now - 200 * DAY)
    old = backend.make(retention_days=180, clock=clock)
    await old.record_feedback("ancient", 1, 1)
    await old.record_question(status="declined", topic=None, normalised="old gap", guild_id=1)
    assert await old.add_auto_channel(1, 10)
    clock.now = now - 10 * DAY
    await old.record_feedback("recent", 1, 1)
    await old.record_question(status="declined", topic=None, normalised="new gap", guild_id=1)
    await old.close()
    assert backend.rows("SELECT COUNT(*) FROM feedback") == [(2,)]

    store = await backend.open(retention_days=180)
    try:
        assert set(await store.feedback_stats()) == {"recent"}
        assert [q.normalised for q in await store.unanswered()] == ["new gap"]
        assert await store.auto_channels(1) == frozenset({10})  # settings are not pruned
    finally:
        await store.close()


async def test_prune_runs_periodically(backend: Backend) -> None:
    clock = Clock(time.time())
    store = backend.make(retention_days=1, clock=clock)
    await store.record_feedback("today", 1, 1)
    clock.now += 2 * DAY  # the bot has been up for two days
    assert await store.prune() == 1
    assert await store.feedback_stats() == {}
    await store.close()


def test_retention_must_be_positive(backend: Backend) -> None:
    with pytest.raises(ValueError, match="retention"):
        backend.make(retention_days=0)


# ---------------------------------------------------------------------------- report queries


async def test_report_queries_filter_by_guild_and_time(backend: Backend) -> None:
    clock = Clock(1_000_000.0)
    store = backend.make(retention_days=10_000, clock=clock)
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
        assert await store.feedback_stats(guild_id=2) == {"e": VoteCount(1, 0)}
        volume = await store.topic_volume()
        assert [(v.topic, v.total, v.unanswered) for v in volume] == [
            ("salary", 2, 1),
            (None, 1, 1),
        ]
        assert [v.topic for v in await store.topic_volume(guild_id=1)] == [None]
        records = await store.unanswered(guild_id=2)
        assert [(r.status, r.guild_id, r.created) for r in records] == [("clarify", 2, 1_000_100.0)]
    finally:
        await store.close()

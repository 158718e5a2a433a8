"""The PostgreSQL store's own behaviour, against the real throwaway server.

What both stores promise is in ``test_storage_contract.py``. Here: the versioned
migrations, the server going away and coming back (degraded mode, then recovery with
no write lost or doubled), the read-only mode the report uses, the password staying
out of every message, and the bot running without psycopg installed.
"""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.core.storage import postgres as postgres_store
from bot.core.storage import postgres_schema
from bot.core.storage.base import CooldownSetting
from bot.core.storage.postgres import PostgresStore
from bot.discord_support.best_effort import STORE_TIMEOUT
from tests.pg_cluster import PgCluster
from tests.storage_backends import DAY, Clock, failure_records, postgres_rows

REPO = Path(__file__).resolve().parents[1]
PASSWORD = "hunter2-never-shown"


def tables(url: str) -> set[str]:
    return {
        name
        for (name,) in postgres_rows(
            url, "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
        )
    }


# ---------------------------------------------------------------------------- migrations


async def test_a_new_database_is_migrated_and_versioned(postgres_url: str) -> None:
    store = PostgresStore(postgres_url)
    assert await store.wait_ready()
    await store.close()
    assert {"feedback", "questions", "auto_channels", "cooldowns", "careerbot_schema"} <= tables(
        postgres_url
    )
    assert postgres_rows(postgres_url, "SELECT version FROM careerbot_schema") == [
        (postgres_schema.SCHEMA_VERSION,)
    ]
    # A second start finds nothing to do and records nothing twice.
    again = PostgresStore(postgres_url)
    assert await again.wait_ready()
    await again.close()
    assert postgres_rows(postgres_url, "SELECT COUNT(*) FROM careerbot_schema") == [(1,)]


async def test_a_failed_migration_leaves_the_previous_version(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    first = PostgresStore(postgres_url)
    assert await first.wait_ready()
    await first.record_feedback("kept", 1, 1)
    await first.close()

    async def broken(conn: Any) -> None:
        await conn.execute("CREATE TABLE half_done (x integer)")
        await conn.execute("ALTER TABLE no_such_table ADD COLUMN y integer")  # fails

    monkeypatch.setattr(postgres_schema, "MIGRATIONS", (*postgres_schema.MIGRATIONS, (2, broken)))
    monkeypatch.setattr(postgres_schema, "SCHEMA_VERSION", 2)
    caplog.set_level(logging.WARNING)
    store = PostgresStore(postgres_url)
    assert not await store.wait_ready()
    await store.record_feedback("lost", 1, 1)
    await store.close()
    assert store.failed_writes == 1
    assert any("no_such_table" in r.getMessage() for r in failure_records(caplog))
    assert "half_done" not in tables(postgres_url)
    assert postgres_rows(postgres_url, "SELECT MAX(version) FROM careerbot_schema") == [(1,)]
    assert postgres_rows(postgres_url, "SELECT entry_id FROM feedback") == [("kept",)]


async def test_migrations_wait_for_each_other(postgres_url: str) -> None:
    """Eight stores opening one fresh database at once: one migrates, the others wait
    for its lock and find the work done; every one of them comes up writable."""
    stores = [PostgresStore(postgres_url) for _ in range(8)]
    ready = await asyncio.gather(*(s.wait_ready() for s in stores))
    await asyncio.gather(*(s.record_feedback("e", 1, 1) for s in stores))
    for store in stores:
        await store.close()
    assert ready == [True] * 8
    assert [s.failed_writes for s in stores] == [0] * 8
    assert postgres_rows(postgres_url, "SELECT COUNT(*) FROM feedback") == [(8,)]
    assert postgres_rows(postgres_url, "SELECT COUNT(*) FROM careerbot_schema") == [(1,)]


# ---------------------------------------------------------------------------- degraded


async def test_server_down_then_back(
    pg_cluster: PgCluster,
    postgres_url: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The server stops under a running bot: writes are counted, logged once and never
    raise; reads are empty; when the server is back, writes succeed again by
    themselves."""
    store = PostgresStore(postgres_url)
    assert await store.wait_ready()
    assert await store.set_cooldown(1, CooldownSetting(2, 20.0))
    await store.record_feedback("before", 1, 1)
    caplog.set_level(logging.WARNING)

    pg_cluster.server_stop()
    try:
        started = time.perf_counter()
        for i in range(20):
            await store.record_feedback(f"lost-{i}", 1, 1)
        assert time.perf_counter() - started < 2.0, "failing writes must fail fast"
        assert store.failed_writes == 20
        assert not store.available
        assert await store.auto_channels(1) == frozenset()
        assert await store.add_auto_channel(1, 2) is False
        assert await store.cooldown(1) == CooldownSetting(2, 20.0)  # cached, still served
    finally:
        pg_cluster.server_start()
    saves = [r for r in failure_records(caplog) if "could not save" in r.getMessage()]
    assert len(saves) == 1, "logged once, not once per vote"

    monkeypatch.setattr(postgres_store, "REOPEN_INTERVAL", 0.0)
    store._next_open = 0.0  # the next attempt is due now, not in 5 s
    await store.record_feedback("after", 1, 1)
    assert store.available
    assert store.failed_writes == 21
    assert any("working again" in r.getMessage() for r in caplog.records)
    await store.close()
    stored = sorted(e for (e,) in postgres_rows(postgres_url, "SELECT entry_id FROM feedback"))
    assert stored == ["after", "before"]


async def test_a_restart_between_writes_costs_nothing(
    pg_cluster: PgCluster, postgres_url: str
) -> None:
    """The server restarted while the bot was idle: every pooled connection is dead,
    but the next write notices before committing, reconnects and is saved once."""
    store = PostgresStore(postgres_url)
    assert await store.wait_ready()
    await asyncio.gather(*(store.record_feedback("before", 1, 1) for _ in range(8)))
    pg_cluster.server_stop()
    pg_cluster.server_start()
    await store.record_feedback("after", 1, 1)
    await asyncio.gather(*(store.record_feedback("burst", 1, 1) for _ in range(8)))
    await store.close()
    assert store.failed_writes == 0
    assert postgres_rows(
        postgres_url, "SELECT entry_id, COUNT(*) FROM feedback GROUP BY entry_id ORDER BY 1"
    ) == [("after", 1), ("before", 8), ("burst", 8)]


async def test_writes_during_an_outage_do_not_hold_up_the_bot(
    pg_cluster: PgCluster, postgres_url: str
) -> None:
    """While the server is down, the event loop keeps turning and every call returns
    well inside the Discord layer's 2-second budget for a storage call."""
    store = PostgresStore(postgres_url)
    assert await store.wait_ready()
    pg_cluster.server_stop()
    try:
        slowest = 0.0
        for _ in range(5):
            started = time.perf_counter()
            await asyncio.gather(*(store.record_feedback("e", 1, 1) for _ in range(50)))
            slowest = max(slowest, time.perf_counter() - started)
            await asyncio.sleep(0)
    finally:
        pg_cluster.server_start()
    await store.close()
    assert store.failed_writes == 250
    assert slowest < STORE_TIMEOUT


# ---------------------------------------------------------------------------- read-only


async def test_read_only_store_changes_nothing(postgres_url: str) -> None:
    clock = Clock(time.time() - 400 * DAY)
    writer = PostgresStore(postgres_url, retention_days=10_000, clock=clock)
    await writer.record_feedback("ancient", -1, 1)
    await writer.close()

    reader = PostgresStore(postgres_url, retention_days=1, read_only=True)
    assert await reader.wait_ready()
    assert await reader.feedback_stats() == {"ancient": postgres_store.VoteCount(0, 1)}
    assert await reader.prune() == 0
    await reader.record_feedback("new", 1, 1)
    assert await reader.add_auto_channel(1, 2) is False
    await reader.close()
    assert reader.failed_writes == 2
    # Retention is the running bot's job: the reader pruned nothing and wrote nothing.
    assert postgres_rows(postgres_url, "SELECT entry_id FROM feedback") == [("ancient",)]
    assert postgres_rows(postgres_url, "SELECT COUNT(*) FROM auto_channels") == [(0,)]


async def test_read_only_store_never_creates_tables(postgres_url: str) -> None:
    reader = PostgresStore(postgres_url, read_only=True)
    assert not await reader.wait_ready()
    assert reader.open_error is not None and "no CareerBot tables" in reader.open_error
    await reader.close()
    assert tables(postgres_url) == set()


async def test_read_only_store_refuses_a_newer_schema(postgres_url: str) -> None:
    postgres_rows(
        postgres_url,
        "CREATE TABLE careerbot_schema (version integer PRIMARY KEY, applied double precision);"
        " INSERT INTO careerbot_schema VALUES (99, 0)",
    )
    reader = PostgresStore(postgres_url, read_only=True)
    assert not await reader.wait_ready()
    assert reader.open_error is not None and "newer" in reader.open_error
    await reader.close()


# ---------------------------------------------------------------------------- secrets


async def test_the_password_is_never_shown(
    pg_cluster: PgCluster,
    new_postgres_url: Callable[[], str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Trust authentication ignores the password, so the URL works with one in it."""
    name = new_postgres_url().rsplit("/", 1)[1]
    url = pg_cluster.url(name, password=PASSWORD)
    caplog.set_level(logging.DEBUG)
    store = PostgresStore(url)
    assert await store.wait_ready()
    await store.record_feedback("e", 1, 1)
    pg_cluster.server_stop()
    try:
        await store.record_feedback("lost", 1, 1)
    finally:
        pg_cluster.server_start()
    await store.close()
    unreachable = PostgresStore(url.replace(str(pg_cluster.port), "1"))
    assert not await unreachable.wait_ready()
    await unreachable.record_feedback("lost", 1, 1)
    await unreachable.close()
    shown = [caplog.text, repr(store), store.where, str(unreachable.open_error)]
    assert store.failed_writes == 1 and unreachable.failed_writes == 1
    assert "could not save" in caplog.text
    for text in shown:
        assert PASSWORD not in text
    assert "postgres:***@127.0.0.1" in store.where


# ---------------------------------------------------------------------------- without psycopg

WITHOUT_PSYCOPG = """
import sys
sys.modules["psycopg"] = None  # as if the postgres extra were not installed
sys.modules["psycopg_pool"] = None
from bot.cli import main
sys.exit(main(sys.argv[1:]))
"""


def python_process(
    tmp_path: Path, code: str, *args: str, **env: str
) -> subprocess.CompletedProcess[str]:
    """``python -c CODE ARGS`` in ``tmp_path``, with no CareerBot variable but ``env``."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("CAREERBOT_", "DISCORD_"))}
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=tmp_path,
        env={**clean, "PYTHONPATH": str(REPO), **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_without_psycopg_sqlite_still_works_and_postgres_is_one_line(tmp_path: Path) -> None:
    asked = python_process(tmp_path, WITHOUT_PSYCOPG, "ask", "what does an ml engineer do")
    assert asked.returncode == 0, asked.stderr
    run = python_process(
        tmp_path,
        WITHOUT_PSYCOPG,
        "run",
        DISCORD_TOKEN="MTIz.fake.token",
        CAREERBOT_DATABASE_URL=f"postgresql://bot:{PASSWORD}@db.invalid/careerbot",
    )
    assert run.returncode == 2
    assert run.stderr.strip().splitlines() == [
        "careerbot: CAREERBOT_DATABASE_URL selects PostgreSQL but psycopg is not installed: "
        "pip install 'careerbot[postgres]'"
    ]
    assert not (tmp_path / "careerbot.sqlite3").exists(), "no silent fallback to SQLite"


# ---------------------------------------------------------------------------- careerbot run

RUN_UNTIL_LOGIN = """
import logging, sys
import discord
from bot.discord_bot import CareerBot

async def start(self, token, *, reconnect=True):
    await self.store.record_question(
        status="declined", topic=None, normalised="dentist salary", guild_id=1
    )
    logging.getLogger("bot.test").warning("stored through %r", self.store)
    raise discord.LoginFailure("Improper token has been passed.")

CareerBot.start = start
from bot.cli import main
sys.exit(main(["run"]))
"""


def test_careerbot_run_stores_in_postgres_and_never_logs_the_password(
    pg_cluster: PgCluster, postgres_url: str, tmp_path: Path
) -> None:
    """A real ``careerbot run`` process (stopped where it would log in to Discord)
    writes through the PostgreSQL store, leaves no SQLite file, and its log names the
    database with the password masked."""
    url = pg_cluster.url(postgres_url.rsplit("/", 1)[1], password=PASSWORD)
    result = python_process(
        tmp_path,
        RUN_UNTIL_LOGIN,
        DISCORD_TOKEN="MTIz.fake-token.never-valid",
        CAREERBOT_DATABASE_URL=url,
    )
    assert result.returncode == 2, result.stderr  # Discord "rejected" the token
    assert "stored through <PostgresStore 'postgresql://postgres:***@127.0.0.1" in result.stderr
    assert PASSWORD not in result.stderr + result.stdout
    assert postgres_rows(postgres_url, "SELECT normalised FROM questions") == [("dentist salary",)]
    assert not (tmp_path / "careerbot.sqlite3").exists()

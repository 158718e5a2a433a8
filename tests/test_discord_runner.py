"""``run_bot``: the exit codes and one-line errors behind ``careerbot run``."""

from __future__ import annotations

import asyncio
import io
import signal
import subprocess
import sys
from pathlib import Path

import discord
import discord.http
import pytest

from bot.discord_bot import CareerBot
from bot.runner import EXIT_CONFIG, EXIT_OK, run_bot
from bot.settings import Settings

REPO = Path(__file__).resolve().parents[1]
SECRET = "MTIz.never-a-real-token"


async def test_no_token_prints_one_line_and_exits_2(tmp_path: Path) -> None:
    err = io.StringIO()
    assert (
        await run_bot(
            Settings(sync_state=tmp_path / "s", db_path=tmp_path / "db.sqlite3"), stderr=err
        )
        == EXIT_CONFIG
    )
    lines = err.getvalue().splitlines()
    assert lines == [lines[0]] and lines[0].startswith("careerbot: DISCORD_TOKEN is not set")


async def test_a_bad_setting_prints_one_line_and_exits_2(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DISCORD_TOKEN", SECRET)
    monkeypatch.setenv("CAREERBOT_COOLDOWN_RATE", "lots")
    err = io.StringIO()
    assert await run_bot(stderr=err) == EXIT_CONFIG
    assert err.getvalue().count("\n") == 1
    assert "CAREERBOT_COOLDOWN_RATE" in err.getvalue()


async def test_a_rejected_token_prints_one_line_without_the_token(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    async def reject(self: discord.http.HTTPClient, token: str) -> None:
        raise discord.LoginFailure("Improper token has been passed.")

    monkeypatch.setattr(discord.http.HTTPClient, "static_login", reject)
    err = io.StringIO()
    settings = Settings(token=SECRET, db_path=tmp_path / "db.sqlite3", sync_state=tmp_path / "s")
    assert await run_bot(settings, stderr=err) == EXIT_CONFIG
    output = err.getvalue()
    assert output.count("\n") == 1 and "rejected DISCORD_TOKEN" in output
    assert SECRET not in output


async def test_a_missing_privileged_intent_is_explained(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    async def start(self: CareerBot, token: str, *, reconnect: bool = True) -> None:
        raise discord.PrivilegedIntentsRequired(shard_id=None)

    monkeypatch.setattr(CareerBot, "start", start)
    err = io.StringIO()
    settings = Settings(
        token=SECRET,
        db_path=tmp_path / "db.sqlite3",
        message_content=True,
        sync_state=tmp_path / "s",
    )
    assert await run_bot(settings, stderr=err) == EXIT_CONFIG
    assert "Message Content intent is not enabled" in err.getvalue()
    assert err.getvalue().count("\n") == 1


async def test_stored_channels_cannot_stop_the_bot_from_starting(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A server admin's /config must not break start-up when the portal lacks the intent."""
    from bot.core.storage.sqlite import SqliteStore

    async def with_a_channel(self: SqliteStore) -> dict[int, frozenset[int]]:
        return {1: frozenset({2})}

    started: list[bool] = []

    async def start(self: CareerBot, token: str, *, reconnect: bool = True) -> None:
        started.append(self.intents.message_content)
        if self.intents.message_content:
            raise discord.PrivilegedIntentsRequired(shard_id=None)

    monkeypatch.setattr(SqliteStore, "all_auto_channels", with_a_channel)
    monkeypatch.setattr(CareerBot, "start", start)
    settings = Settings(token=SECRET, db_path=tmp_path / "db.sqlite3", sync_state=tmp_path / "s")
    assert await run_bot(settings, stderr=io.StringIO()) == EXIT_OK
    assert started == [True, False]


async def test_sigterm_closes_the_bot_and_exits_0(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    closing = asyncio.Event()
    real_close = CareerBot.close

    async def close(self: CareerBot) -> None:
        closing.set()
        await real_close(self)

    async def start(self: CareerBot, token: str, *, reconnect: bool = True) -> None:
        signal.raise_signal(signal.SIGTERM)
        await asyncio.wait_for(closing.wait(), timeout=5)

    monkeypatch.setattr(CareerBot, "close", close)
    monkeypatch.setattr(CareerBot, "start", start)
    settings = Settings(token=SECRET, db_path=tmp_path / "db.sqlite3", sync_state=tmp_path / "s")
    assert await run_bot(settings, stderr=io.StringIO()) == EXIT_OK
    assert closing.is_set()
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL, "the handler is removed again"


def test_the_process_exits_2_with_one_line_when_there_is_no_token(tmp_path: Path) -> None:
    """What ``careerbot run`` does, as a real process (no traceback, exit code 2)."""
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", "import sys, bot.runner; sys.exit(bot.runner.run())"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == EXIT_CONFIG
    assert done.stderr.strip().splitlines() == [
        "careerbot: DISCORD_TOKEN is not set: put the bot token in the environment or in a .env file"
    ]

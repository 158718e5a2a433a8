"""Storage calls that fail or hang give a default and a log line, never an exception."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bot.discord_support.best_effort import safely


async def test_a_working_call_passes_its_result_through() -> None:
    async def read() -> int:
        return 7

    assert await safely(read(), 0, "reading") == 7


async def test_a_failing_call_is_logged_and_gives_the_default(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def broken() -> int:
        raise OSError("database is locked")

    with caplog.at_level(logging.WARNING, logger="bot.discord_support.best_effort"):
        assert await safely(broken(), -1, "recording a vote") == -1
    (record,) = caplog.records
    assert "recording a vote" in record.getMessage()
    assert record.exc_info is not None and "database is locked" in str(record.exc_info[1])


async def test_a_slow_call_is_abandoned_after_its_time() -> None:
    async def hangs() -> int:
        await asyncio.sleep(60)
        return 1

    loop = asyncio.get_running_loop()
    started = loop.time()
    assert await safely(hangs(), 0, "reading the cooldown", seconds=0.05) == 0
    assert loop.time() - started < 5

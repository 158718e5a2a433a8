"""pytest plugin: a started :class:`FakeDiscord` per test, with discord.py pointed at it.

Why here: discord.py is redirected (``Route.BASE``, ``DiscordWebSocket.DEFAULT_GATEWAY``)
through ``monkeypatch``, so production code needs no test switch and the redirect
cannot outlive the test. A test fails when the fake recorded problems (requests
Discord would refuse, pings, gateway errors): right after the test body, or at
teardown for problems raised while the bot shut down. A test that provokes one on
purpose consumes it with ``take_problems()`` or ``expect_problems(...)``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Generator

import discord.gateway
import discord.http
import pytest
import yarl

from tests.shared_files import spec_path

from .server import FakeDiscord, FakeDiscordConfig
from .spec import ApiSpec, load_spec


@pytest.fixture
def discord_api_spec() -> ApiSpec:
    """Discord's OpenAPI spec; skips (or fails, on CI) when ../shared lacks it."""
    return load_spec(spec_path())


@pytest.fixture
def fake_discord_config() -> FakeDiscordConfig:
    """Override (or parametrize) to change shards, deadlines, intents…"""
    return FakeDiscordConfig()


@pytest.fixture
async def fake_discord(
    monkeypatch: pytest.MonkeyPatch,
    discord_api_spec: ApiSpec,
    fake_discord_config: FakeDiscordConfig,
) -> AsyncIterator[FakeDiscord]:
    """A started fake Discord with discord.py redirected to it; stopped at teardown."""
    fake = FakeDiscord(discord_api_spec, fake_discord_config)
    await fake.start()
    monkeypatch.setattr(discord.http.Route, "BASE", fake.api_base)
    gateway = yarl.URL(fake.gateway_url)
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", gateway)
    try:
        yield fake
    finally:
        await fake.stop()
    if leftover := fake.take_problems():
        pytest.fail(_problems(leftover), pytrace=False)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, object, object]:
    """Fail the test itself, not only its teardown, when the fake saw problems."""
    result = yield
    fake = getattr(item, "funcargs", {}).get("fake_discord")
    if isinstance(fake, FakeDiscord) and fake.problems:
        pytest.fail(_problems(fake.take_problems()), pytrace=False)
    return result


def _problems(problems: list[str]) -> str:
    return "fake Discord recorded problems:\n  - " + "\n  - ".join(problems)

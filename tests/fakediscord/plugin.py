"""pytest plugin: a started :class:`FakeDiscord` per test and a way to connect a bot to it.

Register with ``pytest_plugins = ["tests.fakediscord.plugin"]``. The redirect of
discord.py (``Route.BASE`` and ``DiscordWebSocket.DEFAULT_GATEWAY``) happens here,
through ``monkeypatch``, so production code needs no test switch and the patch
cannot leak past the test.

A test fails when the fake recorded problems (requests Discord would reject,
unknown routes, gateway protocol errors): right after the test body if they are
already there, otherwise at teardown (problems raised while the bot shut down).
Tests that provoke problems on purpose consume them with ``take_problems()`` or
``with fake.expect_problems(...)``.
"""

# Waiting helpers take ``timeout=`` like asyncio.wait_for and discord.py's wait_for, so
# tests read naturally; ASYNC109 (prefer asyncio.timeout) does not fit that API.

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Generator

import discord.gateway
import discord.http
import pytest
import yarl

from .harness import ClientT, spec_or_skip, start_client
from .server import FakeDiscord, FakeDiscordConfig
from .spec import ApiSpec


def _format_problems(problems: list[str]) -> str:
    return "fake Discord recorded problems:\n  - " + "\n  - ".join(problems)


@pytest.fixture
def discord_api_spec() -> ApiSpec:
    """The shared OpenAPI spec (skips/fails like ``fake_discord`` when it is absent)."""
    return spec_or_skip()


@pytest.fixture
def fake_discord_config() -> FakeDiscordConfig:
    """Override in a test module/conftest to change tokens, deadlines, intents…"""
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
    monkeypatch.setattr(
        discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(fake.gateway_url)
    )
    try:
        yield fake
    finally:
        await fake.stop()
    leftover = fake.take_problems()
    if leftover:
        pytest.fail(_format_problems(leftover), pytrace=False)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, object, object]:
    """Fail the test itself (not only its teardown) when the fake saw problems."""
    result = yield
    funcargs = getattr(item, "funcargs", {})
    fake = funcargs.get("fake_discord")
    if isinstance(fake, FakeDiscord) and fake.problems:
        pytest.fail(_format_problems(fake.take_problems()), pytrace=False)
    return result


@pytest.fixture
def connect_client(fake_discord: FakeDiscord) -> Callable[[ClientT], Awaitable[ClientT]]:
    """``bot = await connect_client(make_bot())``: start a client against the fake."""

    async def connect(client: ClientT) -> ClientT:
        return await start_client(client, fake_discord)

    return connect

"""Helpers for tests that run a discord.py client against :class:`FakeDiscord`.

Kept apart from ``plugin.py`` so test modules can import them without importing
the plugin module before pytest registers it (which would skip assert rewriting).
"""

from __future__ import annotations

# ``timeout=`` mirrors asyncio.wait_for; ASYNC109 (prefer asyncio.timeout) does not fit.
# ruff: noqa: ASYNC109
import asyncio
import os
from typing import TypeVar

import discord
import discord.http
import pytest

from .server import FakeDiscord
from .spec import ApiSpec, SpecNotFoundError, load_spec

ClientT = TypeVar("ClientT", bound=discord.Client)
REQUIRE_SHARED_ENV = "CAREERBOT_REQUIRE_SHARED"


def spec_or_skip() -> ApiSpec:
    """The shared spec; skip (or fail when ``CAREERBOT_REQUIRE_SHARED=1``) if absent."""
    try:
        return load_spec()
    except SpecNotFoundError as exc:
        if os.environ.get(REQUIRE_SHARED_ENV) == "1":
            pytest.fail(f"{exc} and {REQUIRE_SHARED_ENV}=1", pytrace=False)
        pytest.skip(f"fake Discord needs the shared OpenAPI spec: {exc}")


async def start_client(
    client: ClientT, fake: FakeDiscord, *, token: str | None = None, timeout: float = 10.0
) -> ClientT:
    """Run ``client.start(token)`` in the background and return once it is ready.

    The client is closed by the ``fake_discord`` fixture at teardown. Construct bots
    with a small ``guild_ready_timeout`` (e.g. 0.1): discord.py waits that long after
    the last GUILD_CREATE before firing ``on_ready``.
    """
    if fake.api_base != discord.http.Route.BASE:
        raise RuntimeError(
            "discord.py is not redirected to this fake; use the fake_discord fixture"
        )
    task = asyncio.create_task(client.start(token or fake.token), name="fake-discord-client")
    fake.attach_client(client, task)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not client.is_ready():
        if task.done():
            task.result()  # re-raise LoginFailure, PrivilegedIntentsRequired, ...
            raise RuntimeError("discord client stopped before becoming ready")
        if loop.time() > deadline:
            raise TimeoutError(
                f"discord client not ready after {timeout}s; problems: {list(fake.problems)}"
            )
        await asyncio.sleep(0.01)
    return client

"""``careerbot run``: build the engine, the store and the bot, and run until stopped.

Configuration problems (no token, a token Discord rejects, a privileged intent not
enabled in the Developer Portal, a bad setting) end with one line on stderr and exit
code 2, never a traceback. SIGINT and SIGTERM close the gateway connection cleanly,
so Discord marks the bot offline at once instead of after a heartbeat timeout.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Iterator
from typing import TextIO

import aiohttp
import discord  # noqa: TID251 - the runner is the Discord entry point

from bot.core.conversation import ConversationStore
from bot.core.engine import Engine
from bot.core.knowledge import KnowledgeError
from bot.core.store import MemoryStore, Store
from bot.discord_bot import CareerBot
from bot.settings import Settings, SettingsError

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_CONFIG = 2


def run(settings: Settings | None = None) -> int:
    """Blocking entry point for the CLI: ``return run()``."""
    return asyncio.run(run_bot(settings))


async def run_bot(settings: Settings | None = None, *, stderr: TextIO | None = None) -> int:
    """Run the bot until it is stopped; return the process exit code.

    ``settings`` defaults to :meth:`Settings.from_env`.
    """
    err = stderr or sys.stderr

    def fail(message: str, code: int) -> int:
        print(f"careerbot: {message}", file=err)
        return code

    try:
        settings = settings or Settings.from_env()
        token = settings.require_token()
    except SettingsError as error:
        return fail(str(error), EXIT_CONFIG)
    try:
        engine = Engine.load(
            settings.knowledge_dir,
            conversations=ConversationStore(ttl=settings.conversation_ttl),
        )
    except KnowledgeError as error:
        return fail(f"the {error}", EXIT_CONFIG)

    store: Store = MemoryStore()
    try:
        auto = await store.all_auto_channels()
    except Exception:
        log.warning("Could not read auto-answer channels from the store", exc_info=True)
        auto = {}
    bot = CareerBot(
        engine=engine,
        store=store,
        settings=settings,
        content_intent=settings.message_content or bool(auto),
    )
    try:
        with _close_on_signals(bot):
            async with bot:
                await bot.start(token)
    except discord.LoginFailure:
        return fail(
            "Discord rejected DISCORD_TOKEN; copy the token again from the Bot page "
            "of your application in the Developer Portal",
            EXIT_CONFIG,
        )
    except discord.PrivilegedIntentsRequired:
        return fail(
            "the Message Content intent is not enabled for this application; enable it "
            "on the Bot page of the Developer Portal, or unset CAREERBOT_MESSAGE_CONTENT "
            "and remove auto-answer channels",
            EXIT_CONFIG,
        )
    except (aiohttp.ClientError, OSError) as error:
        return fail(f"cannot reach Discord ({error.__class__.__name__})", EXIT_FAILED)
    finally:
        with contextlib.suppress(Exception):
            await store.close()
    return EXIT_OK


@contextlib.contextmanager
def _close_on_signals(bot: CareerBot) -> Iterator[None]:
    """Turn SIGINT/SIGTERM into ``bot.close()`` for as long as the bot runs."""
    loop = asyncio.get_running_loop()
    installed: list[signal.Signals] = []
    tasks: set[asyncio.Task[None]] = set()

    def stop(sig: signal.Signals) -> None:
        log.info("Received %s: disconnecting", sig.name)
        task = asyncio.ensure_future(bot.close())
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop, sig)
        except (NotImplementedError, RuntimeError):  # Windows, or not the main thread
            continue
        installed.append(sig)
    try:
        yield
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)

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
from typing import Any, TextIO

import aiohttp
import discord

from bot.core.answering.conversation import ConversationStore
from bot.core.answering.engine import Engine
from bot.core.knowledge import KnowledgeError
from bot.core.storage.base import Store
from bot.core.storage.database_url import secrets_of
from bot.core.storage.postgres import DriverMissingError
from bot.core.storage.selection import open_store
from bot.discord_bot import CareerBot
from bot.health import heartbeat_path
from bot.logging_setup import setup_logging
from bot.metrics import BotMetrics
from bot.metrics_server import MetricsServer, MetricsServerError
from bot.settings import Settings, SettingsError

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_CONFIG = 2


def run(settings: Settings | None = None, *, stderr: TextIO | None = None) -> int:
    """Blocking entry point for ``careerbot run``: settings, logging, then the bot.

    Logging is set up here, once the settings are known, so a token, level or format
    that came from ``.env`` (not the environment) applies to every log line too.
    """
    err = stderr or sys.stderr
    try:
        settings = settings or Settings.from_env()
    except SettingsError as error:
        print(f"careerbot: {error}", file=err)
        return EXIT_CONFIG
    password = secrets_of(settings.database_url) if settings.database_url else []
    setup_logging(
        level=settings.log_level, fmt=settings.log_format, token=settings.token, secrets=password
    )
    return asyncio.run(run_bot(settings, stderr=err))


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
        settings.database.require_driver()
    except (SettingsError, DriverMissingError) as error:
        return fail(str(error), EXIT_CONFIG)
    try:
        engine = Engine.load(
            settings.knowledge_dir,
            conversations=ConversationStore(ttl=settings.conversation_ttl),
        )
    except KnowledgeError as error:
        return fail(f"the {error}", EXIT_CONFIG)
    metrics = BotMetrics()
    server: MetricsServer | None = None
    if settings.metrics_port is not None:
        server = MetricsServer(metrics.registry, settings.metrics_host, settings.metrics_port)
        try:
            await server.start()
        except MetricsServerError as error:
            return fail(str(error), EXIT_CONFIG)

    # Durable by default. An unusable database path degrades the store (writes are
    # counted and logged) instead of stopping the bot: answering matters more.
    store: Store = await open_store(settings.database)
    try:
        wanted = settings.message_content or bool(await _auto_channels(store))
        try:
            await _serve(settings, engine, store, token, metrics, content_intent=wanted)
        except discord.PrivilegedIntentsRequired:
            if settings.message_content or not wanted:
                raise
            # Only channels a server admin configured asked for the intent: that must
            # not be able to stop the bot from starting. Mentions and DMs still work.
            log.warning(
                "Auto-answer channels are configured but the Message Content intent is not "
                "enabled in the Developer Portal; running without it"
            )
            await _serve(settings, engine, store, token, metrics, content_intent=False)
    except discord.LoginFailure:
        return fail(
            "Discord rejected DISCORD_TOKEN; copy the token again from the Bot page "
            "of your application in the Developer Portal",
            EXIT_CONFIG,
        )
    except discord.PrivilegedIntentsRequired:
        return fail(
            "CAREERBOT_MESSAGE_CONTENT=1 but the Message Content intent is not enabled for "
            "this application; enable it on the Bot page of the Developer Portal",
            EXIT_CONFIG,
        )
    except (aiohttp.ClientError, OSError) as error:
        return fail(f"cannot reach Discord ({error.__class__.__name__})", EXIT_FAILED)
    finally:
        with contextlib.suppress(Exception):
            await store.close()
        if server is not None:
            await server.stop()
    return EXIT_OK


async def _auto_channels(store: Store) -> dict[int, frozenset[int]]:
    try:
        return await store.all_auto_channels()
    except Exception:
        log.warning("Could not read auto-answer channels from the store", exc_info=True)
        return {}


def build_bot(
    settings: Settings, engine: Engine, store: Store, *, content_intent: bool, **options: Any
) -> CareerBot:
    """The bot ``careerbot run`` serves, built in one place.

    The end-to-end tests build their bot here too, so what they exercise is this
    object and not a look-alike. ``options`` go to discord.py unchanged (tests pass a
    short ``guild_ready_timeout``); there is deliberately no option that points the
    bot at another server: tests redirect discord.py itself, in their fixture.
    """
    return CareerBot(
        engine=engine,
        store=store,
        settings=settings,
        content_intent=content_intent,
        heartbeat_file=heartbeat_path(settings.db_path, settings.heartbeat_file),
        **options,
    )


async def _serve(
    settings: Settings,
    engine: Engine,
    store: Store,
    token: str,
    metrics: BotMetrics,
    *,
    content_intent: bool,
) -> None:
    """Connect and stay connected until closed (by a signal or a fatal error)."""
    bot = build_bot(settings, engine, store, content_intent=content_intent, metrics=metrics)
    with _close_on_signals(bot):
        async with bot:
            await bot.start(token)


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

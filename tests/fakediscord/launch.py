"""``python -m tests.fakediscord.launch API_BASE GATEWAY_URL -- run``: ``careerbot`` talking
to a fake Discord, in a process of its own.

Why: the multi-process end-to-end test needs real ``careerbot run`` processes, which
cannot be redirected by the pytest plugin's monkeypatch in the test process. This
makes the same two redirects (``Route.BASE``, ``DiscordWebSocket.DEFAULT_GATEWAY``)
and then hands the rest of the command line to :func:`bot.cli.main`, so the process
*is* ``careerbot run``: settings from its environment, logging, signals, exit codes.
Only Discord's address differs, and production has no setting for that.

``--without-charts`` runs it as installed without the ``charts`` extra (matplotlib):
every start of a bot process otherwise draws the charts in a process of its own, and
for tests that start and stop bots five times on two cores, and are not about charts,
that drawing doubled their time (and a SIGTERM waits for a drawing in progress).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import discord.gateway
import discord.http
import yarl

from bot.cli import main as careerbot


def redirect(api_base: str, gateway_url: str) -> None:
    """Point discord.py's REST and gateway at the fake, as the pytest plugin does."""
    discord.http.Route.BASE = api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.fakediscord.launch",
        description="Run a careerbot command against a fake Discord.",
    )
    parser.add_argument("api_base", help="the fake's REST base, e.g. http://127.0.0.1:PORT/api/v10")
    parser.add_argument("gateway_url", help="the fake's gateway, e.g. ws://127.0.0.1:PORT/gateway")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- and careerbot's arguments")
    parser.add_argument(
        "--without-charts", action="store_true", help="as if matplotlib were not installed"
    )
    args = parser.parse_args(argv)
    if args.without_charts:
        # importlib.util.find_spec, which the bot asks, then finds no matplotlib.
        sys.modules["matplotlib"] = None  # type: ignore[assignment]
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give careerbot's arguments after --, e.g. -- run")
    redirect(args.api_base, args.gateway_url)
    return careerbot(command)


if __name__ == "__main__":
    sys.exit(main())

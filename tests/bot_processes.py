"""Real ``careerbot run`` processes against the in-process fake Discord, for e2e tests.

Why: sharding over processes is only tested when there really are several processes,
each with its own memory, its own gateway sessions and its own connection to the
shared database, that can be stopped, restarted and killed with ``kill -9``. Each
process is ``python -m tests.fakediscord.launch … -- run`` (``careerbot run`` with
discord.py pointed at the fake) under a name the fake records on every request and
gateway session it makes, so a test can tell which process answered. They run as
installed without the ``charts`` extra (the launcher's ``--without-charts`` says why).

Settings reach the processes only through their environment, as in production;
nothing CareerBot reads is inherited from the test's own shell. Logs are JSON lines
in a file per process: readiness is the bot's own "Connected to Discord" line, and
any ERROR line is the test's business.
"""

# Waiting helpers take ``timeout=`` like asyncio.wait_for; ASYNC109 does not fit them.
# ruff: noqa: ASYNC109

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.fakediscord import FakeDiscord

REPO = Path(__file__).resolve().parents[1]
OURS = ("CAREERBOT_", "DISCORD_", "SHARD_")
"""Prefixes of the variables the bot reads; none may leak in from the test's own shell."""
READY = "Connected to Discord"
"""What :meth:`bot.discord_bot.CareerBot.on_ready` logs once every shard is ready."""
START_TIMEOUT = 30.0
STOP_TIMEOUT = 15.0


def clean_environment(settings: Mapping[str, str]) -> dict[str, str]:
    """This process's environment without CareerBot's variables, plus ``settings``;
    the repository on ``PYTHONPATH`` so ``tests.fakediscord`` imports from any directory."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(OURS)}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    env.update(settings)
    return env


@dataclass(eq=False)
class BotProcess:
    """One ``careerbot run`` process serving ``shard_ids`` of ``shard_count``."""

    name: str
    shard_ids: tuple[int, ...]
    shard_count: int
    popen: subprocess.Popen[bytes]
    log_path: Path
    _read: int = 0
    records: list[dict[str, Any]] = field(default_factory=list)

    def serves(self, guild_id: int) -> bool:
        """Whether Discord sends this guild's events to this process (Discord's formula)."""
        return (guild_id >> 22) % self.shard_count in self.shard_ids

    @property
    def exit_code(self) -> int | None:
        return self.popen.poll()

    def log(self) -> list[dict[str, Any]]:
        """Every JSON log record so far (read incrementally; other lines kept as text)."""
        with self.log_path.open("rb") as file:
            file.seek(self._read)
            chunk = file.read()
        complete = chunk[: chunk.rfind(b"\n") + 1]
        self._read += len(complete)
        for line in complete.decode(errors="replace").splitlines():
            try:
                self.records.append(json.loads(line))
            except ValueError:
                self.records.append({"level": "TEXT", "message": line})
        return self.records

    def errors(self) -> list[str]:
        """ERROR and CRITICAL log lines, and anything that was not a log record
        (a traceback printed by Python itself)."""
        return [
            f"{self.name}: {r.get('logger', '')} {r['message']} {r.get('exception', '')}"
            for r in self.log()
            if r.get("level") in ("ERROR", "CRITICAL", "TEXT")
        ]

    def ready(self) -> bool:
        return any(str(r.get("message", "")).startswith(READY) for r in self.log())

    def tail(self, lines: int = 15) -> str:
        text = self.log_path.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])

    def kill(self) -> None:
        """``kill -9``: no goodbye to Discord, no flush of anything."""
        if self.exit_code is None:
            os.kill(self.popen.pid, signal.SIGKILL)
        self.popen.wait(STOP_TIMEOUT)

    def terminate(self) -> None:
        """SIGTERM, what ``docker stop`` and systemd send: the bot closes cleanly."""
        if self.exit_code is None:
            os.kill(self.popen.pid, signal.SIGTERM)


class BotFleet:
    """Starts, stops and (in ``close``) reaps ``careerbot run`` processes for one test."""

    def __init__(self, fake: FakeDiscord, directory: Path, database: Mapping[str, str]) -> None:
        """``database``: the variables that select the shared database, e.g.
        ``{"CAREERBOT_DATABASE_URL": "postgresql://…"}`` or ``{"CAREERBOT_DB": path}``."""
        self.fake = fake
        self.directory = directory
        self.database = dict(database)
        self.processes: list[BotProcess] = []

    def start(self, name: str, shard_ids: Sequence[int], shard_count: int) -> BotProcess:
        """Start ``careerbot run`` for these shards; it shares only the database."""
        own = self.directory / name
        own.mkdir(exist_ok=True)
        settings = {
            "DISCORD_TOKEN": self.fake.token,
            "SHARD_IDS": ",".join(map(str, shard_ids)),
            "SHARD_COUNT": str(shard_count),
            "CAREERBOT_SYNC_STATE": str(own / "sync-hash"),
            "CAREERBOT_HEARTBEAT_FILE": str(own / "heartbeat"),
            "CAREERBOT_LOG_FORMAT": "json",
            **self.database,
        }
        command = [
            sys.executable,
            "-m",
            "tests.fakediscord.launch",
            "--without-charts",  # see the launcher: drawing is not what these tests are about
            self.fake.api_base_for(name),
            self.fake.gateway_url_for(name),
            "--",
            "run",
        ]
        log_path = own / "log.jsonl"
        with log_path.open("wb") as log:
            popen = subprocess.Popen(
                command,
                cwd=own,  # no stray .env from the developer's checkout
                env=clean_environment(settings),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        process = BotProcess(name, tuple(shard_ids), shard_count, popen, log_path)
        self.processes.append(process)
        return process

    async def wait_ready(self, *processes: BotProcess, timeout: float = START_TIMEOUT) -> None:
        """Until each process logged that all its shards are ready; fails with its log
        if one exits first."""

        def settled() -> bool:
            exited = [p for p in processes if p.exit_code is not None]
            if exited:
                p = exited[0]
                raise AssertionError(f"{p.name} exited with {p.exit_code}:\n{p.tail()}")
            return all(p.ready() for p in processes)

        try:
            await self.fake.wait_for(settled, timeout, "the bot processes to be ready")
        except TimeoutError:
            logs = "\n".join(f"--- {p.name}\n{p.tail()}" for p in processes if not p.ready())
            raise AssertionError(f"not ready after {timeout}s:\n{logs}") from None

    async def stop(self, *processes: BotProcess, timeout: float = STOP_TIMEOUT) -> list[int]:
        """SIGTERM each, then their exit codes once they have all exited."""
        for p in processes:
            p.terminate()
        await self.fake.wait_for(
            lambda: all(p.exit_code is not None for p in processes),
            timeout,
            "the bot processes to exit after SIGTERM",
        )
        return [p.popen.returncode for p in processes]

    def errors(self) -> list[str]:
        return [line for p in self.processes for line in p.errors()]

    def close(self) -> None:
        """Kill whatever still runs: a failed test must not leave bots behind."""
        for p in self.processes:
            if p.exit_code is None:
                p.kill()


def owner(processes: Sequence[BotProcess], guild_id: int) -> BotProcess:
    """The one running process Discord sends this guild's events to."""
    (found,) = [p for p in processes if p.serves(guild_id)]
    return found

"""One source of settings: what ``.env`` says reaches every command.

Before, four modules read ``os.environ`` themselves, so on a machine configured through
``.env`` the bot wrote to one database while ``careerbot health`` and ``careerbot
report`` looked at another (``./careerbot.sqlite3``). Here the process environment
holds no CareerBot variable at all: everything comes from a ``.env`` file in the
working directory, and each test checks what an operator would notice (which file
exists, what the report shows, what health complains about, what the log looks like).

``careerbot run`` cannot reach Discord in a test, so it runs as a real process whose
``CareerBot.start`` (where the bot would log in) writes one question through the store
``run`` opened, logs two lines, prints what it was given and then fails the way Discord
answers a bad token.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.cli import main
from bot.core.storage.sqlite import DAY, SqliteStore

REPO = Path(__file__).resolve().parents[1]
FAKE_TOKEN = "MTIz.fake-token-from-dotenv.never-valid"
OURS = ("CAREERBOT_", "DISCORD_", "SHARD_")
"""Prefixes of the variables the bot reads; none may leak in from the test's own shell."""
REJECTED = "careerbot: Discord rejected DISCORD_TOKEN"

RUN_UNTIL_LOGIN = """
import json, logging, sys
import discord
from bot.discord_bot import CareerBot

async def start(self, token, *, reconnect=True):
    await self.store.record_question(
        status="declined", topic=None, normalised="dentist salary", guild_id=1
    )
    print(json.dumps({
        "db": str(self.store.path),
        "retention_days": self.store.retention_days,
        "heartbeat": str(self.heartbeat_file),
    }))
    logging.getLogger("bot.test").info("info line with %s", token)
    logging.getLogger("bot.test").warning("warning line with %s", token)
    raise discord.LoginFailure("Improper token has been passed.")

CareerBot.start = start
from bot.cli import main
from bot.core.storage.sqlite import DAY, SqliteStore
sys.exit(main(["run"]))
"""


def environment() -> dict[str, str]:
    """The test's environment without any variable the bot reads."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(OURS)}
    env["PYTHONPATH"] = str(REPO)
    return env


def careerbot(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``careerbot ARGS`` as a user runs it, in ``cwd``; ``run`` stops at login."""
    argv = ["-c", RUN_UNTIL_LOGIN] if args == ("run",) else ["-m", "bot", *args]
    return subprocess.run(
        [sys.executable, *argv],
        cwd=cwd,
        env=environment(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def write_env(directory: Path, **values: object) -> None:
    lines = [f"{name}={value}" for name, value in values.items()]
    (directory / ".env").write_text("\n".join(lines) + "\n", encoding="utf-8")


def make_stale(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()
    old = time.time() - 3600
    os.utime(path, (old, old))


@pytest.fixture
def work(tmp_path: Path) -> Path:
    """The directory the operator runs ``careerbot`` in (it holds ``.env``)."""
    directory = tmp_path / "work"
    directory.mkdir()
    return directory


@pytest.fixture
def dotenv_only(work: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """For in-process commands: ``work`` as the working directory, no bot variables."""
    for name in [k for k in os.environ if k.startswith(OURS)]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(work)
    return work


def test_run_health_and_report_use_the_database_named_in_dotenv(work: Path, tmp_path: Path) -> None:
    """The acceptance test of issue 9: one ``.env``, one database, three commands."""
    db = tmp_path / "data" / "x.sqlite3"
    db.parent.mkdir()
    write_env(work, DISCORD_TOKEN=FAKE_TOKEN, CAREERBOT_DB=db)

    run = careerbot(work, "run")
    assert run.returncode == 2, run.stderr
    assert run.stderr.splitlines()[-1].startswith(REJECTED)
    assert json.loads(run.stdout)["db"] == str(db)
    assert db.is_file(), "run created the database .env names"
    assert sorted(p.name for p in work.iterdir()) == [".env"], "and nothing in the cwd"

    report = careerbot(work, "report", "--json")
    assert report.returncode == 0, report.stderr
    (gap,) = json.loads(report.stdout)["unanswered_groups"]
    assert (gap["representative"], gap["count"]) == ("dentist salary", 1), "run's row"

    health = careerbot(work, "health")
    assert (health.returncode, health.stdout.strip()) == (0, "healthy"), health.stderr
    # The heartbeat lives next to the database: health finds a stale one there only
    # if it resolved the database to x.sqlite3 as well.
    make_stale(db.parent / "heartbeat")
    health = careerbot(work, "health")
    assert health.returncode == 1
    assert "gateway heartbeat is" in health.stderr
    assert sorted(p.name for p in work.iterdir()) == [".env"]


def test_retention_heartbeat_and_logging_from_dotenv_reach_run(work: Path, tmp_path: Path) -> None:
    db = tmp_path / "x.sqlite3"
    beat = tmp_path / "beat" / "alive"
    write_env(
        work,
        DISCORD_TOKEN=FAKE_TOKEN,
        CAREERBOT_DB=db,
        CAREERBOT_RETENTION_DAYS=7,
        CAREERBOT_HEARTBEAT_FILE=beat,
        CAREERBOT_LOG_LEVEL="warning",
        CAREERBOT_LOG_FORMAT="json",
    )
    run = careerbot(work, "run")
    assert run.returncode == 2, run.stderr
    given = json.loads(run.stdout)
    assert (given["db"], given["retention_days"], given["heartbeat"]) == (str(db), 7, str(beat))

    *logged, last = run.stderr.splitlines()
    assert last.startswith(REJECTED)
    records = [json.loads(line) for line in logged]  # CAREERBOT_LOG_FORMAT=json
    messages = [r["message"] for r in records]
    assert "warning line with [REDACTED]" in messages  # the token came from .env only
    assert not any("info line" in m for m in messages)  # CAREERBOT_LOG_LEVEL=warning
    assert FAKE_TOKEN not in run.stderr + run.stdout


def test_health_watches_the_heartbeat_file_named_in_dotenv(
    dotenv_only: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "x.sqlite3"
    beat = tmp_path / "elsewhere" / "alive"
    write_env(dotenv_only, CAREERBOT_DB=db, CAREERBOT_HEARTBEAT_FILE=beat)
    make_stale(db.parent / "heartbeat")  # the default location, overridden: ignored
    assert main(["health"]) == 0
    make_stale(beat)
    assert main(["health"]) == 1
    assert "gateway heartbeat is" in capsys.readouterr().err


async def test_report_keeps_what_the_dotenv_retention_keeps(
    dotenv_only: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Opening the database prunes rows past the retention: with the default 180 days
    instead of the configured 365, ``careerbot report`` would delete the bot's data."""
    db = tmp_path / "x.sqlite3"
    store = SqliteStore(db, retention_days=365, clock=lambda: time.time() - 200 * DAY)
    await store.record_question(status="declined", topic=None, normalised="pilot pay", guild_id=1)
    await store.close()
    write_env(dotenv_only, CAREERBOT_DB=db, CAREERBOT_RETENTION_DAYS=365)
    assert await asyncio.to_thread(main, ["report", "--json"]) == 0
    (gap,) = json.loads(capsys.readouterr().out)["unanswered_groups"]
    assert gap["representative"] == "pilot pay"


@pytest.mark.parametrize(
    "command",
    [
        ["health"],
        ["ask", "how much do mles make"],
        ["kb", "validate"],
        ["kb", "export"],
        ["eval", "--part", "dev"],
        ["report"],
    ],
)
def test_commands_load_the_knowledge_dir_named_in_dotenv(
    dotenv_only: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    missing = tmp_path / "no-such-kb"
    write_env(dotenv_only, CAREERBOT_KNOWLEDGE_DIR=missing)
    assert main(command) == 1
    err = capsys.readouterr().err
    assert str(missing) in err and "does not exist" in err


def test_run_loads_the_knowledge_dir_named_in_dotenv(work: Path, tmp_path: Path) -> None:
    missing = tmp_path / "no-such-kb"
    write_env(
        work,
        DISCORD_TOKEN=FAKE_TOKEN,
        CAREERBOT_DB=tmp_path / "x.db",
        CAREERBOT_KNOWLEDGE_DIR=missing,
    )
    run = careerbot(work, "run")
    assert run.returncode == 2
    assert str(missing) in run.stderr and "does not exist" in run.stderr


@pytest.mark.parametrize(
    "line",
    ["SHARD_COUNT=2\nSHARD_IDS=²", "CAREERBOT_OWNER_IDS=¹²", "CAREERBOT_RETENTION_DAYS=³"],
)
@pytest.mark.parametrize("command", [["health"], ["report"], ["run"], ["ask", "hi"]])
def test_superscript_digits_are_one_line_and_exit_2(
    dotenv_only: Path, capsys: pytest.CaptureFixture[str], line: str, command: list[str]
) -> None:
    """They used to pass ``str.isdigit()`` and then crash ``int()``: a traceback, exit 1."""
    (dotenv_only / ".env").write_text(line + "\n", encoding="utf-8")
    assert main(command) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("careerbot: ")
    assert repr(line.rsplit("=", 1)[1]) in err


def test_superscript_shard_ids_in_a_real_process(work: Path) -> None:
    write_env(work, DISCORD_TOKEN=FAKE_TOKEN, SHARD_COUNT=2, SHARD_IDS="²")
    run = careerbot(work, "run")
    assert run.returncode == 2
    assert run.stderr.splitlines() == [
        "careerbot: SHARD_IDS must be comma-separated whole numbers, got '²'"
    ]


ENVIRONMENT_READ = re.compile(r"\bos\.environ\b|\bgetenv\(|\bputenv\(|dotenv")


def test_only_the_settings_module_reads_the_environment() -> None:
    """Every other module is handed its values, so none can miss what ``.env`` says."""
    readers = sorted(
        str(path.relative_to(REPO))
        for path in (REPO / "bot").rglob("*.py")
        if path != REPO / "bot" / "settings.py" and ENVIRONMENT_READ.search(path.read_text("utf-8"))
    )
    assert readers == []

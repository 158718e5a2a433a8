"""``careerbot report`` options: a bad value is one line and exit 2, before any database
is touched (issue 12: a huge ``--days`` was an OverflowError traceback, a 20-digit
``--guild`` a traceback and then an empty report, ``--days -5`` silently accepted)."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import MAX_GUILD_ID, MAX_REPORT_DAYS, MAX_REPORT_ROWS, main
from bot.core.storage.sqlite import SqliteStore

REPO = Path(__file__).resolve().parents[1]

BAD = [
    ("--days", "1" + "0" * 30),
    ("--days", "-5"),
    ("--days", "0"),
    ("--days", str(MAX_REPORT_DAYS + 1)),
    ("--days", "7.5"),
    ("--days", "week"),
    ("--limit", "-1"),
    ("--limit", "0"),
    ("--limit", str(MAX_REPORT_ROWS + 1)),
    ("--min-votes", "-1"),
    ("--min-votes", "0"),
    ("--guild", "12345678901234567890"),
    ("--guild", str(MAX_GUILD_ID + 1)),
    ("--guild", "0"),
    ("--guild", "-3"),
    ("--guild", "my-server"),
]


@pytest.fixture(autouse=True)
def no_bot_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in [k for k in os.environ if k.startswith(("CAREERBOT_", "DISCORD_"))]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "careerbot.sqlite3"
    monkeypatch.setenv("CAREERBOT_DB", str(db))
    return db


@pytest.mark.parametrize(("option", "value"), BAD, ids=[f"{o}={v[:12]}" for o, v in BAD])
def test_a_bad_option_is_one_line_and_exit_2(
    option: str, value: str, no_bot_settings: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["report", option, value])
    assert exit_.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    (line,) = captured.err.splitlines()
    assert line.startswith(f"careerbot report: error: argument {option}: expected "), line
    assert "Traceback" not in captured.err
    assert len(line) < 200, "a huge value is not echoed in full"
    assert not no_bot_settings.exists(), "nothing is opened, let alone created"


async def test_the_bounds_themselves_are_accepted(
    no_bot_settings: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = SqliteStore(no_bot_settings)
    await store.record_question(
        status="declined", topic=None, normalised="pilot pay", guild_id=MAX_GUILD_ID
    )
    await store.close()
    argv = ["report", "--json", "--days", str(MAX_REPORT_DAYS), "--limit", str(MAX_REPORT_ROWS)]
    argv += ["--min-votes", "1", "--guild", str(MAX_GUILD_ID)]
    assert await asyncio.to_thread(main, argv) == 0
    (gap,) = json.loads(capsys.readouterr().out)["unanswered_groups"]
    assert gap["representative"] == "pilot pay"


def test_the_installed_command_says_it_in_one_line(tmp_path: Path) -> None:
    """The same through a real process, as an operator types it."""
    result = subprocess.run(
        [sys.executable, "-m", "bot", "report", "--guild", "12345678901234567890"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "--guild" in result.stderr
    assert "Traceback" not in result.stderr

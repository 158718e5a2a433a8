"""``careerbot health``: KB loads, database writable, heartbeat fresh, nothing left behind."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

import bot.health
from bot.core.knowledge import KnowledgeError, load_knowledge
from bot.core.storage.sqlite import open_store
from bot.health import (
    check_health,
    clear_heartbeat,
    heartbeat_path,
    touch_heartbeat,
)


@pytest.fixture
def kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A KB that loads. The loader is stubbed so these tests are about the database and
    heartbeat, independent of the real KB's content and format as it evolves; the KB
    check itself is covered by the tests below that use the real loader."""
    monkeypatch.setattr(
        bot.health, "load_knowledge", lambda directory: SimpleNamespace(entries=(1,))
    )
    return tmp_path / "kb"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    directory = tmp_path / "data"
    directory.mkdir()
    return directory


def test_healthy_before_first_start(kb: Path, data: Path) -> None:
    db = data / "careerbot.sqlite3"
    assert check_health(knowledge_dir=kb, db_path=db) == []
    assert list(data.iterdir()) == [], "the check must not create the database or leave files"


async def test_healthy_with_a_running_store_and_leaves_no_junk(kb: Path, data: Path) -> None:
    db = data / "careerbot.sqlite3"
    store = await open_store(db)  # the bot holds the file open, as in production
    await store.record_feedback("mle-salary-entry", 1, 1)
    touch_heartbeat(heartbeat_path(db))
    schema_before = sqlite3.connect(db).execute("SELECT sql FROM sqlite_master").fetchall()
    files_before = {p.name for p in os.scandir(data)}

    assert check_health(knowledge_dir=kb, db_path=db) == []

    schema_after = sqlite3.connect(db).execute("SELECT sql FROM sqlite_master").fetchall()
    assert schema_after == schema_before
    assert {p.name for p in os.scandir(data)} == files_before
    await store.record_feedback("mle-salary-entry", 1, 1)  # the bot still writes
    await store.close()
    assert store.failed_writes == 0


def test_broken_knowledge_base(tmp_path: Path, data: Path) -> None:
    broken = tmp_path / "kb"
    broken.mkdir()
    (broken / "source.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    problems = check_health(knowledge_dir=broken, db_path=data / "db.sqlite3")
    assert len(problems) == 1
    assert problems[0].startswith("knowledge base does not load")


def test_missing_knowledge_directory(tmp_path: Path, data: Path) -> None:
    problems = check_health(knowledge_dir=tmp_path / "nowhere", db_path=data / "db.sqlite3")
    assert len(problems) == 1
    assert "knowledge base does not load" in problems[0] and "does not exist" in problems[0]


def test_empty_knowledge_base(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bot.health, "load_knowledge", lambda d: SimpleNamespace(entries=()))
    assert check_health(db_path=data / "db.sqlite3") == ["knowledge base has no entries"]


def test_verdict_on_the_shipped_knowledge_base(data: Path) -> None:
    """With no directory given, health checks the KB the bot would load, and agrees
    with the loader about it."""
    try:
        load_knowledge()
    except KnowledgeError:
        loads = False
    else:
        loads = True
    problems = check_health(db_path=data / "db.sqlite3")
    assert (problems == []) is loads, problems


def test_missing_database_directory(kb: Path, tmp_path: Path) -> None:
    problems = check_health(knowledge_dir=kb, db_path=tmp_path / "absent" / "db.sqlite3")
    assert problems == [f"database directory {tmp_path / 'absent'} does not exist"]


def test_database_under_a_regular_file(kb: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    problems = check_health(knowledge_dir=kb, db_path=blocker / "db.sqlite3")
    assert len(problems) == 1 and "does not exist" in problems[0]


def test_database_file_that_is_not_a_database(kb: Path, data: Path) -> None:
    db = data / "careerbot.sqlite3"
    db.write_bytes(b"this is not sqlite" * 100)
    problems = check_health(knowledge_dir=kb, db_path=db)
    assert len(problems) == 1 and "not writable" in problems[0]
    assert db.read_bytes() == b"this is not sqlite" * 100


def test_locked_database(kb: Path, data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A write lock held for longer than the busy timeout is a problem worth reporting."""
    monkeypatch.setattr(bot.health, "BUSY_TIMEOUT_SECONDS", 0.1)
    db = data / "careerbot.sqlite3"
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN IMMEDIATE")
    try:
        problems = check_health(knowledge_dir=kb, db_path=db)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert len(problems) == 1 and "locked" in problems[0]


@pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0,
    reason="root ignores directory permissions",
)
def test_read_only_directory(kb: Path, data: Path) -> None:
    data.chmod(0o555)
    try:
        problems = check_health(knowledge_dir=kb, db_path=data / "db.sqlite3")
    finally:
        data.chmod(0o755)
    assert len(problems) == 1 and "not writable" in problems[0]


def test_heartbeat(kb: Path, data: Path) -> None:
    db = data / "careerbot.sqlite3"
    beat = data / "heartbeat"
    assert touch_heartbeat(beat)
    assert check_health(knowledge_dir=kb, db_path=db, heartbeat_file=beat) == []
    old = time.time() - 600
    os.utime(beat, (old, old))
    problems = check_health(knowledge_dir=kb, db_path=db, heartbeat_file=beat)
    assert len(problems) == 1 and "heartbeat is 600s old" in problems[0]
    assert (
        check_health(knowledge_dir=kb, db_path=db, heartbeat_file=beat, max_heartbeat_age=900) == []
    )
    assert touch_heartbeat(beat)  # touching refreshes an existing file
    assert check_health(knowledge_dir=kb, db_path=db, heartbeat_file=beat) == []
    clear_heartbeat(beat)
    assert not beat.exists()
    assert check_health(knowledge_dir=kb, db_path=db, heartbeat_file=beat) == []
    clear_heartbeat(beat)  # twice is fine


def test_heartbeat_default_location(data: Path) -> None:
    db = data / "careerbot.sqlite3"
    assert heartbeat_path(db) == data / "heartbeat"
    assert heartbeat_path(db, data / "elsewhere") == data / "elsewhere"


def test_stale_default_heartbeat_is_found(kb: Path, data: Path) -> None:
    db = data / "careerbot.sqlite3"
    beat = heartbeat_path(db)
    beat.touch()
    os.utime(beat, (0, 0))
    problems = check_health(knowledge_dir=kb, db_path=db)
    assert len(problems) == 1 and "heartbeat" in problems[0]


def test_touch_heartbeat_never_raises(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert touch_heartbeat(blocker / "heartbeat") is False


def test_problems_accumulate(tmp_path: Path) -> None:
    beat = tmp_path / "beat"
    beat.touch()
    os.utime(beat, (0, 0))
    problems = check_health(
        knowledge_dir=tmp_path / "nowhere",
        db_path=tmp_path / "absent" / "db.sqlite3",
        heartbeat_file=beat,
    )
    assert len(problems) == 3

"""``careerbot health``: is this bot able to do its job right now?

Docker's HEALTHCHECK (and any supervisor) runs it in a separate process, so it checks
from the outside what the bot needs: the KB loads, the database can take a write, and,
when the bot is running, the gateway heartbeat is recent. The last check works through
a file: the bot calls :func:`touch_heartbeat` while its gateway connection is alive,
and a stale file means the process is up but stuck (the failure restarts are for).

Checks leave nothing behind: the database probe takes the write lock and writes inside
a transaction it rolls back, and the directory probe deletes its scratch file.

A writable file is not enough: the bot also refuses a file from a newer CareerBot (it
then runs without storage), and on a file with damaged pages every write fails with
"database disk image is malformed" even though the probe's fresh table may not touch
them. So the check reads the schema version and runs SQLite's ``quick_check`` (it
reads the whole file: measured 0.4 s for 220 MB, 1.5 million rows).

Which database, heartbeat and knowledge base to check is always passed in (from
:class:`bot.settings.Settings`, the same values ``careerbot run`` uses): a health check
that found its own defaults could pass while watching a file the bot never writes.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import tempfile
import time
from pathlib import Path

from bot.core.knowledge import KnowledgeError, load_knowledge
from bot.core.storage.postgres_probe import check_postgres
from bot.core.storage.sqlite import (
    BUSY_TIMEOUT_SECONDS,
    DamagedDatabaseError,
    SchemaError,
    check_not_newer,
    quick_check,
    schema_version,
)

log = logging.getLogger(__name__)

HEARTBEAT_NAME = "heartbeat"
DEFAULT_MAX_HEARTBEAT_AGE = 90.0
"""Three missed 30-second touches: one slow tick is not an outage."""
_PROBE_BYTES = b"\0" * 4096
"""A page's worth, fsynced, so a full disk fails the probe instead of the next vote."""


def heartbeat_path(
    db_path: str | os.PathLike[str], override: str | os.PathLike[str] | None = None
) -> Path:
    """``override`` (``CAREERBOT_HEARTBEAT_FILE``) if given, else ``heartbeat`` next to
    the database, so one volume holds everything the health check reads."""
    if override is not None:
        return Path(override)
    return Path(db_path).parent / HEARTBEAT_NAME


def touch_heartbeat(path: str | os.PathLike[str]) -> bool:
    """Mark the bot alive now. Returns False (and logs) if the file cannot be written,
    so a read-only disk degrades the health check, never the bot."""
    target = Path(path)
    try:
        target.touch()
        os.utime(target)  # touch() keeps an existing file's mtime on some filesystems
    except OSError as exc:
        log.warning("could not touch heartbeat file %s: %s", target, exc)
        return False
    return True


def clear_heartbeat(path: str | os.PathLike[str]) -> None:
    """Remove the heartbeat on a clean shutdown, so a stopped bot is not "stale"."""
    target = Path(path)
    try:
        target.unlink(missing_ok=True)
    except OSError as exc:
        log.warning("could not remove heartbeat file %s: %s", target, exc)


def check_health(
    *,
    db_path: str | os.PathLike[str],
    knowledge_dir: str | os.PathLike[str] | None = None,
    heartbeat_file: str | os.PathLike[str] | None = None,
    max_heartbeat_age: float = DEFAULT_MAX_HEARTBEAT_AGE,
    database_url: str | None = None,
) -> list[str]:
    """Every problem found, one sentence each; an empty list means healthy.

    ``knowledge_dir`` None is the KB shipped with the package; ``heartbeat_file`` None
    is the default next to ``db_path``. With ``database_url`` the bot stores in that
    PostgreSQL database, so that is what is probed instead of the file.
    """
    problems: list[str] = []
    problems += _check_knowledge(knowledge_dir)
    db = Path(db_path)
    problems += check_postgres(database_url) if database_url else _check_database(db)
    beat = Path(heartbeat_file) if heartbeat_file is not None else heartbeat_path(db)
    problems += _check_heartbeat(beat, max_heartbeat_age)
    return problems


def _check_knowledge(directory: str | os.PathLike[str] | None) -> list[str]:
    try:
        knowledge = load_knowledge(directory)
    except KnowledgeError as exc:
        first = exc.problems[0] if exc.problems else "unknown problem"
        return [f"knowledge base does not load ({len(exc.problems)} problem(s); first: {first})"]
    if not knowledge.entries:
        return ["knowledge base has no entries"]
    return []


def _check_database(path: Path) -> list[str]:
    directory = path.parent
    if not directory.is_dir():
        return [f"database directory {directory} does not exist"]
    try:
        with tempfile.TemporaryFile(dir=directory, prefix=".careerbot-health-") as probe:
            probe.write(_PROBE_BYTES)
            probe.flush()
            os.fsync(probe.fileno())
    except OSError as exc:
        return [f"database directory {directory} is not writable: {exc.strerror or exc}"]
    if not path.exists():
        return []  # the bot creates it on start; an absent file is not a fault
    try:
        # mode=rw: never create a database here, only probe the one that exists.
        conn = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=rw",
            uri=True,
            timeout=BUSY_TIMEOUT_SECONDS,
            isolation_level=None,
        )
    except sqlite3.Error as exc:
        return [f"database {path} cannot be opened for writing: {exc}"]
    try:
        check_not_newer(schema_version(conn))
        quick_check(conn)
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("CREATE TABLE _careerbot_health_probe (x INTEGER)")
        conn.execute("INSERT INTO _careerbot_health_probe VALUES (1)")
        conn.execute("ROLLBACK")
    except SchemaError as exc:
        return [f"database {path} cannot be used: {exc}"]
    except DamagedDatabaseError as exc:
        return [f"database {path} is damaged: {exc}"]
    except sqlite3.Error as exc:
        return [f"database {path} is not writable: {exc}"]
    finally:
        conn.close()
    return []


def _check_heartbeat(path: Path, max_age: float) -> list[str]:
    try:
        mtime = path.stat().st_mtime
    except (FileNotFoundError, NotADirectoryError):
        return []  # not running yet, or stopped cleanly (a bad directory is the DB check's)
    except OSError as exc:
        return [f"heartbeat file {path} cannot be read: {exc.strerror or exc}"]
    age = time.time() - mtime
    if age > max_age:
        return [
            f"gateway heartbeat is {age:.0f}s old (limit {max_age:.0f}s): "
            "the bot is running but not connected"
        ]
    return []

"""Storage under faults: what ``report``, ``health`` and two processes starting at once
must never do to the data, and must never hide (issue 12: never lose or invent data).

The checks run on a :class:`FaultBackend`, so a second store (PostgreSQL) can run the
same ones: it says how to make a store, how to point a ``careerbot`` command at the
database, and how to take a snapshot that shows whether anything was written.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import multiprocessing
import os
import pwd
import queue
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import bot.core.reporting.report
import bot.report_view
from bot.cli import main
from bot.core.knowledge import load_knowledge
from bot.core.storage import postgres_schema
from bot.core.storage.postgres import PostgresStore
from bot.core.storage.sqlite import SCHEMA_VERSION, SqliteStore
from bot.health import check_health
from tests.pg_cluster import free_port
from tests.storage_backends import postgres_rows

DAY = 86400.0
NOW = time.time()
PRELOADED = (bot.core.reporting.report, bot.report_view)
"""What ``careerbot report`` imports on first use, loaded before :func:`unprivileged`
forks a child that can no longer read the interpreter's files."""
TRIALS = 100
"""Fresh databases opened by two processes at once; issue 12 saw a failure in 10 of 10."""


# ---------------------------------------------------------------------------- backends


@dataclass
class FaultBackend:
    """One kind of durable store, as the fault tests need to see it."""

    name: str
    spec: str
    """The database under test: a file path (or a URL)."""
    env: dict[str, str]
    """What points a ``careerbot`` command at it."""
    make: Callable[..., Any]
    """A store on :attr:`spec`, not yet opened (``retention_days``, ``clock``...)."""
    opener: Callable[[str], Any]
    """A module-level function ``spec -> store``: a child process can run it."""
    fresh: Callable[[int], str]
    """The spec of the n-th new database that does not exist yet."""
    snapshot: Callable[[], object]
    """Everything a writer could change, to compare before and after a reader."""
    rows: Callable[[str], list[tuple[Any, ...]]]
    """One SQL statement run outside the store, as a second opinion."""
    health: Callable[[], list[str]]
    """``careerbot health``'s problems for this database."""


def open_sqlite(spec: str) -> SqliteStore:
    return SqliteStore(spec)


def sqlite_rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return conn.execute(sql).fetchall()


def file_snapshot(path: Path) -> tuple[bytes, int, bytes] | None:
    """The file's bytes and mtime, and what its -wal holds (a reader may leave an empty
    one next to a WAL file; data in it would be a write); None while there is no file."""
    if not path.exists():
        return None
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes(), path.stat().st_mtime_ns, wal.read_bytes() if wal.exists() else b""


def sqlite_backend(directory: Path) -> FaultBackend:
    path = directory / "careerbot.sqlite3"
    return FaultBackend(
        name="sqlite",
        spec=str(path),
        env={"CAREERBOT_DB": str(path)},
        make=lambda **options: SqliteStore(path, **options),
        opener=open_sqlite,
        fresh=lambda n: str(directory / f"fresh-{n}.sqlite3"),
        snapshot=lambda: file_snapshot(path),
        rows=lambda sql: sqlite_rows(path, sql),
        health=lambda: check_health(db_path=path),
    )


def open_postgres(spec: str) -> PostgresStore:
    return PostgresStore(spec)


def postgres_snapshot(url: str) -> object:
    """Every table's rows in storage order (an update moves a row) and every sequence's
    position (even a rolled-back insert moves it); None while it cannot be reached."""
    import psycopg

    try:
        names = postgres_rows(
            url, "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"
        )
        tables = {n: postgres_rows(url, f'SELECT * FROM "{n}" ORDER BY ctid') for (n,) in names}
        return tables, postgres_rows(url, "SELECT sequencename, last_value FROM pg_sequences")
    except psycopg.OperationalError:
        return None


def fresh_schema(url: str, n: int) -> str:
    """A URL whose tables land in a new, empty schema of the database at ``url``: to the
    store as fresh as a new database (nothing of CareerBot's is there), and about 20
    times faster to make, which matters for a hundred trials."""
    postgres_rows(url, f"CREATE SCHEMA fresh_{n}")
    return f"{url}?options=-csearch_path%3Dfresh_{n}"


def postgres_backend(url: str) -> FaultBackend:
    """A fresh database on the suite's throwaway server. ``spec`` and ``env`` are read
    when used, so a fault may point the backend somewhere else (an unreachable port)."""
    backend = FaultBackend(
        name="postgres",
        spec=url,
        env={"CAREERBOT_DATABASE_URL": url},
        make=lambda **options: PostgresStore(backend.spec, **options),
        opener=open_postgres,
        fresh=lambda n: fresh_schema(url, n),
        snapshot=lambda: postgres_snapshot(backend.spec),
        rows=lambda sql: postgres_rows(backend.spec, sql),
        health=lambda: check_health(db_path="careerbot.sqlite3", database_url=backend.spec),
    )
    return backend


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> FaultBackend:
    return request.getfixturevalue(request.param)


@pytest.fixture
def postgres(new_postgres_url: Callable[[], str]) -> FaultBackend:
    return postgres_backend(new_postgres_url())


@pytest.fixture
def sqlite(tmp_path: Path) -> FaultBackend:
    """For the checks only a file can fail (pages, permissions, schema by pragma)."""
    return sqlite_backend(tmp_path)


@pytest.fixture(autouse=True)
def no_bot_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process commands see only what a test sets: no variables, no ``.env``."""
    for name in [k for k in os.environ if k.startswith(("CAREERBOT_", "DISCORD_"))]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def careerbot(
    capsys: pytest.CaptureFixture[str], *args: str, env: dict[str, str] | None = None
) -> tuple[int, str, str]:
    """Run ``careerbot ARGS`` through its entry point; (exit code, stdout, stderr)."""
    saved = {name: os.environ.get(name) for name in env or {}}
    os.environ.update(env or {})
    try:
        try:
            code = main(list(args))
        except SystemExit as exit_:  # argparse's usage errors
            code = int(exit_.code or 0)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def one_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got: {err!r}"
    assert "Traceback" not in err
    return lines[0]


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


async def seed_old_and_new(backend: FaultBackend) -> None:
    """Two gaps, one asked 200 days ago (past the default 180-day retention), one 10."""
    clock = Clock(NOW - 200 * DAY)
    store = backend.make(retention_days=10_000, clock=clock)
    await store.record_question(status="declined", topic=None, normalised="pilot pay", guild_id=1)
    await store.record_feedback("mle-salary", -1, 1)
    clock.now = NOW - 10 * DAY
    await store.record_question(status="declined", topic=None, normalised="dentist pay", guild_id=1)
    await store.close()


def gaps_in(out: str) -> set[str]:
    return {g["representative"] for g in json.loads(out)["unanswered_groups"]}


# ---------------------------------------------------------------------------- report reads only


def test_report_never_prunes_and_changes_nothing(
    backend: FaultBackend, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 12: the report opened the store as the bot does, which pruned rows past
    retention, so a report of a copied production database destroyed its old rows."""
    asyncio.run(seed_old_and_new(backend))
    before = backend.snapshot()

    code, out, err = careerbot(
        capsys, "report", "--json", env={**backend.env, "CAREERBOT_RETENTION_DAYS": "30"}
    )

    assert code == 0, err
    assert gaps_in(out) == {"pilot pay", "dentist pay"}, "the report shows what is stored"
    assert backend.snapshot() == before, "the report wrote to the database"
    assert backend.rows("SELECT COUNT(*) FROM questions") == [(2,)]
    assert backend.rows("SELECT COUNT(*) FROM feedback") == [(1,)]


async def test_the_bot_still_prunes_on_open(backend: FaultBackend) -> None:
    """Retention is the running bot's job: its store deletes the old rows the report
    left alone, and keeps the recent ones."""
    await seed_old_and_new(backend)
    store = backend.make(retention_days=180)
    assert await store.wait_ready()
    assert [q.normalised for q in await store.unanswered()] == ["dentist pay"]
    await store.close()
    assert backend.rows("SELECT COUNT(*) FROM questions") == [(1,)]
    assert backend.rows("SELECT COUNT(*) FROM feedback") == [(0,)]


def make_v1(path: Path) -> None:
    """A database as the first release left it: schema v1, one row of each kind."""
    conn = sqlite3.connect(path)
    conn.executescript(
        """
        CREATE TABLE feedback (id INTEGER PRIMARY KEY, entry_id TEXT NOT NULL,
            vote INTEGER NOT NULL, guild_id INTEGER, created REAL NOT NULL);
        CREATE TABLE questions (id INTEGER PRIMARY KEY, status TEXT NOT NULL, topic TEXT,
            normalised TEXT NOT NULL DEFAULT '', guild_id INTEGER, created REAL NOT NULL);
        CREATE TABLE auto_channels (guild_id INTEGER NOT NULL, channel_id INTEGER NOT NULL,
            PRIMARY KEY (guild_id, channel_id));
        PRAGMA user_version = 1;
        """
    )
    conn.execute(
        "INSERT INTO questions (status, topic, normalised, guild_id, created)"
        " VALUES ('declined', NULL, 'pilot pay', 1, ?)",
        (NOW,),
    )
    conn.commit()
    conn.close()


def test_report_does_not_migrate_an_old_schema(
    sqlite: FaultBackend, capsys: pytest.CaptureFixture[str]
) -> None:
    """The report reads a v1 file as it is; upgrading it is the bot's decision."""
    make_v1(Path(sqlite.spec))
    before = sqlite.snapshot()
    code, out, err = careerbot(capsys, "report", "--json", env=sqlite.env)
    assert code == 0, err
    assert gaps_in(out) == {"pilot pay"}
    assert sqlite.snapshot() == before
    assert sqlite.rows("PRAGMA user_version") == [(1,)]


async def test_report_reads_the_running_bot_database(sqlite: FaultBackend) -> None:
    """A read-only reader sees rows still in the bot's WAL, and the bot keeps writing."""
    from bot.core.reporting.report import build_report

    store = sqlite.make()
    await store.record_question(status="declined", topic=None, normalised="pilot pay", guild_id=1)
    try:
        report = await build_report(sqlite.spec, load_knowledge())
        assert [g.representative for g in report.gaps] == ["pilot pay"]
        await store.record_feedback("mle-salary", 1, 1)
        assert store.failed_writes == 0
    finally:
        await store.close()


def unprivileged(work: Callable[[], int], cwd: Path) -> tuple[int, str]:
    """Run ``work`` as a user without root's power to ignore file permissions.

    As root (CI, containers) a forked child drops to ``nobody``: it already has every
    module it needs loaded, so the interpreter's own files need not be readable. As
    anyone else, permissions already apply: run it here. Returns (exit code, output).
    ``cwd`` is where it runs (it reads ``./.env`` there).
    """
    os.chdir(cwd)
    if os.geteuid() != 0:
        with contextlib.redirect_stderr(sys.stdout):
            return work(), ""
    try:
        nobody = pwd.getpwnam("nobody")
    except KeyError:
        pytest.fail("running as root needs the 'nobody' user to drop privileges to")
    with tempfile.TemporaryFile() as output:
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child
            code = 70
            try:
                os.dup2(output.fileno(), 1)
                os.dup2(output.fileno(), 2)
                sys.stdout = sys.stderr = open(1, "w", closefd=False)  # noqa: SIM115
                os.setgroups([])
                os.setgid(nobody.pw_gid)
                os.setuid(nobody.pw_uid)
                code = work()
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        output.seek(0)
        return os.waitstatus_to_exitcode(status), output.read().decode()


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A directory another user can reach (pytest's tmp_path is private to root)."""
    directory = Path(tempfile.mkdtemp(prefix="careerbot-faults-"))
    directory.chmod(0o755)
    try:
        yield directory
    finally:
        for path in (directory, *directory.iterdir()):
            path.chmod(0o755 if path.is_dir() else 0o644)
        shutil.rmtree(directory)


def test_report_on_a_read_only_file_in_a_read_only_directory(shared_dir: Path) -> None:
    """A read-only mount or a copy handed to another user: SQLite cannot create the
    shared-memory file a WAL reader needs, and the report still reads every row."""
    backend = sqlite_backend(shared_dir)
    asyncio.run(seed_old_and_new(backend))
    path = Path(backend.spec)
    assert sorted(p.name for p in shared_dir.iterdir()) == [path.name], "no -wal left"
    before = backend.snapshot()
    path.chmod(0o444)
    shared_dir.chmod(0o555)
    knowledge = str(load_knowledge().directory)

    code, output = unprivileged(
        lambda: main(["report", "--json", "--db", str(path), "--kb", knowledge]), shared_dir
    )

    assert code == 0, output
    assert "pilot pay" in output and "dentist pay" in output
    assert backend.snapshot() == before
    assert sorted(p.name for p in shared_dir.iterdir()) == [path.name]


# ---------------------------------------------------------------------------- report refuses


def damage_pages(path: Path) -> None:
    """Overwrite the start of every fourth page after the first two with garbage, as a
    bad disk or a torn copy would: page 1 (the header) stays, so SQLite opens it."""
    page = 4096
    data = bytearray(path.read_bytes())
    assert len(data) >= 20 * page, "seed more rows: too few pages to damage"
    for start in range(2 * page, len(data), 4 * page):
        data[start + 8 : start + 72] = bytes(range(64))
    path.write_bytes(bytes(data))


async def fill_pages(backend: FaultBackend) -> None:
    store = backend.make()
    await asyncio.gather(
        *(
            store.record_question(
                status="declined", topic=None, normalised=f"question {i} " * 5, guild_id=i
            )
            for i in range(2000)
        )
    )
    await store.close()


def set_version(path: Path, version: int) -> None:
    conn = sqlite3.connect(path)
    conn.executescript(f"PRAGMA user_version = {version};")
    conn.close()


async def damaged(backend: FaultBackend) -> None:
    await fill_pages(backend)
    damage_pages(Path(backend.spec))


async def newer(backend: FaultBackend) -> None:
    await seed_old_and_new(backend)
    set_version(Path(backend.spec), SCHEMA_VERSION + 1)


async def not_a_database(backend: FaultBackend) -> None:
    await asyncio.to_thread(
        Path(backend.spec).write_bytes, b"this is a text file, not a database\n" * 200
    )


async def not_ours(backend: FaultBackend) -> None:
    conn = sqlite3.connect(backend.spec)
    conn.execute("CREATE TABLE notes (x)")
    conn.close()


async def missing(backend: FaultBackend) -> None:
    return None


async def unreachable(backend: FaultBackend) -> None:
    """Nothing listens where the URL points (a stopped server, a wrong port)."""
    backend.spec = f"postgresql://careerbot@127.0.0.1:{free_port()}/careerbot"
    backend.env = {"CAREERBOT_DATABASE_URL": backend.spec}


async def no_such_database(backend: FaultBackend) -> None:
    backend.spec = f"{backend.spec}_never_created"
    backend.env = {"CAREERBOT_DATABASE_URL": backend.spec}


async def newer_in_postgres(backend: FaultBackend) -> None:
    await seed_old_and_new(backend)
    newer = postgres_schema.SCHEMA_VERSION + 1
    backend.rows(f"INSERT INTO careerbot_schema (version, applied) VALUES ({newer}, 0)")


async def read_only(backend: FaultBackend) -> None:
    """As an operator makes a database read-only (a standby says the same)."""
    await seed_old_and_new(backend)
    name = backend.spec.rsplit("/", 1)[1]
    backend.rows(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')


PG_NEWER = f"schema v{postgres_schema.SCHEMA_VERSION + 1} is newer than this CareerBot"
UNREADABLE = [
    ("sqlite", missing, "no database at"),
    ("sqlite", damaged, "the file is damaged: quick_check found"),
    ("sqlite", newer, f"schema v{SCHEMA_VERSION + 1} is newer than this CareerBot"),
    ("sqlite", not_a_database, "file is not a database"),
    ("sqlite", not_ours, "no CareerBot tables"),
    ("postgres", missing, "no CareerBot tables"),  # an empty database the bot never used
    ("postgres", unreachable, "Connection refused"),
    ("postgres", no_such_database, "does not exist"),
    ("postgres", newer_in_postgres, PG_NEWER),
]


@pytest.mark.parametrize(
    ("kind", "fault", "reason"), UNREADABLE, ids=[f"{k}-{f.__name__}" for k, f, _ in UNREADABLE]
)
def test_report_that_cannot_read_is_an_error_not_an_empty_report(
    kind: str,
    fault: Callable[[FaultBackend], Any],
    reason: str,
    request: pytest.FixtureRequest,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Issue 12: on a damaged file the report printed "0 questions" and exited 0."""
    backend: FaultBackend = request.getfixturevalue(kind)
    asyncio.run(fault(backend))
    before = backend.snapshot()

    code, out, err = careerbot(capsys, "report", env=backend.env)

    assert code == 1
    assert out == "", "no report at all, not an empty one"
    line = one_line(err)
    assert line.startswith("careerbot: ") and backend.spec in line and reason in line, line
    assert backend.snapshot() == before, "the report changed (or created) the database"


def test_report_on_an_unreadable_file(shared_dir: Path) -> None:
    backend = sqlite_backend(shared_dir)
    asyncio.run(seed_old_and_new(backend))
    Path(backend.spec).chmod(0o000)
    knowledge = str(load_knowledge().directory)
    code, output = unprivileged(
        lambda: main(["report", "--db", backend.spec, "--kb", knowledge]), shared_dir
    )
    assert code == 1
    line = one_line(output)
    assert line == (
        f"careerbot: cannot read the database at {backend.spec}: "
        f"no permission to read {backend.spec}"
    )


# ---------------------------------------------------------------------------- health


HEALTH_FAULTS = [
    ("sqlite", damaged, "is damaged: quick_check found"),
    ("sqlite", newer, f"cannot be used: schema v{SCHEMA_VERSION + 1} is newer than this CareerBot"),
    ("postgres", unreachable, "is unreachable: OperationalError"),
    ("postgres", read_only, "is read-only (default_transaction_read_only is on)"),
    ("postgres", newer_in_postgres, f"cannot be used: database {PG_NEWER}"),
]


@pytest.mark.parametrize(
    ("kind", "fault", "reason"),
    HEALTH_FAULTS,
    ids=[f"{k}-{f.__name__}" for k, f, _ in HEALTH_FAULTS],
)
def test_health_fails_when_the_bot_could_not_use_the_database(
    kind: str,
    fault: Callable[[FaultBackend], Any],
    reason: str,
    request: pytest.FixtureRequest,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Issue 12: ``health`` said healthy on a file with damaged pages (reads and writes
    fail with "database disk image is malformed") and on one from a newer CareerBot
    (the bot refuses it and runs without storage): the write probe alone passed. On
    PostgreSQL: a server that is down, a database that only reads, a newer schema."""
    backend: FaultBackend = request.getfixturevalue(kind)
    asyncio.run(fault(backend))
    before = backend.snapshot()

    problems = backend.health()
    code, out, err = careerbot(capsys, "health", env=backend.env)

    assert len(problems) == 1 and reason in problems[0], problems
    assert code == 1 and "healthy" not in out
    assert one_line(err) == f"unhealthy: {problems[0]}"
    assert backend.snapshot() == before, "the check leaves the database as it found it"


def test_health_passes_on_a_postgres_database_the_bot_can_write(postgres: FaultBackend) -> None:
    """The other side of the checks above: empty (the bot will create its tables) and
    in use, both healthy, and the probe's write leaves nothing behind."""
    assert postgres.health() == []
    asyncio.run(seed_old_and_new(postgres))
    before = postgres.snapshot()
    assert postgres.health() == []
    assert postgres.snapshot() == before


def test_health_passes_on_an_old_schema_the_bot_will_migrate(sqlite: FaultBackend) -> None:
    make_v1(Path(sqlite.spec))
    assert check_health(db_path=sqlite.spec) == []


# ---------------------------------------------------------------------------- concurrent start


def migration_trials(
    opener: Callable[[str], Any],
    specs: list[str],
    barrier: Any,
    results: Any,
) -> None:
    """A child process: for each database, wait for the other process, open it at the
    same moment, write one vote and report whether the store came up writable."""

    async def trials() -> None:
        for spec in specs:
            barrier.wait()
            store = opener(spec)
            ready = await store.wait_ready()
            await store.record_feedback("first-start", 1, os.getpid())
            results.put((spec, ready, store.failed_writes, store.open_error))
            await store.close()

    asyncio.run(trials())


def test_processes_creating_a_new_database_at_once_all_come_up_writable(
    backend: FaultBackend,
) -> None:
    """Issue 12: the schema version was read outside the write lock, so one of two
    processes starting on a fresh volume failed with "table feedback already exists",
    "index ... already exists" or "database is locked" and then dropped its writes."""
    processes = 2
    specs = [backend.fresh(n) for n in range(TRIALS)]
    context = multiprocessing.get_context("spawn")  # a clean child, as a real start is
    barrier = context.Barrier(processes, timeout=60)
    results = context.Queue()
    children = [
        context.Process(
            target=migration_trials, args=(backend.opener, specs, barrier, results), daemon=True
        )
        for _ in range(processes)
    ]
    for child in children:
        child.start()
    outcomes = []
    try:
        for _ in range(processes * TRIALS):
            outcomes.append(results.get(timeout=120))
    except queue.Empty:
        pytest.fail(f"only {len(outcomes)} of {processes * TRIALS} openings finished")
    finally:
        for child in children:
            child.join(timeout=30)
            if child.is_alive():
                child.kill()
    failed = [o for o in outcomes if not o[1] or o[2] or o[3]]
    assert failed == [], f"{len(failed)} of {len(outcomes)} openings failed, first: {failed[0]}"
    assert all(child.exitcode == 0 for child in children)
    if backend.name == "sqlite":
        for spec in specs:
            votes = sqlite_rows(Path(spec), "SELECT COUNT(DISTINCT guild_id) FROM feedback")
            assert votes == [(processes,)], spec
            assert sqlite_rows(Path(spec), "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    else:
        for spec in specs:
            votes = postgres_rows(spec, "SELECT COUNT(DISTINCT guild_id) FROM feedback")
            assert votes == [(processes,)], spec
            versions = postgres_rows(spec, "SELECT version FROM careerbot_schema")
            assert versions == [(postgres_schema.SCHEMA_VERSION,)], spec

"""A throwaway PostgreSQL server for the tests: real, local, started and stopped by us.

The PostgreSQL store is tested against a real server, never a mock: a mock would
agree with whatever SQL we wrote. The server binaries come from the machine (Debian's
``postgresql`` package puts them in ``/usr/lib/postgresql/<version>/bin``). One
cluster serves the whole session: ``initdb`` in a temporary directory, ``pg_ctl`` on a
free port on 127.0.0.1 only, its unix socket inside that directory, so nothing of it
is visible from outside and nothing is left behind. PostgreSQL refuses to run as
root, so when the suite runs as root the server runs as the ``postgres`` system user.

Tests get a fresh database each (:meth:`PgCluster.new_database`), so no test sees
another's rows and nothing needs truncating.

Without the binaries (or without psycopg) the tests skip with the reason. CI sets
``CAREERBOT_REQUIRE_POSTGRES=1``, which turns that skip into a failure, so CI can never
pass by silently not testing PostgreSQL.

Registered as a pytest plugin from ``tests/conftest.py``; the fixtures are
``pg_cluster`` (session), ``postgres_url`` (a fresh database for one test) and
``new_postgres_url`` (a function that makes more).
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NoReturn

import pytest

REQUIRE_ENV = "CAREERBOT_REQUIRE_POSTGRES"
SERVER_USER = "postgres"
"""The system user the server runs as when the suite runs as root."""
SUPERUSER = "postgres"
"""The database superuser ``initdb`` creates (trust authentication, local only)."""
START_ATTEMPTS = 3
"""A free port can be taken by someone else between finding it and binding it."""
SETTINGS = (
    "listen_addresses=127.0.0.1",
    # A throwaway cluster: surviving a power cut buys nothing here. Commits still reach
    # the OS before they are acknowledged, so a server crash (pg_ctl -m immediate)
    # keeps every committed row, as the tests that stop the server expect.
    "fsync=off",
    "full_page_writes=off",
    "max_connections=200",
)


class ClusterUnavailableError(Exception):
    """This machine cannot run a throwaway cluster; ``str()`` says why, in one line."""


DEBIAN_BINARIES = Path("/usr/lib/postgresql")


def find_bindir(debian: Path = DEBIAN_BINARIES) -> Path:
    """The directory holding ``initdb``, ``pg_ctl`` and ``postgres``.

    ``initdb`` on PATH first (resolved, because Debian links it from elsewhere and
    ``pg_ctl`` must find ``postgres`` beside it), else the newest
    ``/usr/lib/postgresql/*/bin``.
    """
    candidates: list[Path] = []
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)
    versions = sorted(
        debian.glob("*/bin"),
        key=lambda p: [int(x) if x.isdigit() else 0 for x in p.parent.name.split(".")],
        reverse=True,
    )
    candidates += versions
    for bindir in candidates:
        if all((bindir / tool).is_file() for tool in ("initdb", "pg_ctl", "postgres")):
            return bindir
    raise ClusterUnavailableError(
        "PostgreSQL server binaries (initdb, pg_ctl) not found on PATH or in "
        "/usr/lib/postgresql/*/bin; install Debian's postgresql package"
    )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PgCluster:
    """One running throwaway cluster; :meth:`stop` removes every trace of it."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.run_as = SERVER_USER if os.geteuid() == 0 else None
        if self.run_as is not None:
            try:
                self._owner = pwd.getpwnam(self.run_as)
            except KeyError:
                raise ClusterUnavailableError(
                    f"running as root and there is no {self.run_as!r} system user to run "
                    "PostgreSQL as (it refuses root)"
                ) from None
        self.base = Path(tempfile.mkdtemp(prefix="careerbot-pg-"))
        self.data = self.base / "data"
        self.sockets = self.base / "sockets"
        self.log = self.base / "server.log"
        self.port = 0
        self.running = False
        self._names = itertools.count(1)
        self._created: list[str] = []

    # ------------------------------------------------------------------ life cycle

    def start(self) -> None:
        """``initdb`` then ``pg_ctl start`` on a free port; raises on failure."""
        self.sockets.mkdir()
        if self.run_as is not None:
            for path in (self.base, self.sockets):
                os.chown(path, self._owner.pw_uid, self._owner.pw_gid)
        self._tool(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--no-sync",
            "--no-instructions",
        )
        last = ""
        for _ in range(START_ATTEMPTS):
            self.port = free_port()
            try:
                self.server_start()
                return
            except ClusterUnavailableError as exc:
                last = str(exc)
        raise ClusterUnavailableError(last)

    def server_start(self) -> None:
        """Start the (stopped) server again on the same port and data."""
        options = " ".join(
            [f"-p {self.port}", f"-k {self.sockets}", *(f"-c {s}" for s in SETTINGS)]
        )
        self._tool(
            "pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start"
        )
        self.running = True

    def server_stop(self) -> None:
        """Stop the server now (``immediate``: the tests want it gone, not tidy)."""
        if self.running:
            self._tool("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
            self.running = False

    def stop(self) -> None:
        """Stop the server and delete its directory. Safe to call twice."""
        with contextlib.suppress(ClusterUnavailableError, OSError):
            self.server_stop()
        shutil.rmtree(self.base, ignore_errors=True)

    def _tool(self, name: str, *args: str) -> None:
        argv = [str(self.bindir / name), *args]
        if self.run_as is not None:
            argv = ["runuser", "-u", self.run_as, "--", *argv]
        try:
            subprocess.run(
                argv, cwd=self.base, capture_output=True, text=True, timeout=120, check=True
            )
        except subprocess.CalledProcessError as exc:
            detail = (exc.stderr or exc.stdout or "").strip().splitlines()
            log_tail = self._log_tail()
            raise ClusterUnavailableError(
                f"{name} failed ({exc.returncode}): {detail[-1] if detail else ''}{log_tail}"
            ) from None
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ClusterUnavailableError(f"{name} could not run: {exc}") from None

    def _log_tail(self) -> str:
        try:
            lines = self.log.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return ""
        return f" (server log: {lines[-1]})" if lines else ""

    # ------------------------------------------------------------------ databases

    def url(self, database: str = "postgres", *, password: str | None = None) -> str:
        """A URL for ``database`` as the superuser. A password is accepted and ignored
        by the server (trust authentication): tests use one to check it is never shown."""
        secret = f":{password}" if password else ""
        return f"postgresql://{SUPERUSER}{secret}@127.0.0.1:{self.port}/{database}"

    def admin(self, sql: str, database: str = "postgres") -> list[tuple[object, ...]]:
        """Run one statement as the superuser, outside any transaction; its rows."""
        import psycopg

        with psycopg.connect(self.url(database), autocommit=True) as conn:
            cur = conn.execute(sql)  # type: ignore[arg-type]  # test-controlled SQL
            return cur.fetchall() if cur.description else []

    def new_database(self) -> str:
        """Create an empty database; its URL."""
        name = f"careerbot_test_{os.getpid()}_{next(self._names)}"
        self.admin(f'CREATE DATABASE "{name}"')
        self._created.append(name)
        return self.url(name)

    def drop_database(self, url: str) -> None:
        """Drop a database made by :meth:`new_database`, whoever is still connected."""
        name = url.rsplit("/", 1)[1]
        if name in self._created and self.running:
            self.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            self._created.remove(name)


def start_cluster() -> PgCluster:
    """A running cluster, or :class:`ClusterUnavailableError` saying why not."""
    try:
        import psycopg  # noqa: F401
        import psycopg_pool  # noqa: F401
    except ImportError as exc:
        raise ClusterUnavailableError(
            f"psycopg is not installed ({exc}); pip install -e '.[test]'"
        ) from None
    cluster = PgCluster(find_bindir())
    try:
        cluster.start()
    except BaseException:
        cluster.stop()
        raise
    return cluster


def unavailable(reason: str) -> NoReturn:
    """Skip with the reason, or fail when the environment requires PostgreSQL."""
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"PostgreSQL is required ({REQUIRE_ENV}=1) but unavailable: {reason}")
    pytest.skip(f"PostgreSQL tests need a local server: {reason}")


_failure: str | None = None


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    """The session's cluster, started on first use and stopped at the end (also after
    a failure or Ctrl-C: the finaliser runs, and ``atexit`` backs it up)."""
    global _failure
    if _failure is not None:
        unavailable(_failure)
    try:
        cluster = start_cluster()
    except ClusterUnavailableError as exc:
        _failure = str(exc)
        unavailable(_failure)
    atexit.register(cluster.stop)
    try:
        yield cluster
    finally:
        cluster.stop()
        atexit.unregister(cluster.stop)


@pytest.fixture
def new_postgres_url(pg_cluster: PgCluster) -> Iterator[Callable[[], str]]:
    """Make fresh empty databases (URLs); all are dropped after the test."""
    made: list[str] = []

    def make() -> str:
        if not pg_cluster.running:
            pg_cluster.server_start()
        made.append(pg_cluster.new_database())
        return made[-1]

    yield make
    if not pg_cluster.running:  # a test stopped the server and failed before restarting
        pg_cluster.server_start()
    for url in made:
        pg_cluster.drop_database(url)


@pytest.fixture
def postgres_url(new_postgres_url: Callable[[], str]) -> str:
    """A fresh, empty database on the session's cluster, for this test only."""
    return new_postgres_url()

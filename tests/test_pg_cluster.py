"""The throwaway PostgreSQL server's own promises: where it finds the binaries, that a
machine without them skips (and CI, which requires them, fails), and that stopping it
leaves nothing behind."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests import pg_cluster
from tests.pg_cluster import ClusterUnavailableError, PgCluster, find_bindir, unavailable


def fake_bindir(root: Path, version: str) -> Path:
    bindir = root / version / "bin"
    bindir.mkdir(parents=True)
    for tool in ("initdb", "pg_ctl", "postgres"):
        (bindir / tool).write_text("")
    return bindir


def test_the_newest_debian_version_is_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    fake_bindir(tmp_path, "9.6")
    newest = fake_bindir(tmp_path, "16")
    fake_bindir(tmp_path, "15")
    assert find_bindir(tmp_path) == newest


def test_without_binaries_the_reason_names_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(ClusterUnavailableError, match=r"initdb, pg_ctl.*postgresql package"):
        find_bindir(tmp_path)


def test_missing_postgres_skips_unless_required(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(pg_cluster.REQUIRE_ENV, raising=False)
    with pytest.raises(pytest.skip.Exception, match="no binaries here"):
        unavailable("no binaries here")
    monkeypatch.setenv(pg_cluster.REQUIRE_ENV, "1")
    with pytest.raises(pytest.fail.Exception, match=r"required.*no binaries here"):
        unavailable("no binaries here")


def test_ci_requires_postgres() -> None:
    script = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text(encoding="utf-8")
    assert f"export {pg_cluster.REQUIRE_ENV}=1" in script.splitlines()


def test_a_cluster_listens_on_loopback_only_and_stops_without_a_trace(
    pg_cluster: PgCluster,
) -> None:
    import psycopg

    assert pg_cluster.admin("SELECT current_setting('listen_addresses')") == [("127.0.0.1",)]
    other = PgCluster(pg_cluster.bindir)
    try:
        other.start()
        url = other.url()
        assert other.admin("SELECT 1") == [(1,)]
    finally:
        other.stop()
    assert not other.base.exists()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(url, connect_timeout=2)

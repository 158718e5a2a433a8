"""``CAREERBOT_DATABASE_URL``: which values select PostgreSQL, the one-line errors for
the rest, and the password never shown anywhere a URL is."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.core.storage.database_url import redact, redact_text
from bot.core.storage.postgres import PostgresStore
from bot.core.storage.sqlite import SqliteStore
from bot.settings import Settings, SettingsError

SECRET = "s3cr%40t-pw"


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://bot:pw@db:5432/careerbot", "postgresql://bot:***@db:5432/careerbot"),
        ("postgres://bot:pw@db/careerbot", "postgres://bot:***@db/careerbot"),
        ("postgresql://bot@db/careerbot", "postgresql://bot@db/careerbot"),
        (
            "postgresql://db/careerbot?password=pw&sslmode=require",
            "postgresql://db/careerbot?password=***&sslmode=require",
        ),
        ("postgresql://bot:p%40ss@[::1]:5432/x", "postgresql://bot:***@[::1]:5432/x"),
        ("postgresql:///careerbot", "postgresql:///careerbot"),
    ],
)
def test_redact_hides_only_the_password(url: str, shown: str) -> None:
    assert redact(url) == shown


def test_redact_text_scrubs_the_password_in_either_spelling() -> None:
    url = f"postgresql://bot:{SECRET}@db/careerbot"
    message = "auth failed for s3cr%40t-pw (s3cr@t-pw)"
    assert redact_text(message, url) == "auth failed for *** (***)"


def settings(**env: str) -> Settings:
    return Settings.from_env(env, env_file=None)


def test_unset_means_the_sqlite_file() -> None:
    chosen = settings(CAREERBOT_DB="/data/x.sqlite3")
    assert chosen.database_url is None
    assert not chosen.database.is_postgres
    assert chosen.database.path == Path("/data/x.sqlite3")


@pytest.mark.parametrize("scheme", ["postgresql", "postgres", "PostgreSQL"])
def test_both_schemes_select_postgres(scheme: str) -> None:
    chosen = settings(CAREERBOT_DATABASE_URL=f"{scheme}://bot:{SECRET}@db/careerbot")
    assert chosen.database.is_postgres
    assert SECRET not in repr(chosen) and SECRET not in repr(chosen.database)
    assert SECRET not in chosen.database.shown


async def test_the_database_makes_the_matching_store(tmp_path: Path) -> None:
    sqlite = settings(CAREERBOT_DB=str(tmp_path / "x.sqlite3")).database.store()
    postgres = settings(CAREERBOT_DATABASE_URL="postgresql://bot@db.invalid/x").database.store()
    assert isinstance(sqlite, SqliteStore) and isinstance(postgres, PostgresStore)
    await sqlite.close()
    await postgres.close()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            f"mysql://bot:{SECRET}@db/careerbot",
            "CAREERBOT_DATABASE_URL must start with postgresql:// or postgres://, "
            "got a mysql:// URL",
        ),
        (
            f"bot:{SECRET}@db/careerbot",
            "CAREERBOT_DATABASE_URL must be a URL like postgresql://user:password@host/database",
        ),
        (
            f"postgresql://bot:{SECRET}@db:99999/careerbot",
            "CAREERBOT_DATABASE_URL is not a valid URL (Port out of range 0-65535)",
        ),
    ],
)
def test_a_bad_url_is_one_line_without_the_password(
    value: str, message: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(SettingsError) as raised:
        settings(CAREERBOT_DATABASE_URL=value)
    assert str(raised.value) == message
    monkeypatch.setenv("CAREERBOT_DATABASE_URL", value)
    monkeypatch.setenv("DISCORD_TOKEN", "MTIz.fake.token")
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert err.splitlines() == [f"careerbot: {message}"]
    assert SECRET not in err

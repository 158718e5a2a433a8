"""Settings from the environment and ``.env``: defaults, precedence, clear errors, no token leaks."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import Settings, SettingsError, read_env_file

SECRET = "MTIzNDU2Nzg5.secret-token-value"


def from_env(tmp_path: Path, env: dict[str, str], dotenv: str | None = None) -> Settings:
    path = tmp_path / ".env"
    if dotenv is not None:
        path.write_text(dotenv, encoding="utf-8")
    return Settings.from_env(env, path)


def test_defaults(tmp_path: Path) -> None:
    settings = from_env(tmp_path, {})
    assert settings.token == ""
    assert (settings.cooldown_rate, settings.cooldown_per) == (5, 30.0)
    assert settings.max_question == 500
    assert settings.message_content is False
    assert settings.dev_guild is None and settings.owner_ids == frozenset()
    assert (settings.shard_count, settings.shard_ids) == (None, None)
    assert settings.sync_state == Path(".careerbot-sync-hash")
    assert settings.db_path == Path("careerbot.sqlite3")
    assert settings.knowledge_dir is None
    assert settings.retention_days == 180.0
    assert settings.heartbeat_file is None
    assert (settings.log_level, settings.log_format) == ("INFO", "text")


def test_every_variable(tmp_path: Path) -> None:
    settings = from_env(
        tmp_path,
        {
            "DISCORD_TOKEN": f"  {SECRET} ",
            "CAREERBOT_DEV_GUILD": "123",
            "CAREERBOT_OWNER_IDS": "1, 2,2",
            "CAREERBOT_COOLDOWN_RATE": "3",
            "CAREERBOT_COOLDOWN_PER": "12.5",
            "CAREERBOT_MESSAGE_CONTENT": "1",
            "SHARD_COUNT": "4",
            "SHARD_IDS": "0,1",
            "CAREERBOT_MAX_QUESTION": "300",
            "CAREERBOT_SYNC_STATE": "/tmp/sync",
            "CAREERBOT_DB": "/data/careerbot.db",
            "CAREERBOT_KNOWLEDGE_DIR": "/kb",
            "CAREERBOT_CONVERSATION_TTL": "60",
            "CAREERBOT_RETENTION_DAYS": "7.5",
            "CAREERBOT_HEARTBEAT_FILE": "/run/beat",
            "CAREERBOT_LOG_LEVEL": "debug",
            "CAREERBOT_LOG_FORMAT": "JSON",
        },
    )
    assert settings.token == SECRET
    assert settings.dev_guild == 123
    assert settings.owner_ids == {1, 2}
    assert (settings.cooldown_rate, settings.cooldown_per) == (3, 12.5)
    assert settings.message_content is True
    assert (settings.shard_count, settings.shard_ids) == (4, (0, 1))
    assert settings.max_question == 300
    assert settings.sync_state == Path("/tmp/sync")
    assert settings.db_path == Path("/data/careerbot.db")
    assert settings.knowledge_dir == Path("/kb")
    assert settings.conversation_ttl == 60.0
    assert settings.retention_days == 7.5
    assert settings.heartbeat_file == Path("/run/beat")
    assert (settings.log_level, settings.log_format) == ("DEBUG", "json")


def test_paths_expand_the_home_directory(tmp_path: Path) -> None:
    settings = from_env(
        tmp_path,
        {
            "CAREERBOT_DB": "~/x.db",
            "CAREERBOT_HEARTBEAT_FILE": "~/b",
            "CAREERBOT_KNOWLEDGE_DIR": "~/k",
        },
    )
    home = Path.home()
    assert (settings.db_path, settings.heartbeat_file, settings.knowledge_dir) == (
        home / "x.db",
        home / "b",
        home / "k",
    )


def test_env_file_is_read_and_the_environment_wins(tmp_path: Path) -> None:
    dotenv = (
        "# comment\n\n"
        f"export DISCORD_TOKEN='{SECRET}'\n"
        'CAREERBOT_COOLDOWN_RATE="2"\n'
        "CAREERBOT_MAX_QUESTION = 250\n"
    )
    settings = from_env(tmp_path, {"CAREERBOT_COOLDOWN_RATE": "7"}, dotenv)
    assert settings.token == SECRET
    assert settings.cooldown_rate == 7
    assert settings.max_question == 250


def test_a_missing_env_file_is_fine(tmp_path: Path) -> None:
    assert read_env_file(tmp_path / "nope") == {}


def test_a_malformed_env_line_names_the_line_but_not_its_content(tmp_path: Path) -> None:
    with pytest.raises(SettingsError) as caught:
        from_env(tmp_path, {}, f"DISCORD_TOKEN={SECRET}\n{SECRET}\n")
    message = str(caught.value)
    assert message.endswith(".env:2: expected KEY=VALUE")
    assert SECRET not in message


@pytest.mark.parametrize(
    ("env", "names"),
    [
        ({"CAREERBOT_COOLDOWN_RATE": "five"}, "CAREERBOT_COOLDOWN_RATE"),
        ({"CAREERBOT_COOLDOWN_RATE": "0"}, "CAREERBOT_COOLDOWN_RATE"),
        ({"CAREERBOT_COOLDOWN_PER": "-1"}, "CAREERBOT_COOLDOWN_PER"),
        ({"CAREERBOT_COOLDOWN_PER": "nan"}, "CAREERBOT_COOLDOWN_PER"),
        ({"CAREERBOT_MAX_QUESTION": "5"}, "CAREERBOT_MAX_QUESTION"),
        ({"CAREERBOT_MAX_QUESTION": "100000"}, "CAREERBOT_MAX_QUESTION"),
        ({"CAREERBOT_DEV_GUILD": "my-server"}, "CAREERBOT_DEV_GUILD"),
        ({"CAREERBOT_OWNER_IDS": "me"}, "CAREERBOT_OWNER_IDS"),
        ({"CAREERBOT_MESSAGE_CONTENT": "maybe"}, "CAREERBOT_MESSAGE_CONTENT"),
        ({"SHARD_IDS": "0"}, "SHARD_IDS"),
        ({"SHARD_COUNT": "2", "SHARD_IDS": "0,2"}, "SHARD_IDS"),
        ({"SHARD_COUNT": "0"}, "SHARD_COUNT"),
        ({"CAREERBOT_RETENTION_DAYS": "0"}, "CAREERBOT_RETENTION_DAYS"),
        ({"CAREERBOT_RETENTION_DAYS": "forever"}, "CAREERBOT_RETENTION_DAYS"),
        ({"CAREERBOT_LOG_LEVEL": "chatty"}, "CAREERBOT_LOG_LEVEL"),
        ({"CAREERBOT_LOG_FORMAT": "xml"}, "CAREERBOT_LOG_FORMAT"),
        ({"CAREERBOT_DEV_GUILD": "9" * 31}, "CAREERBOT_DEV_GUILD"),
        ({"CAREERBOT_OWNER_IDS": "1," + "9" * 5000}, "CAREERBOT_OWNER_IDS"),
        ({"CAREERBOT_METRICS_PORT": "0"}, "CAREERBOT_METRICS_PORT"),
        ({"CAREERBOT_METRICS_PORT": "65536"}, "CAREERBOT_METRICS_PORT"),
        ({"CAREERBOT_METRICS_PORT": "metrics"}, "CAREERBOT_METRICS_PORT"),
        ({"CAREERBOT_METRICS_PORT": "9" * 40}, "CAREERBOT_METRICS_PORT"),
        ({"CAREERBOT_METRICS_HOST": "http://0.0.0.0:9100"}, "CAREERBOT_METRICS_HOST"),
        ({"CAREERBOT_METRICS_HOST": "0.0.0.0 9100"}, "CAREERBOT_METRICS_HOST"),
    ],
)
def test_bad_values_give_one_clear_line(tmp_path: Path, env: dict[str, str], names: str) -> None:
    with pytest.raises(SettingsError) as caught:
        from_env(tmp_path, env)
    message = str(caught.value)
    assert message.startswith(names)
    assert "\n" not in message


@pytest.mark.parametrize(
    "env",
    [
        # str.isdigit() says yes to these, int() and float() say no (or read them as
        # other numbers): each used to end in a traceback and exit 1.
        {"SHARD_COUNT": "4", "SHARD_IDS": "²"},
        {"CAREERBOT_OWNER_IDS": "¹²"},
        {"CAREERBOT_RETENTION_DAYS": "³"},
        {"SHARD_COUNT": "²"},
        {"CAREERBOT_DEV_GUILD": "¹²"},
        {"CAREERBOT_COOLDOWN_RATE": "⁵"},
        {"CAREERBOT_COOLDOWN_PER": "³⁰"},
        {"CAREERBOT_MAX_QUESTION": "³⁰⁰"},
        {"CAREERBOT_CONVERSATION_TTL": "⁶⁰"},
        {"CAREERBOT_LOG_LEVEL": "²"},
        # Digits of other scripts, which int() would quietly accept as 12 or 5.
        {"CAREERBOT_OWNER_IDS": "١٢"},
        {"CAREERBOT_COOLDOWN_RATE": "５"},
        {"CAREERBOT_RETENTION_DAYS": "٣"},
        {"CAREERBOT_METRICS_PORT": "９１００"},
    ],
)
def test_numbers_must_be_ascii_digits(tmp_path: Path, env: dict[str, str]) -> None:
    name = next(reversed(env))
    with pytest.raises(SettingsError) as caught:
        from_env(tmp_path, env)
    message = str(caught.value)
    assert message.startswith(f"{name} must be ")
    assert repr(env[name]) in message and "\n" not in message


def test_the_token_never_shows_in_repr_or_str(tmp_path: Path) -> None:
    settings = from_env(tmp_path, {"DISCORD_TOKEN": SECRET})
    assert SECRET not in repr(settings)
    assert SECRET not in str(settings)
    assert "token='***'" in repr(settings)
    assert "token=''" in repr(from_env(tmp_path, {}))


def test_require_token(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="DISCORD_TOKEN is not set"):
        from_env(tmp_path, {}).require_token()
    assert from_env(tmp_path, {"DISCORD_TOKEN": SECRET}).require_token() == SECRET


def test_metrics_are_off_by_default_and_local_when_on(tmp_path: Path) -> None:
    """No port, no endpoint; with a port, only this machine can scrape unless the
    operator (or the Docker image) says otherwise."""
    assert from_env(tmp_path, {}).metrics_port is None
    on = from_env(tmp_path, {"CAREERBOT_METRICS_PORT": "9100"})
    assert (on.metrics_port, on.metrics_host) == (9100, "127.0.0.1")
    docker = from_env(
        tmp_path, {"CAREERBOT_METRICS_PORT": "65535", "CAREERBOT_METRICS_HOST": "0.0.0.0"}
    )
    assert (docker.metrics_port, docker.metrics_host) == (65535, "0.0.0.0")
    assert from_env(tmp_path, {"CAREERBOT_METRICS_HOST": "::"}).metrics_host == "::"

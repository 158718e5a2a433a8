"""Run-time settings, read once from the environment (and a ``.env`` file) at start-up.

This is the only module that reads the environment. Every command (``run``,
``health``, ``report``, ``eval``, ``ask``...) builds one :class:`Settings` and passes
its values down as arguments, so a value set in ``.env`` reaches the database, the
logs, the heartbeat and the knowledge loader alike: a module that read ``os.environ``
itself would miss ``.env`` and look at a different database than the bot writes to.

Nothing here runs at import time: importing the package never needs a token. A bad
value raises :class:`SettingsError` whose message is one line naming the variable, so
the command line can print it instead of a traceback. Numbers must be written in ASCII
digits: ``str.isdigit`` and ``int`` disagree about superscripts ("²") and other
scripts' digits, and a setting should mean the same to the operator and the parser.
The token is kept out of ``repr`` so it cannot leak into logs or error reports.

pydantic-settings would do the reading too, but these few typed fields do not justify
a dependency, and its errors are multi-line.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.core.storage.database_url import DatabaseUrlError, check_postgres_url, redact
from bot.core.storage.selection import Database
from bot.core.storage.sqlite import DEFAULT_RETENTION_DAYS

TOKEN_ENV = "DISCORD_TOKEN"
DEFAULT_ENV_FILE = Path(".env")
DEFAULT_SYNC_STATE = Path(".careerbot-sync-hash")
DEFAULT_DB = Path("careerbot.sqlite3")
DEFAULT_COOLDOWN_RATE = 5
DEFAULT_COOLDOWN_PER = 30.0
DEFAULT_MAX_QUESTION = 500
DEFAULT_CONVERSATION_TTL = 15 * 60.0
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LOG_FORMATS = ("text", "json")
DEFAULT_METRICS_HOST = "127.0.0.1"
"""Metrics stay on this machine unless asked; the Docker image sets 0.0.0.0, since a
container's loopback cannot be scraped from outside it."""
PORT_RANGE = (1, 65535)
_HOST = re.compile(r"[A-Za-z0-9.:_-]{1,253}")
"""A hostname or an IPv4/IPv6 address, written bare (no scheme, port or brackets)."""
# A question longer than a Discord message is never a question; 20 characters is the
# shortest sensible cap ("how much do mles make" is 21).
MAX_QUESTION_RANGE = (20, 2000)
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off", ""})
_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]{1,30}")
_ID = re.compile(r"[0-9]{1,30}")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
"""ASCII only, unlike ``int()``/``float()``, which also take "١٢" or "１２". Whole
numbers stop at 30 digits (ids have 20) so ``int()``'s own digit limit never raises."""


class SettingsError(ValueError):
    """A setting is missing or malformed; ``str()`` is one line fit for a terminal."""


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the bot reads from its environment. See ``docs/_fragments/discord.md``."""

    token: str = field(default="", repr=False)
    dev_guild: int | None = None
    owner_ids: frozenset[int] = frozenset()
    cooldown_rate: int = DEFAULT_COOLDOWN_RATE
    cooldown_per: float = DEFAULT_COOLDOWN_PER
    message_content: bool = False
    shard_count: int | None = None
    shard_ids: tuple[int, ...] | None = None
    max_question: int = DEFAULT_MAX_QUESTION
    sync_state: Path = DEFAULT_SYNC_STATE
    db_path: Path = DEFAULT_DB
    database_url: str | None = None
    """A postgresql:// URL: shared PostgreSQL storage instead of the ``db_path`` file.
    It may hold a password, so it is only ever shown through ``redact``."""
    knowledge_dir: Path | None = None
    """None: the knowledge base shipped with the package."""
    conversation_ttl: float = DEFAULT_CONVERSATION_TTL
    retention_days: float = DEFAULT_RETENTION_DAYS
    heartbeat_file: Path | None = None
    """None: ``heartbeat`` next to the database (see :func:`bot.health.heartbeat_path`)."""
    log_level: str = "INFO"
    log_format: str = "text"
    metrics_port: int | None = None
    """None: no metrics endpoint (see :mod:`bot.metrics`)."""
    metrics_host: str = DEFAULT_METRICS_HOST

    def __repr__(self) -> str:
        # Written out rather than generated so the token stays redacted even if a
        # refactor drops field(repr=False), while still showing whether one is set.
        shown = ", ".join(
            f"{name}={self._shown(name)!r}" for name in self.__dataclass_fields__ if name != "token"
        )
        token = "'***'" if self.token else "''"
        return f"Settings(token={token}, {shown})"

    def _shown(self, name: str) -> object:
        """A field's value as ``repr`` may show it: the database URL without its password."""
        value = getattr(self, name)
        return redact(value) if name == "database_url" and value else value

    def require_token(self) -> str:
        """The token, or a :class:`SettingsError` that says how to provide one."""
        if not self.token:
            raise SettingsError(
                f"{TOKEN_ENV} is not set: put the bot token in the environment or in a .env file"
            )
        return self.token

    @property
    def database(self) -> Database:
        """Where the durable data lives, as ``run``, ``report`` and ``health`` all see it."""
        return Database(self.db_path, self.database_url, self.retention_days)

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str] | None = None,
        env_file: Path | None = DEFAULT_ENV_FILE,
    ) -> Settings:
        """Build settings from ``environ`` (default ``os.environ``) over ``env_file``.

        The environment wins over the file, so a deployment can override one value
        without editing the file.
        """
        values: dict[str, str] = {}
        if env_file is not None:
            values.update(read_env_file(env_file))
        values.update(os.environ if environ is None else environ)
        env = _Reader(values)
        shard_count = env.integer("SHARD_COUNT", minimum=1)
        shard_ids = env.integers("SHARD_IDS")
        if shard_ids is not None:
            if shard_count is None:
                raise SettingsError("SHARD_IDS needs SHARD_COUNT (the total number of shards)")
            bad = [i for i in shard_ids if not 0 <= i < shard_count]
            if bad:
                raise SettingsError(
                    f"SHARD_IDS: shard {bad[0]} is out of range for SHARD_COUNT={shard_count}"
                )
        low, high = MAX_QUESTION_RANGE
        return cls(
            token=env.text(TOKEN_ENV).strip(),
            dev_guild=env.integer("CAREERBOT_DEV_GUILD", minimum=1),
            owner_ids=frozenset(env.integers("CAREERBOT_OWNER_IDS") or ()),
            cooldown_rate=env.integer("CAREERBOT_COOLDOWN_RATE", minimum=1)
            or DEFAULT_COOLDOWN_RATE,
            cooldown_per=env.number("CAREERBOT_COOLDOWN_PER", DEFAULT_COOLDOWN_PER, "seconds"),
            message_content=env.flag("CAREERBOT_MESSAGE_CONTENT"),
            shard_count=shard_count,
            shard_ids=shard_ids,
            max_question=env.integer("CAREERBOT_MAX_QUESTION", minimum=low, maximum=high)
            or DEFAULT_MAX_QUESTION,
            sync_state=Path(env.text("CAREERBOT_SYNC_STATE") or DEFAULT_SYNC_STATE),
            db_path=env.path("CAREERBOT_DB") or DEFAULT_DB,
            database_url=env.database_url("CAREERBOT_DATABASE_URL"),
            knowledge_dir=env.path("CAREERBOT_KNOWLEDGE_DIR"),
            conversation_ttl=env.number(
                "CAREERBOT_CONVERSATION_TTL", DEFAULT_CONVERSATION_TTL, "seconds"
            ),
            retention_days=env.number("CAREERBOT_RETENTION_DAYS", DEFAULT_RETENTION_DAYS, "days"),
            heartbeat_file=env.path("CAREERBOT_HEARTBEAT_FILE"),
            log_level=env.choice("CAREERBOT_LOG_LEVEL", LOG_LEVELS, "INFO"),
            log_format=env.choice("CAREERBOT_LOG_FORMAT", LOG_FORMATS, "text"),
            metrics_port=env.port("CAREERBOT_METRICS_PORT"),
            metrics_host=env.host("CAREERBOT_METRICS_HOST") or DEFAULT_METRICS_HOST,
        )


def read_env_file(path: Path) -> dict[str, str]:
    """Parse a ``.env`` file of ``KEY=VALUE`` lines (no python-dotenv needed).

    Blank lines and ``#`` comments are skipped, ``export KEY=VALUE`` is accepted and one
    pair of matching quotes around the value is removed. A missing file is simply no
    settings; a malformed line is an error, because a typo there would otherwise
    silently drop a setting.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"{path}: cannot be read ({exc.__class__.__name__})") from None
    values: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export ") :].lstrip()
        key, sep, value = line.partition("=")
        key = key.strip()
        if not sep or not key or not key.replace("_", "").isalnum():
            # The line is not echoed: it may hold the token.
            raise SettingsError(f"{path}:{number}: expected KEY=VALUE")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        values[key] = value
    return values


class _Reader:
    """Typed access to string settings; every failure names the variable."""

    def __init__(self, values: Mapping[str, str]) -> None:
        self._values = values

    def text(self, name: str) -> str:
        return self._values.get(name, "").strip()

    def path(self, name: str) -> Path | None:
        raw = self.text(name)
        return Path(raw).expanduser() if raw else None

    def integer(
        self, name: str, *, minimum: int | None = None, maximum: int | None = None
    ) -> int | None:
        raw = self.text(name)
        if not raw:
            return None
        if not _WHOLE_NUMBER.fullmatch(raw):
            raise SettingsError(f"{name} must be a whole number, got {raw!r}")
        value = int(raw)
        if minimum is not None and value < minimum:
            raise SettingsError(f"{name} must be at least {minimum}, got {value}")
        if maximum is not None and value > maximum:
            raise SettingsError(f"{name} must be at most {maximum}, got {value}")
        return value

    def port(self, name: str) -> int | None:
        raw = self.text(name)
        low, high = PORT_RANGE
        if raw and not (_WHOLE_NUMBER.fullmatch(raw) and low <= int(raw) <= high):
            raise SettingsError(f"{name} must be a port number from {low} to {high}, got {raw!r}")
        return int(raw) if raw else None

    def host(self, name: str) -> str | None:
        raw = self.text(name)
        if raw and not _HOST.fullmatch(raw):
            raise SettingsError(
                f"{name} must be an address to listen on, such as 0.0.0.0 or 127.0.0.1, got {raw!r}"
            )
        return raw or None

    def database_url(self, name: str) -> str | None:
        """A PostgreSQL URL, or None; the error never repeats the URL (it may hold a
        password)."""
        raw = self.text(name)
        if not raw:
            return None
        try:
            return check_postgres_url(raw)
        except DatabaseUrlError as exc:
            raise SettingsError(f"{name} {exc}") from None

    def integers(self, name: str) -> tuple[int, ...] | None:
        raw = self.text(name)
        if not raw:
            return None
        parts = [p.strip() for p in raw.split(",") if p.strip()]
        if not parts or not all(_ID.fullmatch(p) for p in parts):
            raise SettingsError(f"{name} must be comma-separated whole numbers, got {raw!r}")
        return tuple(dict.fromkeys(int(p) for p in parts))

    def number(self, name: str, default: float, unit: str) -> float:
        raw = self.text(name)
        if not raw:
            return default
        if not _NUMBER.fullmatch(raw):
            raise SettingsError(f"{name} must be a number of {unit}, got {raw!r}")
        value = float(raw)
        if not 0 < value < float("inf"):
            raise SettingsError(f"{name} must be a positive number of {unit}, got {raw!r}")
        return value

    def choice(self, name: str, allowed: tuple[str, ...], default: str) -> str:
        """One of ``allowed``, in any letter case; returned as spelled in ``allowed``."""
        raw = self.text(name)
        if not raw:
            return default
        for option in allowed:
            if raw.isascii() and raw.lower() == option.lower():
                return option
        raise SettingsError(f"{name} must be one of {', '.join(allowed)}, got {raw!r}")

    def flag(self, name: str) -> bool:
        raw = self.text(name).lower()
        if raw in _TRUE:
            return True
        if raw in _FALSE:
            return False
        raise SettingsError(f"{name} must be 1 or 0, got {raw!r}")

"""Logging: the token never appears, JSON lines parse, setup is idempotent."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from bot.logging_setup import (
    REDACTED,
    RedactingFilter,
    log_answer,
    setup_logging,
)

# Shaped like a real bot token (three dot-separated base64 parts); not a real one.
TOKEN = "MTA5ODc2NTQzMjEwOTg3NjU0.GhIjKl.aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789ab"
OLD_TOKEN = "ODc2NTQzMjEwOTg3NjU0MzIx.XyZaBc.ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zz"


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    """setup_logging configures the process-wide root logger: undo it after each test."""
    root = logging.getLogger()
    handlers = list(root.handlers)
    filters = {h: list(h.filters) for h in handlers}
    level = root.level
    yield
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    for handler, saved in filters.items():
        handler.filters[:] = saved
    root.setLevel(level)
    logging.captureWarnings(False)


def emit_everywhere(log: logging.Logger, secret: str) -> None:
    """Every route by which a token has leaked into real bots' logs."""
    log.info(f"connecting with token {secret}")  # the f-string leak being tested
    log.info("connecting with token %s", secret)
    log.warning("request headers: %r", {"Authorization": f"Bot {secret}"})
    log.info("extra field", extra={"detail": f"token={secret}"})
    log.info("extra object", extra={"payload": {"headers": {"auth": secret}}})
    try:
        raise RuntimeError(f"401 Unauthorized for token {secret}")
    except RuntimeError:
        log.exception("login failed")
    # A stack whose frame names contain the token (as a file path might).
    code = compile("log.error('stacked', stack_info=True)", f"<{secret}>", "exec")
    exec(code, {"log": log})
    log.error("bad format %s %s", secret)  # a broken call must still be redacted
    logging.getLogger("discord.http").warning("discord.py says %s", secret)
    logging.getLogger("discord.gateway").info("Bot %s identified", secret)


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_token_never_printed(fmt: str) -> None:
    out = io.StringIO()
    setup_logging(token=OLD_TOKEN, stream=io.StringIO())  # e.g. before a token reset
    setup_logging(token=TOKEN, fmt=fmt, level="DEBUG", stream=out)
    log = logging.getLogger("bot.test")
    emit_everywhere(log, TOKEN)
    emit_everywhere(log, OLD_TOKEN)
    text = out.getvalue()
    assert TOKEN not in text
    assert OLD_TOKEN not in text
    # Not even recognisable pieces of it.
    for piece in (*TOKEN.split("."), *OLD_TOKEN.split(".")):
        if len(piece) >= 8:
            assert piece not in text
    assert text.count(REDACTED) >= 16
    assert "RuntimeError" in text and "Traceback" in text  # the exception is still there
    assert "stacked" in text and "Stack (most recent call last)" in text


def test_token_redacted_in_other_handlers_too(caplog: pytest.LogCaptureFixture) -> None:
    """Handlers installed by others (here pytest's) get the filter as well."""
    setup_logging(token=TOKEN, stream=io.StringIO())
    caplog.set_level(logging.INFO)
    logging.getLogger("discord.client").info("token is %s", TOKEN)
    assert TOKEN not in caplog.text
    assert REDACTED in caplog.text


def test_database_password_redacted_like_the_token() -> None:
    """Code that shows the URL masks the password itself; this catches a library line
    that might not (psycopg's pool logs connection errors on its own logger)."""
    password = "pg-password-4f9a"
    out = io.StringIO()
    setup_logging(token=TOKEN, stream=out, secrets=[password])
    logging.getLogger("psycopg.pool").warning("error connecting with %s", password)
    assert password not in out.getvalue()
    assert REDACTED in out.getvalue()


def test_json_lines_parse() -> None:
    out = io.StringIO()
    setup_logging(fmt="json", stream=out)
    log = logging.getLogger("bot.test")
    log.info("hello %s", "world")
    try:
        1 / 0  # noqa: B018
    except ZeroDivisionError:
        log.exception("boom\nwith a newline")
    log.info("with extra", extra={"payload": {"n": 1}})
    lines = out.getvalue().splitlines()
    assert len(lines) == 3
    first, second, third = (json.loads(line) for line in lines)
    assert third["payload"] == {"n": 1}
    assert first["message"] == "hello world"
    assert first["level"] == "INFO"
    assert first["logger"] == "bot.test"
    assert first["time"].endswith("+00:00")
    assert "ZeroDivisionError" in second["exception"]
    assert second["message"] == "boom\nwith a newline"


def test_text_is_the_default() -> None:
    out = io.StringIO()
    setup_logging(stream=out)
    logging.getLogger("bot.test").info("plain")
    line = out.getvalue().strip()
    assert line.endswith("INFO     bot.test: plain")
    with pytest.raises(json.JSONDecodeError):
        json.loads(line)


def test_level_by_name() -> None:
    out = io.StringIO()
    setup_logging(level="warning", stream=out)
    log = logging.getLogger("bot.test")
    log.info("hidden")
    log.warning("shown")
    assert "hidden" not in out.getvalue()
    assert "shown" in out.getvalue()


@pytest.mark.parametrize("level", ["chatty", "²", None])
def test_unknown_level_falls_back_to_info(level: str | None) -> None:
    """Settings refuse a bad CAREERBOT_LOG_LEVEL; other callers still never crash here."""
    logging.getLogger().setLevel(logging.ERROR)
    setup_logging(level=level, stream=io.StringIO())
    assert logging.getLogger().level == logging.INFO


def test_idempotent() -> None:
    first, second = io.StringIO(), io.StringIO()
    setup_logging(token=TOKEN, stream=first)
    setup_logging(stream=second)  # a second call replaces, and remembers the token
    ours = [h for h in logging.getLogger().handlers if getattr(h, "_careerbot_handler", False)]
    assert len(ours) == 1
    logging.getLogger("bot.test").info("once %s", TOKEN)
    assert first.getvalue() == ""
    assert second.getvalue().count("once") == 1
    assert TOKEN not in second.getvalue()


def test_short_placeholder_tokens_are_not_redacted() -> None:
    """DISCORD_TOKEN=x must not turn every "x" in the logs into [REDACTED]."""
    f = RedactingFilter(["x", "", "   "])
    assert f.secrets == set()


def test_log_answer_line(monkeypatch: pytest.MonkeyPatch) -> None:
    out = io.StringIO()
    setup_logging(stream=out, fmt="text")
    log_answer(
        logging.getLogger("bot.exts.ask"),
        status="answered",
        topic="salary",
        latency_ms=1.2345,
        confidence=0.876,
        entries=["mle-salary-entry"],
    )
    line = out.getvalue().strip()
    assert "INFO" in line
    assert (
        "answer status=answered topic=salary latency_ms=1.2 confidence=0.88 "
        "entries=mle-salary-entry" in line
    )


def test_log_answer_json_has_fields_and_no_identity() -> None:
    out = io.StringIO()
    setup_logging(stream=out, fmt="json")
    log_answer(
        logging.getLogger("bot.exts.ask"),
        status="declined",
        topic=None,
        latency_ms=0.4,
        confidence=0.1,
        entries=[],
    )
    (data,) = [json.loads(line) for line in out.getvalue().splitlines()]
    assert data["event"] == "answer"
    assert data["status"] == "declined"
    assert data["topic"] is None
    assert data["latency_ms"] == 0.4
    assert data["confidence"] == 0.1
    assert data["entries"] == []
    assert not {"user", "user_id", "author", "member", "question", "channel"} & set(data)

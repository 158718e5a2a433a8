"""Logging for production: one setup function, a token that never reaches the output.

Why it looks like this:

- Nothing runs at import time. ``setup_logging`` is called once by the entry point
  (calling it again replaces our handler instead of adding a second one), so tests and
  library users import the package without side effects.
- Human-readable lines by default; ``CAREERBOT_LOG_FORMAT=json`` gives one JSON object
  per line for log shippers. ``CAREERBOT_LOG_LEVEL`` sets the level (default INFO).
  Both, and the token to redact, arrive as arguments from :class:`bot.settings.Settings`:
  this module never reads the environment, so a token or level set in ``.env`` works
  exactly like one exported in the shell.
- :class:`RedactingFilter` sits on the *handlers*, not on a logger: a logger's filter
  only sees records logged on that exact logger, while a handler's filter sees every
  record that reaches it, including discord.py's (``discord.http``, ``discord.gateway``)
  as they propagate to the root. It rewrites the message, the arguments, the exception
  text, the stack and any ``extra`` strings, so the token cannot leak through a
  traceback or a ``repr`` of a request either.
- :func:`log_answer` is the one line per answered question: outcome, topic, latency and
  confidence. It has no parameter for who asked, so identity cannot slip in.

discord.py installs its own handler when started with ``Client.run()``; the bot must
pass ``log_handler=None`` (or use ``start()``), or its lines bypass this setup.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import IO, Any

REDACTED = "[REDACTED]"
MIN_SECRET_LENGTH = 8
"""Shorter "secrets" are ignored: redacting a 1-character placeholder token would
rewrite every log line, and no real credential is that short."""
TEXT_FORMAT = "%(asctime)s %(levelname)-8s %(name)s: %(message)s"
_HANDLER_MARK = "_careerbot_handler"
_STANDARD_ATTRS = frozenset(
    vars(logging.LogRecord("", 0, "", 0, "", None, None)).keys() | {"message", "asctime"}
)


class RedactingFilter(logging.Filter):
    """Replace every known secret in a record with ``[REDACTED]``; never drops records."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets: set[str] = set()
        for secret in secrets:
            self.add(secret)

    def add(self, secret: str | None) -> None:
        """Start redacting ``secret`` (ignored if empty or implausibly short)."""
        if secret and len(secret.strip()) >= MIN_SECRET_LENGTH:
            self.secrets.add(secret.strip())

    def redact(self, text: str) -> str:
        # Longest first, so a secret that contains another is removed whole.
        for secret in sorted(self.secrets, key=len, reverse=True):
            if secret in text:
                text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not lose the record
            message = f"{record.msg!r} % {record.args!r}"
        # Freeze the formatted message: args are gone, so a later formatter cannot
        # re-insert a secret from them.
        record.msg = self.redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
            # The exception object itself can carry the secret in its args; keep the
            # (redacted) text and drop the object so no formatter re-renders it.
            record.exc_info = None
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        for key, value in list(vars(record).items()):
            if key not in _STANDARD_ATTRS and isinstance(value, str):
                setattr(record, key, self.redact(value))
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, exception, extras."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            data["exception"] = record.exc_text
        if record.stack_info:
            data["stack"] = self.formatStack(record.stack_info)
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRS and not key.startswith("_"):
                data[key] = value
        return json.dumps(data, default=str, ensure_ascii=False)


class _RedactedOutput(logging.Formatter):
    """Wraps our handler's formatter and redacts the finished line: a last line of
    defence for values the filter cannot rewrite in place (a dict passed as ``extra``)."""

    def __init__(self, inner: logging.Formatter, redactor: RedactingFilter) -> None:
        super().__init__()
        self.inner = inner
        self.redactor = redactor

    def format(self, record: logging.LogRecord) -> str:
        return self.redactor.redact(self.inner.format(record))


def _resolve_level(level: int | str | None) -> int:
    if level is None:
        return logging.INFO
    if isinstance(level, int):
        return level
    value = logging.getLevelNamesMapping().get(level.strip().upper())
    return value if value is not None else logging.INFO


def setup_logging(
    *,
    level: int | str | None = None,
    fmt: str | None = None,
    token: str | None = None,
    stream: IO[str] | None = None,
    secrets: Iterable[str] = (),
) -> logging.Handler:
    """Configure the root logger once; return the handler it installed.

    ``level``: a name or number, else INFO (unknown names fall back to INFO rather
    than crash start-up; :class:`bot.settings.Settings` already refuses them with one
    line). ``fmt``: ``"json"``, else text. ``token`` is redacted from every line, and
    so are ``secrets`` (the database password: code that shows the URL masks it
    already, this catches a library that might not).
    ``stream`` defaults to stderr (tests pass a buffer). Idempotent: a second call
    replaces our handler, keeping the secrets the first call knew.
    """
    root = logging.getLogger()
    redactor = RedactingFilter()
    for old in [h for h in root.handlers if getattr(h, _HANDLER_MARK, False)]:
        for existing in old.filters:
            if isinstance(existing, RedactingFilter):
                redactor.secrets |= existing.secrets
        root.removeHandler(old)
        old.close()
    redactor.add(token)
    for secret in secrets:
        redactor.add(secret)

    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    setattr(handler, _HANDLER_MARK, True)
    json_lines = fmt is not None and fmt.strip().lower() == "json"
    inner = JsonFormatter() if json_lines else logging.Formatter(TEXT_FORMAT)
    handler.setFormatter(_RedactedOutput(inner, redactor))
    handler.addFilter(redactor)
    root.addHandler(handler)
    root.setLevel(_resolve_level(level))
    # Handlers someone else installed (discord.py's, a test harness's) get the filter
    # too, so they cannot print what ours hides.
    for other in root.handlers:
        if other is not handler and not any(f is redactor for f in other.filters):
            for stale in [f for f in other.filters if isinstance(f, RedactingFilter)]:
                other.removeFilter(stale)
            other.addFilter(redactor)
    logging.captureWarnings(True)
    return handler


def log_answer(
    logger: logging.Logger,
    *,
    status: str,
    topic: str | None,
    latency_ms: float,
    confidence: float,
    entries: Sequence[str] = (),
) -> None:
    """Emit the one INFO line per answered question (no user, channel or text)."""
    ids = list(entries)
    logger.info(
        "answer status=%s topic=%s latency_ms=%.1f confidence=%.2f entries=%s",
        status,
        topic or "-",
        latency_ms,
        confidence,
        ",".join(ids) or "-",
        extra={
            "event": "answer",
            "status": status,
            "topic": topic,
            "latency_ms": round(float(latency_ms), 1),
            "confidence": round(float(confidence), 4),
            "entries": ids,
        },
    )

"""What the SQLite and PostgreSQL stores do the same way: limit their failure warnings,
describe a failure in one line, and cache cooldown overrides.

Degraded mode is a promise to the operator as much as to the bot: the bot keeps
answering, and the log says what is wrong once, not once per vote. A full disk or a
database that is down would otherwise print thousands of identical lines and bury
the one that matters. So warnings are limited per kind of failure (open, write, read,
prune), with a count of what was suppressed instead of a traceback.
"""

from __future__ import annotations

import logging
import time

from bot.core.storage.base import CooldownSetting

WARN_INTERVAL = 60.0
"""At most one failure warning per this many seconds, so a full disk cannot flood logs."""


class WarningLimiter:
    """One WARNING line per kind of failure, then at most one per ``interval`` seconds
    while it persists."""

    def __init__(self, logger: logging.Logger, interval: float = WARN_INTERVAL) -> None:
        self._log = logger
        self._interval = interval
        self._last: dict[str, float] = {}
        self._suppressed: dict[str, int] = {}

    def warn(self, kind: str, message: str, failed_writes: int) -> None:
        now = time.monotonic()
        last = self._last.get(kind)
        if last is not None and now - last < self._interval:
            self._suppressed[kind] = self._suppressed.get(kind, 0) + 1
            return
        skipped = self._suppressed.pop(kind, 0)
        extra = f"; {skipped} similar warnings suppressed" if skipped else ""
        self._log.warning("%s (%d failed writes so far%s)", message, failed_writes, extra)
        self._last[kind] = now


class CooldownCache:
    """Servers' cooldown overrides, remembered for a while.

    The cooldown is read before *every* answer, so the answer path must not wait on
    the database or behind a burst of votes; entries expire after ``seconds`` so a
    change made by another process (another shard) is picked up.
    """

    def __init__(self) -> None:
        self._entries: dict[int, tuple[CooldownSetting | None, float]] = {}

    def get(self, guild_id: int) -> tuple[bool, CooldownSetting | None]:
        """``(True, setting)`` while a fresh entry is known, else ``(False, None)``."""
        cached = self._entries.get(guild_id)
        if cached is not None and cached[1] > time.monotonic():
            return True, cached[0]
        return False, None

    def put(self, guild_id: int, setting: CooldownSetting | None, seconds: float) -> None:
        self._entries[guild_id] = (setting, time.monotonic() + seconds)


def describe(exc: BaseException) -> str:
    """A one-line reason: the exception's type and message, never its traceback."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return f"{type(exc).__name__}: {text}"

"""Storage calls that may fail without failing the person asking.

Votes, question logs and per-server settings are nice to have; an answer is not. A
locked, slow or broken database must never cost someone their reply, so every
storage call from the Discord side goes through :func:`safely`: it waits a bounded
time, logs what went wrong and hands back a default the caller can carry on with.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")
STORE_TIMEOUT = 2.0
"""Seconds a storage call may take before the bot carries on without it."""


async def safely(
    awaitable: Awaitable[T], default: T, what: str, *, seconds: float = STORE_TIMEOUT
) -> T:
    """Await a storage call; on error or timeout log it and return ``default``."""
    try:
        return await asyncio.wait_for(awaitable, seconds)
    except Exception:
        log.warning("Storage failed while %s; carrying on without it", what, exc_info=True)
        return default

"""What the fake saw and did, kept so tests can assert on it.

Everything is plain dataclasses in lists: tests read them directly or wait for
them with :meth:`Changes.wait_for`, which re-checks a condition every time the
fake records something instead of sleeping for a guessed duration.
"""

# Waiting helpers take ``timeout=`` like asyncio.wait_for and discord.py's wait_for, so
# tests read naturally; ASYNC109 (prefer asyncio.timeout) does not fit that API.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from .limits import FLAG_EPHEMERAL, FLAG_LOADING

T = TypeVar("T")


class Changes:
    """Wakes waiters whenever the fake records anything (request, event, problem).

    Waiters also re-check every ``POLL_INTERVAL`` seconds, so conditions on the bot's
    own state (``lambda: bot.errors``) work without the bot notifying anyone.
    """

    POLL_INTERVAL = 0.01

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait_for(self, condition: Callable[[], T], timeout: float, what: str) -> T:
        """Return the first truthy ``condition()``; raise ``TimeoutError`` naming ``what``."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = condition()
            if result:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"fake Discord: timed out after {timeout}s waiting for {what}")
            event = self._event
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), min(remaining, self.POLL_INTERVAL))


@dataclass
class RequestRecord:
    """One REST request as received and answered (``path`` is relative to ``/api/v10``)."""

    method: str
    path: str
    query: dict[str, str]
    json: Any
    files: list[dict[str, Any]]
    template: str | None = None
    status: int = 0
    response: Any = None
    injected: bool = False
    at: float = field(default_factory=time.monotonic)


@dataclass
class GatewayFrame:
    """A frame the client sent over the gateway (``op`` 1 heartbeat, 2 identify, 6 resume…)."""

    op: int
    d: Any
    session_id: str | None
    at: float = field(default_factory=time.monotonic)


@dataclass
class FakeMessage:
    """A message Discord knows: posted by a user (dispatched) or by the bot.

    ``bodies`` holds the bot's create body followed by each edit body, so tests can
    check fields that never appear in the message object, like ``allowed_mentions``.
    """

    id: int
    channel_id: int
    guild_id: int | None
    payload: dict[str, Any]
    source: str  # "user" | "channel" | "interaction" | "followup"
    interaction_id: int | None = None
    bodies: list[dict[str, Any]] = field(default_factory=list)
    deleted: bool = False
    reactions: list[str] = field(default_factory=list)

    @property
    def content(self) -> str:
        return str(self.payload.get("content") or "")

    def reply_fields(self) -> dict[str, Any]:
        """What a message replying to this one carries: the reference and a copy."""
        reference: dict[str, Any] = {
            "type": 0,
            "message_id": str(self.id),
            "channel_id": str(self.channel_id),
        }
        if self.guild_id:
            reference["guild_id"] = str(self.guild_id)
        return {"message_reference": reference, "referenced_message": self.payload}

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return list(self.payload.get("embeds") or [])

    @property
    def components(self) -> list[dict[str, Any]]:
        return list(self.payload.get("components") or [])

    @property
    def flags(self) -> int:
        return int(self.payload.get("flags") or 0)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & FLAG_EPHEMERAL)

    @property
    def loading(self) -> bool:
        return bool(self.flags & FLAG_LOADING)

    @property
    def body(self) -> dict[str, Any]:
        """The body that created the message (empty for user messages)."""
        return self.bodies[0] if self.bodies else {}

    @property
    def allowed_mentions(self) -> dict[str, Any] | None:
        """``allowed_mentions`` of the latest body that set it, or None if never sent."""
        for body in reversed(self.bodies):
            if "allowed_mentions" in body:
                return body["allowed_mentions"]
        return None


@dataclass
class CallbackRecord:
    """One ``POST /interactions/{id}/{token}/callback`` attempt and its answer."""

    type: int
    data: dict[str, Any] | None
    status: int
    elapsed: float
    with_response: bool
    at: float = field(default_factory=time.monotonic)

    @property
    def accepted(self) -> bool:
        return 200 <= self.status < 300


@dataclass
class FakeInteraction:
    """Handle for a dispatched interaction: its payload and everything the bot did with it."""

    id: int
    token: str
    type: int
    payload: dict[str, Any]
    channel_id: int
    guild_id: int | None
    dispatched_at: float = field(default_factory=time.monotonic)
    callbacks: list[CallbackRecord] = field(default_factory=list)
    original: FakeMessage | None = None
    followups: list[FakeMessage] = field(default_factory=list)
    component_message_id: int | None = None
    modal: dict[str, Any] | None = None

    @property
    def response(self) -> CallbackRecord | None:
        """The accepted callback (the interaction response), if any."""
        return next((c for c in self.callbacks if c.accepted), None)

    @property
    def acknowledged(self) -> bool:
        return self.response is not None

    @property
    def choices(self) -> list[dict[str, Any]] | None:
        """Autocomplete choices the bot answered with (callback type 8)."""
        response = self.response
        if response is None or response.type != 8:
            return None
        return list((response.data or {}).get("choices") or [])


class ProblemLog:
    """Everything Discord would have rejected or that surprised the fake.

    The pytest fixture fails the test at teardown while this is non-empty; tests
    that provoke problems on purpose consume them with :meth:`take` or
    :meth:`expect`.
    """

    def __init__(self, on_change: Callable[[], None]) -> None:
        self._items: list[str] = []
        self._on_change = on_change

    def add(self, text: str) -> None:
        self._items.append(text)
        self._on_change()

    def take(self) -> list[str]:
        taken, self._items = self._items, []
        return taken

    @contextlib.contextmanager
    def expect(self, *substrings: str) -> Iterator[list[str]]:
        """Consume problems raised inside the block; each substring must match one."""
        start = len(self._items)
        captured: list[str] = []
        yield captured
        captured.extend(self._items[start:])
        del self._items[start:]
        missing = [s for s in substrings if not any(s in p for p in captured)]
        if missing or not captured:
            raise AssertionError(
                f"expected problems matching {missing or list(substrings)!r}, got {captured!r}"
            )

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._items))

    def __len__(self) -> int:
        return len(self._items)

    def __bool__(self) -> bool:
        return bool(self._items)

    def __repr__(self) -> str:
        return f"ProblemLog({self._items!r})"

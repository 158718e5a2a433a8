"""What the fake saw and did, kept as plain objects for tests to assert on.

Why: a test should read "the bot answered with this embed" rather than dig through
HTTP bodies. Requests, messages and interactions are dataclasses in lists, and
:class:`ProblemLog` collects what Discord would have refused, which the pytest plugin
turns into a failure.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .multipart import Upload
from .spec import CALLBACK

FLAG_EPHEMERAL, FLAG_LOADING = 1 << 6, 1 << 7


class MessageView:
    """Reading a message the same way whether Discord stored it or a request sends it."""

    @property
    def message(self) -> dict[str, Any]:
        raise NotImplementedError

    @property
    def content(self) -> str:
        return str(self.message.get("content") or "")

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return list(self.message.get("embeds") or [])

    @property
    def embed(self) -> dict[str, Any]:
        """The one embed (fails when there are none or several)."""
        (embed,) = self.embeds
        return embed

    @property
    def components(self) -> list[dict[str, Any]]:
        return list(self.message.get("components") or [])

    @property
    def custom_ids(self) -> list[str]:
        return [c["custom_id"] for row in self.components for c in row["components"]]

    @property
    def ephemeral(self) -> bool:
        return bool(int(self.message.get("flags") or 0) & FLAG_EPHEMERAL)

    @property
    def loading(self) -> bool:
        return bool(int(self.message.get("flags") or 0) & FLAG_LOADING)


@dataclass(eq=False)
class RequestRecord(MessageView):
    """One REST request (``path`` below ``/api/v10``) and how the fake answered it."""

    method: str
    path: str
    query: dict[str, str]
    body: Any
    template: str | None = None
    status: int = 0
    response: Any = None
    injected: bool = False  # answered by :meth:`FakeDiscord.fail_next`
    client: str | None = None  # which bot process, when several share the fake
    at: float = field(default_factory=time.monotonic)
    files: list[Upload] | None = None
    """The uploaded files of a ``multipart/form-data`` request (``body`` is then its
    ``payload_json``); None for a JSON request."""

    @property
    def message(self) -> dict[str, Any]:
        """The message it sends: the body, or a callback's ``data``."""
        body = self.body if isinstance(self.body, dict) else {}
        return dict(body.get("data") or {}) if self.template == CALLBACK else body

    @property
    def callback_type(self) -> int | None:
        return self.body.get("type") if self.template == CALLBACK else None


@dataclass(eq=False)
class FakeMessage(MessageView):
    """A message Discord holds: a user's (``source="user"``) or one the bot posted.

    ``bodies`` are the bot's create body and then each edit, so tests can check what
    never shows in the message object, like ``allowed_mentions``.
    """

    id: int
    channel_id: int
    guild_id: int | None
    payload: dict[str, Any]
    source: str  # "user" | "channel" | "interaction" | "followup"
    bodies: list[dict[str, Any]] = field(default_factory=list)
    deleted: bool = False
    files: list[Upload] = field(default_factory=list)
    """The files it was sent with, as uploaded (``payload["attachments"]`` describes them)."""

    @property
    def message(self) -> dict[str, Any]:
        return self.payload

    @property
    def allowed_mentions(self) -> dict[str, Any] | None:
        """``allowed_mentions`` of the latest body that set it, or None if none did."""
        sent = [b["allowed_mentions"] for b in self.bodies if "allowed_mentions" in b]
        return sent[-1] if sent else None

    @property
    def replied_to(self) -> int | None:
        reference = self.payload.get("message_reference") or {}
        return int(reference["message_id"]) if "message_id" in reference else None

    def reply_fields(self) -> dict[str, Any]:
        """What a message replying to this one carries: the reference and a copy."""
        reference = {"type": 0, "message_id": str(self.id), "channel_id": str(self.channel_id)}
        if self.guild_id:
            reference["guild_id"] = str(self.guild_id)
        return {"message_reference": reference, "referenced_message": self.payload}


@dataclass
class CallbackRecord:
    """One ``POST …/callback`` attempt for an interaction, accepted or not."""

    type: int
    data: dict[str, Any] | None
    status: int
    elapsed: float  # seconds since the interaction was dispatched
    with_response: bool
    client: str | None = None  # the process that sent it
    at: float = field(default_factory=time.monotonic)

    @property
    def accepted(self) -> bool:
        return 200 <= self.status < 300


@dataclass(eq=False)
class FakeInteraction:
    """A dispatched interaction and everything the bot did with it."""

    id: int
    token: str
    type: int
    payload: dict[str, Any]
    channel_id: int
    component_message_id: int | None = None
    dispatched_at: float = field(default_factory=time.monotonic)
    callbacks: list[CallbackRecord] = field(default_factory=list)
    original: FakeMessage | None = None

    @property
    def response(self) -> CallbackRecord | None:
        """The accepted callback, if any."""
        return next((c for c in self.callbacks if c.accepted), None)

    @property
    def acknowledged(self) -> bool:
        return self.response is not None


class ProblemLog(list[str]):
    """Everything Discord would have refused, or that the bot must never do.

    The pytest plugin fails the test while this is not empty; tests that provoke a
    problem on purpose consume it with :meth:`take` or :meth:`expect`.
    """

    def take(self) -> list[str]:
        taken = list(self)
        self.clear()
        return taken

    @contextlib.contextmanager
    def expect(self, *substrings: str) -> Iterator[list[str]]:
        """Consume the problems raised inside the block; each substring must match one."""
        start = len(self)
        captured: list[str] = []
        yield captured
        captured.extend(self[start:])
        del self[start:]
        missing = [s for s in substrings if not any(s in p for p in captured)]
        if missing or not captured:
            raise AssertionError(f"expected problems matching {missing!r}, got {captured!r}")

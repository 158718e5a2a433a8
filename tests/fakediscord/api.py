"""Types shared by the REST handlers: the request context, results and API errors.

Handlers raise :class:`ApiError` carrying Discord's own status, error code and
message whenever the real API would refuse a request; the server records the
error's ``problem`` text so the test fails with a readable reason.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .violations import Violation, form_body_error

if TYPE_CHECKING:
    from .server import FakeDiscord


class ApiError(Exception):
    """A Discord error response; ``problem`` (if set) is recorded as a bot mistake."""

    def __init__(
        self,
        status: int,
        code: int,
        message: str,
        problem: str | None = None,
        body: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.body = body or {"code": code, "message": message}
        self.problem = problem

    @classmethod
    def invalid_form(cls, violations: list[Violation], context: str) -> ApiError:
        described = "; ".join(v.describe() for v in violations)
        return cls(
            400, 50035, "Invalid Form Body", f"{context}: {described}", form_body_error(violations)
        )


@dataclass
class Result:
    status: int
    body: Any = None


@dataclass
class Context:
    """What a handler gets: the request, its template parameters and parsed body."""

    fake: FakeDiscord
    method: str
    template: str
    params: dict[str, str]
    query: dict[str, str]
    body: Any
    files: list[dict[str, Any]] = field(default_factory=list)
    received_at: float = field(default_factory=time.monotonic)

    def snowflake(self, name: str) -> int:
        value = self.params[name]
        if not value.isdigit():
            raise ApiError(404, 0, "404: Not Found", f"{name}={value!r} is not a snowflake")
        return int(value)

    def flag(self, name: str) -> bool:
        return self.query.get(name, "").lower() in {"true", "1"}


Handler = Callable[[Context], Awaitable[Result]]

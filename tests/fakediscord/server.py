"""``FakeDiscord``: an in-process Discord (REST + gateway) for end-to-end bot tests.

One aiohttp app on a random 127.0.0.1 port serves REST under ``/api/v10`` and the
gateway websocket at ``/gateway``. Every REST request is matched to Discord's
OpenAPI spec, validated, answered like Discord would, and recorded; anything the
real API would refuse is answered with Discord's error *and* added to
:attr:`FakeDiscord.problems`, which the pytest fixture turns into a test failure.
"""

# Waiting helpers take ``timeout=`` like asyncio.wait_for and discord.py's wait_for, so
# tests read naturally; ASYNC109 (prefer asyncio.timeout) does not fit that API.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from aiohttp import web

from . import rest
from .events import EventDispatcher
from .gateway import PRIVILEGED_INTENTS, Gateway, GatewaySession
from .records import (
    CallbackRecord,
    Changes,
    FakeInteraction,
    FakeMessage,
    GatewayFrame,
    ProblemLog,
    RequestRecord,
)
from .spec import ApiSpec, RouteMatch
from .wire import Fault, fault_result, json_response, ratelimit_headers, read_body

T = TypeVar("T")
API_PREFIX = "/api/v10"
_APP_FLAG_FOR_INTENT = {1 << 8: 1 << 12, 1 << 1: 1 << 14, 1 << 15: 1 << 18}


@dataclass
class FakeDiscordConfig:
    """Knobs a test may turn; the defaults behave like Discord for a small bot."""

    token: str = "FAKE.discord-bot-token.for-tests"
    shard_count: int = 1
    interaction_deadline: float = 3.0
    interaction_token_ttl: float = 15 * 60
    heartbeat_interval_ms: int = 41_250
    privileged_intents: int = PRIVILEGED_INTENTS  # enabled in the "developer portal"
    compress_gateway: bool = True
    echo_bot_messages: bool = True  # Discord sends the bot its own MESSAGE_CREATEs


class FakeDiscord(EventDispatcher):
    """Fake Discord: REST pipeline, gateway, recording and fault injection.

    World building (``add_user``, ``add_guild``…) comes from :class:`World` and the
    user actions (``dispatch_*``) from :class:`EventDispatcher`.
    """

    def __init__(self, spec: ApiSpec, config: FakeDiscordConfig | None = None) -> None:
        super().__init__()
        self.spec = spec
        self.config = config or FakeDiscordConfig()
        self.changes = Changes()
        self.problems = ProblemLog(self.changes.notify)
        self.gateway = Gateway(self)
        self.records: list[RequestRecord] = []
        self.messages: dict[int, FakeMessage] = {}
        self.interactions: dict[int, FakeInteraction] = {}
        self.commands: dict[int | None, list[dict[str, Any]]] = {}
        self._faults: list[Fault] = []
        self._clients: list[tuple[Any, asyncio.Task[None]]] = []
        self._runner: web.AppRunner | None = None
        self._port = 0

    # ------------------------------------------------------------------ lifecycle
    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/gateway", self.gateway.handle)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._handle_api)
        app.router.add_route("*", "/{tail:.*}", self._handle_elsewhere)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        """Close clients started against us first, then the sockets, then the server."""
        for client, task in reversed(self._clients):
            with contextlib.suppress(Exception):
                await asyncio.wait_for(client.close(), 10)
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.wait_for(task, 10)
        self._clients.clear()
        await self.gateway.close_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def attach_client(self, client: Any, task: asyncio.Task[None]) -> None:
        """Remember a client so :meth:`stop` closes it before the server goes away."""
        self._clients.append((client, task))

    @property
    def token(self) -> str:
        return self.config.token

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._port}"

    @property
    def api_base(self) -> str:
        """Value for ``discord.http.Route.BASE``."""
        return self.base_url + API_PREFIX

    @property
    def gateway_url(self) -> str:
        """Value for ``DiscordWebSocket.DEFAULT_GATEWAY``, ``/gateway/bot`` and resumes."""
        return f"ws://127.0.0.1:{self._port}/gateway"

    @property
    def application_flags(self) -> int:
        flags = 0
        for intent, flag in _APP_FLAG_FOR_INTENT.items():
            if self.config.privileged_intents & intent:
                flags |= flag
        return flags

    def interaction_by_token(self, token: str) -> FakeInteraction | None:
        return next((i for i in self.interactions.values() if i.token == token), None)

    # ------------------------------------------------------------ REST pipeline
    async def _handle_elsewhere(self, request: web.Request) -> web.Response:
        self.problems.add(f"request outside the API: {request.method} {request.path}")
        return json_response(404, {"message": "404: Not Found", "code": 0}, {})

    async def _handle_api(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        body, files, body_error = await read_body(request)
        record = RequestRecord(request.method, path, dict(request.query), body, files)
        self.records.append(record)
        match = self.spec.match(path)
        record.template = match.template if match else None
        headers = ratelimit_headers(record.template or path)
        try:
            result = await self._route(request, record, match, body_error, headers)
        except rest.ApiError as error:
            result = rest.Result(error.status, error.body)
            if error.problem:
                self.problems.add(
                    f"{request.method} {record.template or path} -> {error.status}: {error.problem}"
                )
        record.status, record.response = result.status, result.body
        self.changes.notify()
        return json_response(result.status, result.body, headers)

    async def _route(
        self,
        request: web.Request,
        record: RequestRecord,
        match: RouteMatch | None,
        body_error: str | None,
        headers: dict[str, str],
    ) -> rest.Result:
        method = request.method
        fault = self._take_fault(method, record.path)
        if fault is not None:
            record.injected = True
            return fault_result(fault, headers)
        if match is None:
            raise rest.ApiError(
                404, 0, "404: Not Found", "unknown route (not in Discord's API spec)"
            )
        if method not in match.methods:
            raise rest.ApiError(
                405, 0, "405: Method Not Allowed", f"Discord has no {method} for {match.template}"
            )
        handler = rest.ROUTES.get((method, match.template))
        if handler is None:
            raise rest.ApiError(
                404,
                0,
                "404: Not Found",
                "route exists in Discord's API but the fake does not implement it",
            )
        token_route = match.template.startswith(rest.TOKEN_AUTHENTICATED)
        if not token_route and request.headers.get("Authorization") != f"Bot {self.token}":
            raise rest.ApiError(401, 0, "401: Unauthorized", "missing or wrong bot token")
        if body_error is not None:
            raise rest.ApiError(400, 50109, "The request body contains invalid JSON.", body_error)
        if record.json is None and self.spec.body_required(method, match.template):
            raise rest.ApiError(
                400,
                50109,
                "The request body contains invalid JSON.",
                "required request body missing",
            )
        ctx = rest.Context(
            self,
            method,
            match.template,
            match.params,
            record.query,
            record.json,
            record.files,
            received_at=record.at,
        )
        try:
            self._validate(ctx)
            result = await handler(ctx)
        except rest.ApiError as error:
            rest.record_callback(ctx, error.status)
            raise
        rest.record_callback(ctx, result.status)
        return result

    def _validate(self, ctx: rest.Context) -> None:
        """Spec schema + documented limits; any violation is Discord's 50035."""
        violations = self.spec.validate_query(ctx.method, ctx.template, ctx.query)
        if ctx.body is not None:
            violations += self.spec.validate_body(ctx.method, ctx.template, ctx.body)
            violations += rest.limit_violations(ctx.method, ctx.template, ctx.body)
        if violations:
            raise rest.ApiError.invalid_form(violations, "invalid body")

    # --------------------------------------------------------------------- faults
    def fail_next(
        self,
        method: str,
        path_pattern: str | re.Pattern[str],
        status: int = 429,
        *,
        retry_after: float = 0.05,
        times: int = 1,
        body: Any = None,
        is_global: bool = False,
    ) -> None:
        """Answer the next ``times`` matching requests with ``status`` instead of serving them.

        ``path_pattern`` is a glob over the path below ``/api/v10`` (e.g.
        ``"/channels/*/messages"``) or a compiled regex; ``method`` may be ``"*"``.
        A 429 carries ``Via``, ``retry_after`` and X-RateLimit-* headers like Discord's,
        which is what makes discord.py treat it as a rate limit and retry.
        """
        self._faults.append(
            Fault(method.upper(), path_pattern, status, retry_after, body, times, is_global)
        )

    def _take_fault(self, method: str, path: str) -> Fault | None:
        for fault in self._faults:
            if fault.matches(method, path):
                fault.times -= 1
                if fault.times <= 0:
                    self._faults.remove(fault)
                return fault
        return None

    async def send_reconnect(self, shard_id: int | None = None) -> None:
        """Send op 7 RECONNECT; the client should reconnect and RESUME."""
        await self.gateway.send_reconnect(shard_id)

    async def send_invalid_session(self, resumable: bool, shard_id: int | None = None) -> None:
        """Send op 9; with ``resumable=False`` the session is dead and must re-IDENTIFY."""
        await self.gateway.send_invalid_session(resumable, shard_id)

    async def drop_connection(self, shard_id: int | None = None) -> None:
        """Abort the TCP connection(s) without a close frame."""
        await self.gateway.drop_connection(shard_id)

    async def close_gateway(self, code: int, shard_id: int | None = None) -> None:
        """Close the socket(s) with a Discord close code (e.g. 4000, or fatal 4004)."""
        await self.gateway.close_connection(code, shard_id)

    # ------------------------------------------------------------------ recording
    def requests(
        self,
        method: str | None = None,
        path_contains: str | None = None,
        *,
        template: str | None = None,
        include_injected: bool = True,
    ) -> list[RequestRecord]:
        return [
            r
            for r in self.records
            if (method is None or r.method == method.upper())
            and (path_contains is None or path_contains in r.path)
            and (template is None or r.template == template)
            and (include_injected or not r.injected)
        ]

    async def wait_for(
        self, condition: Callable[[], T], timeout: float = 5.0, what: str = "condition"
    ) -> T:
        """Wait until ``condition()`` is truthy, re-checking whenever the fake records anything."""
        return await self.changes.wait_for(condition, timeout, what)

    async def wait_for_request(
        self,
        predicate: Callable[[RequestRecord], bool] | None = None,
        *,
        method: str | None = None,
        path_contains: str | None = None,
        after: int = 0,
        timeout: float = 5.0,
    ) -> RequestRecord:
        """First answered request at index >= ``after`` matching all the filters."""

        def find() -> RequestRecord | None:
            for record in self.records[after:]:
                if (
                    record.status
                    and (method is None or record.method == method.upper())
                    and (path_contains is None or path_contains in record.path)
                    and (predicate is None or predicate(record))
                ):
                    return record
            return None

        what = f"request method={method} path_contains={path_contains} after={after}"
        return await self.wait_for(find, timeout, what)

    def take_problems(self) -> list[str]:
        """Return and clear recorded problems (for tests that provoke them on purpose)."""
        return self.problems.take()

    def expect_problems(self, *substrings: str) -> contextlib.AbstractContextManager[list[str]]:
        """Context manager: problems raised inside are consumed and must match substrings."""
        return self.problems.expect(*substrings)

    def bot_messages(
        self,
        channel_id: int | None = None,
        *,
        interaction: FakeInteraction | None = None,
        include_deleted: bool = False,
    ) -> list[FakeMessage]:
        """Messages the bot posted (channel sends, interaction responses, follow-ups)."""
        return [
            m
            for m in self.messages.values()
            if m.source != "user"
            and (channel_id is None or m.channel_id == channel_id)
            and (interaction is None or m.interaction_id == interaction.id)
            and (include_deleted or not m.deleted)
        ]

    async def wait_for_bot_message(
        self,
        predicate: Callable[[FakeMessage], bool] | None = None,
        *,
        channel_id: int | None = None,
        after: FakeMessage | FakeInteraction | int | None = None,
        timeout: float = 5.0,
    ) -> FakeMessage:
        """First bot message matching the filters, waiting for it if needed.

        ``after`` (a message, interaction or snowflake) skips everything created
        before it — ids are time-ordered snowflakes — e.g. ``after=user_message``
        for "the reply to this"; without it earlier bot messages match too.
        """
        floor = after if isinstance(after, int) or after is None else after.id

        def find() -> FakeMessage | None:
            for message in self.bot_messages(channel_id):
                if (floor is None or message.id > floor) and (
                    predicate is None or predicate(message)
                ):
                    return message
            return None

        return await self.wait_for(find, timeout, f"bot message in channel {channel_id}")

    async def wait_for_callback(
        self, interaction: FakeInteraction, timeout: float = 5.0
    ) -> CallbackRecord:
        """The first callback the bot sent for ``interaction`` (accepted or not)."""
        return await self.wait_for(
            lambda: interaction.callbacks[0] if interaction.callbacks else None,
            timeout,
            f"callback for interaction {interaction.id}",
        )

    def gateway_frames(self, op: int | None = None) -> list[GatewayFrame]:
        return [f for f in self.gateway.received if op is None or f.op == op]

    async def wait_for_gateway(
        self, op: int, *, after: int = 0, timeout: float = 5.0
    ) -> GatewayFrame:
        """First frame with ``op`` the client sent at index >= ``after`` of all frames."""
        return await self.wait_for(
            lambda: next((f for f in self.gateway.received[after:] if f.op == op), None),
            timeout,
            f"gateway op {op} from the client",
        )

    @property
    def sessions(self) -> list[GatewaySession]:
        return self.gateway.sessions


# ---------------------------------------------------------------------- helpers

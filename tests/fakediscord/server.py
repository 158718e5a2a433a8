"""``FakeDiscord``: one in-process Discord, REST and gateway, that the bot's tests talk to.

Why: the bot is only tested for real when discord.py itself talks to something that
behaves like Discord. One aiohttp app on a random 127.0.0.1 port serves REST under
``/api/v10`` and the gateway at ``/gateway``; the pytest plugin points discord.py
there. Every REST request is matched to the OpenAPI spec, its body checked
(``spec.py``), answered like Discord (``rest.py``) and recorded. What Discord would
refuse gets Discord's error *and* a line in :attr:`FakeDiscord.problems`, which fails
the test; so does a message that could ping someone, which Discord would allow but
this bot must never do.

Tests act as people (``dispatch_*``), inject faults (``fail_next`` for 429/5xx,
``gateway.send_reconnect`` and friends), and wait on what the fake records.

Several bot processes can share one fake: each is given its own base URLs
(:meth:`FakeDiscord.api_base_for`, :meth:`FakeDiscord.gateway_url_for`, below
``/as/<name>``), so every request, callback and gateway session records which
process made it, without the bot sending anything it would not send to Discord.
"""

# Waiting helpers take ``timeout=`` like asyncio.wait_for; ASYNC109 does not fit them.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import contextlib
import fnmatch
import hashlib
import json
import math
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import unquote

import discord
from aiohttp import web

from . import multipart, rest, users
from .gateway import PRIVILEGED_INTENTS, Gateway, GatewayFrame, GatewaySession
from .records import (
    CallbackRecord,
    FakeInteraction,
    FakeMessage,
    ProblemLog,
    RequestRecord,
)
from .spec import CALLBACK, FORM, ApiSpec, RouteMatch, Violation
from .world import FakeChannel, FakeUser, World, interaction_payload, member_payload
from .world import message_payload as build_message

T = TypeVar("T")
ClientT = TypeVar("ClientT", bound=discord.Client)
API_PREFIX = "/api/v10"
CLIENT_PREFIX = "/as/{client}"  # a named bot process's base URLs start with this
APPLICATION_COMMAND, COMPONENT, AUTOCOMPLETE = 2, 3, 4
# Tasks discord.py starts to handle one event: listeners, commands, button clicks.
EVENT_TASKS = ("discord.py: ", "CommandTree-", "discord-ui-view-dispatch", "discord-ui-dynamic")


@dataclass
class FakeDiscordConfig:
    """Knobs a test may turn; the defaults behave like Discord for a small bot."""

    token: str = "FAKE.discord-bot-token.for-tests"
    shard_count: int = 1
    interaction_deadline: float = 3.0
    privileged_intents: int = PRIVILEGED_INTENTS  # enabled in the "developer portal"


class FakeDiscord(World):
    """The fake: its world (users, guilds…), REST pipeline, gateway and records."""

    def __init__(self, spec: ApiSpec, config: FakeDiscordConfig | None = None) -> None:
        super().__init__()
        self.spec = spec
        self.config = config or FakeDiscordConfig()
        self.problems = ProblemLog()
        self.gateway = Gateway(self)
        self.records: list[RequestRecord] = []
        self.messages: dict[int, FakeMessage] = {}
        self.interactions: dict[int, FakeInteraction] = {}
        self.commands: dict[int | None, list[dict[str, Any]]] = {}
        self._faults: list[tuple[str, str, int, float]] = []  # method, glob, status, wait
        self._clients: list[tuple[discord.Client, asyncio.Task[None]]] = []
        self._runner: web.AppRunner | None = None
        self._port = 0

    # ------------------------------------------------------------------ lifecycle
    async def start(self) -> None:
        app = web.Application(client_max_size=multipart.MAX_REQUEST_BYTES)
        for prefix in ("", CLIENT_PREFIX):
            app.router.add_get(prefix + "/gateway", self.gateway.handle)
            app.router.add_route("*", prefix + API_PREFIX + "/{tail:.*}", self._handle_api)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self._port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        """Close the clients started against the fake first, then sockets and server."""
        for client, task in reversed(self._clients):
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.wait_for(client.close(), 10)
                await asyncio.wait_for(task, 10)
        self._clients.clear()
        await self.gateway.close_all()
        if self._runner is not None:
            await self._runner.cleanup()

    async def connect(self, client: ClientT, *, token: str | None = None) -> ClientT:
        """Run ``client.start(token)`` in the background; return once it is ready.

        :meth:`stop` closes it. Build clients with a small ``guild_ready_timeout``
        (0.05): discord.py waits that long after the last GUILD_CREATE.
        """
        task = asyncio.create_task(client.start(token or self.token), name="fake-discord-client")
        self._clients.append((client, task))
        await self.wait_for(lambda: client.is_ready() or task.done(), 10, "the client to be ready")
        if task.done():
            task.result()  # re-raise LoginFailure, PrivilegedIntentsRequired…
            raise RuntimeError("the discord client stopped before it was ready")
        return client

    @property
    def token(self) -> str:
        return self.config.token

    @property
    def api_base(self) -> str:
        """Value for ``discord.http.Route.BASE``."""
        return self.api_base_for(None)

    @property
    def gateway_url(self) -> str:
        """Value for ``DiscordWebSocket.DEFAULT_GATEWAY``, ``/gateway/bot`` and resumes."""
        return self.gateway_url_for(None)

    def _root(self, client: str | None) -> str:
        return "" if client is None else CLIENT_PREFIX.format(client=client)

    def api_base_for(self, client: str | None) -> str:
        """:attr:`api_base` for the bot process named ``client`` (records carry the name)."""
        return f"http://127.0.0.1:{self._port}{self._root(client)}{API_PREFIX}"

    def gateway_url_for(self, client: str | None) -> str:
        """:attr:`gateway_url` for the bot process named ``client``; its resumes stay named."""
        return f"ws://127.0.0.1:{self._port}{self._root(client)}/gateway"

    @property
    def sessions(self) -> list[GatewaySession]:
        return self.gateway.sessions

    # ------------------------------------------------------------- REST pipeline
    async def _handle_api(self, request: web.Request) -> web.Response:
        path = "/" + unquote(request.match_info["tail"])
        raw = await request.read()
        record = RequestRecord(request.method, path, dict(request.query), None)
        record.client = request.match_info.get("client")
        self.records.append(record)
        match = self.spec.match(path)
        record.template = match.template if match else None
        try:
            if request.content_type == FORM:  # a message with files
                content_type = request.headers["Content-Type"]
                record.body, record.files = multipart.read_form(content_type, raw)
            else:
                record.body = json.loads(raw) if raw else None
            status, body, headers = await self._route(request, record, match)
        except (rest.ApiError, multipart.FormError, ValueError) as error:
            if isinstance(error, multipart.FormError):
                error = rest.ApiError(error.status, error.code, error.message, error.problem)
            elif isinstance(error, ValueError):
                error = rest.ApiError(400, 50109, "Invalid JSON", f"body is not JSON: {error}")
            status, body, headers = error.status, error.body, _rate_limit_headers(path)
            self.problems.append(
                f"{record.method} {record.template or path} -> {status}: {error.problem}"
            )
        record.status, record.response = status, body
        if match is not None and match.template == CALLBACK and not record.injected:
            rest.record_callback(self, record, match.params)
        if body is None:
            return web.Response(status=status, headers=headers)
        # discord.py wants exactly "application/json", without "; charset=utf-8".
        headers["Content-Type"] = "application/json"
        return web.Response(status=status, body=json.dumps(body).encode(), headers=headers)

    async def _route(
        self, request: web.Request, record: RequestRecord, match: RouteMatch | None
    ) -> tuple[int, Any, dict[str, str]]:
        method, headers = record.method, _rate_limit_headers(record.template or record.path)
        for fault in self._faults:
            if fault[0] == method and fnmatch.fnmatchcase(record.path, fault[1]):
                self._faults.remove(fault)
                record.injected = True
                return _fault_answer(*fault[2:], headers)
        if match is None:
            raise rest.ApiError(404, 0, "404: Not Found", "not a route in Discord's API spec")
        if method not in match.methods:
            raise rest.ApiError(405, 0, "405: Method Not Allowed", "Discord has no such method")
        handler = rest.ROUTES.get((method, match.template))
        if handler is None:
            raise rest.ApiError(404, 0, "404: Not Found", "a route the fake does not implement")
        authorization = request.headers.get("Authorization")
        if match.template not in rest.TOKEN_AUTHENTICATED and authorization != f"Bot {self.token}":
            raise rest.ApiError(401, 0, "401: Unauthorized", "missing or wrong bot token")
        if violations := self.check(method, match.template, record.body, record.files):
            raise rest.ApiError.invalid_form(violations)
        status, body = await handler(self, record, match.params)
        self._check_pings(record)
        return status, body, headers

    def check(
        self,
        method: str,
        template: str,
        body: Any,
        files: list[multipart.Upload] | None = None,
    ) -> list[Violation]:
        """Spec schema and documented limits (the e2e_load benchmark times this); with
        ``files``, a form: its schema, and how the body refers to the files."""
        required = self.spec.operation(method, template).get("requestBody", {}).get("required")
        if body is None:
            return [Violation((), "required request body missing")] if required else []
        if files is None:
            return self.spec.check(method, template, body)
        found = self.spec.check(method, template, multipart.spec_body(body, files), FORM)
        message, prefix = (body.get("data"), ("data",)) if template == CALLBACK else (body, ())
        return found + multipart.upload_violations(message, files, prefix)

    def _check_pings(self, record: RequestRecord) -> None:
        """The bot's content must not ping: every mention kind off, no reply ping."""
        allowed = record.message.get("allowed_mentions") or {}
        pings = allowed.get("parse") != [] or any(allowed.get(k) for k in ("users", "roles"))
        if record.content and (pings or allowed.get("replied_user")):
            self.problems.append(f"{record.method} {record.template}: could ping: {allowed}")

    def fail_next(
        self,
        method: str,
        path: str,
        status: int = 429,
        *,
        retry_after: float = 0.05,
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` ``method`` requests whose path (below ``/api/v10``)
        matches the glob ``path``, e.g. ``"/channels/*/messages"``, with ``status``.

        A 429 carries the ``Via``, ``retry_after`` and X-RateLimit-* of Discord's, which
        is what makes discord.py take it for a rate limit and retry.
        """
        self._faults += [(method.upper(), path, status, retry_after)] * times

    # ------------------------------------------------------------ people acting
    def echo(self, event: str, message: FakeMessage, data: dict[str, Any]) -> None:
        """Tell the bot about its own messages, as Discord does (not the ephemeral ones)."""
        if not message.ephemeral and self.gateway.session_for(message.guild_id):
            self.gateway.dispatch(event, data, message.guild_id)

    async def _send(self, event: str, data: dict[str, Any], guild_id: int | None) -> None:
        """Dispatch to the shard that receives ``guild_id``, and put it on the wire."""
        self.gateway.dispatch(event, data, guild_id)
        session = self.gateway.session_for(guild_id)
        if session is not None and session.connection is not None:
            await session.connection.flush()

    async def dispatch_message(
        self,
        channel: FakeChannel,
        author: FakeUser | None = None,
        content: str = "",
        *,
        reply_to: FakeMessage | None = None,
    ) -> FakeMessage:
        """A person posts a message in a guild channel or DM: MESSAGE_CREATE to the bot."""
        author = author or self.user
        guild = self.find_guild(channel.guild_id)
        member = guild.member(author.id) if guild else None
        extra: dict[str, Any] = {"mentions": self.mentions(content, channel.guild_id)}
        if member is not None:
            extra["member"] = member_payload(member, with_user=False)
        if reply_to is not None:
            extra.update(reply_to.reply_fields(), type=19)
        payload = build_message(self.ids(), channel, author, {"content": content}, **extra)
        message = FakeMessage(int(payload["id"]), channel.id, channel.guild_id, payload, "user")
        self.messages[message.id] = message
        await self._send("MESSAGE_CREATE", payload, channel.guild_id)
        return message

    async def dispatch_slash(
        self,
        name: str,
        options: Mapping[str, Any] | None = None,
        *,
        user: FakeUser | None = None,
        channel: FakeChannel | None = None,
        focused: str | None = None,
    ) -> FakeInteraction:
        """A person runs ``/name`` (``"group sub"`` for a subcommand) with typed options,
        or, with ``focused``, is still typing that option: an autocomplete interaction."""
        channel = channel or self.channel
        user = user or self.user
        root, *path = name.split()
        guild = self.find_guild(channel.guild_id)
        command, data = users.visible_command(self, root, 1, guild, user.id)
        users.fill_options(self, command, data, path, options or {}, focused)
        kind = APPLICATION_COMMAND if focused is None else AUTOCOMPLETE
        return await self._dispatch_interaction(kind, data, user, channel)

    async def dispatch_context_menu(
        self, name: str, target: FakeMessage, *, user: FakeUser | None = None
    ) -> FakeInteraction:
        """A person picks the message command ``name`` on ``target``."""
        user = user or self.user
        channel = self.find_channel(target.channel_id)
        assert channel is not None
        guild = self.find_guild(channel.guild_id)
        _, data = users.visible_command(self, name, 3, guild, user.id)
        data.update(
            target_id=str(target.id), resolved={"messages": {str(target.id): target.payload}}
        )
        return await self._dispatch_interaction(APPLICATION_COMMAND, data, user, channel)

    async def dispatch_component(
        self, custom_id: str, message: FakeMessage, *, user: FakeUser | None = None
    ) -> FakeInteraction:
        """A person clicks the button ``custom_id`` on one of the bot's messages."""
        if message.source == "user" or message.deleted:
            raise LookupError(f"message {message.id} is deleted or not the bot's")
        data = users.button_data(message.components, custom_id)
        channel = self.find_channel(message.channel_id)
        assert channel is not None
        return await self._dispatch_interaction(
            COMPONENT, data, user or self.user, channel, message
        )

    async def _dispatch_interaction(
        self,
        kind: int,
        data: dict[str, Any],
        user: FakeUser,
        channel: FakeChannel,
        message: FakeMessage | None = None,
    ) -> FakeInteraction:
        interaction_id, token = self.ids(), "aW50ZXJhY3Rpb246" + secrets.token_urlsafe(48)
        on = message.payload if message else None
        payload = interaction_payload(self, interaction_id, token, kind, user, channel, data, on)
        interaction = FakeInteraction(
            interaction_id, token, kind, payload, channel.id, message.id if message else None
        )
        self.interactions[interaction.id] = interaction
        await self._send("INTERACTION_CREATE", payload, channel.guild_id)
        return interaction

    async def settle(self, timeout: float = 10.0) -> None:
        """Wait until the bot has read every event sent so far and finished handling it.

        An op 1 asks each connected client for a heartbeat; the seq it reports proves it
        parsed everything before, and parsing starts discord.py's handler tasks, which
        are then awaited. Repeated while the bot's answers cause further events.
        """
        while True:
            marks = self.gateway.ask_heartbeat()
            await self.wait_for(
                lambda marks=marks: all(s.acked >= n for s, n in marks.items()),
                timeout,
                "the bot to read every event",
            )
            busy = [
                t
                for t in asyncio.all_tasks()
                if not t.done() and t.get_name().startswith(EVENT_TASKS)
            ]
            if busy:
                await asyncio.wait(busy, timeout=timeout)
            if all(s.seq == seq for s, seq in marks.items()) and not busy:
                return

    # ------------------------------------------------------------------ reading
    def requests(
        self, method: str | None = None, path_contains: str = "", *, template: str | None = None
    ) -> list[RequestRecord]:
        return [
            r
            for r in self.records
            if method in (None, r.method)
            and path_contains in r.path
            and template in (None, r.template)
        ]

    def bot_messages(self, channel_id: int | None = None) -> list[FakeMessage]:
        """Messages the bot posted and has not deleted (sends, answers, follow-ups)."""
        return [
            m
            for m in self.messages.values()
            if m.source != "user" and not m.deleted and channel_id in (None, m.channel_id)
        ]

    def gateway_frames(self, op: int | None = None) -> list[GatewayFrame]:
        return [f for f in self.gateway.received if op in (None, f.op)]

    def take_problems(self) -> list[str]:
        """Return and clear the problems (for tests that provoke them on purpose)."""
        return self.problems.take()

    def expect_problems(self, *substrings: str) -> contextlib.AbstractContextManager[list[str]]:
        """Consume the problems raised inside the block; each substring must match one."""
        return self.problems.expect(*substrings)

    async def wait_for(
        self, condition: Callable[[], T], timeout: float = 5.0, what: str = "condition"
    ) -> T:
        """The first truthy ``condition()``, checked every 5 ms; ``TimeoutError`` after
        ``timeout`` seconds, naming ``what``."""
        deadline = time.monotonic() + timeout
        while not (result := condition()):
            if time.monotonic() > deadline:
                raise TimeoutError(f"fake Discord: timed out after {timeout}s waiting for {what}")
            await asyncio.sleep(0.005)
        return result

    async def wait_for_callback(
        self, interaction: FakeInteraction, timeout: float = 5.0
    ) -> CallbackRecord:
        """The first callback the bot sent for ``interaction``, accepted or not."""
        return await self.wait_for(
            lambda: interaction.callbacks[0] if interaction.callbacks else None,
            timeout,
            f"a callback for interaction {interaction.id}",
        )

    async def wait_for_reply(self, to: FakeMessage, timeout: float = 5.0) -> FakeMessage:
        """The bot's message that replies to ``to``."""
        return await self.wait_for(
            lambda: next((m for m in self.bot_messages() if m.replied_to == to.id), None),
            timeout,
            f"a reply to message {to.id}",
        )

    async def wait_for_gateway(
        self, op: int, *, after: int = 0, timeout: float = 5.0
    ) -> GatewayFrame:
        """The first frame with ``op`` the client sent, from index ``after`` of all frames."""
        return await self.wait_for(
            lambda: next((f for f in self.gateway.received[after:] if f.op == op), None),
            timeout,
            f"gateway op {op} from the client",
        )


def _rate_limit_headers(bucket: str, retry_after: float | None = None) -> dict[str, str]:
    """Headers Discord sends on every answer, which discord.py sizes its buckets from;
    with ``retry_after``, those of a 429 that discord.py honours and then retries."""
    wait = retry_after or 1.0
    return {
        "Via": "1.1 google",
        "X-RateLimit-Limit": "50",
        "X-RateLimit-Remaining": "0" if retry_after else "49",
        "X-RateLimit-Reset": f"{time.time() + wait:.3f}",
        "X-RateLimit-Reset-After": f"{wait:.3f}",
        "X-RateLimit-Bucket": hashlib.sha1(bucket.encode()).hexdigest()[:32],
        **(
            {"X-RateLimit-Scope": "user", "Retry-After": str(math.ceil(wait))}
            if retry_after
            else {}
        ),
    }


def _fault_answer(
    status: int, wait: float, headers: dict[str, str]
) -> tuple[int, Any, dict[str, str]]:
    if status != 429:
        return status, {"message": f"{status}: Server Error", "code": 0}, headers
    body = {"message": "You are being rate limited.", "retry_after": wait, "global": False}
    return 429, body, _rate_limit_headers(headers["X-RateLimit-Bucket"], wait)

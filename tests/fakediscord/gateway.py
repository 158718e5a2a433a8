"""The fake gateway: HELLO, IDENTIFY/READY, heartbeats, RESUME with replay, and faults.

Why: the bot's uptime depends on how discord.py handles the gateway going wrong, so
the fake speaks the real protocol over a real websocket, and tests can send op 7
RECONNECT, op 9 INVALID_SESSION or drop the socket. A session outlives its sockets
and keeps every frame it sent, so a RESUME replays exactly what the client missed.

Each socket has one writer task fed by a queue; sequence numbers are assigned as
frames are queued, so a replay and live dispatches cannot interleave out of order.
When the client asks for ``compress=zlib-stream`` the frames really are compressed
(one zlib stream per socket), because discord.py treats binary frames differently.
"""

# ``timeout=`` mirrors asyncio.wait_for; ASYNC109 does not fit these helpers.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import secrets
import zlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from .world import guild_payload, user_payload

if TYPE_CHECKING:
    from .server import FakeDiscord

OP_DISPATCH, OP_HEARTBEAT, OP_IDENTIFY, OP_RESUME, OP_RECONNECT = 0, 1, 2, 6, 7
OP_INVALID_SESSION, OP_HELLO, OP_HEARTBEAT_ACK = 9, 10, 11
INTENT_GUILDS, INTENT_MEMBERS, INTENT_PRESENCES = 1 << 0, 1 << 1, 1 << 8
INTENT_GUILD_MESSAGES, INTENT_DM_MESSAGES, INTENT_CONTENT = 1 << 9, 1 << 12, 1 << 15
PRIVILEGED_INTENTS = INTENT_MEMBERS | INTENT_PRESENCES | INTENT_CONTENT
API_VERSION = 10


def _control(op: int, data: Any) -> dict[str, Any]:
    return {"op": op, "d": data, "s": None, "t": None}


@dataclass
class GatewayFrame:
    """A frame the client sent (``op`` 1 heartbeat, 2 identify, 6 resume…)."""

    op: int
    d: Any
    session_id: str | None


@dataclass(eq=False)
class GatewaySession:
    """Survives reconnects until invalidated; numbers and keeps the frames it sends."""

    session_id: str
    shard_id: int
    shard_count: int
    intents: int
    seq: int = 0
    acked: int = 0  # the last seq the client reported in a heartbeat
    frames: list[dict[str, Any]] = field(default_factory=list)
    connection: GatewayConnection | None = None
    invalidated: bool = False
    resumes: int = 0
    client: str | None = None  # the bot process that identified

    def owns(self, guild_id: int | None) -> bool:
        if guild_id is None:
            return self.shard_id == 0  # DMs go to shard 0
        return (guild_id >> 22) % self.shard_count == self.shard_id

    def next_frame(self, event: str, data: Any) -> dict[str, Any]:
        self.seq += 1
        frame = {"op": OP_DISPATCH, "t": event, "s": self.seq, "d": data}
        self.frames.append(frame)
        return frame


class GatewayConnection:
    """One websocket; frames go out in queue order through a single writer task."""

    def __init__(self, ws: web.WebSocketResponse, request: web.Request, compress: bool) -> None:
        self.ws, self.request = ws, request
        self.client: str | None = request.match_info.get("client")
        self.session: GatewaySession | None = None
        self.last_seq = 0
        self.closed = False
        self.compressor = zlib.compressobj() if compress else None
        self._queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._writer = asyncio.create_task(self._write_loop(), name="fake-gateway-writer")

    def enqueue(self, frame: dict[str, Any]) -> None:
        """Queue a frame, skipping dispatches this socket has already carried."""
        seq = frame.get("s")
        if seq is not None:
            if seq <= self.last_seq:
                return
            self.last_seq = seq
        self._queue.put_nowait(frame)

    async def flush(self, timeout: float = 5.0) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._queue.join(), timeout)

    async def close(self, code: int, message: str = "") -> None:
        self.closed = True
        with contextlib.suppress(Exception):
            await self.ws.close(code=code, message=message.encode())

    def drop(self) -> None:
        """Kill the TCP connection without a close frame, like a network failure."""
        self.closed = True
        if self.request.transport is not None:
            self.request.transport.abort()

    async def stop_writer(self) -> None:
        self._writer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._writer

    async def _write_loop(self) -> None:
        while True:
            frame = await self._queue.get()
            try:
                if not self.closed and not self.ws.closed:
                    text = json.dumps(frame, separators=(",", ":"))
                    if self.compressor is None:
                        await self.ws.send_str(text)
                    else:
                        data = self.compressor.compress(text.encode())
                        await self.ws.send_bytes(data + self.compressor.flush(zlib.Z_SYNC_FLUSH))
            except (ConnectionError, RuntimeError):
                self.closed = True
            finally:
                self._queue.task_done()


class Gateway:
    """All gateway sessions and sockets of one fake Discord."""

    def __init__(self, fake: FakeDiscord) -> None:
        self._fake = fake
        self.sessions: list[GatewaySession] = []
        self.connections: list[GatewayConnection] = []
        self.received: list[GatewayFrame] = []

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        compress = request.query.get("compress") == "zlib-stream"
        conn = GatewayConnection(ws, request, compress)
        self.connections.append(conn)
        try:
            if request.query.get("v") != str(API_VERSION):
                await self._reject(conn, 4012, f"API version {request.query.get('v')!r}")
                return ws
            conn.enqueue(_control(OP_HELLO, {"heartbeat_interval": 41_250}))
            async for message in ws:
                if message.type is not WSMsgType.TEXT:
                    await self._reject(conn, 4002, "only JSON text frames are supported")
                else:
                    await self._on_frame(conn, json.loads(message.data))
                if conn.closed:
                    break
        finally:
            conn.closed = True
            if conn.session is not None and conn.session.connection is conn:
                conn.session.connection = None
            await conn.stop_writer()
        return ws

    async def _reject(self, conn: GatewayConnection, code: int, reason: str) -> None:
        self._fake.problems.append(f"gateway closed with {code}: {reason}")
        await conn.close(code, reason)

    async def _on_frame(self, conn: GatewayConnection, frame: dict[str, Any]) -> None:
        op, data = frame.get("op"), frame.get("d")
        session = conn.session
        self.received.append(GatewayFrame(op, data, session.session_id if session else None))
        if op == OP_HEARTBEAT:
            if session is not None:
                session.acked = max(session.acked, data or 0)
            conn.enqueue(_control(OP_HEARTBEAT_ACK, None))
        elif op == OP_IDENTIFY:
            await self._identify(conn, data or {})
        elif op == OP_RESUME:
            await self._resume(conn, data or {})
        else:
            await self._reject(conn, 4001, f"the bot has no reason to send op {op}")

    async def _identify(self, conn: GatewayConnection, data: dict[str, Any]) -> None:
        fake = self._fake
        intents = data.get("intents")
        shard_id, shard_count = data.get("shard") or (0, 1)
        if conn.session is not None:
            return await self._reject(conn, 4005, "IDENTIFY sent twice on one connection")
        if data.get("token") != fake.token:
            return await self._reject(conn, 4004, "IDENTIFY with a wrong token")
        if not isinstance(intents, int):
            return await self._reject(conn, 4013, "IDENTIFY without integer intents")
        if intents & PRIVILEGED_INTENTS & ~fake.config.privileged_intents:
            return await self._reject(conn, 4014, "privileged intents not enabled in the portal")
        session = GatewaySession(secrets.token_hex(16), shard_id, shard_count, intents)
        session.client = conn.client
        self.sessions.append(session)
        conn.session, session.connection = session, conn
        ready = {
            "v": API_VERSION,
            "user": {**user_payload(fake.bot_user), "verified": True, "mfa_enabled": True},
            "guilds": [
                {"id": str(g.id), "unavailable": True} for g in fake.guilds if session.owns(g.id)
            ],
            "session_id": session.session_id,
            "resume_gateway_url": fake.gateway_url_for(conn.client),
            "application": {"id": str(fake.application_id), "flags": 0},
            "private_channels": [],
            "shard": [shard_id, shard_count],
        }
        conn.enqueue(session.next_frame("READY", ready))
        for guild in fake.guilds:
            if intents & INTENT_GUILDS and session.owns(guild.id):
                everyone = intents & INTENT_PRESENCES
                members = [m for m in guild.members if everyone or m.user == fake.bot_user]
                conn.enqueue(
                    session.next_frame("GUILD_CREATE", guild_payload(guild, members=members))
                )
        return None

    async def _resume(self, conn: GatewayConnection, data: dict[str, Any]) -> None:
        session = next((s for s in self.sessions if s.session_id == data.get("session_id")), None)
        seq = data.get("seq") or 0
        if data.get("token") != self._fake.token:
            return await self._reject(conn, 4004, "RESUME with a wrong token")
        if session is None or session.invalidated:
            conn.enqueue(_control(OP_INVALID_SESSION, False))  # what Discord answers
            return None
        if seq > session.seq:
            return await self._reject(conn, 4007, f"RESUME with seq {seq} > {session.seq}")
        if session.connection is not None and session.connection is not conn:
            session.connection.drop()
        conn.session, session.connection = session, conn
        session.resumes += 1
        conn.last_seq = seq
        for frame in session.frames:
            if frame["s"] > seq:
                conn.enqueue(frame)
        conn.enqueue(session.next_frame("RESUMED", {}))
        return None

    # ------------------------------------------------------------------ dispatch
    def session_for(self, guild_id: int | None) -> GatewaySession | None:
        """The newest valid session whose shard receives events for ``guild_id``."""
        live = [s for s in self.sessions if not s.invalidated and s.owns(guild_id)]
        return live[-1] if live else None

    def dispatch(self, event: str, data: dict[str, Any], guild_id: int | None) -> None:
        """Queue a dispatch, unless the session's intents exclude it.

        Without a live socket the frame still joins the session, for a RESUME to replay.
        """
        session = self.session_for(guild_id)
        if session is None:
            raise RuntimeError(f"fake Discord: no gateway session receives {event}; connected?")
        if event.startswith("MESSAGE_"):
            needed = INTENT_GUILD_MESSAGES if guild_id is not None else INTENT_DM_MESSAGES
            if not session.intents & needed:
                return
            data = self._redact(session, data)
        frame = session.next_frame(event, data)
        if session.connection is not None:
            session.connection.enqueue(frame)

    def _redact(self, session: GatewaySession, data: dict[str, Any]) -> dict[str, Any]:
        """Without MESSAGE_CONTENT Discord blanks a message unless DM, mention or own."""
        bot_id = str(self._fake.bot_user.id)
        mentioned = any(m.get("id") == bot_id for m in data.get("mentions") or [])
        author = (data.get("author") or {}).get("id")
        if (
            session.intents & INTENT_CONTENT
            or "guild_id" not in data
            or mentioned
            or author == bot_id
        ):
            return data
        return {**copy.deepcopy(data), "content": "", "embeds": [], "components": []}

    def ask_heartbeat(self) -> dict[GatewaySession, int]:
        """Send op 1 to every live socket; the client answers with the last seq it read."""
        marks = {}
        for session in self.sessions:
            if session.connection is not None and not session.connection.closed:
                session.connection.enqueue(_control(OP_HEARTBEAT, None))
                marks[session] = session.seq
        return marks

    # -------------------------------------------------------------------- faults
    def _connections(self) -> list[GatewayConnection]:
        found = [s.connection for s in self.sessions if s.connection is not None]
        if not found:
            raise RuntimeError("fake Discord: no connected gateway session")
        return found

    async def send_reconnect(self) -> None:
        """Op 7 to every socket: the client should reconnect and RESUME."""
        for conn in self._connections():
            conn.enqueue(_control(OP_RECONNECT, None))
            await conn.flush()

    async def send_invalid_session(self, resumable: bool) -> None:
        """Op 9; with ``resumable=False`` the session is dead and the client must IDENTIFY."""
        for conn in self._connections():
            if not resumable and conn.session is not None:
                conn.session.invalidated = True
            conn.enqueue(_control(OP_INVALID_SESSION, resumable))
            await conn.flush()

    async def drop_connection(self) -> None:
        """Abort the TCP connections without a close frame."""
        for conn in self._connections():
            conn.drop()

    async def close_all(self) -> None:
        for conn in self.connections:
            await conn.close(1001)
            await conn.stop_writer()

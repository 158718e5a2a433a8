"""The fake gateway: HELLO/IDENTIFY/READY, heartbeats, RESUME with replay, and faults.

Each websocket gets a writer task fed by a queue. Sequence numbers are assigned and
frames queued synchronously, so replay-on-resume and live dispatches can never
interleave out of order. Frames stay in their session after sending so a RESUME
(after RECONNECT, a dropped socket, or events dispatched while the bot was away)
replays exactly what the client missed, as Discord does.

discord.py only inflates *binary* frames, so when the client asks for
``compress=zlib-stream`` the fake really compresses (one shared zlib stream per
connection, each message ending in a Z_SYNC_FLUSH); any other compression request
(e.g. ``zstd-stream`` when the client has zstandard) gets plain text frames, which
discord.py parses as-is.
"""

# Waiting helpers take ``timeout=`` like asyncio.wait_for and discord.py's wait_for, so
# tests read naturally; ASYNC109 (prefer asyncio.timeout) does not fit that API.
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import secrets
import time
import zlib
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from .payloads import API_VERSION, guild_create_payload, member_payload, self_user_payload
from .records import GatewayFrame

if TYPE_CHECKING:
    from .server import FakeDiscord

OP_DISPATCH, OP_HEARTBEAT, OP_IDENTIFY, OP_PRESENCE, OP_VOICE_STATE = 0, 1, 2, 3, 4
OP_RESUME, OP_RECONNECT, OP_REQUEST_MEMBERS, OP_INVALID_SESSION = 6, 7, 8, 9
OP_HELLO, OP_HEARTBEAT_ACK = 10, 11

INTENT_GUILDS = 1 << 0
INTENT_GUILD_MEMBERS = 1 << 1
INTENT_GUILD_PRESENCES = 1 << 8
INTENT_GUILD_MESSAGES = 1 << 9
INTENT_DIRECT_MESSAGES = 1 << 12
INTENT_MESSAGE_CONTENT = 1 << 15
PRIVILEGED_INTENTS = INTENT_GUILD_MEMBERS | INTENT_GUILD_PRESENCES | INTENT_MESSAGE_CONTENT

GATEWAY_RATE_LIMIT = (120, 60.0)  # frames per window, as documented
_MESSAGE_EVENTS = frozenset({"MESSAGE_CREATE", "MESSAGE_UPDATE", "MESSAGE_DELETE"})
_CONTENT_FIELDS = ("content", "embeds", "attachments", "components")


def _control(op: int, data: Any) -> dict[str, Any]:
    """A non-dispatch frame; Discord sends ``s`` and ``t`` as null on these."""
    return {"op": op, "d": data, "s": None, "t": None}


@dataclass
class GatewaySession:
    """A gateway session: survives reconnects until invalidated; owns the seq counter."""

    session_id: str
    shard_id: int
    shard_count: int
    intents: int
    seq: int = 0
    frames: list[dict[str, Any]] = field(default_factory=list)
    connection: GatewayConnection | None = None
    invalidated: bool = False
    resumes: int = 0

    def owns_guild(self, guild_id: int | None) -> bool:
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
        self.ws = ws
        self.request = request
        self.session: GatewaySession | None = None
        self.identified = False
        self.last_seq = 0
        self.closed = False
        self.compressed = compress
        self._compressor = zlib.compressobj() if compress else None
        self._queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._received: deque[float] = deque()
        self._writer = asyncio.create_task(self._write_loop(), name="fake-gateway-writer")

    def enqueue(self, frame: dict[str, Any]) -> None:
        """Queue a frame; dispatch frames already sent on this socket are skipped."""
        seq = frame.get("s")
        if seq is not None:
            if seq <= self.last_seq:
                return
            self.last_seq = seq
        self._queue.put_nowait(frame)

    async def flush(self, timeout: float = 5.0) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._queue.join(), timeout)

    def rate_limited(self) -> bool:
        """Count a received frame; True once the documented 120/60 s budget is exceeded."""
        limit, window = GATEWAY_RATE_LIMIT
        now = time.monotonic()
        self._received.append(now)
        while self._received and self._received[0] < now - window:
            self._received.popleft()
        return len(self._received) > limit

    async def close(self, code: int, message: str = "") -> None:
        self.closed = True
        with contextlib.suppress(Exception):
            await self.ws.close(code=code, message=message.encode())

    def drop(self) -> None:
        """Kill the TCP connection without a close frame, like a network failure."""
        self.closed = True
        transport = self.request.transport
        if transport is not None:
            transport.abort()

    async def stop_writer(self) -> None:
        self._writer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._writer

    async def _write_loop(self) -> None:
        while True:
            frame = await self._queue.get()
            try:
                if not self.closed and not self.ws.closed:
                    await self._send(frame)
            except (ConnectionError, RuntimeError):
                self.closed = True
            finally:
                self._queue.task_done()

    async def _send(self, frame: dict[str, Any]) -> None:
        text = json.dumps(frame, separators=(",", ":"))
        if self._compressor is None:
            await self.ws.send_str(text)
            return
        data = self._compressor.compress(text.encode()) + self._compressor.flush(zlib.Z_SYNC_FLUSH)
        await self.ws.send_bytes(data)


class Gateway:
    """All gateway sessions and sockets of one fake Discord."""

    def __init__(self, fake: FakeDiscord) -> None:
        self._fake = fake
        self.sessions: list[GatewaySession] = []
        self.connections: list[GatewayConnection] = []
        self.received: list[GatewayFrame] = []

    # ----------------------------------------------------------------- websocket
    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True, max_msg_size=0)
        await ws.prepare(request)
        query = request.query
        compress = query.get("compress") == "zlib-stream" and self._fake.config.compress_gateway
        conn = GatewayConnection(ws, request, compress)
        self.connections.append(conn)
        try:
            if query.get("v") != str(API_VERSION):
                await self._reject(conn, 4012, f"Invalid API version {query.get('v')!r}")
                return ws
            if query.get("encoding", "json") != "json":
                await self._reject(conn, 4002, "only encoding=json is supported by the fake")
                return ws
            interval = self._fake.config.heartbeat_interval_ms
            conn.enqueue(_control(OP_HELLO, {"heartbeat_interval": interval}))
            async for message in ws:
                if message.type is WSMsgType.TEXT:
                    await self._on_text(conn, message.data)
                elif message.type is WSMsgType.BINARY:
                    await self._reject(conn, 4002, "binary (ETF) frames are not supported")
                if conn.closed:
                    break
        finally:
            conn.closed = True
            session = conn.session
            if session is not None and session.connection is conn:
                session.connection = None
            await conn.stop_writer()
            self._fake.changes.notify()
        return ws

    async def _reject(self, conn: GatewayConnection, code: int, reason: str) -> None:
        self._fake.problems.add(f"gateway closed with {code}: {reason}")
        await conn.close(code, reason)

    async def _on_text(self, conn: GatewayConnection, text: str) -> None:
        try:
            frame = json.loads(text)
            op, data = frame["op"], frame.get("d")
        except (ValueError, KeyError, TypeError):
            await self._reject(conn, 4002, f"undecodable payload {text[:100]!r}")
            return
        session_id = conn.session.session_id if conn.session else None
        self.received.append(GatewayFrame(op=op, d=data, session_id=session_id))
        self._fake.changes.notify()
        if conn.rate_limited():
            await self._reject(conn, 4008, "gateway rate limit: more than 120 frames in 60 s")
            return
        if op == OP_HEARTBEAT:
            conn.enqueue(_control(OP_HEARTBEAT_ACK, None))
        elif op == OP_IDENTIFY:
            await self._identify(conn, data or {})
        elif op == OP_RESUME:
            await self._resume(conn, data or {})
        elif not conn.identified:
            await self._reject(conn, 4003, f"op {op} sent before IDENTIFY")
        elif op == OP_REQUEST_MEMBERS:
            self._request_members(conn, data or {})
        elif op not in (OP_PRESENCE, OP_VOICE_STATE):
            await self._reject(conn, 4001, f"unknown opcode {op}")

    # ------------------------------------------------------------- identify/resume
    async def _identify(self, conn: GatewayConnection, data: dict[str, Any]) -> None:
        fake = self._fake
        if conn.identified:
            await self._reject(conn, 4005, "IDENTIFY sent twice on one connection")
            return
        if data.get("token") != fake.token:
            await self._reject(conn, 4004, "IDENTIFY with a wrong token")
            return
        intents = data.get("intents")
        if not isinstance(intents, int):
            await self._reject(conn, 4013, "IDENTIFY without integer intents (required in v10)")
            return
        disallowed = intents & PRIVILEGED_INTENTS & ~fake.config.privileged_intents
        if disallowed:
            await self._reject(conn, 4014, f"privileged intents {disallowed:#x} not enabled")
            return
        shard_id, shard_count = data.get("shard") or (0, 1)
        if not 0 <= shard_id < shard_count:
            await self._reject(conn, 4010, f"invalid shard {[shard_id, shard_count]}")
            return
        session = GatewaySession(secrets.token_hex(16), shard_id, shard_count, intents)
        self.sessions.append(session)
        conn.session, session.connection, conn.identified = session, conn, True
        ready = {
            "v": API_VERSION,
            "user": self_user_payload(fake.bot_user),
            "guilds": [
                {"id": str(g.id), "unavailable": True}
                for g in fake.guilds
                if session.owns_guild(g.id)
            ],
            "session_id": session.session_id,
            "session_type": "normal",
            "resume_gateway_url": fake.gateway_url,
            "application": {"id": str(fake.application_id), "flags": fake.application_flags},
            "private_channels": [],
            "presences": [],
            "relationships": [],
            "user_settings": {},
            "auth": {},
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
        }
        if data.get("shard") is not None:
            ready["shard"] = [shard_id, shard_count]
        conn.enqueue(session.next_frame("READY", ready))
        if intents & INTENT_GUILDS:
            for guild in fake.guilds:
                if session.owns_guild(guild.id):
                    payload = guild_create_payload(
                        guild,
                        bot_id=fake.bot_user.id,
                        include_all_members=bool(intents & INTENT_GUILD_PRESENCES),
                    )
                    conn.enqueue(session.next_frame("GUILD_CREATE", payload))

    async def _resume(self, conn: GatewayConnection, data: dict[str, Any]) -> None:
        fake = self._fake
        if data.get("token") != fake.token:
            await self._reject(conn, 4004, "RESUME with a wrong token")
            return
        session = next((s for s in self.sessions if s.session_id == data.get("session_id")), None)
        seq = data.get("seq") or 0
        if session is None or session.invalidated:
            # Discord answers an unresumable session with INVALID_SESSION d=false.
            conn.enqueue(_control(OP_INVALID_SESSION, False))
            return
        if seq > session.seq:
            await self._reject(conn, 4007, f"RESUME with seq {seq} > last sent {session.seq}")
            return
        previous = session.connection
        if previous is not None and previous is not conn:
            previous.drop()
        conn.session, session.connection, conn.identified = session, conn, True
        session.resumes += 1
        conn.last_seq = seq
        for frame in session.frames:
            if frame["s"] > seq:
                conn.enqueue(frame)
        conn.enqueue(session.next_frame("RESUMED", {}))

    def _request_members(self, conn: GatewayConnection, data: dict[str, Any]) -> None:
        session = conn.session
        assert session is not None
        if not session.intents & INTENT_GUILD_MEMBERS and not data.get("user_ids"):
            self._fake.problems.add("REQUEST_GUILD_MEMBERS without the GUILD_MEMBERS intent")
        guild = self._fake.find_guild(int(data.get("guild_id", 0)))
        members = guild.members if guild else []
        wanted = {int(u) for u in data.get("user_ids") or []}
        chunk = {
            "guild_id": str(data.get("guild_id")),
            "members": [member_payload(m) for m in members if not wanted or m.user.id in wanted],
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": [],
        }
        if data.get("nonce"):
            chunk["nonce"] = data["nonce"]
        conn.enqueue(session.next_frame("GUILD_MEMBERS_CHUNK", chunk))

    # ------------------------------------------------------------------ dispatch
    def session_for(self, guild_id: int | None) -> GatewaySession | None:
        """The newest valid session whose shard receives events for ``guild_id``."""
        live = [s for s in self.sessions if not s.invalidated and s.owns_guild(guild_id)]
        return live[-1] if live else None

    def dispatch(self, event: str, data: dict[str, Any], guild_id: int | None) -> int | None:
        """Queue a dispatch; returns its seq, or None when the session's intents drop it.

        With no live socket the frame still joins the session and is replayed on RESUME.
        """
        session = self.session_for(guild_id)
        if session is None:
            raise RuntimeError(
                f"fake Discord: no gateway session receives {event} for guild {guild_id}; "
                "is the bot connected (start_client) and identified?"
            )
        if not self._intended(session, event, guild_id):
            return None
        frame = session.next_frame(event, self._redact(session, event, data))
        if session.connection is not None:
            session.connection.enqueue(frame)
        return frame["s"]

    def _intended(self, session: GatewaySession, event: str, guild_id: int | None) -> bool:
        if event in _MESSAGE_EVENTS:
            needed = INTENT_GUILD_MESSAGES if guild_id is not None else INTENT_DIRECT_MESSAGES
            return bool(session.intents & needed)
        if event.startswith("GUILD_") and event != "GUILD_MEMBERS_CHUNK":
            return bool(session.intents & INTENT_GUILDS)
        return True

    def _redact(self, session: GatewaySession, event: str, data: dict[str, Any]) -> dict[str, Any]:
        """Without MESSAGE_CONTENT, Discord blanks content unless DM/mention/own message."""
        if (
            event not in ("MESSAGE_CREATE", "MESSAGE_UPDATE")
            or session.intents & INTENT_MESSAGE_CONTENT
        ):
            return data
        bot_id = str(self._fake.bot_user.id)
        author = (data.get("author") or {}).get("id")
        mentioned = any(m.get("id") == bot_id for m in data.get("mentions") or [])
        if "guild_id" not in data or author == bot_id or mentioned:
            return data
        redacted = copy.deepcopy(data)
        for key in _CONTENT_FIELDS:
            if key in redacted:
                redacted[key] = "" if key == "content" else []
        redacted.pop("poll", None)
        return redacted

    # ------------------------------------------------------------------- faults
    def _targets(self, shard_id: int | None) -> list[GatewayConnection]:
        conns = [
            s.connection
            for s in self.sessions
            if s.connection is not None and (shard_id is None or s.shard_id == shard_id)
        ]
        if not conns:
            raise RuntimeError(f"fake Discord: no connected gateway session (shard {shard_id})")
        return conns

    async def send_reconnect(self, shard_id: int | None = None) -> None:
        for conn in self._targets(shard_id):
            conn.enqueue(_control(OP_RECONNECT, None))
            await conn.flush()

    async def send_invalid_session(self, resumable: bool, shard_id: int | None = None) -> None:
        for conn in self._targets(shard_id):
            if not resumable and conn.session is not None:
                conn.session.invalidated = True
            conn.enqueue(_control(OP_INVALID_SESSION, resumable))
            await conn.flush()

    async def drop_connection(self, shard_id: int | None = None) -> None:
        for conn in self._targets(shard_id):
            conn.drop()

    async def close_connection(self, code: int, shard_id: int | None = None) -> None:
        for conn in self._targets(shard_id):
            await conn.close(code)

    async def close_all(self) -> None:
        for conn in self.connections:
            await conn.close(1001)
            await conn.stop_writer()

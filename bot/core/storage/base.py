"""Where the bot keeps what people teach it: votes, unanswered questions, server settings.

The Discord layer and the engine only see :class:`Store`. ``MemoryStore`` serves tests
and token-less runs; ``bot.core.storage.sqlite.SqliteStore`` is the durable default.
Writes must never raise into the caller: the bot keeps answering when storage fails.
No method takes a user id: nothing that identifies a person is stored.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Literal, Protocol

from bot.core.storage.records import kept_text

Vote = Literal[1, -1]


@dataclass(frozen=True, slots=True)
class CooldownSetting:
    rate: int
    per: float


class Store(Protocol):
    """Async storage interface; implementations must never raise from writes."""

    async def record_feedback(self, entry_id: str, vote: Vote, guild_id: int | None) -> None: ...

    async def record_question(
        self,
        *,
        status: str,
        topic: str | None,
        normalised: str,
        guild_id: int | None,
    ) -> None:
        """Log one question's outcome. ``normalised`` is kept only for declined/clarify."""

    async def auto_channels(self, guild_id: int) -> frozenset[int]: ...

    async def all_auto_channels(self) -> dict[int, frozenset[int]]: ...

    async def add_auto_channel(self, guild_id: int, channel_id: int) -> bool: ...

    async def remove_auto_channel(self, guild_id: int, channel_id: int) -> bool: ...

    async def cooldown(self, guild_id: int) -> CooldownSetting | None: ...

    async def set_cooldown(self, guild_id: int, setting: CooldownSetting | None) -> bool:
        """Save (or clear) a server's cooldown override; False if it could not be saved."""

    async def close(self) -> None: ...


@dataclass
class MemoryStore:
    """In-memory :class:`Store`: everything is lost on restart (tests, quick trials)."""

    feedback: list[tuple[str, int, int | None, float]] = field(default_factory=list)
    questions: list[tuple[str, str | None, str, int | None, float]] = field(default_factory=list)
    channels: dict[int, set[int]] = field(default_factory=dict)
    cooldowns: dict[int, CooldownSetting] = field(default_factory=dict)

    async def record_feedback(self, entry_id: str, vote: Vote, guild_id: int | None) -> None:
        self.feedback.append((entry_id, vote, guild_id, time.time()))

    async def record_question(
        self, *, status: str, topic: str | None, normalised: str, guild_id: int | None
    ) -> None:
        kept = kept_text(status, normalised)
        self.questions.append((status, topic, kept, guild_id, time.time()))

    async def auto_channels(self, guild_id: int) -> frozenset[int]:
        return frozenset(self.channels.get(guild_id, ()))

    async def all_auto_channels(self) -> dict[int, frozenset[int]]:
        return {g: frozenset(c) for g, c in self.channels.items() if c}

    async def add_auto_channel(self, guild_id: int, channel_id: int) -> bool:
        channels = self.channels.setdefault(guild_id, set())
        added = channel_id not in channels
        channels.add(channel_id)
        return added

    async def remove_auto_channel(self, guild_id: int, channel_id: int) -> bool:
        channels = self.channels.get(guild_id, set())
        removed = channel_id in channels
        channels.discard(channel_id)
        return removed

    async def cooldown(self, guild_id: int) -> CooldownSetting | None:
        return self.cooldowns.get(guild_id)

    async def set_cooldown(self, guild_id: int, setting: CooldownSetting | None) -> bool:
        if setting is None:
            self.cooldowns.pop(guild_id, None)
        else:
            self.cooldowns[guild_id] = setting
        return True

    async def close(self) -> None:
        return None

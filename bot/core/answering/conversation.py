"""Short conversational memory, so "and ML engineers?" means something.

Keyed by whatever the front end chooses (the terminal uses one key; Discord uses
(channel, user)). Entries expire after ``ttl`` seconds and the store never holds more
than ``max_size`` conversations, evicting the least recently used: memory stays flat
however many people talk to the bot.

One store may be shared by threads (a front end answering from a thread pool, the
terminal and a bot in one process), so every operation on the ordered dict holds one
lock: a ``get`` that expires a turn while another thread evicts it would otherwise raise
``KeyError``, and ``put``'s expiry walk would hit "OrderedDict mutated during
iteration". The lock is held for a few dictionary operations only (well under a
microsecond uncontended), never while an answer is computed.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

DEFAULT_TTL = 15 * 60
DEFAULT_MAX_SIZE = 10_000


@dataclass(frozen=True, slots=True)
class Turn:
    """What the previous answer was about."""

    roles: frozenset[str]
    topic: str | None
    level: str | None
    content: tuple[str, ...]
    entry_id: str | None
    at: float
    advice: tuple[Any, ...] = ()
    """The signals (advice.FoundSignal) of advice given last turn, for "why?" and "and
    if I also like dashboards?"."""


class ConversationStore:
    def __init__(
        self,
        ttl: float = DEFAULT_TTL,
        max_size: int = DEFAULT_MAX_SIZE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if max_size < 1:
            raise ValueError("max_size must be at least 1")
        self.ttl = ttl
        self.max_size = max_size
        self._clock = clock
        self._turns: OrderedDict[Hashable, Turn] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._turns)

    def now(self) -> float:
        return self._clock()

    def get(self, key: Hashable | None) -> Turn | None:
        if key is None:
            return None
        now = self._clock()
        with self._lock:
            turn = self._turns.get(key)
            if turn is None:
                return None
            if now - turn.at > self.ttl:
                del self._turns[key]
                return None
            self._turns.move_to_end(key)
            return turn

    def put(self, key: Hashable | None, turn: Turn) -> None:
        if key is None:
            return
        now = self._clock()
        with self._lock:
            self._turns[key] = turn
            self._turns.move_to_end(key)
            while len(self._turns) > self.max_size:
                self._turns.popitem(last=False)
            self._expire_oldest(now)

    def forget(self, key: Hashable) -> None:
        with self._lock:
            self._turns.pop(key, None)

    def _expire_oldest(self, now: float) -> None:
        """Drop expired turns at the front (the oldest), so idle conversations do not
        linger until the size bound pushes them out. Called with the lock held."""
        while self._turns:
            key, turn = next(iter(self._turns.items()))
            if now - turn.at <= self.ttl:
                break
            del self._turns[key]

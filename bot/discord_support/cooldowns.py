"""Per-person question rate limit: a sliding window that forgets idle people.

discord.py's own cooldowns are per command; here one budget covers every way of
asking (slash command, mention, DM, button), because a flood is a flood however it
arrives. Buckets of people who stopped asking are dropped, so memory stays bounded by
the number of people active in the last window, not by everyone ever seen.
"""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field


@dataclass(slots=True)
class _Bucket:
    hits: deque[float] = field(default_factory=deque)
    per: float = 0.0
    warned: bool = False


class Cooldowns:
    """``hit(key)`` returns ``None`` if allowed, else seconds until the next question is."""

    def __init__(self, rate: int, per: float, clock: Callable[[], float] = time.monotonic) -> None:
        if rate < 1 or per <= 0:
            raise ValueError("rate must be >= 1 and per > 0")
        self.rate = rate
        self.per = per
        self._clock = clock
        self._buckets: OrderedDict[Hashable, _Bucket] = OrderedDict()

    def __len__(self) -> int:
        return len(self._buckets)

    def hit(
        self, key: Hashable, *, rate: int | None = None, per: float | None = None
    ) -> float | None:
        """Count one question for ``key``; ``rate``/``per`` override the defaults (per server)."""
        rate = rate or self.rate
        per = per or self.per
        now = self._clock()
        self._forget_idle(now)
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket()
        self._buckets.move_to_end(key)
        bucket.per = per
        while bucket.hits and now - bucket.hits[0] >= per:
            bucket.hits.popleft()
        if len(bucket.hits) >= rate:
            return per - (now - bucket.hits[0])
        bucket.hits.append(now)
        bucket.warned = False
        return None

    def first_warning(self, key: Hashable) -> bool:
        """True the first time ``key`` is refused since its last allowed question.

        Where every note is visible to the whole channel (a ⏳ reaction on a message), one
        per burst is enough; the rest of the burst is ignored silently.
        """
        bucket = self._buckets.get(key)
        if bucket is None or bucket.warned:
            return False
        bucket.warned = True
        return True

    def _forget_idle(self, now: float) -> None:
        # Buckets are kept in order of last use, so the idle ones are at the front.
        while self._buckets:
            key, bucket = next(iter(self._buckets.items()))
            if bucket.hits and now - bucket.hits[-1] < bucket.per:
                break
            del self._buckets[key]

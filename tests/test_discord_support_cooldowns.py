"""The per-person sliding-window rate limit."""

from __future__ import annotations

import pytest

from bot.discord_support.cooldowns import Cooldowns


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_allows_rate_per_window_then_says_how_long_to_wait() -> None:
    clock = Clock()
    limits = Cooldowns(5, 30, clock=clock)
    assert [limits.hit("alice") for _ in range(5)] == [None] * 5
    assert limits.hit("alice") == pytest.approx(30)
    clock.now += 10
    assert limits.hit("alice") == pytest.approx(20)
    assert limits.hit("bob") is None, "per person"
    clock.now += 20
    assert limits.hit("alice") is None, "the window slid"


def test_a_server_override_applies_to_that_call() -> None:
    limits = Cooldowns(5, 30, clock=Clock())
    assert limits.hit("a", rate=1, per=60) is None
    assert limits.hit("a", rate=1, per=60) == pytest.approx(60)


def test_first_warning_once_per_burst() -> None:
    clock = Clock()
    limits = Cooldowns(1, 10, clock=clock)
    limits.hit("a")
    limits.hit("a")
    assert limits.first_warning("a") is True
    assert limits.first_warning("a") is False
    clock.now += 10
    assert limits.hit("a") is None
    limits.hit("a")
    assert limits.first_warning("a") is True, "a new burst warns again"


def test_idle_people_are_forgotten_so_memory_stays_bounded() -> None:
    clock = Clock()
    limits = Cooldowns(5, 30, clock=clock)
    for user in range(10_000):
        limits.hit(user)
        clock.now += 0.01
    assert len(limits) <= 30 / 0.01 + 1
    clock.now += 31
    limits.hit("late")
    assert len(limits) == 1


def test_bad_configuration_is_rejected() -> None:
    with pytest.raises(ValueError):
        Cooldowns(0, 30)
    with pytest.raises(ValueError):
        Cooldowns(5, 0)

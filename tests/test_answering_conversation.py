"""Conversation memory: expires, stays bounded, keeps people apart."""

from __future__ import annotations

import dataclasses
import sys
import threading
from collections.abc import Callable

import pytest

from bot.core.answering.conversation import ConversationStore, Turn
from bot.core.answering.engine import Engine

CALLS = 400
TURN = Turn(frozenset({"ml_engineer"}), "salary", None, ("salary",), "mle-salary", 0.0)


def test_conversation_state_expires_and_is_bounded():
    now = [0.0]
    store = ConversationStore(ttl=60, max_size=3, clock=lambda: now[0])
    for key in range(10):
        store.put(key, TURN)
    assert len(store) == 3
    assert store.get(0) is None and store.get(9) == TURN
    now[0] = 61.0
    assert store.get(9) is None


def test_least_recently_used_conversation_goes_first():
    store = ConversationStore(ttl=60, max_size=2, clock=lambda: 0.0)
    store.put("alice", TURN)
    store.put("bob", TURN)
    store.get("alice")  # alice spoke again
    store.put("carol", TURN)
    assert store.get("alice") == TURN and store.get("bob") is None


def test_no_key_means_no_memory():
    store = ConversationStore()
    store.put(None, TURN)
    assert len(store) == 0 and store.get(None) is None


def test_a_store_must_hold_at_least_one_conversation():
    with pytest.raises(ValueError):
        ConversationStore(max_size=0)


def test_conversations_are_separate(engine):
    engine.ask("how much do data scientists earn", conversation="alice")
    engine.ask("what tools do ML engineers use", conversation="bob")
    assert engine.ask("what about senior ones?", conversation="alice").entries == (
        "ds-salary-senior",
    )
    engine.conversations.forget("alice")
    engine.conversations.forget("bob")


def in_eight_threads(work: Callable[[int], None]) -> list[BaseException]:
    """Run ``work(worker)`` in 8 threads started together, switching threads as often as
    the interpreter allows so that races show up; return what they raised."""
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def run(worker: int) -> None:
        start.wait()
        try:
            work(worker)
        except BaseException as exc:
            errors.append(exc)

    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        threads = [threading.Thread(target=run, args=(w,)) for w in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(previous)
    return errors


def test_one_full_store_shared_by_eight_threads(engine):
    """Eight worker threads answering through one engine (a front end with a thread
    pool) must never crash on the shared memory, and it must stay within its bound.

    Before the store had a lock this raised ``RuntimeError: OrderedDict mutated during
    iteration`` and ``KeyError`` within a few hundred calls."""
    capacity = 64
    clock = [0.0]
    store = ConversationStore(ttl=1.0, max_size=capacity, clock=lambda: clock[0])
    shared = Engine(engine.knowledge, conversations=store)
    for key in range(capacity):
        store.put(("filler", key), TURN)
    assert len(store) == capacity
    questions = ("how much do ml engineers earn", "and data scientists?", "what tools?")
    sizes: list[int] = []

    def work(worker: int) -> None:
        for n in range(CALLS):
            # More conversations than fit, so puts evict while others read; the clock
            # moves, so reads and puts also expire old turns.
            clock[0] += 0.01
            shared.respond(questions[n % 3], conversation=(worker * 7 + n) % 150)
            sizes.append(len(store))

    assert in_eight_threads(work) == []
    assert len(sizes) == 8 * CALLS
    assert max(sizes) <= capacity
    assert 0 < len(store) <= capacity


def test_store_operations_from_eight_threads_keep_the_bound():
    """The same race without the engine in between, many more operations per second:
    gets that expire, puts that evict and forgets, all on one full store."""
    capacity = 32
    clock = [0.0]
    store = ConversationStore(ttl=0.5, max_size=capacity, clock=lambda: clock[0])
    for key in range(capacity):
        store.put(key, TURN)
    over: list[int] = []

    def work(worker: int) -> None:
        for n in range(5000):
            key = (worker * 13 + n) % 100
            clock[0] += 0.001
            store.get(key)
            store.put(key, dataclasses.replace(TURN, at=clock[0]))
            if n % 7 == 0:
                store.forget((key + 1) % 100)
            if len(store) > capacity:
                over.append(len(store))

    assert in_eight_threads(work) == []
    assert over == []
    assert 0 < len(store) <= capacity

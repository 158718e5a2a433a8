"""Conversation memory: expires, stays bounded, keeps people apart."""

from __future__ import annotations

import pytest

from bot.core.answering.conversation import ConversationStore, Turn

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

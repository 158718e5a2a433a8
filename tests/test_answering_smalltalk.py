"""Small talk: only a message with nothing else in it."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("text", "item"),
    [
        ("hi", "greeting"),
        ("thx that helped", "thanks"),
        ("gm everyone", "greeting"),
        ("ok cool bye", "goodbye"),
        ("thankss", "thanks"),
    ],
)
def test_small_talk_items(engine, text, item):
    found = engine._brain.smalltalk.match(text)
    assert found is not None and found.id == item


@pytest.mark.parametrize(
    "text", ["hi, how much do MLEs make?", "thanks, and what about senior ones?", ""]
)
def test_a_question_is_never_small_talk(engine, text):
    assert engine._brain.smalltalk.match(text) is None


def test_long_messages_are_never_small_talk(engine):
    words = " ".join(["thanks"] * (engine.policy.smalltalk_max_words + 1))
    assert engine._brain.smalltalk.match(words) is None

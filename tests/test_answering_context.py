"""The resolve-context stage: follow-ups borrow what they leave out, and only that."""

from __future__ import annotations

import pytest


def converse(engine, *messages):
    key = ("context-test", *messages)
    replies = [engine.respond(m, conversation=key) for m in messages]
    engine.conversations.forget(key)
    return replies


@pytest.mark.parametrize(
    ("first", "follow_up", "expected"),
    [
        ("how much do data scientists earn", "and ML engineers?", "mle-salary"),
        ("how much do data scientists earn", "what about senior ones?", "ds-salary-senior"),
        ("what tools do ML engineers use", "how about DS?", "ds-tools"),
        ("what tools do ML engineers use", "same for data scientists", "ds-tools"),
        ("data scientist education", "the other role?", "mle-education"),
        ("senior data scientist salary", "and for MLEs?", "mle-salary-senior"),
        ("how much do MLEs make", "and entry level?", "mle-salary-entry"),
    ],
)
def test_follow_ups_resolve_against_the_previous_turn(engine, first, follow_up, expected):
    _, reply = converse(engine, first, follow_up)
    assert reply.reply.entries[:1] == (expected,)


def test_switching_role_answers_the_same_question_for_the_other_role(engine):
    _, switched = converse(engine, "what tools do ML engineers use", "and data scientists?")
    assert switched.decision.rule == "role-switch"
    assert switched.trace.get("context", "switched") == "ds-tools"


def test_follow_up_without_context_does_not_invent_one(engine):
    reply = engine.ask("and ML engineers?", conversation=("fresh", 1))
    assert reply.entries == ("mle-role",)
    engine.conversations.forget(("fresh", 1))


def test_a_new_question_keeps_the_role_talked_about(engine):
    _, reply = converse(engine, "what education do data scientists need", "what tools are used")
    assert reply.trace.get("context", "inherited") is True
    assert "data_scientist" in reply.reply.roles


def test_them_after_a_single_role_compares_both(engine):
    _, reply = converse(engine, "how much do MLEs make", "what's the difference between them")
    assert reply.reply.status == "compared"

"""Several asks in one message: each answered with its own citations, none dropped."""

from __future__ import annotations

import pytest

from bot.core.answering.asks import split_asks

OPENERS = {"what", "how", "is", "are", "do", "does", "can"}
JOINERS = {"and", "also", "plus"}


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        (
            "what do MLEs earn and what skills do they need?",
            ["what do MLEs earn", "what skills do they need?"],
        ),
        ("is it remote? how much does it pay?", ["is it remote?", "how much does it pay?"]),
        ("what skills and tools do MLEs need", ["what skills and tools do MLEs need"]),
        (
            "is it fun? is it hard? is it paid? is it remote?",
            ["is it fun?", "is it hard?", "is it paid? is it remote?"],
        ),
        # A bracketed year or a lone word after a question mark is not an ask of its own.
        (
            "How is the work life balance of a data scientist? (2024)",
            ["How is the work life balance of a data scientist? (2024)"],
        ),
        ("what do MLEs do? why?", ["what do MLEs do? why?"]),
    ],
)
def test_split_asks(text, asks):
    assert split_asks(text, OPENERS, JOINERS, limit=3, min_words=2) == asks


def test_two_asks_get_two_cited_sections(engine):
    reply = engine.ask("what do MLEs earn and what skills do they need?")
    assert reply.status == "answered"
    assert [p.entries for p in reply.parts] == [("mle-salary",), ("mle-skills",)]
    assert all(p.citations for p in reply.parts)
    sections = {c.section for c in reply.citations}
    assert {"Salary Expectations and Market Demand", "Technical Skill Requirements"} <= sections
    assert reply.text.count("Source:") == 2


def test_day_to_day_and_remote_are_both_answered(engine):
    reply = engine.ask("what does an mle actually do day to day and is it remote friendly?")
    topics = {p.topic for p in reply.parts}
    assert topics == {"day-to-day", "remote-work"}


def test_an_ask_the_article_does_not_cover_is_named_not_dropped(engine):
    reply = engine.ask("how much does an MLE make and is it stressful?")
    assert reply.entries == ("mle-salary",)
    assert reply.not_covered == ("stress levels",)


def test_a_role_name_after_an_ask_that_named_none_says_whom_it_is_about(engine):
    """ "how do I get there? ML Engineer" is one question about ML Engineers, not a
    comparison followed by a second ask."""
    reply = engine.ask("what should I study? ML Engineer")
    assert reply.entries == ("mle-education",)
    # A role after an ask that named one is still a second ask ("…and for MLEs?").
    assert len(engine.ask("what do data scientists earn? and ML engineers?").entries) >= 2

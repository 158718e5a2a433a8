"""The decide stage: every outcome comes from a named rule, and a decision is not a reply."""

from __future__ import annotations

import pytest

from bot.core.answering.decide import Decision
from bot.core.answering.reply import Reply


@pytest.mark.parametrize(
    ("question", "kind", "rule"),
    [
        ("   ", "decline", "empty"),
        ("thanks!!", "smalltalk", "smalltalk"),
        ("how much does a dentist make", "decline", "other-profession"),
        ("how do i center a div in css", "decline", "help-request"),
        ("how do i reverse a linked list in python", "decline", "low-confidence"),
        ("mle?", "answer", "bare-role"),
        ("how does the h1b lottery work", "decline", "no-match"),
        ("econ major here, which path fits my background better", "advise", "advice"),
        ("DS vs MLE salary", "compare", "compare"),
        ("how much do MLEs make", "answer", "best-match"),
    ],
)
def test_each_outcome_names_the_rule_that_chose_it(engine, question, kind, rule):
    response = engine.respond(question)
    assert isinstance(response.decision, Decision)
    assert not isinstance(response.decision, Reply)
    assert (response.decision.kind, response.decision.rule) == (kind, rule)
    assert response.trace.rule == rule


def test_the_decision_carries_the_entries_the_reply_cites(engine):
    response = engine.respond("DS vs MLE salary")
    assert [e.id for e in response.decision.entries] == [c.entry_id for c in response.reply.columns]


def test_a_request_to_choose_is_compared_on_choosing(engine):
    response = engine.respond("how to choose between DS and MLE")
    assert response.reply.status == "compared"
    assert response.reply.topic == engine.knowledge.lexicon.topic_roles.choosing


def test_low_confidence_declines_and_never_claims_more_than_the_clarify_bar(engine):
    response = engine.respond("how do i reverse a linked list in python")
    assert response.reply.status == "declined"
    assert response.reply.confidence <= engine._brain.decider.decline_cap


def test_a_named_role_is_honoured_over_a_better_scored_entry_about_the_other(engine):
    reply = engine.ask("do MLEs need statistics")
    assert "ml_engineer" in reply.roles


@pytest.mark.parametrize(
    "question",
    ["which is better data scientist or machine learning engineer", "ds or mle which is better"],
)
def test_which_role_is_better_compares_who_each_suits_not_the_definitions(engine, question):
    reply = engine.ask(question)
    assert reply.status == "compared"
    assert {c.section for c in reply.citations} == {"Making the Right Career Choice"}


@pytest.mark.parametrize("question", ["is data science worth it", "Is Data science for You?"])
def test_a_verdict_asked_of_one_role_answers_who_it_suits(engine, question):
    reply = engine.ask(question)
    assert reply.entries == ("ds-choosing",)


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("Is Data Science a Good Career Choice in 2025?", "ds-future"),
        ("Is machine learning a good career in 2024", "mle-future"),
        ("is data science still worth it", "ds-future"),
    ],
)
def test_a_verdict_asked_with_a_time_answers_the_roles_outlook(engine, question, entry):
    """ "still", "now", a year: whether the career is good *now* is its outlook, not
    who it suits."""
    reply = engine.ask(question)
    assert reply.entries == (entry,)
    assert "Future Outlook and Emerging Trends" in {c.section for c in reply.citations}


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("how to become a machine learning engineer", "mle-education"),
        ("what does it take to become a data scientist", "ds-education"),
    ],
)
def test_how_to_become_one_answers_the_education_route(engine, question, entry):
    assert engine.ask(question).entries == (entry,)


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("What is the Role of a Machine Learning Engineer?", "mle-role"),
        ("mle role", "mle-role"),
        ("But what is the real role of a Data Scientist?", "ds-role"),
        ("will ai take data scientist jobs", "both-future-ai-replace"),
    ],
)
def test_a_role_restated_as_job_or_role_is_the_role_itself(engine, question, entry):
    assert engine.ask(question).entries == (entry,)


@pytest.mark.parametrize(
    "question",
    [
        "Data Scientist vs. ML Engineer: Clarifying the Critical Roles in AI",
        "Data Scientist vs. ML Engineer: Clarifying the Critical Roles in AI & ML",
        "Data Scientist vs Machine Learning Engineer | DS vs ML",
    ],
)
def test_a_title_that_names_the_two_roles_and_filler_compares_the_roles(engine, question):
    """ "Clarifying the Critical Roles", "in AI & ML", "DS vs ML" add nothing but the
    roles themselves and their field."""
    assert set(engine.ask(question).entries) == {"ds-role", "mle-role"}


@pytest.mark.parametrize(
    "question",
    [
        "Data Science vs Machine Learning: Which Career Path is Better?",
        "Is Machine Learning Engineering a Good Career Path?",
    ],
)
def test_a_verdict_on_the_career_answers_who_each_role_suits(engine, question):
    reply = engine.ask(question)
    assert {c.section for c in reply.citations} == {"Making the Right Career Choice"}


@pytest.mark.parametrize(
    "question",
    ["how do you progress from junior to senior?", "How do you grow from junior to senior?"],
)
def test_a_topic_with_nothing_else_an_entry_shares_gets_the_topic_for_both_roles(engine, question):
    # The levels are slots, so no entry shares a word with what is left ("progress").
    reply = engine.ask(question)
    assert reply.status == "compared"
    assert {c.section for c in reply.citations} == {"Career Progression and Growth Opportunities"}

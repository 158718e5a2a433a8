"""The retrieve stage: rare words route, slots settle ties, the list stays short."""

from __future__ import annotations

import dataclasses

import pytest


def search(engine, text, **changes):
    analysis = dataclasses.replace(engine.analyse(text), **changes)
    return engine._brain.index.search(analysis)


def test_a_rare_shared_word_routes_the_question(engine):
    assert search(engine, "kubernetes")[0].entry.id == "mle-tools-docker-kubernetes"


def test_a_named_role_outranks_the_same_entry_for_the_other_role(engine):
    ids = [c.entry.id for c in search(engine, "how much do data scientists make")]
    assert ids.index("ds-salary") < ids.index("mle-salary")


def test_the_asked_level_outranks_other_levels(engine):
    ids = [c.entry.id for c in search(engine, "senior mle salary")]
    assert ids[0] == "mle-salary-senior"


def test_results_are_sorted_and_bounded(engine):
    found = search(engine, "what skills tools and education do data scientists need")
    scores = [c.score for c in found]
    assert scores == sorted(scores, reverse=True)
    assert len(found) <= engine.policy.shortlist
    assert len(search(engine, "skills", roles=frozenset())) >= 2


def test_words_the_kb_never_uses_find_nothing(engine):
    assert search(engine, "zxqv blorf") == []


def test_question_words_are_weak_evidence_of_a_subject(engine):
    index = engine._brain.index
    assert index.weight("why") <= engine.policy.question_word_idf
    (kubernetes,) = engine.analyse("kubernetes").content
    assert index.weight(kubernetes) > index.weight("why")


def test_where_a_role_works_is_not_where_the_role_came_from(engine):
    """ "Where can an MLE get a job" shares only "where" and "job" with the question
    about the role's origin; that phrasing must not say "where"."""
    ids = [c.entry.id for c in search(engine, "Where can a machine learning engineer get a job")]
    assert "both-overview-why-two-roles" not in ids[:3]


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("What does a machine learning engineer need to be able to do?", "skills"),
        ("Pay progression by seniority", "salary"),
    ],
)
def test_everyday_wordings_of_a_topic_find_it(engine, question, topic):
    reply = engine.ask(question)
    assert reply.status in ("answered", "compared")
    assert {engine.knowledge.by_id[e].topic for e in reply.entries} == {topic}


@pytest.mark.parametrize(
    "question", ["Where Machine Learning Engineers Work", "where do data scientists work"]
)
def test_where_a_role_works_is_its_industries(engine, question):
    """The article answers "where do they work" with the sectors that hire them; the
    geography entries are about which cities pay most."""
    reply = engine.ask(question)
    assert {engine.knowledge.by_id[e].topic for e in reply.entries} == {"industries"}


def test_a_level_without_its_own_ladder_entry_gets_the_ladder_not_another_topic(engine):
    """The KB has pay for mid-level (experienced) Data Scientists but no career-path
    entry for that level: "what is a mid-level DS" is answered by the ladder, not pay."""
    assert engine.ask("What is Mid-level Data scientist?").entries == ("ds-career-path",)
    assert engine.ask("mid level ds salary").entries == ("ds-salary-experienced",)


def test_a_frame_word_does_not_pull_in_an_entry_about_the_other_role(engine):
    """ "mean" is the only word left of "what does it mean to be a senior DS", and an ML
    engineering entry uses it: an entry on another topic about the other role answers
    neither what nor whom the question asks, so the senior DS ladder does."""
    reply = engine.ask("What does it mean to be a Senior Data Scientist?")
    assert reply.entries == ("ds-career-path-senior",)


def test_a_forum_prefix_is_not_what_the_question_asks(engine):
    """ "Ask HN:" heads Hacker News questions; "ask" is no subject."""
    reply = engine.ask("Ask HN: Machine learning engineers, what do you do at work?")
    assert reply.status == "answered"
    assert reply.entries == ("mle-role",)

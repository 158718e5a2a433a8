"""The retrieve stage: rare words route, slots settle ties, the list stays short."""

from __future__ import annotations

import dataclasses


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

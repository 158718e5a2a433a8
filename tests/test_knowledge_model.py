"""The knowledge model: frozen values with the look-ups the rest of the bot relies on,
importable from ``bot.core.knowledge`` as before the package was split."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

import bot.core.knowledge as package
from bot.core.knowledge import Citation, Entry, Knowledge, Lexicon, Role, Section, Source, Topic

CITE = (Citation("Pay", 1),)


def _entry(entry_id: str, roles: tuple[str, ...], primary: bool = False) -> Entry:
    return Entry(entry_id, "q?", ("a", "b", "c"), "answer", roles, "salary", CITE, primary=primary)


@pytest.fixture
def knowledge() -> Knowledge:
    return Knowledge(
        source=Source("Article", "2024", "2024", (Section("Intro", 2), Section("Pay", 3, {3}))),
        roles=(
            Role("data_scientist", "Data Scientist", "DS", "ds", 0, ("ds",), "", ""),
            Role("ml_engineer", "ML Engineer", "MLE", "mle", 0, ("mle",), "", ""),
        ),
        topics=(Topic("salary", "Salary", "", "", ()),),
        entries=(
            _entry("ds-pay", ("data_scientist",), primary=True),
            _entry("mle-pay", ("ml_engineer",)),
            _entry("both-pay", ("data_scientist", "ml_engineer"), primary=True),
        ),
        smalltalk=(),
        directory=Path("kb"),
    )


def test_lookups(knowledge):
    assert knowledge.by_id["mle-pay"].roles == ("ml_engineer",)
    assert knowledge.role("ml_engineer").short == "MLE"
    assert knowledge.topic("salary").name == "Salary"
    assert knowledge.source.section("Pay").paragraphs == 3
    assert knowledge.source.section("Nope") is None
    assert [knowledge.source.order(t) for t in ("Pay", "Intro", "Nope")] == [1, 0, 99]


def test_a_primary_is_one_roles_headline_for_a_topic(knowledge):
    assert knowledge.primary("salary", "data_scientist").id == "ds-pay"
    assert knowledge.primary("salary", "ml_engineer") is None  # not marked primary
    # A comparison marked primary is nobody's headline: it is about two roles.
    assert knowledge.primary("salary", "both") is None


def test_phrasings_are_the_question_then_the_alternates():
    assert _entry("x", ("ml_engineer",)).phrasings == ("q?", "a", "b", "c")
    assert Citation("Pay", 2).to_json() == {"section": "Pay", "paragraph": 2}


def test_values_are_frozen(knowledge):
    with pytest.raises(dataclasses.FrozenInstanceError):
        knowledge.entries = ()  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        knowledge.lexicon.cues.compare = frozenset()  # type: ignore[misc]
    with pytest.raises(TypeError):
        knowledge.by_id["new"] = knowledge.entries[0]  # type: ignore[index]


def test_a_knowledge_built_by_hand_has_an_empty_lexicon(knowledge):
    assert knowledge.lexicon == Lexicon()


def test_the_package_exports_what_the_rest_of_the_bot_imports():
    for name in package.__all__:
        assert getattr(package, name) is not None, name
    for name in (
        "Citation",
        "Entry",
        "Knowledge",
        "KnowledgeError",
        "Role",
        "Section",
        "Source",
        "Topic",
        "load_knowledge",
        "default_knowledge_dir",
        "uncited_paragraphs",
        "KNOWLEDGE_DIR_ENV",
        "ANSWER_LIMIT",
    ):
        assert name in package.__all__, name

"""The answering engine end to end: questions as people type them, comparisons,
honest declines, and a reply for any text."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.answering.engine import Engine, UnknownRoleError
from bot.core.knowledge import KnowledgeError

SALARY = "Salary Expectations and Market Demand"


def sections(reply) -> set[str]:
    return {c.section for c in reply.citations}


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("how much $$ do MLEs make", "mle-salary"),
        ("salery of machne lerning engneer", "mle-salary"),
        ("junior ds pay?", "ds-salary-entry"),
        ("sr mle tc", "mle-salary-senior"),
        ("what does a data scientist do", "ds-role"),
        ("mle?", "mle-role"),
    ],
)
def test_answers_messy_questions(engine, question, entry):
    reply = engine.ask(question)
    assert reply.status == "answered"
    assert reply.entries == (entry,)
    assert reply.citation_line.startswith('Source: "')
    assert "(as of 2024)" in reply.citation_line


@pytest.mark.parametrize(
    "question",
    [
        "what's the weather in london",
        "asdfghjkl",
        "how much does a dentist make",
        "how do I become a nurse",
        "accountant salary",
        "how do i center a div",
        "data analyst vs data scientist",
        "best pizza in nyc",
    ],
)
def test_declines_what_it_does_not_know(engine, question):
    reply = engine.ask(question)
    assert reply.status == "declined"
    assert reply.entries == () and reply.citations == ()
    assert reply.suggestions, "a decline should point to what the bot knows"


@pytest.mark.parametrize(
    "question", ["hi", "hey there!", "thanks!!", "who are you", "help", "what can you do"]
)
def test_small_talk(engine, question):
    reply = engine.ask(question)
    assert reply.status == "smalltalk"
    assert reply.body


def test_greeting_with_a_question_answers_the_question(engine):
    reply = engine.ask("hi! how much do data scientists make?")
    assert reply.status == "answered" and reply.entries == ("ds-salary",)


@pytest.mark.parametrize(
    "question", ["DS vs MLE salary", "who earns more", "compare the two roles' day to day"]
)
def test_comparisons_are_side_by_side_and_cite_both(engine, question):
    reply = engine.ask(question)
    assert reply.status == "compared"
    assert {c.role for c in reply.columns} == {"data_scientist", "ml_engineer"}
    assert all(c.citations for c in reply.columns)
    assert "Data Scientist:" in reply.text and "ML Engineer:" in reply.text


def test_comparison_at_a_level(engine):
    reply = engine.ask("entry level ds vs mle salary")
    assert reply.status == "compared"
    assert {c.entry_id for c in reply.columns} == {"ds-salary-entry", "mle-salary-entry"}


def test_answer_text_has_answer_citation_and_related(engine):
    reply = engine.ask("how much do ML engineers make")
    parts = reply.text.split("\n\n")
    assert parts[0] == reply.body
    assert parts[1] == f'Source: "{SALARY}", ¶1–2 (as of 2024)'
    assert parts[2].startswith("Related:") and 1 <= parts[2].count("•") <= 3


def test_citation_line_collapses_paragraph_ranges(engine):
    reply = engine.compare("salary")
    assert f'"{SALARY}", ¶1–2' in reply.citation_line


def test_confidence_separates_answers_from_declines(engine):
    good = engine.ask("what skills does an ML engineer need")
    bad = engine.ask("how do I fix my car's transmission")
    assert 0.0 <= bad.confidence < good.confidence <= 1.0


def test_clarify_offers_close_candidates(engine):
    reply = engine.ask("ml pipelines")
    assert reply.status in ("clarify", "answered")
    if reply.status == "clarify":
        assert 2 <= len(reply.suggestions) <= 3


def test_role_card_and_unknown_role(engine):
    card = engine.role_card("data-scientist")
    assert card.name == "Data Scientist"
    assert {line.label for line in card.lines} >= {
        "Education",
        "Key skills",
        "Salary",
        "Career path",
    }
    assert all(line.citation_line.startswith("Source:") for line in card.lines)
    assert engine.role_card("MLE").name == "ML Engineer"
    with pytest.raises(UnknownRoleError):
        engine.role_card("astronaut")


def test_counterpart_for_other_role_button(engine):
    assert engine.counterpart("ds-salary-entry").id == "mle-salary-entry"
    assert engine.counterpart("mle-tools").id == "ds-tools"
    assert engine.ask("how much do ds make").counterpart == "mle-salary"


def test_autocomplete_suggests_kb_questions(engine):
    found = engine.autocomplete("how much do ml")
    assert 1 <= len(found) <= 25
    assert any("ML engineer" in q or "ML Engineer" in q for q in found[:5])
    assert len(engine.autocomplete("")) <= 25


def test_reload_keeps_old_kb_when_new_one_is_invalid(tmp_path):
    engine = Engine.load()
    (tmp_path / "qa").mkdir()
    with pytest.raises(KnowledgeError):
        engine.reload(tmp_path)
    assert engine.ask("how much do MLEs make").entries == ("mle-salary",)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=3000))
def test_any_text_gets_a_reply_never_an_exception(engine, text):
    reply = engine.ask(text, conversation="fuzz")
    assert reply.status in ("answered", "compared", "clarify", "declined", "smalltalk")
    assert 0.0 <= reply.confidence <= 1.0
    assert isinstance(reply.text, str) and reply.text

"""The compose stage: the only place replies are written, every one cited."""

from __future__ import annotations

from bot.core.answering.compose import compose
from bot.core.answering.decide import Decision


def _compose(engine, decision, question="q"):
    return compose(engine.knowledge, question, decision, engine.counterpart)


def test_an_answer_cites_its_entry_and_offers_the_other_role(engine):
    entry = engine.knowledge.by_id["ds-salary"]
    reply = _compose(engine, Decision("answer", "test", 0.9, (entry,)))
    assert reply.status == "answered" and reply.body == entry.answer
    assert set(reply.citations) == set(entry.cite)
    assert reply.counterpart == "mle-salary"
    assert "(as of 2024)" in reply.citation_line


def test_a_comparison_has_one_cited_column_per_role(engine):
    kb = engine.knowledge
    pair = (kb.by_id["ds-salary"], kb.by_id["mle-salary"])
    reply = _compose(engine, Decision("compare", "test", 0.9, pair, topic="salary"))
    assert [c.role for c in reply.columns] == ["data_scientist", "ml_engineer"]
    assert all(c.citations for c in reply.columns)
    assert reply.title.endswith("Salary")


def test_a_clarify_offers_the_options_by_question_and_id(engine):
    kb = engine.knowledge
    options = (kb.by_id["ds-tools"], kb.by_id["mle-tools"])
    reply = _compose(engine, Decision("clarify", "test", 0.4, options))
    assert reply.suggestion_ids == ("ds-tools", "mle-tools")
    assert reply.suggestions == tuple(e.question for e in options)
    assert "Did you mean:" in reply.text


def test_a_decline_points_at_the_lexicons_suggestions(engine):
    reply = _compose(engine, Decision("decline", "test"))
    assert reply.status == "declined" and not reply.citations
    assert reply.suggestion_ids == engine.knowledge.lexicon.decline.suggestions
    assert engine.knowledge.lexicon.decline.hint in reply.body


def test_role_card_follows_the_lexicon(engine):
    card = engine.role_card("mle")
    assert [line.label for line in card.lines] == [
        c.label for c in engine.knowledge.lexicon.role_card
    ]
    assert all(line.citation_line.startswith("Source:") for line in card.lines)

"""Questions typed in another language are understood through ``lexicon.yaml``'s
``translations`` and answered (in English) from the right section."""

from __future__ import annotations

import pytest

ROLES = "Role Definitions and Core Responsibilities"
SALARY = "Salary Expectations and Market Demand"


@pytest.mark.parametrize(
    ("question", "section"),
    [
        ("O que faz um Engenheiro de Machine Learning?", ROLES),
        ("機械学習エンジニアとデータサイエンティストって何が違うの?", ROLES),
        ("Quanto ganha um cientista de dados?", SALARY),
        ("¿Cuál es el salario de un ingeniero de machine learning?", SALARY),
        ("Berapa gaji machine learning engineer?", SALARY),
        ("Kim jest inżynier uczenia maszynowego?", ROLES),
        ("En quoi consiste le métier de data scientist ?", ROLES),
        ("Jakie są zadania Machine Learning engineer?", ROLES),
        ("¿Se puede vivir siendo científico de datos?", SALARY),
    ],
)
def test_a_question_in_another_language_is_answered_from_the_right_section(
    engine, question, section
):
    reply = engine.ask(question)
    assert reply.status in ("answered", "compared")
    assert section in {c.section for c in reply.citations}


def test_a_short_foreign_word_inside_an_english_word_is_left_alone(engine):
    """ "de" is Portuguese only as a word of its own: "data", "decide" are English."""
    words = engine.analyse("do data scientists decide what to model").words
    assert "of" not in words and "data" not in " ".join(words).replace("@data_scientist", "")


def test_a_short_foreign_phrase_that_is_also_english_is_left_alone(engine):
    """Vietnamese "học" (learn) folds to "hoc": only "hoc machine learning" is listed,
    so "ad hoc analysis" stays English."""
    assert "hoc" in engine.analyse("do ds do ad hoc analysis").words


def test_english_questions_are_read_as_before(engine):
    analysis = engine.analyse("what does a data scientist do")
    assert analysis.words == ("what", "does", "a", "@data_scientist", "do")


def test_function_words_of_another_language_are_never_named_as_doubts(engine):
    # "hoe", "ik" are Dutch for "how", "I": the question asks how to become one.
    reply = engine.ask("Hoe word ik een data scientist?")
    assert reply.status == "answered"
    assert not {"hoe", "ik"} & set(reply.not_covered)

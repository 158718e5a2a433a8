"""The coverage stage: a question about something the article doesn't cover is never
answered as if it were; what is missing is named, in words and in --json."""

from __future__ import annotations

import pytest

DAY_TO_DAY = "Day-to-Day Work Experience"
SALARY = "Salary Expectations and Market Demand"


def test_an_uncovered_focus_is_declined_with_the_closest_paragraph(engine):
    reply = engine.ask("Is Data Scientist a Stressful Job?")
    assert reply.status == "declined"
    assert reply.not_covered == ("stress levels",)
    assert "doesn't cover stress levels" in reply.text
    assert {(c.section, c.paragraph) for c in reply.citations} == {(DAY_TO_DAY, 5)}
    assert 2 <= len(reply.suggestion_ids) <= 3, "offer questions it can answer"


def test_another_year_gets_the_articles_figures_and_says_so(engine):
    reply = engine.ask("What is the Salary of a Data Scientist in 2019?")
    assert reply.status == "answered" and reply.entries == ("ds-salary",)
    assert reply.not_covered == ("figures for 2019",)
    assert "$95,000" in reply.text and "doesn't cover figures for 2019" in reply.text


def test_a_place_outside_the_us_is_named(engine):
    reply = engine.ask("How much does a Machine Learning Engineer earn in Europe?")
    assert reply.not_covered == ("salaries outside the US",)
    assert SALARY in {c.section for c in reply.citations}


def test_two_tools_compared_with_each_other_are_named(engine):
    reply = engine.ask("Kubeflow vs MLflow – Which MLOps tool should you use")
    assert reply.not_covered == ("how kubeflow and mlflow compare",)


def test_another_profession_beside_ours_is_named(engine):
    reply = engine.ask("Who gets paid more software engineer or machine learning engineer")
    assert "software engineers" in reply.not_covered
    assert reply.status == "declined" or SALARY in {c.section for c in reply.citations}


@pytest.mark.parametrize(
    "question",
    ["how much do mles make", "what skills does a data scientist need", "DS vs MLE salary"],
)
def test_a_covered_question_names_nothing(engine, question):
    assert engine.ask(question).not_covered == ()


def test_a_real_english_word_is_never_corrected_into_a_kb_word(engine):
    analysis = engine.analyse("is data science stressful")
    assert analysis.corrections == ()
    assert "stressful" in analysis.unknown


@pytest.mark.parametrize("noise", ["?", "...", "👀", "🔥🔥🔥", "\x00\x00"])
def test_a_message_without_words_never_repeats_the_last_answer(engine, noise):
    key = ("wordless", noise)
    engine.ask("how much do mles make", conversation=key)
    reply = engine.ask(noise, conversation=key)
    engine.conversations.forget(key)
    assert reply.status == "declined" and reply.entries == ()


def test_the_trace_shows_the_gaps(engine):
    response = engine.respond("Do data scientists also work on weekends?")
    assert response.trace.get("coverage", "focus") == ("working hours",)
    assert "working hours" in response.reply.not_covered

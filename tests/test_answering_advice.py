"""Advice for the person asking: their own words, weighed, every reason cited."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

JAVA = "been a Java dev for six years, is MLE or DS the better move for me?"


def converse(engine, *messages):
    key = ("advice-test", *messages)
    replies = [engine.ask(m, conversation=key) for m in messages]
    engine.conversations.forget(key)
    return replies


def test_a_java_dev_is_advised_towards_ml_engineering_quoting_their_words(engine):
    reply = engine.ask(JAVA)
    assert reply.status == "advised"
    assert reply.fit is not None and reply.fit.role == "ml-engineer"
    quoted = [s for s in reply.fit.signals if s.text.lower() == "java dev"]
    assert quoted and quoted[0].citation.section
    assert "“Java dev”" in reply.text


def test_every_signal_is_cited_and_the_disclaimer_closes_the_advice(engine):
    reply = engine.ask(
        "I love stats and explaining things to business people but I hate devops, which role suits me?"
    )
    assert reply.status == "advised" and reply.fit.role == "data-scientist"
    assert len(reply.fit.signals) >= 2 and all(s.citation for s in reply.fit.signals)
    assert "not career counselling" in reply.text
    assert "Disclaimer" in {c.section for c in reply.citations}


def test_a_negated_preference_points_the_other_way(engine):
    reply = engine.ask("i hate devops and docker, ds or mle for me?")
    assert reply.fit.role == "data-scientist"


def test_no_usable_signal_gives_the_criteria_and_the_quiz(engine):
    reply = engine.ask("can't decide, help me pick one")
    assert reply.status == "advised" and reply.fit.signals == ()
    assert "/fit" in reply.text and reply.citations


@pytest.mark.parametrize(
    "question",
    [
        "what does a data scientist do",
        "do mles need kubernetes",
        "im a data scientist, how much should i earn?",
        "should i become a dentist or a vet",
        # Saying "i" does not make a lookup a request, for the rules or the learned gate.
        "im a nurse, do data scientists work in hospitals?",
        "i have a stats degree, how much do ml engineers earn in seattle?",
    ],
)
def test_a_lookup_that_mentions_a_role_is_not_advice(engine, question):
    assert engine.ask(question).status != "advised"


def test_why_repeats_the_reasons(engine):
    first, why = converse(engine, JAVA, "why?")
    assert why.status == "advised" and why.fit == first.fit


def test_what_would_i_earn_answers_for_the_role_it_leaned_to(engine):
    _, pay = converse(engine, JAVA, "what would I earn?")
    assert pay.entries and pay.entries[0].startswith("mle-salary")


def test_a_new_preference_is_added_and_advice_given_again(engine):
    first, more = converse(engine, JAVA, "and if I also like tableau dashboards?")
    assert more.status == "advised"
    assert len(more.fit.signals) == len(first.fit.signals) + 1


def test_every_quiz_answer_carries_a_citation(engine):
    fit = engine.knowledge.fit
    assert 6 <= len(fit.quiz) <= 8
    for question in fit.quiz:
        assert 2 <= len(question.options) <= 4
        for option in question.options:
            assert fit.signal(option.signal).cite, (question.id, option.label)


def test_the_quiz_in_the_terminal_prints_the_fit_key():
    from bot.core.knowledge import load_knowledge

    answers = ",".join("1" for _ in load_knowledge().fit.quiz)
    result = subprocess.run(
        [sys.executable, "-m", "bot", "fit", "--answers", answers, "--json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    line = json.loads(result.stdout)
    assert line["status"] == "advised"
    assert set(line["fit"]) == {"role", "score", "signals"}
    assert all(s["citation"]["section"] for s in line["fit"]["signals"])


@pytest.mark.parametrize("answers", ["1,2", "9,9,9,9,9,9,9,9", "a,b", "²,1"])
def test_bad_quiz_answers_are_one_line_and_exit_2(answers):
    result = subprocess.run(
        [sys.executable, "-m", "bot", "fit", "--answers", answers],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_dislike_later_in_the_sentence_does_not_turn_around_what_came_before(engine):
    reply = engine.ask("i enjoy deep work and hate interruptions, ds or mle")
    assert reply.fit.role == "data-scientist"
    assert [s.role for s in reply.fit.signals] == ["data-scientist"]


def test_a_profession_mentioned_in_passing_does_not_stop_the_advice(engine):
    """A nurse who says her favourite part is "basically teaching" still asks which of
    OUR roles fits; only a profession offered as the alternative makes it another
    career question."""
    reply = engine.ask(
        "ten years of nursing admin, i love running regressions and explaining the "
        "results to managers, basically teaching tbh. ds or mle?"
    )
    assert reply.status == "advised"
    assert reply.fit is not None and reply.fit.role == "data-scientist"


def test_a_profession_offered_as_the_alternative_is_not_advice(engine):
    reply = engine.ask("i love statistics, should i do data science or software engineering?")
    assert reply.status != "advised"


@pytest.mark.parametrize(
    ("message", "role"),
    [
        # A short reply after a question mark turns the clause before it around.
        ("storytelling with data? not my thing at all. ds or mle?", "ml-engineer"),
        (
            "getting paged at night when a model breaks?? hard pass. what should i aim for",
            "data-scientist",
        ),
        # Feelings said after the thing ("...make my eyes glaze over").
        ("docker and ci/cd make my eyes glaze over tbh, which one suits me", "data-scientist"),
    ],
)
def test_dislikes_said_after_the_thing_point_the_other_way(engine, message, role):
    reply = engine.ask(message)
    assert reply.status == "advised"
    assert reply.fit is not None and reply.fit.role == role


def test_a_self_introduction_by_job_is_about_the_person(engine):
    """ "backend dev 3 yrs, ..." introduces the asker without an "I"."""
    reply = engine.ask(
        "high school teacher for 6 years, loved the stats course and the eda part, "
        "really struggled with docker. which fits"
    )
    assert reply.status == "advised"
    assert reply.fit is not None and reply.fit.role == "data-scientist"
    said = " ".join(s.text.lower() for s in reply.fit.signals)
    assert "eda" in said and "struggled with docker" in said


@pytest.mark.parametrize(
    ("message", "role"),
    [
        # Ways of asking which role fits, besides "ds or mle for me?".
        ("physics grad here. which one suits me?", "data-scientist"),
        ("5 yoe backend. which would you pick for me", "ml-engineer"),
        ("love stats, hate devops. verdict?", "data-scientist"),
        ("bootcamp grad who loved the eda part, ds or mle?", "data-scientist"),
        ("ds or mle if i hate meetings", "ml-engineer"),
        ("psych major who loves experimental design. am i more of a ds?", "data-scientist"),
        ("im a people person who loves numbers. which role", "data-scientist"),
        # A person described, not the asker in so many words.
        ("which one for a guy who likes kubernetes and hates meetings", "ml-engineer"),
        ("what's better for someone who loves tableau", "data-scientist"),
        # Self-introductions without an "i": a job or a degree, then a pause.
        ("mechanical engineer, good at math, bad at coding. which role fits", "data-scientist"),
        ("chemistry phd, lots of lab data analysis. ds or mle", "data-scientist"),
        ("sysadmin for 6 years, linux, bash, ansible. ds or mle", "ml-engineer"),
    ],
)
def test_the_many_ways_of_asking_which_role_fits_are_advice(engine, message, role):
    reply = engine.ask(message)
    assert reply.status == "advised", reply.entries
    assert reply.fit is not None and reply.fit.role == role


@pytest.mark.parametrize(
    ("message", "role"),
    [
        (
            "zero interest in kubernetes. i want to find insights in data. ds or mle",
            "data-scientist",
        ),
        ("allergic to devops lol, give me notebooks any day. which one for me", "data-scientist"),
        (
            "on call is not for me. i like deep work and flexible hours. which role",
            "data-scientist",
        ),
        (
            "dashboards bore me to tears. give me pipelines and containers. which path",
            "ml-engineer",
        ),
        (
            "not a fan of public speaking at all, i'd rather build pipelines. which one",
            "ml-engineer",
        ),
        # A denied dislike is a liking ("doesnt scare me").
        (
            "on-call doesnt scare me, i actually like firefighting incidents. which role",
            "ml-engineer",
        ),
    ],
)
def test_negative_forms_point_the_other_way(engine, message, role):
    reply = engine.ask(message)
    assert reply.status == "advised"
    assert reply.fit is not None and reply.fit.role == role


def test_a_liking_joined_on_after_a_dislike_is_not_turned_around(engine):
    """ "i hate meetings and love stats": the negator's reach ends at "and love"."""
    reply = engine.ask("i hate meetings and love stats. ds or mle")
    roles = {s.text: s.role for s in reply.fit.signals}
    assert roles == {"hate meetings": "ml-engineer", "stats": "data-scientist"}
    assert reply.fit.role is None


def test_one_preference_said_in_many_words_counts_once(engine):
    """Presenting to execs is storytelling and stakeholders, one aspect of the person
    (collaboration): against system design, the evidence is even."""
    reply = engine.ask(
        "love presenting to execs and talking to stakeholders, and love system design. which one"
    )
    assert reply.status == "advised" and len(reply.fit.signals) == 3
    assert reply.fit.role is None


def test_saying_it_is_even_is_balanced(engine):
    reply = engine.ask(
        "kaggle addict but i also deploy side projects to aws with docker, i enjoy both equally. ds or mle"
    )
    assert reply.status == "advised"
    assert {s.role for s in reply.fit.signals} == {"data-scientist", "ml-engineer"}
    assert reply.fit.role is None


def test_light_evidence_all_one_way_still_leans(engine):
    assert engine.ask("sql all day. which one is for me").fit.role == "data-scientist"


@pytest.mark.parametrize(
    "question",
    [
        "data scientist can work from home?",
        "is statistics more important for ds or mle",
        "i'm a cs student, what's the difference between ds and mle?",
        "backend dev here, is kubernetes used a lot by ml engineers?",
        "what's the career path for an mle who likes system design",
        "who runs a/b tests, ds or mle?",
        "i think mle pays more, thoughts?",
        "do i need statistics for mle?",
        "as an ml engineer will i have to present to stakeholders",
        "i love stats, which pays more, ds or mle?",
        "why software engineers have on-call duties and data scientists dont",
        "If their futures are so statistically grim, then why do so many students still "
        "choose to pursue PhDs?",
        "So how would you suggest someone with a bachelor's in engineering go about becoming "
        "a self-driving car engineer?",
    ],
)
def test_a_lookup_naming_a_signal_is_still_not_advice(engine, question):
    """Questions about the roles that happen to name something a person could say about
    themselves ("on call", "statistics") ask for the article's facts."""
    assert engine.ask(question).status != "advised"


@pytest.mark.parametrize(
    "question",
    ["wfh friendly: ds or mle?", "aws lambda for model inference, is that common?"],
)
def test_a_property_asked_of_the_roles_is_a_lookup_not_advice(engine, question):
    """ "wfh friendly" describes the roles; "…, is that common?" asks about what the
    first clause names. Neither is the person talking about themselves."""
    assert engine.ask(question).status != "advised"


PREFERRED_AFTER_BUT = (
    (
        "maths degree, but honestly the only module i loved was the one where we "
        "built and deployed a service with docker. ds or mle?",
        "ml-engineer",
    ),
    (
        "i have written java for years, but what i actually enjoy is digging into data "
        "to find out why users churn. which fits me?",
        "data-scientist",
    ),
)


def test_what_the_person_prefers_after_a_but_outweighs_what_came_before(engine):
    for message, role in PREFERRED_AFTER_BUT:
        reply = engine.ask(message)
        assert reply.fit.role == role, message
        # The outweighed signal is still listed, marked: the person sees both sides.
        assert {s.role for s in reply.fit.signals} == {"data-scientist", "ml-engineer"}
        assert "outweighed by what you said you prefer" in reply.text


def test_a_but_that_adds_keeps_both_sides(engine):
    reply = engine.ask(
        "good at client decks and storytelling, but i picked up kubernetes lately and "
        "love it too. which role?"
    )
    assert reply.status == "advised" and reply.fit.role is None


def test_a_dislike_after_a_list_turns_around_only_its_own_side(engine):
    reply = engine.ask(
        "im a cloud/devops person, i live in docker and terraform and stats bores me. ds or mle?"
    )
    assert reply.fit.role == "ml-engineer"
    docker = [s for s in reply.fit.signals if s.text.lower() == "docker"]
    assert docker and docker[0].role == "ml-engineer"


@pytest.mark.parametrize(
    ("message", "role"),
    [
        # The people someone works with are not a career they ask about.
        (
            "i love sitting with the product managers and figuring out what problem they "
            "actually have. leaning towards ds but not sure",
            "data-scientist",
        ),
        # A negator far back in a long sentence does not reach the signal.
        (
            "our analysts keep throwing models over the wall and i am the one who gets them "
            "running in prod and sets up the alerting. which should i aim for",
            "ml-engineer",
        ),
        # A dislike of "it" in the next clause turns the clause before it around.
        (
            "presenting to the executives? i avoid it like the plague. which role fits me?",
            "ml-engineer",
        ),
        # A story that closes on "thoughts?" asks for advice.
        (
            "kept our model serving up through the holiday peak with zero downtime last "
            "year, proudest moment of my career. thoughts?",
            "ml-engineer",
        ),
    ],
)
def test_how_people_really_describe_themselves_is_advised(engine, message, role):
    reply = engine.ask(message)
    assert reply.status == "advised" and reply.fit.role == role


def test_over_as_a_place_does_not_turn_around_what_follows(engine):
    reply = engine.ask(
        "the class i loved most was experimental design over in the stats dept. which role fits me?"
    )
    assert reply.fit.role == "data-scientist"
    assert all(s.role == "data-scientist" for s in reply.fit.signals)


def test_over_as_a_preference_still_turns_around_what_follows(engine):
    reply = engine.ask("i prefer building pipelines over statistics. ds or mle?")
    assert reply.fit.role == "ml-engineer"


def test_choosing_something_that_is_not_a_career_is_not_advice(engine):
    assert engine.ask("which AI certification should I pursue first?").status != "advised"


def test_what_the_job_will_ask_of_the_person_is_a_lookup_wherever_it_sits(engine):
    reply = engine.ask(
        "if i end up as a data scientist will i actually need docker or is that an mle thing"
    )
    assert reply.status != "advised"


@pytest.mark.parametrize(
    "message",
    [
        "sas enterprise guide at an insurance co + tableau for the reporting side. where do i slot in",
        "cs phd dropout, was working on compilers. which road should i take",
    ],
)
def test_a_short_closing_question_about_the_person_asks_which_role_fits(engine, message):
    assert engine.ask(message).status == "advised"


def test_a_closing_question_about_a_topic_is_still_a_lookup(engine):
    reply = engine.ask("i use tableau at work. what tools do ml engineers use?")
    assert reply.status != "advised"


def test_asking_for_help_between_the_two_roles_gets_the_criteria(engine):
    reply = engine.ask("career advice pls: data scientist or ml engineer")
    assert reply.status == "advised" and reply.fit.signals == ()
    assert "Making the Right Career Choice" in {c.section for c in reply.citations}


def test_someone_switching_careers_who_offers_the_two_roles_gets_the_criteria(engine):
    reply = engine.ask("24f, switching careers, ds or mle??")
    assert reply.status == "advised" and reply.fit.signals == ()


def test_a_later_dislike_of_something_named_earlier_decides_its_direction(engine):
    """Naming on-call as part of an offer says nothing about the person; "i hate
    on-call" later does, and it points away from ML Engineering."""
    reply = engine.ask(
        "two teams want me. one does forecasting for the sales org, the other runs the "
        "model platform with an on-call rotation. i hate on-call. which one suits me?"
    )
    on_call = next(s for s in reply.fit.signals if "on-call" in s.text.lower())
    assert on_call.text.lower() == "hate on-call"
    assert on_call.role == "data-scientist"


def test_a_dislike_said_of_other_people_is_not_the_persons(engine):
    reply = engine.ask(
        "retired stats teacher, loves explaining things slowly to people who hate math. "
        "ds or mle for her?"
    )
    assert reply.fit.role == "data-scientist"


@pytest.mark.parametrize(
    "message",
    [
        # "..., not study ... them" sets the study against the clusters, it does not
        # turn the clusters around.
        "i want to set up the kubernetes clusters, not study what the models predict from "
        "them. which fits me?",
        # "that" is the whole list, not only its last item.
        "r, tableau, excel... none of that interests me. which path suits me?",
    ],
)
def test_a_contrast_or_a_list_is_read_as_a_whole(engine, message):
    assert engine.ask(message).fit.role == "ml-engineer"


def test_a_dislike_in_a_relative_clause_is_about_what_the_clause_names(engine):
    """ "economics grad who thinks kubernetes is a nightmare": kubernetes is the
    nightmare, the economics degree still points to Data Science."""
    reply = engine.ask("economics grad who thinks kubernetes is a nightmare. which path fits me?")
    roles = {s.text.lower(): s.role for s in reply.fit.signals}
    assert roles["economics grad"] == "data-scientist"
    assert reply.fit.role == "data-scientist"


@pytest.mark.parametrize(
    ("message", "role"),
    [
        (
            "docker is fine, but what i live for is digging into why a metric dropped. "
            "which path suits me?",
            "data-scientist",
        ),
        (
            "presenting is fine, but i want to spend my days on system design. which role fits me?",
            "ml-engineer",
        ),
    ],
)
def test_what_is_conceded_before_a_but_is_outweighed_by_what_follows(engine, message, role):
    """ "X is fine, but ...": the person concedes X, and the reply still lists it,
    marked as outweighed."""
    reply = engine.ask(message)
    assert reply.fit.role == role
    assert "outweighed" in reply.text


@pytest.mark.parametrize(
    ("message", "role"),
    [
        # "nothing beats" praises; it does not turn the pivot table around.
        (
            "nothing beats the moment a dashboard shows something nobody expected. "
            "which role fits me?",
            "data-scientist",
        ),
        # The result is confusing, not the explaining.
        (
            "i love explaining a confusing result to people until it clicks. which role fits me?",
            "data-scientist",
        ),
    ],
)
def test_praise_and_adjectives_are_not_read_as_dislikes(engine, message, role):
    assert engine.ask(message).fit.role == role


def test_a_choice_between_routes_into_one_role_is_not_advice(engine):
    """ "PhD or master's for a career in data science" chooses a route, not a role; the
    advice reply ("the criteria lean towards Data Scientist") answered nothing asked."""
    reply = engine.ask("Should I do a PhD or Master in Statistics for a career in Data Science?")
    assert reply.status != "advised"
    assert "PhDs" in reply.not_covered

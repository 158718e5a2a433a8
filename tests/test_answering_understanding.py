"""The analyse stage: what the bot reads out of a message before matching it."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("text", "roles"),
    [
        ("how much do MLEs make", {"ml_engineer"}),
        ("data scientist vs ml engineer", {"data_scientist", "ml_engineer"}),
        ("do both need SQL?", {"data_scientist", "ml_engineer"}),
        ("what is the weather like", set()),
    ],
)
def test_roles_are_slots_not_words(engine, text, roles):
    analysis = engine.analyse(text)
    assert analysis.roles == roles
    assert not {"mle", "mles", "scientist"} & set(analysis.content)


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("junior ds pay", "entry"),
        ("new grad mle salary", "entry"),
        ("I have 5 yoe, what should an MLE earn", "experienced"),
        ("12 years of experience as a data scientist, what next", "senior"),
        ("sr mle tc", "senior"),
        ("how much do mles make", None),
    ],
)
def test_levels_from_words_and_stated_years(engine, text, level):
    assert engine.analyse(text).level == level


def test_years_in_a_long_story_are_the_past_not_the_level(engine):
    story = (
        "I taught physics for 9 years and now I am wondering whether data science "
        "would be a sensible next step for someone like me"
    )
    assert engine.analyse(story).level is None


def test_misspellings_are_corrected_towards_kb_words_only(engine):
    analysis = engine.analyse("salery of machne lerning engneer")
    assert ("machne", "machine") in analysis.corrections
    assert analysis.roles == {"ml_engineer"}
    assert "salary" in analysis.content


@pytest.mark.parametrize("word", ["nurse", "accountant", "teacher"])
def test_profession_words_are_never_corrected_into_kb_words(engine, word):
    analysis = engine.analyse(f"how do I become a {word}")
    assert analysis.corrections == ()
    assert analysis.professions


def test_a_profession_the_asker_has_is_context_not_the_subject(engine):
    assert engine.analyse("im a software engineer, ds or mle?").professions == ()
    assert engine.analyse("how much does a software engineer make").professions


@pytest.mark.parametrize(
    ("text", "pay"),
    [
        ("how much do MLEs make", True),
        ("which one makes more", True),
        ("do data scientists make models", False),
    ],
)
def test_make_means_pay_only_in_pay_shapes(engine, text, pay):
    assert ("salary" in engine.analyse(text).content) is pay


def test_r_the_language_is_not_chat_for_are(engine):
    assert "rlang" in engine.analyse("do data scientists still use R").content
    assert "rlang" not in engine.analyse("r u a bot").content


def test_unknown_words_lower_how_much_of_the_question_is_known(engine):
    known = engine.analyse("what skills does an ML engineer need")
    stranger = engine.analyse("how do i reverse a linked list in python")
    policy = engine.policy
    assert stranger.unknown and not known.unknown
    assert known.known_share(policy) > stranger.known_share(policy)


@pytest.mark.parametrize(
    ("text", "shape"),
    [("and MLEs?", True), ("what about senior ones?", True), ("what tools do DSs use", False)],
)
def test_follow_up_shape(engine, text, shape):
    assert engine.analyse(text).followup_shape is shape


@pytest.mark.parametrize(
    "question",
    [
        "Data Science vs Machine Learning: which career is better?",
        "are machine learning jobs in demand",
    ],
)
def test_a_field_named_as_a_career_is_the_role(engine, question):
    assert "ml_engineer" in engine.analyse(question).roles


@pytest.mark.parametrize(
    "question",
    [
        "do data scientists need machine learning",
        "how much machine learning is in ds",
        "do data scientists need ml",
    ],
)
def test_a_field_named_as_a_skill_stays_a_skill(engine, question):
    assert "ml_engineer" not in engine.analyse(question).roles


def test_a_profession_sharing_the_roles_last_word_is_found(engine):
    """ "AI and machine learning engineers" names AI engineers too."""
    analysis = engine.analyse("key differences between AI and machine learning engineers")
    assert "ai engineer" in analysis.professions


@pytest.mark.parametrize(
    "text",
    [
        "mechanical engineer, good at math, bad at coding. which role fits",
        "marketing analyst, a/b tests all day. which path",
        "chemistry phd, lots of lab work. ds or mle",
        "ex-teacher. where do i belong",
    ],
)
def test_a_profession_opening_the_message_introduces_the_asker(engine, text):
    """A job (or a degree in a field) and a pause, first thing in the message, is the
    asker's own, as "nurse here" is."""
    analysis = engine.analyse(text)
    assert analysis.own_profession and analysis.professions == ()


@pytest.mark.parametrize(
    "text",
    [
        "data engineer vs mle, which pays more",
        "how much does a data engineer make, vs an mle",
        # A list of careers, not "nurse, ..." introducing the asker.
        "Data Analyst, Data Scientist, or ML Engineer: Which Career is Right for You?",
    ],
)
def test_a_profession_compared_or_asked_about_is_not_the_askers(engine, text):
    assert engine.analyse(text).professions


@pytest.mark.parametrize(
    "question",
    [
        "How critical is software engineering skill in designing an ML system?",
        "What software engineering skills does a data scientist need?",
    ],
)
def test_a_field_followed_by_a_skill_word_is_a_skill_not_another_career(engine, question):
    assert not engine.analyse(question).professions
    reply = engine.ask(question)
    assert reply.status == "answered"
    assert "Technical Skill Requirements" in {c.section for c in reply.citations}


@pytest.mark.parametrize(
    "question",
    [
        "Machine Learning/AI Engineer Vs Data Scientist: which career?",
        "should i become an AI/ML engineer",
    ],
)
def test_the_ai_ml_engineer_job_title_is_the_ml_engineer(engine, question):
    """ "AI/ML engineer" is how job ads name the ML Engineer; "AI engineer" alone is
    another job (next test)."""
    analysis = engine.analyse(question)
    assert "ml_engineer" in analysis.roles and not analysis.professions


def test_an_ai_engineer_alone_is_another_job(engine):
    assert engine.analyse("AI engineer vs ML engineer").professions == ("ai engineer",)


def test_who_after_a_person_says_which_person_it_asks_nothing(engine):
    """ "who earns more" picks between the roles; "someone who studied CS" does not, so
    a question about such a person is not taken as a request to choose for them."""
    assert engine.analyse("who earns more, ds or mle?").which_cue
    assert not engine.analyse("can someone who studied CS build robust ML systems?").which_cue
    reply = engine.ask(
        "Can someone who studied CS years ago and worked as a webdev build ML systems?"
    )
    assert reply.status != "advised"

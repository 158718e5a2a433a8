"""The coverage stage: a question about something the article doesn't cover is never
answered as if it were; what is missing is named, in words and in --json."""

from __future__ import annotations

import pytest

from tests.kb_builder import make_kb, problems_of

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
    assert reply.not_covered == ("how Kubeflow and MLflow compare",)  # as the person wrote them


def test_another_profession_beside_ours_is_named(engine):
    reply = engine.ask("Who gets paid more software engineer or machine learning engineer")
    assert "software engineers" in reply.not_covered
    assert reply.status == "declined" or SALARY in {c.section for c in reply.citations}


def test_a_field_beside_our_roles_is_named_as_a_field_not_a_plural(engine):
    # "chemistrys" and "biologys" read as typos in a reply: people are plural, fields not.
    reply = engine.ask(
        "Is it possible to pursue a career in data science without advanced physics and chemistry?"
    )
    assert "chemistry" in reply.not_covered
    assert not any(name.endswith("ys") for name in reply.not_covered)


def test_a_gap_is_found_whatever_the_plural(engine):
    # coverage.yaml lists "career switch" and "switch careers"; people also write this.
    reply = engine.ask("How to Switch Career to Machine Learning?")
    assert "career-change advice" in reply.not_covered


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


EDUCATION = "Educational Requirements and Background"


@pytest.mark.parametrize(
    ("question", "named"),
    [
        ("What exactly is SQL?", "a definition of SQL"),
        ("what's MLOps", "a definition of MLOps"),
        ("What is data science?", "a definition of data science"),
        (
            "what is the difference between Deep Learning (DL) and machine learning?",
            "a definition of Deep Learning and machine learning",
        ),
    ],
)
def test_asking_what_a_field_or_tool_is_names_the_definition_as_missing(engine, question, named):
    """The article defines the two roles, not the fields and tools it mentions."""
    reply = engine.ask(question)
    assert reply.status == "declined" or named in reply.not_covered


@pytest.mark.parametrize(
    "question",
    ["what is a data scientist", "what is data science salary like", "what is ml engineering"],
)
def test_a_role_or_a_longer_question_is_not_a_definition(engine, question):
    assert not any(n.startswith("a definition") for n in engine.ask(question).not_covered)


def test_a_gap_is_found_around_the_role_named_inside_it(engine):
    """ "get a data science job" asks about getting a job: the role inside the phrase
    must not hide it."""
    reply = engine.ask("how do you land a machine learning engineer job")
    assert "job-search advice" in reply.not_covered
    assert reply.status == "declined" or EDUCATION in {c.section for c in reply.citations}


def test_a_partly_covered_ask_is_answered_from_the_part_the_article_covers(engine):
    reply = engine.ask("do i need a degree to be a data scientist")
    assert reply.status == "answered"
    assert reply.not_covered == ("whether a degree is strictly required",)
    assert EDUCATION in {c.section for c in reply.citations}


@pytest.mark.parametrize(
    ("question", "missing"),
    [
        ("How to Become a Data Scientist in Healthcare?", "education specific to Healthcare"),
        (
            "what does a day in the life of an ml engineer in finance look like",
            "day-to-day work specific to finance",
        ),
    ],
)
def test_a_topic_asked_of_one_industry_keeps_its_answer_and_names_what_is_missing(
    engine, question, missing
):
    reply = engine.ask(question)
    assert reply.status == "answered"
    assert missing in reply.not_covered


def test_an_industry_the_asker_comes_from_is_not_what_they_ask(engine):
    reply = engine.ask("would my healthcare background help me become a data scientist?")
    assert not any("specific to" in name for name in reply.not_covered)


@pytest.mark.parametrize(
    "question",
    [
        "Can you go from Backend Developer to Machine Learning Engineer?",
        "moving from a nurse into data science, where do i start",
    ],
)
def test_a_move_from_another_profession_names_career_change(engine, question):
    assert "career-change advice" in engine.ask(question).not_covered


def test_words_of_another_language_are_never_named_as_doubts(engine):
    # "die" is English too, but here it is Dutch for "that": not what was asked.
    reply = engine.ask("Wat zijn de vaardigheden die een Machine Learning Engineer moet hebben?")
    assert "die" not in reply.not_covered


@pytest.mark.parametrize(
    ("question", "gap"),
    [
        ("How is data science similar to other jobs?", "comparisons with other professions"),
        (
            "how to explain data science to non technical stakeholders?",
            "how to explain the work to others",
        ),
        (
            "how do you get years of experience if you're looking for entry level ML jobs?",
            "getting experience before the first job",
        ),
        ("Is a Masters enough to work in machine learning", "whether that alone is enough"),
        ("Is Data Science an IT Job?", "whether it counts as an IT job"),
        # "from" after "different" is what is compared, not the asker's past.
        (
            "how different is it from every other software engineering job?",
            "comparisons with other professions",
        ),
        ("Is AI or ML Engineering A Good Career?", "ai engineering"),
        # Put to one person in an interview; "have you ever wondered" is only a lead-in.
        ("How did you start your career as an ML engineer?", "someone's own career story"),
        # The article names skills and tools, never how much of each.
        ("How Much Docker Should a Data Scientist Know?", "how much of it is needed or used"),
        # The article names the CDO as a destination, nothing of the job itself.
        (
            "What are the main responsibilities of a chief data officer?",
            "what a chief data officer does",
        ),
        ("What is Deployment?", "a definition of Deployment"),
        ("which programming language should I learn first?", "what to learn first"),
        (
            "Julia Vs Python – Which language should you learn?",
            "programming languages the article doesn't discuss",
        ),
        ("What is data science in simple words?", "a definition of data science"),
        ("why do so many people leave data science?", "job satisfaction"),
        ("how do I become an ML engineer?", "a step-by-step learning roadmap"),
        (
            "which degree is better for ML, computer science or statistics?",
            "dedicated data science or ML degrees",
        ),
        (
            "is formal education necessary to become an ML engineer?",
            "whether a degree is strictly required",
        ),
        (
            "do ML engineers spend 80% of their time on infrastructure?",
            "how the working time is split",
        ),
        ("what is the concept of mlops?", "a definition of mlops"),
        ("do ml engineers work hybrid or in the office?", "hybrid and office arrangements"),
        ("why do you want to work as an ML engineer?", "someone's own career story"),
        ("how can I gain business acumen as an ML engineer?", "practical ways to build a skill"),
        ("is studying data science worth it?", "whether a particular degree is worth it"),
        (
            "is it necessary to get a master's degree to become an ML engineer?",
            "whether a degree is strictly required",
        ),
        ("any tips for landing an entry level ML job?", "job-search advice"),
        ("should I learn machine learning or data science first", "what to learn first"),
        ("what does a typical data science course cover?", "universities and courses"),
        ("is ml engineering a lot of math?", "how much maths is needed"),
        ("what do you hate the most about being an ML engineer", "downsides of the career"),
        # A second ask after "and" a few words before its "what": the definition stands.
        (
            "so what is data science and day to day, what do data scientists do?",
            "a definition of data science",
        ),
        (
            "I’m a physics major. Is it too late for me to become a data scientist?",
            "whether it is too late to start",
        ),
    ],
)
def test_real_questions_name_what_the_article_leaves_out(engine, question, gap):
    assert gap in engine.ask(question).not_covered


@pytest.mark.parametrize(
    ("question", "section"),
    [
        # "non-negotiable" is what is required, not a pay negotiation.
        ("What skills are non-negotiable?", "Technical Skill Requirements"),
        ("What does a standard day entail?", "Day-to-Day Work Experience"),
    ],
)
def test_everyday_wording_is_answered_without_a_gap(engine, question, section):
    reply = engine.ask(question)
    assert reply.not_covered == ()
    assert section in {c.section for c in reply.citations}


@pytest.mark.parametrize(
    ("question", "named"),
    [
        (
            "Is a Master's in Computer Science with AI Concentration Worth It for a "
            "Machine Learning Engineer?",
            True,
        ),
        # A degree's worth needs a degree in the question: this asks about a field.
        ("is machine learning worth it in 2025", False),
    ],
)
def test_a_degree_is_worth_it_wherever_the_two_stand(engine, question, named):
    gap = "whether a particular degree is worth it"
    assert (gap in engine.ask(question).not_covered) is named


def test_the_other_job_in_a_follow_up_is_the_other_role(engine):
    engine.ask("ds vs mle salary", conversation="c")
    assert engine.ask("and for the other job?", conversation="c").not_covered == ()


@pytest.mark.parametrize(
    "question",
    [
        "Can a Data Scientist become a Machine Learning Engineer",
        "Can a machine learning engineer be a data scientist",
        "how do i switch from ds to mle",
    ],
)
def test_a_move_between_our_two_roles_is_named(engine, question):
    assert "moving between the two roles" in engine.ask(question).not_covered


@pytest.mark.parametrize(
    "question",
    ["is a data scientist better than an mle", "ds vs mle salary", "do mles earn more than ds"],
)
def test_comparing_the_two_roles_is_not_a_move_between_them(engine, question):
    assert "moving between the two roles" not in engine.ask(question).not_covered


def test_a_profession_after_a_comparison_is_compared_not_the_askers_own(engine):
    reply = engine.ask("How different is a Machine Learning Engineer from a Data Engineer?")
    assert "data engineers" in reply.not_covered


def test_a_move_up_the_ladder_is_not_a_career_change(engine):
    assert engine.ask("how do you go from junior to senior data scientist").not_covered == ()


def test_a_bracketed_year_after_the_question_is_part_of_it(engine):
    reply = engine.ask("How stressful is the job of a data scientist? (2023)")
    assert reply.status == "declined"
    assert "stress levels" in reply.not_covered


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'name: "a definition of {subject}"',
            'name: "a definition"',
            "must contain {subject}",
        ),
        (
            "  - name: career-change advice\n    partly: true",
            "  - name: career-change advice\n    partly: maybe",
            "partly must be true or false",
        ),
        (
            "    only_with: [degree, masters, master, phd, bachelors, bachelor, msc, diploma, studying]",
            "    only_with: degree",
            "must be a non-empty list of phrases",
        ),
        (
            "    not_before: [skill, skills]",
            "    not_before: skills",
            "must be a non-empty list of phrases",
        ),
        (
            "    from_profession: true",
            "    from_profession: yes please",
            "from_profession must be true or false",
        ),
        (
            "    between_roles: true",
            "    between_roles: 1",
            "between_roles must be true or false",
        ),
        ("  asks: [", "  asked: [", "unknown key 'asked'"),
        (
            'level_name: "what {level}-level work involves on its own"',
            'level_name: "what the level involves"',
            "must contain {level}",
        ),
        (
            'name: "{topic} specific to {industry}"',
            'name: "{topic} specific"',
            "must contain {industry}",
        ),
        (
            "topics: [education, skills, day-to-day, salary]",
            "topics: [education, skils]",
            "topic id 'skils' does not exist",
        ),
    ],
)
def test_a_broken_coverage_file_is_one_clear_line_with_its_place(tmp_path, old, new, message):
    kb = make_kb(tmp_path)
    path = kb / "coverage.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")
    line = text[: text.index(old)].count("\n") + 1
    found = [p for p in problems_of(kb) if message in p]
    assert found, problems_of(kb)
    assert "coverage.yaml:" in found[0]
    assert any(f"coverage.yaml:{n}" in found[0] for n in (line, line + 1))


def test_a_doubtful_answer_says_which_words_the_article_never_uses(engine):
    """An answer more likely wrong than right says what it may be missing, as a doubt."""
    reply = engine.ask("mle oncall burden?")
    assert reply.confidence < 0.5
    assert reply.not_covered == ("burden",)
    assert "I'm not sure the article answers what you ask about “burden”" in reply.text
    assert "Day-to-Day Work Experience" in {c.section for c in reply.citations}


@pytest.mark.parametrize(
    ("question", "doubt"),
    [
        # "mixed" and "struggle" are common English words the KB uses elsewhere: only
        # an answer very likely wrong names them.
        ("What would machine learning look like if you mixed in DevOps?", "mixed"),
        ("Why Do Data Scientists Struggle to Become PMs?", "struggle"),
    ],
)
def test_an_answer_very_likely_wrong_names_common_words_it_does_not_explain(
    engine, question, doubt
):
    reply = engine.ask(question)
    assert reply.confidence < engine.policy.very_unsure_confidence
    assert doubt in reply.not_covered
    # Role words are the question's subject, never a doubt.
    assert not {"machine", "learning", "data", "scientists"} & set(reply.not_covered)


@pytest.mark.parametrize(
    ("question", "limit", "doubt", "closest"),
    [
        # An answer: below ``doubt_decline_confidence``.
        (
            "Do data scientists also need to do a bit of monitoring for their jobs?",
            "doubt_decline_confidence",
            "monitoring",
            None,
        ),
        # A did-you-mean: below ``doubt_clarify_confidence`` the options are no likely
        # answer, and "did you mean…?" would suggest the article answers what it may not.
        (
            "Are organizations investing in MLOps?",
            "doubt_clarify_confidence",
            "investing",
            "mle-future-mlops",
        ),
    ],
)
def test_a_reply_almost_surely_wrong_is_given_as_the_closest_not_as_an_answer(
    engine, question, limit, doubt, closest
):
    """Below its threshold, with its doubts named, the (best) entry is shown as the
    closest the article gets, under a decline: not as an answer to the question."""
    reply = engine.ask(question)
    assert reply.confidence < getattr(engine.policy, limit)
    assert reply.status == "declined"
    assert reply.not_covered == (doubt,)
    # Only doubted, so the reply says "may not", and still shows what it found.
    assert reply.text.startswith(f"The article may not cover what you ask about “{doubt}”.")
    assert "The closest the article gets is" in reply.text
    assert reply.entries and reply.citations
    if closest is not None:
        assert reply.entries == (closest,)


def test_the_best_paying_jobs_get_the_salary_figures_with_the_ranking_named(engine):
    """The article ranks levels and the two roles, not job titles or employers."""
    reply = engine.ask("What are the highest paying data science jobs?")
    assert reply.status == "answered"
    assert reply.not_covered == ("which job titles or employers pay most",)
    assert {c.section for c in reply.citations} == {"Salary Expectations and Market Demand"}


def test_the_generalist_path_is_named_beside_what_the_article_says_on_specialising(engine):
    reply = engine.ask("generalist or specialist, which is better in data science?")
    assert "the generalist path" in reply.not_covered
    assert reply.status in ("answered", "compared")


@pytest.mark.parametrize(
    ("question", "section"),
    [
        ("Will automation replace data scientists?", "Future Outlook and Emerging Trends"),
        ("What is expected of a data scientist?", "Role Definitions and Core Responsibilities"),
    ],
)
def test_automation_is_the_outlook_and_what_is_expected_is_the_role(engine, question, section):
    assert section in {c.section for c in engine.ask(question).citations}


def test_a_gap_asked_as_a_question_after_a_self_introduction_is_the_ask(engine):
    """ "I'm 31." describes the asker, but "Am I too old...?" asks about age."""
    assert "age" in engine.ask("I'm 31. Am I too old to become a data scientist?").not_covered


def test_two_tools_one_synonym_folds_together_are_still_two_tools_compared(engine):
    reply = engine.ask("Should I learn PyTorch or TensorFlow?")
    assert reply.not_covered == ("how PyTorch and TensorFlow compare",)


def test_how_long_in_a_month_is_named_as_not_covered(engine):
    reply = engine.ask("how to become a data scientist in a month?")
    assert "how long it takes" in reply.not_covered


def test_a_clarify_still_says_what_the_article_does_not_cover(engine):
    reply = engine.ask(
        "How do qualifications and experience level affect a freelance data scientist's "
        "hourly rate?"
    )
    assert reply.not_covered and "freelancing" in reply.not_covered[0]
    assert reply.text.startswith("The article doesn't cover")


def test_a_third_career_listed_with_ours_is_named_as_not_covered(engine):
    """ "Data Analyst, Data Scientist, or ML Engineer: which career is right for you?"
    asks about a career the article never describes: say so, do not advise as if only
    our two were on the table."""
    reply = engine.ask(
        "Data Analyst, Data Scientist, or ML Engineer: Which Career is Right for You?"
    )
    assert reply.status != "advised"
    assert reply.not_covered == ("data analysts",)


def test_a_question_about_another_profession_names_it_as_not_covered(engine):
    reply = engine.ask("What's it like to be an epidemiologist?")
    assert reply.status == "declined"
    assert reply.not_covered == ("epidemiologists",)


def test_a_word_from_the_question_is_quoted_and_a_gap_name_is_not(engine):
    """ "doesn't cover tattoos" reads as a sentence only by luck; the person's own word
    is quoted. The JSON names stay plain."""
    reply = engine.ask("do ml engineers get tattoos")
    assert reply.not_covered == ("tattoos",)
    assert "The article doesn't cover “tattoos”." in reply.text
    reply = engine.ask("what do bootcamps cost")
    assert "The article doesn't cover bootcamps." in reply.text


def test_how_the_job_feels_is_named_as_not_covered(engine):
    """ "How does it feel to be a data scientist?" asks about an experience the article
    never describes; it was answered with the role's definition at 0.8."""
    reply = engine.ask("How Does It Feel to Be a Data Scientist?")
    assert "job satisfaction" in reply.not_covered


@pytest.mark.parametrize(
    ("question", "gap"),
    [
        (
            "What does data science in education look like?",
            "industries the article doesn't discuss",
        ),
        ("What Does a ML Platform Engineer Do?", "job titles the article doesn't cover"),
        ("Quel est le tarif journalier d’un data scientist ?", "freelancing and consulting"),
        (
            "What are the career options in Data Science?",
            "related job titles beyond the article's ladder",
        ),
        ("What are the different roles in data?", "related job titles beyond the article's ladder"),
        ("Is mid-40s too late for data science?", "age"),
        ("What is a Machine Learning Engineer at Capital One?", "specific employers"),
    ],
)
def test_more_of_what_the_article_does_not_cover_is_named(engine, question, gap):
    assert gap in engine.ask(question).not_covered


def test_getting_in_without_experience_is_named_as_partly_covered(engine):
    """The article says practical experience counts; it has no route for someone who
    has none yet, so the answer stands and says so."""
    reply = engine.ask("how do I become an ML engineer with no experience")
    assert reply.status == "answered"
    assert "getting experience before the first job" in reply.not_covered


def test_filler_around_what_is_does_not_hide_the_question(engine):
    # "what the heck is a …": the question is what the role is.
    reply = engine.ask("I know what a data scientist is, but what the heck is an ML engineer?")
    assert reply.status in ("answered", "compared")
    assert "mle-role" in reply.entries


def test_plain_verbs_are_never_named_as_what_the_article_leaves_out(engine):
    """ "pursue", "possess": how a question is put, not what it asks about."""
    for question in (
        "what skills do I need to pursue a career as an ML engineer",
        "what characteristics does a good ml engineer possess",
    ):
        reply = engine.ask(question)
        assert reply.status == "answered"
        assert not {"pursue", "possess", "characteristics"} & set(reply.not_covered)


def test_how_the_answer_should_be_put_is_not_what_is_asked(engine):
    # "short, sweet, honest" asks for a style of answer, not about something else.
    reply = engine.ask("what is a data scientist? short and honest answer pls")
    assert reply.entries == ("ds-role",)
    assert reply.confidence >= 0.8


def test_a_gap_phrase_followed_by_a_word_that_changes_it_is_not_the_gap(engine):
    """ "ML engineer hard" asks about difficulty; "ML engineer hard skills" does not."""
    assert "how hard it is" not in engine.ask("ml engineer hard skills").not_covered
    assert "how hard it is" in engine.ask("is being an ml engineer hard").not_covered


def test_thanks_before_a_question_is_not_what_it_asks(engine):
    reply = engine.ask("Thanks, that's helpful. But what do ML engineers actually do?")
    assert reply.status == "answered"
    assert "mle-role" in reply.entries


def test_a_choice_of_entries_names_what_the_article_does_not_cover(engine):
    """Offering options when unsure still says what no option covers: the person sees
    the article doesn't split the working time before picking."""
    reply = engine.ask(
        "Or was the oft-quoted saying about spending 70-80% of our time cleaning data"
        " actually true?"
    )
    assert reply.confidence >= engine.policy.doubt_clarify_confidence
    assert reply.status == "clarify"
    assert reply.not_covered == ("how the working time is split",)
    assert reply.suggestions  # the options to pick from


def test_a_level_the_ladder_has_no_entry_for_is_named_when_the_ladder_answers(engine):
    """The article's ladder has no mid-level step for Data Scientists: the ladder
    answers "what is a mid-level DS", and says it does not describe that level."""
    reply = engine.ask("What is Mid-level Data scientist?")
    assert reply.entries == ("ds-career-path",)
    assert reply.not_covered == ("what experienced-level work involves on its own",)
    assert "The article doesn't cover what experienced-level work involves" in reply.text

"""``fit.yaml``: the signals a person gives about themselves and the /fit quiz.

Two halves. A broken file is refused with one line naming ``fit.yaml``, the line and
the problem. The shipped file is checked as data: every quiz answer carries a
citation, reasons are in our own words, each kind of evidence the article offers has
signals for both roles, and the phrases match what people write (and not what ordinary
questions about the roles say).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from bot.core.answering.advice import Advisor
from bot.core.answering.policy import Policy
from bot.core.knowledge import load_knowledge
from bot.core.text import tokens
from tests.kb_builder import KB, make_kb, problems_of
from tests.shared_files import article_path
from tests.test_knowledge_content import _words

DS, MLE = "data_scientist", "ml_engineer"
FIT = KB / "fit.yaml"


@pytest.fixture(scope="module")
def knowledge():
    return load_knowledge(KB)


@pytest.fixture(scope="module")
def fit(knowledge):
    return knowledge.fit


@pytest.fixture(scope="module")
def advisor(knowledge):
    return Advisor(knowledge, Policy())


# ---------------------------------------------------------------- a broken fit.yaml


def edit(kb: Path, old: str, new: str) -> None:
    """Replace the one ``old`` in the KB's fit.yaml by ``new``."""
    path = kb / "fit.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not in fit.yaml exactly once"
    path.write_text(text.replace(old, new), encoding="utf-8")


def line_of(kb: Path, text: str) -> int:
    """The 1-based line of the one ``text`` in the KB's fit.yaml."""
    content = (kb / "fit.yaml").read_text(encoding="utf-8")
    assert content.count(text) == 1, f"{text!r} is not in fit.yaml exactly once"
    return content[: content.index(text)].count("\n") + 1


def signal_block(signal_id: str) -> str:
    """The shipped text of one signal, from its ``- id:`` line to the next item."""
    text = FIT.read_text(encoding="utf-8")
    start = text.index(f"  - id: {signal_id}\n")
    end = text.find("\n  - id: ", start + 1)
    return text[start:end]


def test_the_shipped_fit_file_loads_without_problems(fit):
    assert fit.signals and fit.quiz and fit.criteria and fit.disclaimer is not None


def test_a_quiz_option_naming_an_unknown_signal_names_question_and_line(tmp_path):
    kb = make_kb(tmp_path)
    old = "{label: Docker and Kubernetes, signal: containers}"
    edit(kb, old, "{label: Docker and Kubernetes, signal: containres}")
    line = line_of(kb, "signal: containres}")
    assert problems_of(kb) == [
        f"kb/fit.yaml:{line} [tools]: signal 'containres' does not exist in fit.yaml"
    ]


def test_an_unknown_role_names_signal_and_line(tmp_path):
    kb = make_kb(tmp_path)
    block = signal_block("containers")
    edit(kb, block, block.replace("role: ml_engineer", "role: data_engineer", 1))
    line = line_of(kb, "  - id: containers\n")
    assert problems_of(kb) == [
        f"kb/fit.yaml:{line} [containers]: unknown role 'data_engineer'; "
        "use one of ['data_scientist', 'ml_engineer'] or null"
    ]


@pytest.mark.parametrize(
    ("citation", "message"),
    [
        (
            "{section: Role Definitions and Core Responsibilities, paragraph: 4}",
            "'Role Definitions and Core Responsibilities' ¶4 is promotional, not knowledge",
        ),
        (
            "{section: Career Progression and Growth Opportunities, paragraph: 4}",
            "'Career Progression and Growth Opportunities' ¶4 is promotional, not knowledge",
        ),
        (
            "{section: Tools and Technology Ecosystems, paragraph: 9}",
            "paragraph 9 is out of range: 'Tools and Technology Ecosystems' has 5",
        ),
        ("{section: Tooling, paragraph: 3}", "unknown section 'Tooling'"),
    ],
    ids=["promotional-role-definitions", "promotional-career", "out-of-range", "unknown-section"],
)
def test_a_bad_citation_names_signal_and_the_citation_line(tmp_path, citation, message):
    kb = make_kb(tmp_path)
    block = signal_block("containers")
    old = "{section: Tools and Technology Ecosystems, paragraph: 3}"
    edit(kb, block, block.replace(old, citation, 1))
    line = line_of(kb, citation)
    found = problems_of(kb)
    assert len(found) == 1, found
    assert found[0].startswith(f"kb/fit.yaml:{line} [containers]: {message}"), found


@pytest.mark.parametrize("weight", ["4", "-1", "1.5", "high", "true"])
def test_a_weight_out_of_range_names_signal_and_line(tmp_path, weight):
    kb = make_kb(tmp_path)
    block = signal_block("containers")
    edit(kb, block, block.replace("weight: 2", f"weight: {weight}", 1))
    line = line_of(kb, "  - id: containers\n")
    assert f"kb/fit.yaml:{line} [containers]: 'weight' must be a whole number from 0 to 3" in (
        problems_of(kb)
    )


def test_a_balanced_signal_with_a_weight_is_refused(tmp_path):
    kb = make_kb(tmp_path)
    block = signal_block("balanced-rhythm")
    edit(kb, block, block.replace("weight: 0", "weight: 2", 1))
    line = line_of(kb, "  - id: balanced-rhythm\n")
    assert problems_of(kb) == [
        f"kb/fit.yaml:{line} [balanced-rhythm]: "
        "a balanced signal (role null) has weight 0, and only it"
    ]


def test_a_role_signal_with_weight_zero_is_refused(tmp_path):
    kb = make_kb(tmp_path)
    block = signal_block("containers")
    edit(kb, block, block.replace("weight: 2", "weight: 0", 1))
    line = line_of(kb, "  - id: containers\n")
    assert problems_of(kb) == [
        f"kb/fit.yaml:{line} [containers]: a balanced signal (role null) has weight 0, and only it"
    ]


def test_too_few_quiz_questions_is_refused(tmp_path):
    kb = make_kb(tmp_path)
    path = kb / "fit.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  - id: tools\n")  # keep five of the eight questions
    path.write_text(text[:start], encoding="utf-8")
    found = problems_of(kb)
    assert len(found) == 1, found
    # The loader names no line for this one (the count is the whole list's problem).
    assert re.fullmatch(r"kb/fit\.yaml(:\d+)?: 'quiz' must be a list of 6 to 8 questions", found[0])


def test_a_question_with_one_answer_names_question_and_line(tmp_path):
    kb = make_kb(tmp_path)
    edit(
        kb,
        "      - {label: No preference, signal: balanced-data}\n",
        "",
    )
    edit(kb, "      - {label: Huge volumes flowing through pipelines, signal: big-data}\n", "")
    line = line_of(kb, "  - id: data\n")
    assert problems_of(kb) == [
        f"kb/fit.yaml:{line} [data]: 'options' must be a list of 2 to 4 answers"
    ]


def test_an_upper_case_phrase_names_signal_and_line(tmp_path):
    kb = make_kb(tmp_path)
    block = signal_block("containers")
    edit(kb, block, block.replace("[docker,", "[Docker,", 1))
    line = line_of(kb, "[Docker,")
    assert problems_of(kb) == [f"kb/fit.yaml:{line} [containers]: 'Docker' must be lower case"]


# ---------------------------------------------------------------- the shipped file


def test_both_roles_have_signals_and_balanced_ones_serve_the_quiz(fit):
    per_role = Counter(s.role for s in fit.signals)
    assert 25 <= len(fit.signals) <= 45, per_role
    assert per_role[DS] >= 12 and per_role[MLE] >= 12, per_role
    quiz_signals = {o.signal for q in fit.quiz for o in q.options}
    for signal in fit.signals:
        if signal.role is None:
            assert signal.weight == 0 and not signal.against, signal.id
            assert signal.id in quiz_signals, f"{signal.id}: a balanced signal no quiz uses"
        else:
            assert 1 <= signal.weight <= 3, signal.id


def test_every_quiz_option_carries_a_citation(fit):
    assert 6 <= len(fit.quiz) <= 8
    for question in fit.quiz:
        assert 2 <= len(question.options) <= 4, question.id
        for option in question.options:
            signal = fit.signal(option.signal)
            assert signal.cite, f"{question.id}: {option.label!r} has no citation"
            assert signal.reason, f"{question.id}: {option.label!r} has no reason"


def test_quiz_text_fits_discord(fit):
    for question in fit.quiz:
        assert len(question.question) <= 200, question.id
        labels = [o.label for o in question.options]
        assert len(set(labels)) == len(labels), question.id
        for label in labels:
            assert 0 < len(label) <= 80, label


def test_each_quiz_question_weighs_both_roles_equally(fit):
    """Every question offers both roles at the same weight, so the quiz is not tilted."""
    for question in fit.quiz:
        best: dict[str | None, int] = {}
        for option in question.options:
            signal = fit.signal(option.signal)
            best[signal.role] = max(best.get(signal.role, 0), signal.weight)
        assert best.get(DS) == best.get(MLE) and best[DS] > 0, (question.id, best)
    balanced = sum(any(fit.signal(o.signal).role is None for o in q.options) for q in fit.quiz)
    assert balanced >= 4, "several questions should offer a balanced answer"


def test_the_quiz_leans_where_the_answers_point(fit, advisor):
    def answers(role):
        return [
            next(i for i, o in enumerate(q.options, 1) if fit.signal(o.signal).role == role)
            for q in fit.quiz
        ]

    assert advisor.quiz(answers(DS)).role == DS
    assert advisor.quiz(answers(MLE)).role == MLE
    mixed = [
        next(
            (i for i, o in enumerate(q.options, 1) if fit.signal(o.signal).role is None),
            1,
        )
        for q in fit.quiz
    ]
    result = advisor.quiz(mixed)
    assert all(item.signal.cite for item in result.found)


def test_weight_three_is_kept_for_the_articles_own_criteria(fit):
    for signal in fit.signals:
        if signal.weight == 3:
            assert signal.cite[0].section == "Making the Right Career Choice", signal.id


def test_every_role_signal_says_why_when_turned_around(fit):
    """A negated phrase ("hate docker") shows ``against_reason``; it must never be empty."""
    for signal in fit.signals:
        if signal.role is not None:
            assert signal.against_reason, signal.id


def test_criteria_and_disclaimer_are_cited(fit):
    assert 3 <= len(fit.criteria) <= 4
    for criterion in fit.criteria:
        assert criterion.text.endswith("?") and criterion.cite, criterion.text
    assert [(c.section, c.paragraph) for c in fit.disclaimer.cite] == [("Disclaimer", 1)]


def test_no_fit_text_copies_ten_consecutive_words_from_the_article(fit):
    article = _words(article_path().read_text(encoding="utf-8"))
    grams = {tuple(article[i : i + 10]) for i in range(len(article) - 9)}
    texts = [(s.id, s.reason) for s in fit.signals]
    texts += [(f"{s.id} (against)", s.against_reason) for s in fit.signals]
    texts += [("criterion", c.text) for c in fit.criteria]
    texts += [("disclaimer", fit.disclaimer.text)]
    copied = []
    for name, text in texts:
        words = _words(text)
        for i in range(len(words) - 9):
            if tuple(words[i : i + 10]) in grams:
                copied.append((name, " ".join(words[i : i + 10])))
                break
    assert copied == []


# ---------------------------------------------------------------- phrases


def test_phrases_are_written_as_they_are_matched(fit):
    """Lower case, no punctuation: a phrase is its own tokens, or it could never match."""
    for signal in fit.signals:
        for phrase in signal.phrases + signal.against:
            assert " ".join(tokens(phrase)) == phrase, (signal.id, phrase)


def test_no_phrase_belongs_to_two_signals(fit):
    owner: dict[tuple[str, ...], str] = {}
    for signal in fit.signals:
        if signal.role is None:
            continue
        for phrase in signal.phrases + signal.against:
            key = tuple(tokens(phrase))
            assert owner.setdefault(key, signal.id) == signal.id, (phrase, owner[key], signal.id)


GENERIC = (
    "data", "python", "sql", "r", "engineer", "engineers", "scientist", "scientists",
    "machine learning", "ml", "ai", "model", "models", "code", "coding", "analysis",
    "career", "salary", "skills", "tools", "job", "work", "math", "fraud detection",
    "recommendation systems", "healthcare", "finance", "remote", "cloud",
)  # fmt: skip


def test_no_phrase_is_a_generic_word_of_ordinary_questions(fit):
    phrases = {p for s in fit.signals if s.role for p in s.phrases + s.against}
    assert phrases.isdisjoint(GENERIC), sorted(phrases & set(GENERIC))


@pytest.mark.parametrize(
    "question",
    [
        "what does a data scientist do",
        "how much does an ml engineer earn",
        "data scientist vs ml engineer",
        "do data scientists need sql",
        "what tools do ml engineers use",
        "what skills does a machine learning engineer need",
        "is a bootcamp enough?",
        "which pays more, ds or mle",
        "career path for ml engineers",
        "can't decide, help me pick one",
    ],
)
def test_ordinary_questions_give_no_signal(advisor, question):
    assert advisor.find(question) == ()


@pytest.mark.parametrize(
    ("phrase", "role"),
    [
        # interests
        ("finding patterns", DS),
        ("building systems", MLE),
        ("performance tuning", MLE),
        # collaboration
        ("business stakeholders", DS),
        ("storytelling", DS),
        ("explaining things", DS),
        ("code review", MLE),
        ("system design", MLE),
        # long-term aims
        ("chief data officer", DS),
        ("analytics manager", DS),
        ("head of ml infrastructure", MLE),
        ("principal ml engineer", MLE),
        # background
        ("statistics", DS),
        ("economics", DS),
        ("physics", DS),
        ("psychology", DS),
        ("applied maths", DS),
        ("sociology", DS),
        ("chemistry", DS),
        ("kaggle competitions", DS),
        ("computer science", MLE),
        ("deployed apps", MLE),
        ("java dev", MLE),
        ("backend developer", MLE),
        ("swe", MLE),
        ("distributed systems", MLE),
        ("devops", MLE),
        ("sre", MLE),
        # working rhythm
        ("flexible schedule", DS),
        ("deep analysis", DS),
        ("working remotely", DS),
        ("on-call", MLE),
        ("production support", MLE),
        ("a structured routine", MLE),
        # tools
        ("jupyter", DS),
        ("tidyverse", DS),
        ("tableau", DS),
        ("power bi", DS),
        ("sql queries", DS),
        ("docker", MLE),
        ("kubernetes", MLE),
        ("mlflow", MLE),
        ("ci/cd", MLE),
        ("git", MLE),
        # industries and problems
        ("clinical trials", DS),
        ("a/b tests", DS),
        ("pricing", DS),
        ("forecasting", DS),
        ("real-time fraud detection", MLE),
        ("recommendations at scale", MLE),
        ("edge inference", MLE),
        ("autonomous vehicles", MLE),
        ("low latency", MLE),
        # dataset scale
        ("smaller datasets", DS),
        ("specific business questions", DS),
        ("big data", MLE),
        ("spark", MLE),
        ("data pipelines", MLE),
    ],
)
def test_each_kind_of_evidence_has_signals(advisor, phrase, role):
    found = advisor.find(f"I like {phrase}")
    assert [(f.role, f.negated) for f in found] == [(role, False)], found


@pytest.mark.parametrize(
    ("message", "role", "said"),
    [
        ("been a Java dev for six years, is MLE or DS the better move for me?", MLE, "Java dev"),
        (
            "I love stats and explaining things to business people but I hate devops, "
            "which role suits me?",
            DS,
            "devops",
        ),
        ("sociology grad who likes surveys and regression, what fits?", DS, "sociology"),
        ("physics grad here", DS, "physics"),
        ("I'm a backend developer who likes docker and k8s", MLE, "docker"),
        ("meh at statistics, I'd rather build things", MLE, "statistics"),
        ("I'm into tableau and A/B tests, can't stand being on call", DS, "being on call"),
    ],
)
def test_self_descriptions_lean_the_right_way(advisor, message, role, said):
    found = advisor.find(message)
    assert advisor.weigh(found).role == role, found
    # The person's words are quoted, with a negation when there is one ("hate devops").
    assert any(said in f.text for f in found), found


@pytest.mark.parametrize(
    ("message", "role", "negated"),
    [
        ("I hate docker", DS, True),
        ("not into stats", MLE, True),
        ("meetings bore me", MLE, True),
        ("I don't mind meetings", DS, False),
        ("I don't want to be on call", DS, True),
        ("stage fright is real for me", MLE, True),
        # Said after the thing, or a negative word that is itself denied.
        ("zero interest in kubernetes", DS, True),
        ("allergic to devops", DS, True),
        ("on call is not for me", DS, True),
        ("docker honestly isnt my thing", DS, True),
        ("kubernetes doesnt scare me", MLE, False),
        ("statistics is not boring at all", DS, False),
        ("presentations make me super anxious", MLE, True),
    ],
)
def test_negative_forms_point_the_other_way(advisor, message, role, negated):
    (found,) = advisor.find(message)
    assert (found.role, found.negated) == (role, negated)
    assert found.reason == (found.signal.against_reason if negated else found.signal.reason)


def test_every_role_signal_says_which_aspect_of_the_person_it_is(fit):
    """Signals of one aspect (collaboration, tools...) weigh once, at their strongest:
    each signal names its aspect, and the quiz asks one question per aspect."""
    aspects = {s.aspect for s in fit.signals if s.role is not None}
    assert None not in aspects
    assert aspects == {
        "interests", "collaboration", "aims", "background", "rhythm", "tools", "problems", "data",
    }  # fmt: skip
    for question in fit.quiz:
        named = {fit.signal(o.signal).aspect for o in question.options}
        assert len(named - {None}) <= 1, question.id


def test_a_contrast_is_not_a_negation(advisor):
    """ "the business side, not the tech side" prefers one; it does not deny it."""
    found = advisor.find("business side not the tech side")
    assert [(f.text, f.negated) for f in found] == [("business side", False)]

"""The knowledge base: the real one is valid and complete, and broken ones are refused
with a message that names the file, the entry and the problem."""

from __future__ import annotations

import re
import shutil
import textwrap
from collections import Counter
from pathlib import Path

import pytest

from bot.core.knowledge import (
    ANSWER_LIMIT,
    KnowledgeError,
    load_knowledge,
    uncited_paragraphs,
)
from tests.shared_files import article_path

REPO = Path(__file__).resolve().parents[1]
KB = REPO / "knowledge"
SALARY = "Salary Expectations and Market Demand"


@pytest.fixture(scope="module")
def knowledge():
    return load_knowledge(KB)


# ---------------------------------------------------------------- the real KB


def test_real_kb_loads_with_expected_shape(knowledge):
    assert 120 <= len(knowledge.entries) <= 220
    assert {r.id for r in knowledge.roles} == {"data_scientist", "ml_engineer"}
    for entry in knowledge.entries:
        assert len(entry.phrasings) >= 4, entry.id
        assert entry.cite, entry.id
        assert len(entry.answer) <= ANSWER_LIMIT, entry.id


def test_every_topic_covering_both_roles_has_a_primary_entry_per_role(knowledge):
    for topic in knowledge.topics:
        roles = {
            r
            for e in knowledge.entries
            if e.topic == topic.id and len(e.roles) == 1
            for r in e.roles
        }
        if roles:
            assert roles == {"data_scientist", "ml_engineer"}, f"{topic.id} covers only {roles}"
            for role in roles:
                assert knowledge.primary(topic.id, role) is not None, (
                    f"{topic.id}/{role} has no primary"
                )


def test_salary_has_every_role_and_level_plus_comparison_demand_and_geography(knowledge):
    salary = [e for e in knowledge.entries if e.topic == "salary"]
    for role in ("data_scientist", "ml_engineer"):
        for level in ("entry", "experienced", "senior"):
            assert any(e.roles == (role,) and e.level == level for e in salary), (role, level)
    assert any(len(e.roles) == 2 and "why" in e.question.lower() for e in salary)
    assert any(e.topic == "demand" for e in knowledge.entries)
    assert any(e.topic == "geography" for e in knowledge.entries)


def test_salary_figures_are_exact(knowledge):
    answers = {e.id: e.answer for e in knowledge.entries}
    ds_all = " ".join(a for i, a in answers.items() if i.startswith("ds-salary"))
    mle_all = " ".join(a for i, a in answers.items() if i.startswith("mle-salary"))
    for figure in ("$95,000", "$130,000", "$140,000", "$200,000", "$250,000"):
        assert figure in ds_all
    for figure in ("$110,000", "$145,000", "$160,000", "$220,000", "$300,000"):
        assert figure in mle_all


def test_no_citation_of_promotional_paragraphs(knowledge):
    promo = {(s.title, p) for s in knowledge.source.sections for p in s.promotional}
    assert promo == {
        ("Role Definitions and Core Responsibilities", 4),
        ("Career Progression and Growth Opportunities", 4),
    }
    for entry in knowledge.entries:
        for c in entry.cite:
            assert (c.section, c.paragraph) not in promo, entry.id


# ---------------------------------------------------------------- against the article


def _article_sections() -> list[tuple[str, list[str]]]:
    """The article split as the source README describes: headings are short lines."""
    titles = {s.title for s in load_knowledge(KB).source.sections}
    sections: list[tuple[str, list[str]]] = [("Introduction", [])]
    for line in article_path().read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        if line.strip() in titles:
            sections.append((line.strip(), []))
        else:
            sections[-1][1].append(line)
    return sections


def test_source_yaml_matches_the_article(knowledge):
    article = _article_sections()
    assert [(t, len(p)) for t, p in article] == [
        (s.title, s.paragraphs) for s in knowledge.source.sections
    ]
    # The promotional lines are the ones that recommend AI products.
    for section in knowledge.source.sections:
        paragraphs = dict(article)[section.title]
        for p in section.promotional:
            assert re.search(r"Claude|Perplexity", paragraphs[p - 1]), (section.title, p)


def test_every_non_promotional_paragraph_is_cited(knowledge):
    assert uncited_paragraphs(knowledge) == []


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9$]+", text.lower().replace("’", "'"))


def test_no_answer_copies_ten_consecutive_words_from_the_article(knowledge):
    article = _words(article_path().read_text(encoding="utf-8"))
    grams = {tuple(article[i : i + 10]) for i in range(len(article) - 9)}
    copied = []
    for entry in knowledge.entries:
        words = _words(entry.answer)
        for i in range(len(words) - 9):
            if tuple(words[i : i + 10]) in grams:
                copied.append((entry.id, " ".join(words[i : i + 10])))
                break
    assert copied == []


# ---------------------------------------------------------------- the validator

GOOD_ENTRY = """\
- id: ds-salary-entry
  question: How much does an entry-level data scientist earn?
  alternates: [junior ds pay, new grad data scientist salary, entry level ds comp]
  answer: Entry-level Data Scientists typically earn $95,000 to $130,000 a year.
  roles: [data_scientist]
  topic: salary
  level: entry
  cite:
    - {section: Salary Expectations and Market Demand, paragraph: 1}
- id: mle-salary-entry
  question: How much does an entry-level ML engineer earn?
  alternates: [junior mle pay, new grad ml engineer salary, entry level mle comp]
  answer: Entry-level ML Engineers typically earn $110,000 to $145,000 a year.
  roles: [ml_engineer]
  topic: salary
  level: entry
  cite:
    - {section: Salary Expectations and Market Demand, paragraph: 2}
  related: [ds-salary-entry]
"""


def make_kb(tmp_path: Path, qa: str = GOOD_ENTRY, name: str = "salary.yaml") -> Path:
    """A small KB: the real metadata files plus one qa file under test."""
    kb = tmp_path / "kb"
    kb.mkdir()
    for f in (
        "source.yaml",
        "roles.yaml",
        "topics.yaml",
        "synonyms.yaml",
        "scope.yaml",
        "smalltalk.yaml",
    ):
        shutil.copy(KB / f, kb / f)
    (kb / "qa").mkdir()
    (kb / "qa" / name).write_text(textwrap.dedent(qa), encoding="utf-8")
    return kb


def problems_of(kb: Path) -> list[str]:
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(kb)
    return [str(p) for p in info.value.problems]


def test_fixture_kb_is_valid(tmp_path):
    assert len(load_knowledge(make_kb(tmp_path)).entries) == 2


BROKEN = [
    (
        "duplicate id",
        GOOD_ENTRY.replace("id: mle-salary-entry", "id: ds-salary-entry"),
        "ds-salary-entry",
        "duplicate id",
    ),
    (
        "misspelled key",
        GOOD_ENTRY.replace("  alternates: [junior mle", "  alternate: [junior mle"),
        "mle-salary-entry",
        "unknown key 'alternate'",
    ),
    (
        "missing field",
        GOOD_ENTRY.replace(
            "  topic: salary\n  level: entry\n  cite:\n    - {section: Salary Expectations and Market Demand, paragraph: 2}",
            "  level: entry\n  cite:\n    - {section: Salary Expectations and Market Demand, paragraph: 2}",
        ),
        "mle-salary-entry",
        "missing required key 'topic'",
    ),
    (
        "empty field",
        GOOD_ENTRY.replace(
            "question: How much does an entry-level ML engineer earn?", "question: ''"
        ),
        "mle-salary-entry",
        "'question' is empty",
    ),
    (
        "unknown role",
        GOOD_ENTRY.replace("roles: [ml_engineer]", "roles: [data_engineer]"),
        "mle-salary-entry",
        "unknown role 'data_engineer'",
    ),
    (
        "unknown topic",
        GOOD_ENTRY.replace(
            "  topic: salary\n  level: entry\n  cite:\n    - {section: Salary Expectations and Market Demand, paragraph: 2}",
            "  topic: pets\n  level: entry\n  cite:\n    - {section: Salary Expectations and Market Demand, paragraph: 2}",
        ),
        "mle-salary-entry",
        "unknown topic 'pets'",
    ),
    (
        "unknown section",
        GOOD_ENTRY.replace(
            "{section: Salary Expectations and Market Demand, paragraph: 2}",
            "{section: Salaries, paragraph: 2}",
        ),
        "mle-salary-entry",
        "unknown section 'Salaries'",
    ),
    (
        "paragraph out of range",
        GOOD_ENTRY.replace("Demand, paragraph: 2}", "Demand, paragraph: 99}"),
        "mle-salary-entry",
        "paragraph 99 is out of range",
    ),
    (
        "promotional paragraph",
        GOOD_ENTRY.replace(
            "{section: Salary Expectations and Market Demand, paragraph: 2}",
            "{section: Career Progression and Growth Opportunities, paragraph: 4}",
        ),
        "mle-salary-entry",
        "is promotional",
    ),
    (
        "related id missing",
        GOOD_ENTRY.replace("related: [ds-salary-entry]", "related: [ds-salary-senior]"),
        "mle-salary-entry",
        "related id 'ds-salary-senior' does not exist",
    ),
    (
        "shared phrasing",
        GOOD_ENTRY.replace("junior mle pay", "Junior DS pay!"),
        "mle-salary-entry",
        "same (after normalisation) as one in entry 'ds-salary-entry'",
    ),
    (
        "answer too long",
        GOOD_ENTRY.replace(
            "Entry-level ML Engineers typically earn $110,000 to $145,000 a year.", "word " * 150
        ),
        "mle-salary-entry",
        "the limit is 700",
    ),
    (
        "too few alternates",
        GOOD_ENTRY.replace(
            "[junior mle pay, new grad ml engineer salary, entry level mle comp]",
            "[junior mle pay]",
        ),
        "mle-salary-entry",
        "needs at least 3 alternates",
    ),
    (
        "unknown level",
        GOOD_ENTRY.replace(
            "  level: entry\n  cite:\n    - {section: Salary Expectations and Market Demand, paragraph: 2}",
            "  level: intern\n  cite:\n    - {section: Salary Expectations and Market Demand, paragraph: 2}",
        ),
        "mle-salary-entry",
        "unknown level 'intern'",
    ),
    (
        "bad id",
        GOOD_ENTRY.replace("id: mle-salary-entry", "id: MLE_salary"),
        "MLE_salary",
        "kebab-case",
    ),
    (
        "duplicate yaml key",
        GOOD_ENTRY.replace(
            "  level: entry\n  cite:\n    - {section: Salary Expectations and Market Demand, paragraph: 2}",
            "  level: entry\n  level: senior\n  cite:\n    - {section: Salary Expectations and Market Demand, paragraph: 2}",
        ),
        None,
        "duplicate key 'level'",
    ),
    (
        "citation is not a mapping",
        GOOD_ENTRY.replace(
            "    - {section: Salary Expectations and Market Demand, paragraph: 2}",
            "    - Salary ¶2",
        ),
        "mle-salary-entry",
        "each citation must be {section, paragraph}",
    ),
    (
        "two primaries",
        GOOD_ENTRY.replace("  level: entry\n", "  primary: true\n").replace(
            "roles: [ml_engineer]", "roles: [data_scientist]"
        ),
        "mle-salary-entry",
        "second primary entry for data_scientist",
    ),
]


@pytest.mark.parametrize(("rule", "qa", "entry", "message"), BROKEN, ids=[b[0] for b in BROKEN])
def test_each_rule_is_enforced_and_names_file_and_entry(tmp_path, rule, qa, entry, message):
    assert qa != GOOD_ENTRY, f"fixture for {rule!r} did not change anything"
    found = problems_of(make_kb(tmp_path, qa))
    matching = [p for p in found if message in p]
    assert matching, found
    assert all("qa/salary.yaml" in p for p in matching)
    if entry:
        assert any(f"[{entry}]" in p for p in matching), matching
    assert any(re.search(r"salary\.yaml:\d+", p) for p in matching), "line number missing"


def test_entry_in_the_wrong_file_is_refused(tmp_path):
    found = problems_of(make_kb(tmp_path, name="tools.yaml"))
    assert any("belongs in qa/salary.yaml" in p for p in found)


def test_invalid_yaml_names_file_and_line(tmp_path):
    found = problems_of(make_kb(tmp_path, GOOD_ENTRY + "- id: [unclosed\n"))
    assert any(
        "qa/salary.yaml" in p and "not valid YAML" in p and re.search(r":\d+", p) for p in found
    )


def test_python_objects_in_yaml_are_refused(tmp_path):
    evil = GOOD_ENTRY.replace(
        "answer: Entry-level Data",
        "answer: !!python/object/apply:os.system ['true']\n  x: Entry-level Data",
    )
    found = problems_of(make_kb(tmp_path, evil))
    assert any("not valid YAML" in p for p in found)


def test_every_problem_is_reported_at_once(tmp_path):
    broken = (
        GOOD_ENTRY.replace("id: mle-salary-entry", "id: ds-salary-entry")
        .replace("  alternates: [junior mle", "  alternate: [junior mle")
        .replace("Demand, paragraph: 1}", "Demand, paragraph: 99}")
    )
    found = problems_of(make_kb(tmp_path, broken))
    assert any("duplicate id" in p for p in found)
    assert any("unknown key 'alternate'" in p for p in found)
    assert any("paragraph 99 is out of range" in p for p in found)


def test_shipped_kb_has_no_duplicate_phrasings_across_entries(knowledge):
    from bot.core.text import normalise

    owners = Counter()
    for entry in knowledge.entries:
        for key in {normalise(p) for p in entry.phrasings}:
            owners[key] += 1
    assert [k for k, n in owners.items() if n > 1] == []

"""The shipped knowledge base: complete, faithful to the article, in our own words.

These test the data in ``knowledge/``, not the code that loads it (that is
``test_knowledge_loader.py`` and its siblings, one per module of the package).
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from bot.core.knowledge import ANSWER_LIMIT, load_knowledge, uncited_paragraphs
from tests.kb_builder import KB
from tests.shared_files import article_path


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


def test_shipped_kb_has_no_duplicate_phrasings_across_entries(knowledge):
    from bot.core.text import normalise

    # Compared as the loader compares them: without the KB's own stop words.
    owners = Counter()
    for entry in knowledge.entries:
        for key in {normalise(p, knowledge.lexicon.stop_words) for p in entry.phrasings}:
            owners[key] += 1
    assert [k for k, n in owners.items() if n > 1] == []

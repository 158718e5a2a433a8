"""``figures.yaml``: salary ranges and career ladders as data, agreeing with the answers.

The shipped figures are checked against the article itself; a broken copy is refused
with one line naming ``figures.yaml`` and the answers (file and line) that disagree.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from bot.core.knowledge import load_knowledge
from bot.core.knowledge.figures import amounts
from tests.kb_builder import KB, make_kb, problems_of
from tests.test_knowledge_content import _article_sections, _words

DS, MLE = "data_scientist", "ml_engineer"


@pytest.fixture(scope="module")
def figures():
    return load_knowledge(KB).figures


def copy_kb(tmp_path: Path) -> Path:
    """A full copy of the shipped KB, to break one thing in."""
    return Path(shutil.copytree(KB, tmp_path / "kb"))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not once in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


# ---------------------------------------------------------------- the shipped figures


def test_every_role_and_level_has_a_range_and_only_senior_is_open_ended(figures):
    salary = figures.salary
    assert (salary.currency, salary.year, salary.region) == ("USD", 2024, "US")
    for role in (DS, MLE):
        for level in ("entry", "experienced", "senior"):
            found = salary.range(role, level)
            assert found is not None, (role, level)
            assert found.open_ended == (level == "senior"), (role, level)


def test_the_figures_are_the_articles_exactly():
    """Each range's amounts are in the paragraph it cites, and nowhere else in the
    section do other amounts hide (so nothing was left out)."""
    sections = dict(_article_sections())
    figures = load_knowledge(KB).figures
    cited: dict[tuple[str, int], set[int]] = {}
    for found in figures.salary.ranges:
        ends = {found.minimum} | ({found.maximum} if found.maximum else set())
        for citation in found.cite:
            paragraph = sections[citation.section][citation.paragraph - 1]
            assert ends <= set(amounts(paragraph)), (found.role, found.level)
            cited.setdefault((citation.section, citation.paragraph), set()).update(ends)
    for (section, number), ends in cited.items():
        assert set(amounts(sections[section][number - 1])) == ends


def test_open_ended_figures_are_what_the_article_says_is_exceeded():
    article = " ".join(p for _, ps in _article_sections() for p in ps)
    for found in load_knowledge(KB).figures.salary.ranges:
        if found.open_ended:
            assert f"exceeding ${found.minimum:,}" in article


def test_ladders_name_the_articles_titles_in_the_cited_paragraph(figures):
    sections = dict(_article_sections())
    assert [ladder.role for ladder in figures.ladders] == [DS, MLE]
    for ladder in figures.ladders:
        assert len(ladder.rungs) == 3
        top = ladder.rungs[-1]
        assert len(top.titles) == 3
        for rung in ladder.rungs:
            (citation,) = rung.cite
            paragraph = sections[citation.section][citation.paragraph - 1]
            for title in rung.titles:
                assert title in paragraph, title


def test_ladder_lines_are_our_own_words(figures):
    article = " ".join(_words(" ".join(p for _, ps in _article_sections() for p in ps)))
    for ladder in figures.ladders:
        for rung in ladder.rungs:
            words = _words(rung.does)
            copied = [
                " ".join(words[i : i + 5])
                for i in range(len(words) - 4)
                if " ".join(words[i : i + 5]) in article
            ]
            assert copied == [], rung.does


# ---------------------------------------------------------------- text and figures agree


def test_a_changed_figure_is_refused_naming_both_places(tmp_path):
    kb = copy_kb(tmp_path)
    edit(kb / "figures.yaml", "max: 130000", "max: 131000")
    (problem,) = problems_of(kb)
    assert re.match(r"kb/figures\.yaml:\d+ \[salary data_scientist entry\]: max \$131,000", problem)
    assert "kb/qa/salary.yaml:1, which says $130,000" in problem, "names the answer that disagrees"
    assert "ds-salary-entry (kb/qa/salary.yaml:" in problem
    assert "\n" not in problem


def test_a_changed_open_ended_figure_is_refused(tmp_path):
    kb = copy_kb(tmp_path)
    edit(kb / "figures.yaml", "above: 300000", "above: 350000")
    (problem,) = problems_of(kb)
    assert "[salary ml_engineer senior]: above $350,000 is not in the text of mle-salary" in problem


def test_a_changed_answer_is_refused_naming_both_places(tmp_path):
    kb = copy_kb(tmp_path)
    edit(
        kb / "qa" / "salary.yaml", "earn $160,000–$220,000 a year", "earn $160,000–$225,000 a year"
    )
    (problem,) = problems_of(kb)
    assert "figures.yaml:" in problem and "[salary ml_engineer experienced]" in problem
    assert re.search(
        r"mle-salary-experienced \(kb/qa/salary\.yaml:\d+, which says \$225,000\)", problem
    )


def test_an_amount_in_an_entry_no_range_lists_is_refused(tmp_path):
    kb = copy_kb(tmp_path)
    edit(
        kb / "figures.yaml",
        "compare-salary-top-packages, ds-industries-finance]",
        "compare-salary-top-packages]",
    )
    (problem,) = problems_of(kb)
    assert re.match(
        r"kb/qa/industries\.yaml:\d+ \[ds-industries-finance\]: states \$250,000", problem
    )
    assert "figures.yaml" in problem


def test_a_gap_between_the_roles_figures_may_be_stated():
    """ "$15,000 below ... at both ends" is the entry-level gap, not a new figure."""
    knowledge = load_knowledge(KB)
    assert 15_000 in amounts(knowledge.by_id["ds-salary-entry"].answer)


def test_a_title_missing_from_the_ladders_answers_is_refused(tmp_path):
    kb = copy_kb(tmp_path)
    edit(kb / "figures.yaml", "Analytics Manager, Chief", "Analytics Director, Chief")
    (problem,) = problems_of(kb)
    assert "[ladder data_scientist]: title(s) 'Analytics Director'" in problem
    assert "ds-career-path (kb/qa/career-path.yaml:1)" in problem


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("      max: 145000\n", "", "give 'min' and 'max', or 'above'"),
        ("max: 145000", "max: 100000", "max $100,000 is not above min $110,000"),
        ("max: 145000", "max: 145k", "amounts must be positive whole numbers"),
        (
            "level: experienced\n      min: 140000",
            "level: mid\n      min: 140000",
            "unknown level 'mid'",
        ),
        ("currency: USD", "currency: EUR", "currency must be USD"),
        ("year: 2024", "year: 2019", "'year' must be one of the article's years (2024, 2025)"),
        (
            "stated_in: [ds-salary, ds-salary-entry,",
            "stated_in: [ds-salry, ds-salary-entry,",
            "stated_in: no entry 'ds-salry'",
        ),
        ("topic: salary ", "topic: pay ", "unknown topic 'pay'"),
        (
            "does: Leads and mentors",
            "does: " + "x" * 30,
            "is 30 characters; the chart fits 24",
        ),
    ],
    ids=[
        "no-max",
        "max-below-min",
        "not-a-number",
        "level",
        "currency",
        "year",
        "stated-in",
        "topic",
        "long-line",
    ],
)
def test_broken_figures_are_one_line_each(tmp_path, old, new, expected):
    kb = copy_kb(tmp_path)
    edit(kb / "figures.yaml", old, new)
    found = problems_of(kb)
    assert any(expected in p and p.startswith("kb/figures.yaml:") for p in found), found


def test_an_uneven_ladder_is_refused(tmp_path):
    kb = copy_kb(tmp_path)
    figures = kb / "figures.yaml"
    text = figures.read_text(encoding="utf-8")
    start = text.index("        - name: Senior\n          does: Architects")
    end = text.index("        - name: Principal", start)
    figures.write_text(text[:start] + text[end:], encoding="utf-8")
    assert "every role's ladder needs the same number of levels" in " ".join(problems_of(kb))


def test_a_kb_without_figures_has_no_charts_and_loads(tmp_path):
    knowledge = load_knowledge(make_kb(tmp_path))
    assert knowledge.figures.salary is None and knowledge.figures.ladders == ()


def test_amounts_reads_the_ways_answers_write_money():
    assert amounts("$95,000–$130,000, about $95k, or $1,250,000; not 95,000") == [
        95_000,
        130_000,
        95_000,
        1_250_000,
    ]

"""The validation rules: a broken knowledge base is refused with a message that names
the file, the entry and the problem, every problem at once, and never a traceback."""

from __future__ import annotations

import re

import pytest
import yaml

from bot.core.knowledge import KnowledgeError, load_knowledge
from bot.core.knowledge.validation import Problem
from tests.kb_builder import GOOD_ENTRY, make_kb, problems_of

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


def test_a_problem_prints_file_line_and_entry():
    assert str(Problem("qa/salary.yaml", "bad", "ds-pay", 12)) == "qa/salary.yaml:12 [ds-pay]: bad"
    assert str(Problem("roles.yaml", "bad")) == "roles.yaml: bad"
    error = KnowledgeError([Problem("a.yaml", "x"), Problem("b.yaml", "y", line=3)])
    assert str(error) == "knowledge base has 2 problem(s):\n  - a.yaml: x\n  - b.yaml:3: y"


def test_unknown_keys_get_a_did_you_mean_hint_at_their_own_line(tmp_path):
    qa = GOOD_ENTRY.replace("  alternates: [junior mle", "  alternate: [junior mle")
    found = problems_of(make_kb(tmp_path, qa))
    line = 1 + qa.splitlines().index(
        "  alternate: [junior mle pay, new grad ml engineer salary, entry level mle comp]"
    )
    assert (
        f"kb/qa/salary.yaml:{line} [mle-salary-entry]: unknown key 'alternate' "
        "(did you mean 'alternates'?)" in found
    )


def test_a_promotional_list_that_is_not_a_list_is_a_problem(tmp_path):
    """Was a TypeError traceback: ``promotional: 7`` was iterated."""
    kb = make_kb(tmp_path)
    source = kb / "source.yaml"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("promotional: [4]", "promotional: 7", 1), encoding="utf-8")
    assert text != source.read_text(encoding="utf-8")
    assert any("'promotional' must list paragraph numbers" in p for p in problems_of(kb))


# Every value of the first item of every file replaced by a value of the wrong shape:
# the load reports problems and never raises anything else. One wrong value per place
# (they take turns) keeps this to about a hundred loads.
WRONG = [7, "x", True, None, [], ["x", 1], {"k": [1]}, [[1]], [{"a": 1}], 1.5]


def _places(data, prefix=()):
    if isinstance(data, dict):
        for key in list(data)[:8]:
            yield (*prefix, key)
            yield from _places(data[key], (*prefix, key))
    elif isinstance(data, list) and data:
        yield (*prefix, 0)
        yield from _places(data[0], (*prefix, 0))


def test_a_value_of_the_wrong_shape_anywhere_is_a_problem_not_a_traceback(tmp_path):
    kb = make_kb(tmp_path)
    files = sorted(p for p in kb.rglob("*.yaml"))
    unexpected, turn = [], 0
    for path in files:
        original = path.read_text(encoding="utf-8")
        for place in [(), *_places(yaml.safe_load(original))]:
            data = yaml.safe_load(original)
            wrong = WRONG[turn % len(WRONG)]
            turn += 1
            if place:
                parent = data
                for step in place[:-1]:
                    parent = parent[step]
                parent[place[-1]] = wrong
            else:
                data = wrong
            path.write_text(yaml.safe_dump(data), encoding="utf-8")
            try:
                load_knowledge(kb)
            except KnowledgeError:
                pass
            except Exception as exc:
                unexpected.append((path.name, place, wrong, repr(exc)))
        path.write_text(original, encoding="utf-8")
    assert turn > 100
    assert unexpected == []

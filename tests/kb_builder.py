"""Small knowledge bases for tests: the real metadata files plus a qa file under test.

Shared by the knowledge tests and the CLI tests, so a broken fixture KB is built the
same way everywhere.
"""

from __future__ import annotations

import re
import shutil
import textwrap
from pathlib import Path

import pytest

from bot.core.knowledge import KnowledgeError, load_knowledge

REPO = Path(__file__).resolve().parents[1]
KB = REPO / "knowledge"
METADATA = (
    "source.yaml",
    "roles.yaml",
    "topics.yaml",
    "synonyms.yaml",
    "scope.yaml",
    "smalltalk.yaml",
    "lexicon.yaml",
    "coverage.yaml",
    "fit.yaml",
)

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
_SUGGESTIONS = re.compile(r"^(  suggestions: ).*$", re.MULTILINE)
_CLOSEST = re.compile(r"^    closest: .*\n", re.MULTILINE)


def make_kb(tmp_path: Path, qa: str = GOOD_ENTRY, name: str = "salary.yaml") -> Path:
    """A small KB: the real metadata files plus one qa file under test.

    The lexicon's decline suggestions name entries of the real KB; here they name the
    two entries of ``GOOD_ENTRY``, and the coverage file's closest entries are left
    out, so only the rule a test breaks is reported.
    """
    kb = tmp_path / "kb"
    kb.mkdir(parents=True)
    for f in METADATA:
        shutil.copy(KB / f, kb / f)
    lexicon = (KB / "lexicon.yaml").read_text(encoding="utf-8")
    lexicon, count = _SUGGESTIONS.subn(r"\1[ds-salary-entry, mle-salary-entry]", lexicon)
    assert count == 1, "lexicon.yaml: decline.suggestions not found on one line"
    (kb / "lexicon.yaml").write_text(lexicon, encoding="utf-8")
    coverage = _CLOSEST.sub("", (KB / "coverage.yaml").read_text(encoding="utf-8"))
    (kb / "coverage.yaml").write_text(coverage, encoding="utf-8")
    (kb / "qa").mkdir()
    (kb / "qa" / name).write_text(textwrap.dedent(qa), encoding="utf-8")
    return kb


def problems_of(kb: Path) -> list[str]:
    """Every problem ``load_knowledge`` reports for ``kb``, as printed."""
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(kb)
    return [str(p) for p in info.value.problems]

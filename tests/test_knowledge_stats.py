"""Coverage figures (``careerbot kb stats``): computed in the core, printed by the CLI."""

from __future__ import annotations

from bot.cli import main
from bot.core.knowledge import Citation, kb_stats, load_knowledge, uncited_paragraphs
from tests.kb_builder import GOOD_ENTRY, KB, make_kb

SALARY = "Salary Expectations and Market Demand"
# Only the data-science half of GOOD_ENTRY: salary then has a hole for ML engineers.
DS_ONLY = GOOD_ENTRY[: GOOD_ENTRY.index("- id: mle-salary-entry")]


def test_counts_of_a_small_kb(tmp_path):
    stats = kb_stats(load_knowledge(make_kb(tmp_path)))
    assert (stats.entries, stats.phrasings) == (2, 8)
    assert ("salary", 2) in stats.by_topic and ("tools", 0) in stats.by_topic
    assert stats.by_role == (("data_scientist", 1), ("ml_engineer", 1))
    salary = next(s for s in stats.sections if s.title == SALARY)
    assert salary.cited[:2] == (1, 1)
    promoted = next(s for s in stats.sections if s.title.startswith("Career Progression"))
    assert promoted.cited[3] is None  # ¶4 is promotional: never counted, never a hole
    row = next(r for r in stats.grid if r.topic == "salary")
    assert (row.per_role, row.both, row.holes) == ((1, 1), 0, ())
    assert stats.grid_holes == ()  # topics no role covers are not holes


def test_a_topic_one_role_covers_and_the_other_does_not_is_a_hole(tmp_path):
    kb = make_kb(tmp_path, DS_ONLY)
    lexicon = kb / "lexicon.yaml"
    text = lexicon.read_text(encoding="utf-8")
    lexicon.write_text(text.replace(", mle-salary-entry]", "]"), encoding="utf-8")
    stats = kb_stats(load_knowledge(kb))
    row = next(r for r in stats.grid if r.topic == "salary")
    assert (row.per_role, row.holes) == ((1, 0), ("ml_engineer",))
    assert stats.grid_holes == ("salary/ml_engineer",)


def test_uncited_paragraphs_skip_the_cited_and_the_promotional(tmp_path):
    knowledge = load_knowledge(make_kb(tmp_path))
    holes = uncited_paragraphs(knowledge)
    assert Citation(SALARY, 1) not in holes and Citation(SALARY, 3) in holes
    assert Citation("Career Progression and Growth Opportunities", 4) not in holes
    total = sum(s.paragraphs - len(s.promotional) for s in knowledge.source.sections)
    assert len(holes) == total - 2
    assert kb_stats(knowledge).uncited == tuple(holes)


def test_the_shipped_kb_figures_add_up():
    knowledge = load_knowledge(KB)
    stats = kb_stats(knowledge)
    assert stats.entries == len(knowledge.entries)
    assert sum(n for _, n in stats.by_topic) == sum(n for _, n in stats.by_role) == stats.entries
    assert stats.uncited == () and stats.grid_holes == ()


def test_the_cli_prints_the_figures(tmp_path, capsys):
    assert main(["kb", "stats", str(make_kb(tmp_path, DS_ONLY))]) != 0  # lexicon names mle
    capsys.readouterr()
    kb = make_kb(tmp_path / "ok")
    assert main(["kb", "stats", str(kb)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("2 entries, 8 phrasings\n")
    assert f"  {SALARY:<45} ¶1:1 ¶2:1 ¶3:0" in out
    assert "¶4:promo" in out
    assert "  salary                 1       1       0" in out
    assert "Role × topic holes: none" in out

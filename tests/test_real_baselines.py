"""tools/real_baselines.py: the yardstick the README's real-question rows compare the
bot with. It must score a baseline the way the eval scores the bot."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from bot.core.answering.engine import Engine
from bot.core.answering.evaluation import Case

SALARY = "Salary Expectations and Market Demand"


@pytest.fixture(scope="module")
def baselines():
    path = Path(__file__).resolve().parents[1] / "tools" / "real_baselines.py"
    spec = importlib.util.spec_from_file_location("real_baselines", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def entries():
    return Engine.load().knowledge.entries


def test_bm25_right_section_and_separation(baselines, entries) -> None:
    cases = [
        Case("How much do data scientists make per year?", "in_scope", sections=(SALARY,)),
        Case("best pizza topping in naples", "not_covered", missing="pizza"),
    ]
    right, covered, auc = baselines.scores(cases, entries, baselines.bm25(entries))
    assert (right, covered) == (1, 1)
    assert auc == 1.0  # the salary question scores above a question sharing no word


def test_a_wrong_section_is_not_counted(baselines, entries) -> None:
    cases = [
        Case("How much do data scientists make per year?", "in_scope", sections=("Introduction",))
    ]
    right, covered, _ = baselines.scores(cases, entries, baselines.bm25(entries))
    assert (right, covered) == (0, 1)


def test_only_real_parts(baselines, capsys) -> None:
    assert baselines.main(["dev"]) == 2
    assert "no real-question part 'dev'" in capsys.readouterr().err

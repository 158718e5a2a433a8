"""One policy: every number that decides an answer is a Policy field, and is honoured."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest

from bot.core.answering.engine import Engine
from bot.core.answering.policy import POLICY, Policy

ANSWERING = Path(__file__).resolve().parents[1] / "bot" / "core" / "answering"
# Numbers that are not tuning: identities, a pair (two roles, Dice's 2), list positions
# (0 == 0.0 and 1 == 1.0, so the floats are covered too).
PLAIN = {0, 1, 2, -1}
# Measuring answers is not answering: its percentages and table widths are not policy.
NOT_PIPELINE = ("policy.py", "evaluation.py")


def _named_constants(tree: ast.Module) -> set[int]:
    """ids of numbers given a name at module level (``RELATED_LIMIT = 3``): a named,
    documented constant is not a bare number."""
    named: set[int] = set()
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if all(isinstance(t, ast.Name) and t.id.isupper() for t in targets):
                named.update(id(n) for n in ast.walk(node.value))
    return named


def test_policy_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        POLICY.answer_strength = 0.1  # type: ignore[misc]


@pytest.mark.parametrize(
    "module",
    sorted(p.name for p in ANSWERING.glob("*.py") if p.name not in NOT_PIPELINE),
)
def test_no_bare_tuning_numbers_outside_the_policy(module):
    """A threshold written inline is invisible to whoever tunes the policy."""
    tree = ast.parse((ANSWERING / module).read_text(encoding="utf-8"))
    named = _named_constants(tree)
    bare = [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, int | float)
        and not isinstance(node.value, bool)
        and node.value not in PLAIN
        and id(node) not in named
    ]
    assert bare == [], f"{module}: move these numbers into Policy: {bare}"


def test_a_stricter_policy_changes_the_outcome(engine):
    assert engine.ask("ml pipelines").status != "declined"
    strict = Engine(engine.knowledge, policy=Policy(answer_strength=9.0, clarify_strength=8.0))
    assert strict.ask("ml pipelines").status == "declined"


def test_the_prepare_limit_is_the_policys():
    short = Engine.load(policy=Policy(max_question_chars=10))
    assert short.ask("how much do mles make, and what about " + "x" * 50).question == ("how much d")

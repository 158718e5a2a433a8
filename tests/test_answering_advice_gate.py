"""The learned advice gate: a second opinion on "does this ask which role fits me?".

The rules recognise the request in the wordings they were written for; people find
others ("which do i say yes to", two offers and a deadline). The gate, trained on the
dev sets, catches those, only when the rules saw no request and the person said
something about themselves, and ``--explain`` says it was the gate and why.
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import pytest

from bot.core.answering.engine import Engine
from bot.core.knowledge import load_knowledge
from bot.core.knowledge.model import LinearModel
from tests.kb_builder import KB, REPO, make_kb

# Two offers, what the person loves and hates, and a deadline: no "which fits me".
OFFERS = (
    "two offers on the table: product analytics at a bank, or the ml platform team. "
    "i live for a/b tests and i dread pagers. deadline is friday"
)


@pytest.fixture(scope="module")
def rules_only() -> Engine:
    return Engine(dataclasses.replace(load_knowledge(KB), advice_gate=LinearModel()))


def test_a_request_the_rules_miss_is_advised_by_the_gate(engine, rules_only):
    assert rules_only.ask(OFFERS).status != "advised"
    response = engine.respond(OFFERS)
    assert response.reply.status == "advised"
    assert response.reply.fit.signals  # each one quoted and cited, as for any advice
    assert response.trace.get("decide", "rule") == "advice-learned"
    note = response.trace.get("advise", "learned_gate")
    assert float(note.split(",")[0].removeprefix("p=")) >= engine.policy.advice_gate_min


def test_explain_says_the_gate_decided_and_which_words_pushed_it(engine):
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "ask", "--explain", OFFERS],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=True,
    )
    line = next(x for x in result.stdout.splitlines() if "learned_gate" in x)
    assert "pushed by" in line and "+" in line


def test_a_knowledge_dir_without_the_gate_file_uses_the_rules_alone(tmp_path):
    kb = make_kb(tmp_path)
    assert not (kb / "advice_gate.json").exists()
    assert not load_knowledge(kb).advice_gate.weights

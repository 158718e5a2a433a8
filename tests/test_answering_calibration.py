"""Confidence: how far to trust an answer, learned from the dev sets.

On questions people wrote on the web, strength alone over-trusted matches carried by
the role words: a blog title was answered from the wrong section at 0.84. The learned
model also weighs how much of the question the entry explains, whether the next
candidates agree, and whether the question's topic is the entry's.
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import pytest

from bot.core.answering.calibration import calibrated
from bot.core.answering.engine import Engine
from bot.core.answering.evaluation import CONFIDENT
from bot.core.knowledge import load_knowledge
from bot.core.knowledge.model import LinearModel
from tests.kb_builder import KB, REPO


@pytest.fixture(scope="module")
def platt_only() -> Engine:
    return Engine(dataclasses.replace(load_knowledge(KB), calibration=LinearModel()))


def test_a_plain_question_the_article_answers_is_confident(engine):
    reply = engine.ask("what do data scientists earn")
    assert reply.status == "answered" and reply.confidence >= CONFIDENT


@pytest.mark.parametrize(
    "title",
    [
        # Role words carry these to the career-path and education entries; the
        # article's answers are about choosing and pay, and about who suits the role.
        "What is the Top Job in AI? Data Scientist or Machine Learning Engineer?",
        "Who Should Become a Machine Learning Engineer?",
    ],
)
def test_a_web_title_carried_by_the_role_words_is_no_longer_confident(engine, platt_only, title):
    assert platt_only.ask(title).confidence >= CONFIDENT
    assert engine.ask(title).confidence < CONFIDENT


def test_without_the_model_confidence_follows_strength(platt_only):
    """No calibration.json: the Platt curve of the policy, rising with strength."""
    response = platt_only.respond("what do data scientists earn")
    features = response.trace.get("decide", "features")
    p = platt_only.policy
    raw = features["strength"] * features["explained"] ** p.explained_exponent
    assert response.reply.confidence == pytest.approx(calibrated(p, raw))
    values = [calibrated(p, s) for s in (0.1, 0.3, 0.477, 0.7, 1.0)]
    assert values == sorted(values)
    assert calibrated(p, p.calibration_midpoint) == pytest.approx(0.5)


def test_explain_shows_what_the_confidence_rests_on():
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "ask", "--explain", "what do data scientists earn"],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=True,
    )
    text = result.stdout
    assert "features" in text and "section_agreement" in text and "confidence" in text

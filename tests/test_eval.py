"""Answer quality on questions the matcher was never tuned on (the held-out part).

This is the CI gate of issue 3: held-out in-scope accuracy, off-topic decline rate and
follow-up accuracy must each stay at or above 90 %.
"""

from __future__ import annotations

import pytest

from bot.core.answering.engine import Engine
from bot.core.answering.evaluation import default_eval_dir, evaluate, render
from bot.core.knowledge import load_knowledge

GATE = 0.90


@pytest.fixture(scope="module")
def results():
    dev, heldout = evaluate(Engine.load(), default_eval_dir(), ["dev", "heldout"])
    return {"dev": dev, "heldout": heldout}


def _failures(part, kind):
    return [f"{o.case.question!r}: {o.why}" for o in part.outcomes if not o.ok and kind(o)]


def test_sets_are_big_enough_and_separate(results):
    dev, heldout = results["dev"], results["heldout"]
    total = len(dev.outcomes) + len(heldout.outcomes)
    assert total >= 300
    assert sum(o.case.expect == "declined" for p in (dev, heldout) for o in p.outcomes) >= 60

    # Generic follow-ups ("and MLEs?") and small talk may repeat; real questions may not.
    def singles(part):
        return {
            o.case.question.lower()
            for o in part.outcomes
            if not o.case.follow_up and o.case.expect != "smalltalk"
        }

    shared = singles(dev) & singles(heldout)
    assert len(shared) <= 2, shared


def test_heldout_in_scope_accuracy(results):
    rate, good, total = results["heldout"].in_scope
    assert rate >= GATE, f"{good}/{total}"


def test_heldout_off_topic_declined(results):
    rate, good, total = results["heldout"].declined
    assert rate >= GATE, f"{good}/{total}: " + "; ".join(
        _failures(results["heldout"], lambda o: o.case.expect == "declined")
    )


def test_heldout_follow_ups(results):
    rate, good, total = results["heldout"].follow_ups
    assert rate >= GATE, f"{good}/{total}"


# The dev part is where we tune, and it keeps growing with the hardest cases we find;
# these floors only catch regressions (the held-out gate above is the real bar).
DEV_FLOORS = {"in_scope": 0.90, "declined": 0.95, "follow_ups": 0.85}


def test_dev_does_not_regress(results):
    dev = results["dev"]
    for name, floor in DEV_FLOORS.items():
        rate, good, total = getattr(dev, name)
        assert rate >= floor, f"dev {name}: {good}/{total}"


# ---------------------------------------------------------------- real questions
# Copied verbatim from public pages (tests/eval/real/README.md). Floors on the dev part
# catch regressions; the held-out part is reported by `careerbot eval`, never tuned on.
REAL_DEV_FLOORS = {"in_scope": 0.83, "uncovered": 0.82}
"""Re-based on 2026-11-30 (uncovered 0.83 -> 0.82) when rounds 18-20 added 210 harder dev
questions, most not in English: 751/904 (83.1 %) before them, 854/1036 (82.4 %) after."""
REAL_DEV_CONFIDENT_WRONG = 0.03
"""The issue's bar for confident wrong answers (confidence >= 0.8 and wrong)."""


@pytest.fixture(scope="module")
def real():
    dev, heldout = evaluate(Engine.load(), default_eval_dir(), ["real-dev", "real-heldout"])
    return {"dev": dev, "heldout": heldout}


def test_real_sets_are_verbatim_sourced_and_split_by_page(real):
    cases = [o.case for part in real.values() for o in part.outcomes]
    assert len(cases) >= 300
    assert all(c.url and c.url.startswith("http") for c in cases)
    pages = [{o.case.url for o in part.outcomes} for part in real.values()]
    assert not pages[0] & pages[1], "a page must not feed both parts"
    assert sum(c.expect in ("partly", "not_covered") for c in cases) >= 100


def test_real_set_levels_are_the_kbs_levels(real):
    """A label's level is one the KB has (entry, experienced, senior): a "junior" label
    against an "entry" reply was judged a wrong level."""
    knowledge = load_knowledge()
    levels = set(knowledge.lexicon.levels)
    assert {o.case.level for part in real.values() for o in part.outcomes} - {None} <= levels


def test_real_dev_does_not_regress(real):
    dev = real["dev"]
    for name, floor in REAL_DEV_FLOORS.items():
        rate, good, total = getattr(dev, name)
        assert rate >= floor, f"real-dev {name}: {good}/{total}"
    rate, bad, total = dev.confident_wrong
    assert rate <= REAL_DEV_CONFIDENT_WRONG, f"real-dev confident wrong: {bad}/{total}"


# ---------------------------------------------------------------- advice (issue 11)
FIT_DEV_FLOOR = 0.90


@pytest.fixture(scope="module")
def fit():
    dev, heldout = evaluate(Engine.load(), default_eval_dir(), ["fit-dev", "fit-heldout"])
    return {"dev": dev, "heldout": heldout}


def test_fit_sets_are_big_enough_and_mixed(fit):
    cases = [o.case for part in fit.values() for o in part.outcomes]
    assert len(cases) >= 80
    leans = {c.lean for c in cases if c.expect == "advice"}
    assert leans == {"data_scientist", "ml_engineer", "balanced", "none"}
    assert sum(c.expect == "not_advice" for c in cases) >= 15


def test_fit_dev_leans_right_and_lookups_stay_lookups(fit):
    dev = fit["dev"]
    rate, good, total = dev.leaning
    assert rate >= FIT_DEV_FLOOR, f"{good}/{total}"
    for part in fit.values():
        assert part.not_advice[0] == 1.0, part.not_advice
        assert part.advice_cited[0] == 1.0, part.advice_cited


def test_held_out_failures_are_not_listed_unless_asked(real):
    """Reading held-out failures while tuning turns the held-out set into a dev set:
    `careerbot eval` lists only the dev parts' failures by default."""
    failed = next(o for o in real["heldout"].outcomes if not o.ok)
    shown = render([real["dev"], real["heldout"]])
    assert repr(failed.case.question) not in shown
    assert "failure kinds" in shown.split("== real-heldout ==")[1]
    assert repr(failed.case.question) in render([real["heldout"]], show_heldout=True)

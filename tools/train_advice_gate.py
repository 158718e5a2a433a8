"""Train the advisor's learned gate on the DEV parts only; write knowledge/advice_gate.json.

Positives are the fit-dev self-descriptions that ask which role fits (including those
with nothing usable about the person); negatives are its lookups, and the first turn
of every conversation in our dev sets and in the real-question dev set: questions
about the roles, not requests for advice. A logistic regression over the features of
:func:`bot.core.answering.advice_gate.gate_features`, fitted by plain stochastic
gradient descent (a few thousand short messages: no library needed), with a fixed seed
so the file is the same on every run.

Before writing, it reports 5-fold cross-validation: how many requests the rules alone
recognise, and how many more, at what cost in lookups taken for advice, the rules plus
the gate would recognise at each threshold. ``Policy.advice_gate_min`` is chosen from
that table, never from a held-out part.

    python tools/train_advice_gate.py            # report, then write the weights
    python tools/train_advice_gate.py --report   # report only
    python tools/train_advice_gate.py --check    # is the shipped file what the dev sets train?
"""

from __future__ import annotations

import dataclasses
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from model_files import write_or_check

from bot.core.answering.calibration import sigmoid
from bot.core.answering.engine import Engine
from bot.core.answering.evaluation import default_eval_dir, load_cases, part_files
from bot.core.knowledge import load_knowledge
from bot.core.knowledge.linear_models import ADVICE_GATE_FILE as FILE
from bot.core.knowledge.linear_models import BIAS
from bot.core.knowledge.model import LinearModel
from bot.core.text import tokens

PARTS = ("fit-dev", "dev", "real-dev")
EPOCHS = 25
RATE = 0.3
L2 = 1e-4
MIN_COUNT = 2
"""A feature seen in fewer training messages than this is left out: one message's
quirks are not evidence."""
KEEP = 0.01
"""Weights smaller than this are dropped from the file."""
FOLDS = 5
THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95)


def messages() -> list[tuple[str, int]]:
    out = []
    for part in PARTS:
        assert "heldout" not in part
        for path in part_files(default_eval_dir(), part):
            for conversation in load_cases(path):
                case = conversation[0]
                if case.expect == "smalltalk":
                    continue
                out.append((case.question, int(case.expect == "advice")))
    return out


def train(rows: list[frozenset[str]], labels: list[int], seed: int = 0) -> dict[str, float]:
    counts: dict[str, int] = {}
    for row in rows:
        for f in row:
            counts[f] = counts.get(f, 0) + 1
    # Sorted, so the sums (and the file) are the same whatever the hash seed.
    kept = [(BIAS, *sorted(f for f in row if counts[f] >= MIN_COUNT)) for row in rows]
    weights: dict[str, float] = {}
    order = list(range(len(rows)))
    rnd = random.Random(seed)
    for epoch in range(EPOCHS):
        rnd.shuffle(order)
        rate = RATE / (1 + 0.2 * epoch)
        for i in order:
            p = sigmoid(sum(weights.get(f, 0.0) for f in kept[i]))
            step = rate * (p - labels[i])
            for f in kept[i]:
                weights[f] = weights.get(f, 0.0) * (1 - rate * L2) - step
    return weights


def probability(weights: dict[str, float], row: frozenset[str]) -> float:
    return sigmoid(weights.get(BIAS, 0.0) + sum(weights.get(f, 0.0) for f in sorted(row)))


def main() -> None:
    knowledge = load_knowledge()
    rules_only = Engine(dataclasses.replace(knowledge, advice_gate=LinearModel()))
    advisor = rules_only._brain.advisor
    data = messages()
    rows = [advisor.gate_features(q) for q, _ in data]
    labels = [y for _, y in data]
    if "--check" not in sys.argv:
        report(rules_only, data, rows, labels)
    if "--report" in sys.argv:
        return
    text = weights_file(rows, labels)
    write_or_check(
        knowledge.directory / FILE,
        text,
        "tools/train_advice_gate.py",
        f"{text.count(chr(10)) - 7} weights",
    )


def report(
    rules_only: Engine, data: list[tuple[str, int]], rows: list[frozenset[str]], labels: list[int]
) -> None:
    """Cross-validation: what the gate adds to the rules, at each threshold."""
    advisor = rules_only._brain.advisor
    self_words = advisor.self_reference
    ruled = [rules_only.ask(q).status == "advised" for q, _ in data]
    # The gate acts only where the person says something about themselves.
    personal = [bool(advisor.find(q)) or bool(self_words & set(tokens(q))) for q, _ in data]
    order = list(range(len(data)))
    random.Random(1).shuffle(order)
    held = [0.0] * len(data)
    for k in range(FOLDS):
        test = set(order[k::FOLDS])
        train_idx = [i for i in order if i not in test]
        weights = train([rows[i] for i in train_idx], [labels[i] for i in train_idx])
        for i in test:
            held[i] = probability(weights, rows[i])
    pos = [i for i in range(len(data)) if labels[i]]
    neg = [i for i in range(len(data)) if not labels[i]]
    print(f"{len(data)} messages: {len(pos)} ask which role fits, {len(neg)} do not")
    print(f"{FOLDS}-fold cross-validation (each message judged by a model that never saw it):")
    print(
        f"  rules alone:          requests recognised {sum(ruled[i] for i in pos)}/{len(pos)}, "
        f"lookups taken for advice {sum(ruled[i] for i in neg)}/{len(neg)}"
    )
    for th in THRESHOLDS:

        def advised(i: int, th: float = th) -> bool:
            return ruled[i] or (personal[i] and held[i] >= th)

        print(
            f"  rules + gate >= {th:.2f}: requests recognised {sum(map(advised, pos))}/{len(pos)}, "
            f"lookups taken for advice {sum(map(advised, neg))}/{len(neg)}"
        )


def weights_file(rows: list[frozenset[str]], labels: list[int]) -> str:
    """The JSON text of the model trained on every dev message."""
    weights = train(rows, labels)
    kept = {f: round(w, 4) for f, w in sorted(weights.items()) if abs(w) >= KEEP or f == BIAS}
    out = {
        "about": "Written by tools/train_advice_gate.py from the dev sets; do not edit by hand.",
        "trained_on": {"parts": list(PARTS), "messages": len(labels), "requests": sum(labels)},
        "weights": kept,
    }
    return json.dumps(out, indent=0, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    main()

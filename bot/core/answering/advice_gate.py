"""The learned second opinion on whether a message asks which role fits the person.

The advisor's rules (:mod:`.advice`) recognise the request in the wordings they were
written for. People find others: "what's my move", "which lane am i", two offers and a
deadline. A logistic model over the message's words, trained on the dev sets by
``tools/train_advice_gate.py`` (weights in ``knowledge/advice_gate.json``), catches
many of those. It is only consulted when the rules say "not advice", and only acts on
a message in which the person says something about themselves, so a lookup that
mentions a role stays a lookup.

The features are deliberately plain, so ``--explain`` can show which words tipped it.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.core.answering.calibration import sigmoid
from bot.core.knowledge.model import LinearModel

_WORD, _PAIR, _LAST = "w:", "b:", "e:"
_LENGTH_STEP = 8
"""Message length is a feature in steps of this many words..."""
_LENGTH_STEPS = 5
"""...up to this many steps: a long story is long, however long."""
_SHOWN = 3
"""Words shown by ``--explain`` as the ones that pushed the gate most."""


def gate_features(
    stems: Sequence[str],
    last: Sequence[str],
    *,
    signals: int,
    sides: int,
    self_reference: bool,
    question: bool,
    roles: int,
) -> frozenset[str]:
    """What the model sees of a message: its stemmed words and word pairs, the words
    of its last clause (where the request usually is), and a few facts the advisor
    already knows (signals found, and pointing how many ways; "i"/"me"; a question
    mark; roles named; length). ``tools/train_advice_gate.py`` calls this too, so the
    model is trained on exactly what it is later shown."""
    out = {_WORD + s for s in stems}
    out.update(f"{_PAIR}{a}_{b}" for a, b in itertools.pairwise(stems))
    out.update(_LAST + s for s in last)
    if signals:
        out.add("signals")
    if signals > 1:
        out.add("signals:several")
    if sides > 1:
        out.add("signals:both-ways")
    if self_reference:
        out.add("self")
    if question:
        out.add("question-mark")
    out.add(f"roles:{min(roles, 2)}")
    out.add(f"length:{min(len(stems) // _LENGTH_STEP, _LENGTH_STEPS)}")
    return frozenset(out)


@dataclass(frozen=True, slots=True)
class Opinion:
    probability: float
    """How likely the message asks which role fits, by the learned model."""
    reasons: tuple[str, ...] = ()
    """The features that pushed it up most, readable ("…what path", "ends on 'move'")."""


def opinion(gate: LinearModel, features: Iterable[str], shown: int = _SHOWN) -> Opinion:
    """The gate's opinion of ``features``; no weights at all means probability 0."""
    if not gate.weights:
        return Opinion(0.0)
    weights = gate.weights
    parts = [(f, weights[f]) for f in features if f in weights]
    probability = sigmoid(gate.bias + sum(w for _, w in parts))
    top = sorted((p for p in parts if p[1] > 0), key=lambda p: -p[1])[:shown]
    return Opinion(probability, tuple(f"{_readable(f)} {w:+.1f}" for f, w in top))


_FACTS = {
    "signals": "something about the person",
    "signals:several": "several things about the person",
    "signals:both-ways": "evidence both ways",
    "self": "'i'/'me'",
    "question-mark": "a question mark",
    "roles:0": "no role named",
    "roles:1": "one role named",
    "roles:2": "both roles named",
}


def _readable(feature: str) -> str:
    if feature in _FACTS:
        return _FACTS[feature]
    if feature.startswith("length:"):
        return f"about {int(feature.split(':')[1]) * _LENGTH_STEP}+ words"
    if feature.startswith(_WORD):
        return repr(feature[len(_WORD) :])
    if feature.startswith(_PAIR):
        return repr(feature[len(_PAIR) :].replace("_", " "))
    if feature.startswith(_LAST):
        return f"ends on {feature[len(_LAST) :]!r}"
    return feature

"""Confidence: how likely an answer is to be right, the number every reply carries.

Strength decides what the bot does (answer, ask which one, decline); confidence says how
far to trust the result, names an answer's unexplained words as possible gaps when it is
low, and when it is very low turns an answer with gaps into a decline that shows the
entry as the closest the article gets (:mod:`.coverage`). On questions people wrote on
the web, strength alone was a poor guide: a title like "Data Scientist vs. ML Engineer:
Clarifying the Critical Roles" matches strongly on the role words and is still answered
from the wrong section. So confidence is a logistic model over what the decide stage
already knows about the match: how strong it is, how much of the question the entry
explains, how far it leads the runner-up, whether the next candidates agree on its
section and topic, whether the question's topic is the entry's. ``tools/calibrate.py``
fits it on the dev sets only, the real questions weighing double (``PART_WEIGHTS``), and
writes ``knowledge/calibration.json``; ``--explain`` shows the features. Without that
file the policy's Platt curve over strength is used.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from bot.core.answering.matching import Candidate
from bot.core.answering.policy import Policy
from bot.core.answering.understanding import Analysis
from bot.core.knowledge.model import LinearModel

_CLAMP = 30.0
"""exp() of more than this is certainty either way (and would overflow soon after)."""
_NEIGHBOURS = 3
"""Candidates after the best whose agreement with it is a feature."""
_MARGIN_CAP = 0.5
"""A lead over the runner-up counts up to this much (and a lone candidate's lead)."""


def sigmoid(z: float) -> float:
    """The logistic function, clamped so a very sure input cannot overflow it; the
    trainers use it too, so training and answering agree to the last digit."""
    return 1.0 / (1.0 + math.exp(-max(-_CLAMP, min(_CLAMP, z))))


def calibrated(policy: Policy, strength: float) -> float:
    """The fallback: Platt scaling of strength alone (no ``calibration.json``)."""
    slope, midpoint = policy.calibration_slope, policy.calibration_midpoint
    return sigmoid(slope * (strength - midpoint))


def decline_cap(policy: Policy) -> float:
    """A decline never claims more confidence than the weakest clarify."""
    return calibrated(policy, policy.clarify_strength)


def confidence_features(
    analysis: Analysis,
    candidates: Sequence[Candidate],
    strength: float,
    explained: float,
    policy: Policy,
) -> dict[str, float]:
    """What the decide stage knows about the best match, as numbers. Style (a question
    mark, the message's length in characters) is left out on purpose: it tells our own
    sets from web titles, not right answers from wrong ones."""
    best = candidates[0]
    entry = best.entry
    neighbours = candidates[1 : 1 + _NEIGHBOURS]
    section = entry.cite[0].section if entry.cite else None
    topics = analysis.topic_scores
    top = max(topics.values(), default=0.0)
    return {
        "strength": strength,
        "explained": explained,
        "strength_explained": strength * explained,
        "known_share": analysis.known_share(policy),
        "content_words": math.log1p(len(analysis.content)),
        "roles_named": float(len(analysis.roles)),
        "topic_detected": float(top > 0),
        "topic_is_entry_topic": float(analysis.topic is not None and analysis.topic == entry.topic),
        "topic_share": topics.get(entry.topic, 0.0) / top if top > 0 else 0.0,
        "lead": min(best.score - candidates[1].score, _MARGIN_CAP)
        if len(candidates) > 1
        else _MARGIN_CAP,
        "lexical": best.lexical,
        "fuzzy": best.fuzzy,
        "coverage": best.coverage,
        "slots": best.slots,
        "unknown_words": float(len(analysis.unknown)),
        "inherited_roles": float(analysis.inherited_roles),
        "compare_cue": float(analysis.compare_cue),
        "section_agreement": sum(
            bool(c.entry.cite) and c.entry.cite[0].section == section for c in neighbours
        )
        / _NEIGHBOURS,
        "topic_agreement": sum(c.entry.topic == entry.topic for c in neighbours) / _NEIGHBOURS,
    }


def learned_confidence(model: LinearModel, features: Mapping[str, float]) -> float:
    """The model's probability that the answer is right."""
    weights = model.weights
    return sigmoid(model.bias + sum(weights.get(k, 0.0) * v for k, v in features.items()))

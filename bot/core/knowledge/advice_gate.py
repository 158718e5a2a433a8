"""Reading ``advice_gate.json``: the learned second opinion on "does this ask for advice?".

The weights are data written by ``tools/train_advice_gate.py``, never by hand, so the
file is JSON (fast to load, and nobody edits it). It is optional: without it the advisor
uses its rules alone. A file that is there but broken is a load problem like any other.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from types import MappingProxyType

from bot.core.knowledge.model import AdviceGate
from bot.core.knowledge.validation import Checker

FILE = "advice_gate.json"
BIAS = "bias"
"""The intercept's key among the weights."""


def advice_gate_from(path: Path, check: Checker) -> AdviceGate:
    """The gate in ``path``; an empty one, with problems recorded, if it is unusable."""
    if not path.is_file():
        return AdviceGate()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        check.fail(f"not UTF-8 ({exc.reason})")
        return AdviceGate()
    except json.JSONDecodeError as exc:
        check.fail(f"not valid JSON: {exc.msg}", line=exc.lineno)
        return AdviceGate()
    weights = data.get("weights") if isinstance(data, dict) else None
    if not isinstance(weights, dict) or BIAS not in weights:
        check.fail("must be a JSON object with 'weights' (feature -> number, 'bias' included)")
        return AdviceGate()
    out: dict[str, float] = {}
    for feature, weight in weights.items():
        number = isinstance(weight, int | float) and not isinstance(weight, bool)
        if not number or not math.isfinite(weight):
            check.fail(f"weight of {feature!r} must be a finite number, got {weight!r}")
            continue
        out[feature] = float(weight)
    bias = out.pop(BIAS, 0.0)
    return AdviceGate(MappingProxyType(out), bias)

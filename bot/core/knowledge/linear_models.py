"""Reading the learned models: ``advice_gate.json`` and ``calibration.json``.

Both are logistic models written by a tool from the dev sets, never by hand
(``tools/train_advice_gate.py``, ``tools/calibrate.py``), so they are JSON: fast to
load, and nobody edits them. Both are optional: without the gate the advisor uses its
rules alone; without the calibration confidence falls back to the policy's Platt curve.
A file that is there but broken is a load problem like any other.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from types import MappingProxyType

from bot.core.knowledge.model import LinearModel
from bot.core.knowledge.validation import Checker

ADVICE_GATE_FILE = "advice_gate.json"
CALIBRATION_FILE = "calibration.json"
BIAS = "bias"
"""The intercept's key among the weights."""


def linear_model_from(path: Path, check: Checker) -> LinearModel:
    """The model in ``path``; an empty one, with problems recorded, if it is unusable."""
    if not path.is_file():
        return LinearModel()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        check.fail(f"not UTF-8 ({exc.reason})")
        return LinearModel()
    except json.JSONDecodeError as exc:
        check.fail(f"not valid JSON: {exc.msg}", line=exc.lineno)
        return LinearModel()
    weights = data.get("weights") if isinstance(data, dict) else None
    if not isinstance(weights, dict) or BIAS not in weights:
        check.fail("must be a JSON object with 'weights' (feature -> number, 'bias' included)")
        return LinearModel()
    out: dict[str, float] = {}
    for feature, weight in weights.items():
        number = isinstance(weight, int | float) and not isinstance(weight, bool)
        if not number or not math.isfinite(weight):
            check.fail(f"weight of {feature!r} must be a finite number, got {weight!r}")
            continue
        out[feature] = float(weight)
    bias = out.pop(BIAS, 0.0)
    return LinearModel(MappingProxyType(out), bias)

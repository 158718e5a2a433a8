"""The learned models' files (``advice_gate.json``, ``calibration.json``): written by a
tool from the dev sets, validated at load like any KB file, and kept in step with the
dev sets by a test, since stale weights would judge new wordings by old evidence."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.kb_builder import KB, REPO, make_kb, problems_of

MODELS = [
    ("advice_gate.json", "tools/train_advice_gate.py"),
    ("calibration.json", "tools/calibrate.py"),
]
FILES = [name for name, _ in MODELS]


@pytest.mark.parametrize("name", FILES)
@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"weights": {"bias": 0.1,\n "w:stat": }}', "not valid JSON: Expecting value"),
        ('{"weights": {"w:stat": 1.0}}', "must be a JSON object with 'weights'"),
        ('{"weights": {"bias": 0.1, "w:stat": "high"}}', "weight of 'w:stat' must be"),
        ('{"weights": {"bias": 0.1, "w:stat": NaN}}', "weight of 'w:stat' must be"),
    ],
)
def test_a_broken_model_file_is_one_clear_line(tmp_path, name, content, message):
    kb = make_kb(tmp_path)
    (kb / name).write_text(content, encoding="utf-8")
    (problem,) = problems_of(kb)
    assert problem.startswith(f"kb/{name}")
    assert message in problem


@pytest.mark.parametrize("name", FILES)
def test_the_line_of_a_json_syntax_error_is_named(tmp_path, name):
    kb = make_kb(tmp_path)
    (kb / name).write_text('{"weights": {"bias": 0.1,\n "w:stat": }}')
    assert problems_of(kb)[0].startswith(f"kb/{name}:2:")


@pytest.mark.parametrize(("name", "tool"), MODELS)
def test_the_shipped_weights_are_what_the_dev_sets_train(name, tool):
    """Someone who adds dev questions retrains. The held-out parts are never read by
    the trainers."""
    result = subprocess.run(
        [sys.executable, tool, "--check"], capture_output=True, text=True, cwd=REPO
    )
    assert result.returncode == 0, result.stderr
    shipped = json.loads((KB / name).read_text(encoding="utf-8"))
    assert "heldout" not in " ".join(shipped["trained_on"]["parts"])

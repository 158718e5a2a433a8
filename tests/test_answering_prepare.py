"""The prepare stage: one line, one length limit, valid Unicode, for every front end."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from bot.core.answering.prepare import prepare, valid_text


def test_one_line_single_spaced_and_cut():
    assert prepare("  how much\n\tdo  mles make ", 100) == "how much do mles make"
    assert prepare("how much do mles make", 8) == "how much"


def test_lone_surrogates_become_replacement_characters():
    assert valid_text("pay \udcff mle") == "pay \ufffd mle"  # a byte kept by surrogateescape
    assert valid_text("pay \ud800 mle").startswith("pay \ufffd")  # any other lone surrogate
    assert valid_text("plain ✓") == "plain ✓"


def _cli(*args: str | bytes, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8:strict", "PYTHONUTF8": "1"}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, env=env, timeout=60
    )


def test_invalid_utf8_in_an_argument_is_replaced_and_answered():
    result = _cli("ask", "--json", os.fsdecode(b"how much do mles \xff make"))
    assert result.returncode == 0, result.stderr
    line = json.loads(result.stdout.decode("utf-8"))
    assert "\ufffd" in line["question"] and line["status"] == "answered"


def test_invalid_utf8_on_stdin_does_not_crash_chat():
    result = _cli("chat", "--json", stdin=b"\xff\xfe how much do mles make\n\xc3(\n")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(x) for x in result.stdout.decode("utf-8").splitlines()]
    assert len(lines) == 2 and lines[0]["status"] == "answered"
    assert all("\ufffd" in line["question"] for line in lines)

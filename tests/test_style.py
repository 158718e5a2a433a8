"""The codebase stays ruff-clean, and the core stays free of Discord (STYLE.md)."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _ruff(*args: str) -> subprocess.CompletedProcess:
    exe = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if exe is None:
        pytest.fail("ruff is part of the test extra; install with pip install -e '.[test]'")
    return subprocess.run([exe, *args], cwd=REPO, capture_output=True, text=True, timeout=120)


def test_ruff_check_passes():
    result = _ruff("check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_applied():
    result = _ruff("format", "--check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_core_never_imports_discord():
    offenders = [
        str(path.relative_to(REPO))
        for path in (REPO / "bot" / "core").rglob("*.py")
        if any(
            line.strip().startswith(("import discord", "from discord"))
            for line in path.read_text(encoding="utf-8").splitlines()
        )
    ]
    assert offenders == []


def test_discord_code_uses_no_private_attributes():
    """discord.py's underscored attributes change without notice: use its public API.

    Any ``x._name`` where ``x`` is not ``self`` or ``cls`` counts, so reaching into
    another module's private parts is caught as well.
    """
    bot = REPO / "bot"
    paths = [bot / "discord_bot.py"]
    for package in ("exts", "discord_support", "ui"):
        paths.extend(sorted((bot / package).glob("*.py")))
    offenders = [
        f"{path.relative_to(REPO)}:{node.lineno}: .{node.attr}"
        for path in paths
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Attribute)
        and node.attr.startswith("_")
        and not node.attr.startswith("__")
        and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"))
    ]
    assert offenders == []

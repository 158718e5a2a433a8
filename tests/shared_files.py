"""Finding the files in ../shared that tests read in place (never copied into the repo).

Someone's own clone may not have ../shared: those tests skip with a clear reason. CI
sets CAREERBOT_REQUIRE_SHARED=1, which turns the skip into a failure so a missing
file can never pass silently.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CAREERBOT_SHARED_DIR", REPO.parent / "shared"))


def shared_path(env_var: str, relative: str) -> Path:
    """Where a shared file should be: $env_var, else ../shared/<relative>."""
    return Path(os.environ.get(env_var) or SHARED / relative)


def shared_file(env_var: str, relative: str) -> Path:
    """Path of a shared file (see :func:`shared_path`); skip or fail if absent."""
    path = shared_path(env_var, relative)
    if not path.is_file():
        reason = f"{path} not found (set {env_var} to its location)"
        if os.environ.get("CAREERBOT_REQUIRE_SHARED") == "1":
            pytest.fail(f"required shared file missing: {reason}")
        pytest.skip(reason)
    return path


def article_path() -> Path:
    return shared_file("CAREERBOT_ARTICLE", "source/article.txt")


SPEC = ("DISCORD_API_SPEC", "discord-api-spec/openapi.json")


def spec_path() -> Path:
    return shared_file(*SPEC)

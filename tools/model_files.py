"""What the trainers share: write a learned model's file, or check that the shipped one
is what the dev sets train (``--check``, run by the tests)."""

from __future__ import annotations

import sys
from pathlib import Path


def write_or_check(path: Path, text: str, tool: str, written: str) -> None:
    """Write ``text`` to ``path``, or with ``--check`` exit non-zero if they differ."""
    if "--check" in sys.argv:
        shipped = path.read_text(encoding="utf-8") if path.is_file() else ""
        if shipped != text:
            sys.exit(f"{path} is not what the dev sets train: run {tool}")
        print(f"{path} is up to date")
        return
    path.write_text(text, encoding="utf-8")
    print(f"wrote {written} to {path}")

"""Violations of Discord's request rules and the error bodies Discord answers them with.

Both the OpenAPI validation (``spec.py``) and the prose limits (``limits.py``) report
problems as :class:`Violation` so the server can answer exactly like Discord does
(HTTP 400, code 50035, errors nested by JSON path) and record a readable problem line.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

JsonPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Violation:
    """One reason Discord would reject a request body.

    ``path`` is the JSON path of the offending field inside the body, ``code`` the
    error code Discord puts in its nested error object (e.g. ``BASE_TYPE_MAX_LENGTH``)
    and ``message`` the human-readable complaint (the spec's, or the documented limit).
    """

    path: JsonPath
    code: str
    message: str

    def describe(self) -> str:
        """Render as ``embeds[0].title: <complaint>`` for problem logs."""
        return f"{format_path(self.path)}: {self.message}"


def format_path(path: Sequence[str | int]) -> str:
    """Format a JSON path the way people read it: ``embeds[0].fields[2].name``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "<body>"


def form_body_error(violations: Iterable[Violation]) -> dict[str, Any]:
    """Build Discord's ``Invalid Form Body`` response for the given violations.

    Discord nests errors by path with ``_errors`` leaves, e.g.
    ``{"embeds": {"0": {"title": {"_errors": [{"code": ..., "message": ...}]}}}}``;
    discord.py flattens that tree into ``HTTPException.text`` so tests see the field.
    """
    tree: dict[str, Any] = {}
    for violation in violations:
        node = tree
        for part in violation.path:
            node = node.setdefault(str(part), {})
        node.setdefault("_errors", []).append(
            {"code": violation.code, "message": violation.message}
        )
    return {"code": 50035, "message": "Invalid Form Body", "errors": tree}

"""What each stage of answering saw and chose, so a reply can be explained.

Every stage appends one :class:`Step` to the question's :class:`Trace`. ``careerbot
ask --explain`` prints it, ``careerbot eval`` shows the rule that fired next to each
failure, and ``tools/calibrate.py`` reads the raw strength from it: nobody has to
patch a function to see why an answer was given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class Rows(tuple[Any, ...]):
    """A fact shown one item per line: strings as they are, anything else by its
    ``row()``. Candidates are kept as they are and formatted only when a trace is
    shown, so answering does not pay for text nobody reads."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class Step:
    stage: str
    facts: dict[str, Any]


@dataclass(slots=True)
class Trace:
    steps: list[Step] = field(default_factory=list)

    def add(self, stage: str, **facts: Any) -> None:
        self.steps.append(Step(stage, facts))

    def get(self, stage: str, key: str, default: Any = None) -> Any:
        """The last value ``key`` was given by ``stage``."""
        for step in reversed(self.steps):
            if step.stage == stage and key in step.facts:
                return step.facts[key]
        return default

    @property
    def rule(self) -> str | None:
        """The name of the rule that decided the outcome."""
        return self.get("decide", "rule")

    def render(self) -> str:
        """One block per stage, facts as ``key: value``, empty facts left out."""
        lines: list[str] = []
        shown = None
        for step in self.steps:
            facts = [(k, v) for k, v in step.facts.items() if v not in _EMPTY]
            if not facts:
                continue
            if step.stage != shown:  # consecutive steps of a stage share a heading
                lines.append(f"[{step.stage}]")
                shown = step.stage
            for key, value in facts:
                lines.append(f"  {key:<12} {_show(value)}")
        return "\n".join(lines)


_EMPTY = (None, (), [], {}, "", frozenset())


def _show(value: Any) -> str:
    """Numbers to three places, sets sorted, a list of lines and a mapping (the
    confidence features) one item per line."""
    if isinstance(value, dict):
        return "\n" + "\n".join(f"    {k:<20} {_show(v)}" for k, v in value.items())
    if isinstance(value, float):
        return f"{value:.3f}"
    if isinstance(value, frozenset | set):
        return ", ".join(sorted(map(str, value)))
    if isinstance(value, Rows):
        return "\n" + "\n".join(f"    {v if isinstance(v, str) else v.row()}" for v in value)
    if isinstance(value, tuple | list):
        return ", ".join(_show(v) for v in value)
    return str(value)

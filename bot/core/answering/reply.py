"""What the engine returns: a structured reply that every front end renders its own way.

The terminal prints :attr:`Reply.text`; the Discord layer builds embeds from the parts.
``to_json`` is the stable ``--json`` contract: its keys never change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from bot.core.knowledge import Citation

Status = Literal["answered", "compared", "clarify", "declined", "smalltalk", "advised"]
CONFIDENCE_DECIMALS = 4
"""``--json`` rounds confidence to this many places."""
JSON_KEYS = (
    "question",
    "status",
    "text",
    "citations",
    "entries",
    "confidence",
    "suggestions",
    "not_covered",
    "fit",
)


@dataclass(frozen=True, slots=True)
class Column:
    """One role's side of a side-by-side comparison."""

    role: str
    role_name: str
    entry_id: str
    text: str
    citations: tuple[Citation, ...]


@dataclass(frozen=True, slots=True)
class FitLine:
    """One signal of advice: the person's words, where they point, why, and the source."""

    text: str
    role: str | None
    reason: str
    citation: Citation


@dataclass(frozen=True, slots=True)
class FitView:
    """What ``--json``'s ``fit`` key shows. Role slugs ("data-scientist") as in the CLI."""

    role: str | None
    score: tuple[tuple[str, int], ...]
    signals: tuple[FitLine, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "score": dict(self.score),
            "signals": [
                {"text": s.text, "role": s.role, "citation": s.citation.to_json()}
                for s in self.signals
            ],
        }


@dataclass(frozen=True, slots=True)
class Reply:
    question: str
    status: Status
    title: str
    body: str
    citations: tuple[Citation, ...] = ()
    citation_line: str = ""
    entries: tuple[str, ...] = ()
    confidence: float = 0.0
    suggestions: tuple[str, ...] = ()
    suggestion_ids: tuple[str, ...] = ()
    """Entry ids of ``suggestions`` (same order), so a front end can answer a click."""
    related: tuple[str, ...] = ()
    related_ids: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    topic: str | None = None
    level: str | None = None
    columns: tuple[Column, ...] = ()
    counterpart: str | None = None
    """Entry id answering the same question for the other role ("Same for the other role")."""
    not_covered: tuple[str, ...] = ()
    """What the question asked that the article does not cover ("stress levels",
    "salaries outside the US"); empty when it is fully covered."""
    parts: tuple[Reply, ...] = ()
    """One reply per ask when a message asks several things, each with its citations."""
    fit: FitView | None = None
    """For ``advised`` replies: the leaning, both scores and every signal, cited."""

    @property
    def text(self) -> str:
        """The full reply as a person reads it in a terminal."""
        if self.parts:
            sections = [self.body] if self.body else []
            sections += [f"» {part.title}\n\n{part.text}" for part in self.parts]
            return "\n\n".join(sections)
        parts = [self.body]
        for column in self.columns:
            parts.append(f"{column.role_name}: {column.text}")
        if self.citation_line:
            parts.append(self.citation_line)
        if self.suggestions:
            label = "Did you mean:" if self.status == "clarify" else "You could ask:"
            parts.append(label + "\n" + "\n".join(f"  • {s}" for s in self.suggestions))
        if self.related:
            parts.append("Related:\n" + "\n".join(f"  • {r}" for r in self.related))
        return "\n\n".join(p for p in parts if p)

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "status": self.status,
            "text": self.text,
            "citations": [c.to_json() for c in self.citations],
            "entries": list(self.entries),
            "confidence": round(float(self.confidence), CONFIDENCE_DECIMALS),
            "suggestions": list(self.suggestions),
            "not_covered": list(self.not_covered),
            "fit": self.fit.to_json() if self.fit else None,
        }


@dataclass(frozen=True, slots=True)
class CardLine:
    """One cited line of a role summary card."""

    label: str
    text: str
    citations: tuple[Citation, ...]
    citation_line: str


@dataclass(frozen=True, slots=True)
class RoleCard:
    role: str
    name: str
    focus: str
    colour: int
    lines: tuple[CardLine, ...]

    @property
    def text(self) -> str:
        out = [f"{self.name}: {self.focus}"]
        for line in self.lines:
            out.append(f"{line.label}: {line.text}\n  {line.citation_line}")
        return "\n\n".join(out)


@dataclass(frozen=True, slots=True)
class TopicInfo:
    id: str
    name: str
    description: str
    example: str
    entries: int

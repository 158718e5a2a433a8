"""The rules a knowledge base must follow, and how a broken one is reported.

Every check records a :class:`Problem` instead of raising, so one pass over a broken
pull request lists everything wrong with it (file, entry id, line, what is wrong) and
the maintainer fixes it in one go rather than one error per restart.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.core.knowledge.model import LEVELS, Citation, Entry, Source
from bot.core.knowledge.yaml_reader import key_line, line_of
from bot.core.text import normalise

ANSWER_LIMIT = 700
"""Most characters in an answer: it must read as a chat message, not an essay."""
MIN_ALTERNATES = 3
"""Fewest alternate phrasings per entry, so matching has the ways people really ask."""
ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
"""Entry and topic ids: kebab-case, stable, safe in a URL or a custom id."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the KB, printed as ``file:line [entry]: message``."""

    file: str
    message: str
    entry: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        who = f" [{self.entry}]" if self.entry else ""
        return f"{where}{who}: {self.message}"


class KnowledgeError(Exception):
    """The KB is invalid. ``problems`` lists every problem found, not just the first."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"knowledge base has {len(self.problems)} problem(s):\n{lines}")


def is_text(value: Any) -> bool:
    """A YAML scalar that reads as text: a string or a number, never a bool."""
    return isinstance(value, str | int | float) and not isinstance(value, bool)


class Checker:
    """Field-level checks for one file that record problems instead of raising."""

    def __init__(self, problems: list[Problem], file: str) -> None:
        self.problems = problems
        self.file = file

    def fail(self, message: str, entry: str | None = None, line: int | None = None) -> None:
        self.problems.append(Problem(self.file, message, entry, line))

    def keys(
        self,
        item: Mapping[Any, Any],
        required: set[str],
        optional: set[str],
        entry: str | None,
        where: str = "",
    ) -> bool:
        """Unknown keys (with a did-you-mean hint) and missing ones; ``where`` prefixes
        the key names of a nested mapping ("cues.")."""
        ok = True
        present = set(item)
        for key in sorted(present - required - optional, key=str):
            close = [k for k in sorted(required | optional) if similar(str(key), k)]
            hint = f" (did you mean {where + close[0]!r}?)" if close else ""
            self.fail(f"unknown key {where + str(key)!r}{hint}", entry, key_line(item, key))
            ok = False
        for key in sorted(required - present):
            self.fail(f"missing required key {where + key!r}", entry, line_of(item))
            ok = False
        return ok

    def text(self, item: Mapping[Any, Any], key: str, entry: str | None) -> str:
        value = item.get(key)
        if value is None:
            return ""
        if not is_text(value):
            self.fail(f"{key!r} must be text", entry, line_of(item))
            return ""
        value = " ".join(str(value).split())
        if not value:
            self.fail(f"{key!r} is empty", entry, line_of(item))
        return value

    def strings(self, item: Mapping[Any, Any], key: str, entry: str | None) -> tuple[str, ...]:
        value = item.get(key)
        if value is None:
            return ()
        if not isinstance(value, list):
            self.fail(f"{key!r} must be a list", entry, line_of(item))
            return ()
        out = []
        for i, v in enumerate(value):
            if not is_text(v) or not str(v).strip():
                self.fail(f"{key!r} item {i + 1} is empty or not text", entry, line_of(item))
                continue
            out.append(" ".join(str(v).split()))
        return tuple(out)


def similar(a: str, b: str) -> bool:
    """Close enough to be a typo of each other, for "did you mean" hints."""
    from rapidfuzz.distance import Levenshtein

    return Levenshtein.distance(a, b) <= 2


# ---------------------------------------------------------------------------- entries


ENTRY_REQUIRED = {"id", "question", "alternates", "answer", "roles", "topic", "cite"}
ENTRY_OPTIONAL = {"level", "primary", "related"}


def entry_from(
    raw: Mapping[Any, Any],
    check: Checker,
    source: Source | None,
    role_ids: set[str],
    topic_ids: set[str],
    file_topic: str,
) -> Entry:
    """One ``qa/<file_topic>.yaml`` item as an :class:`Entry`, its problems recorded."""
    line = line_of(raw)
    entry_id = check.text(raw, "id", None) or None
    check.keys(raw, ENTRY_REQUIRED, ENTRY_OPTIONAL, entry_id)
    if entry_id and not ID.match(entry_id):
        check.fail("id must be kebab-case (lower case words joined by '-')", entry_id, line)

    question = check.text(raw, "question", entry_id)
    answer = check.text(raw, "answer", entry_id)
    if len(answer) > ANSWER_LIMIT:
        check.fail(
            f"answer is {len(answer)} characters; the limit is {ANSWER_LIMIT}", entry_id, line
        )
    alternates = check.strings(raw, "alternates", entry_id)
    if "alternates" in raw and len(alternates) < MIN_ALTERNATES:
        check.fail(
            f"needs at least {MIN_ALTERNATES} alternates, has {len(alternates)}", entry_id, line
        )

    roles = check.strings(raw, "roles", entry_id)
    if "roles" in raw and not roles:
        check.fail("'roles' is empty", entry_id, line)
    for role in roles:
        if role not in role_ids:
            check.fail(
                f"unknown role {role!r} (known: {', '.join(sorted(role_ids))})", entry_id, line
            )
    if len(set(roles)) != len(roles):
        check.fail("'roles' lists a role twice", entry_id, line)

    topic = check.text(raw, "topic", entry_id)
    if topic and topic not in topic_ids:
        check.fail(f"unknown topic {topic!r}", entry_id, line)
    elif topic and topic != file_topic:
        check.fail(
            f"topic {topic!r} belongs in qa/{topic}.yaml, not qa/{file_topic}.yaml", entry_id, line
        )

    level = raw.get("level")
    if level is not None and level not in LEVELS:
        check.fail(f"unknown level {level!r} (known: {', '.join(LEVELS)})", entry_id, line)
        level = None
    primary = raw.get("primary", False)
    if not isinstance(primary, bool):
        check.fail("'primary' must be true or false", entry_id, line)
        primary = False

    return Entry(
        id=entry_id or "",
        question=question,
        alternates=alternates,
        answer=answer,
        roles=tuple(sorted(set(roles) & role_ids)),
        topic=topic,
        cite=citations_from(raw, check, source, entry_id),
        level=level,
        primary=primary,
        related=check.strings(raw, "related", entry_id),
        file=check.file + (f":{line}" if line else ""),
    )


def citations_from(
    raw: Mapping[Any, Any], check: Checker, source: Source | None, entry_id: str | None
) -> tuple[Citation, ...]:
    value = raw.get("cite")
    if value is None:
        return ()
    if not isinstance(value, list) or not value:
        check.fail(
            "'cite' must be a non-empty list of {section, paragraph}", entry_id, line_of(raw)
        )
        return ()
    cites: list[Citation] = []
    for item in value:
        line = line_of(item) if isinstance(item, dict) else line_of(raw)
        if not isinstance(item, dict) or not check.keys(
            item, {"section", "paragraph"}, set(), entry_id
        ):
            if not isinstance(item, dict):
                check.fail("each citation must be {section, paragraph}", entry_id, line)
            continue
        title, paragraph = item["section"], item["paragraph"]
        if not isinstance(paragraph, int) or isinstance(paragraph, bool):
            check.fail(f"paragraph {paragraph!r} is not a number", entry_id, line)
            continue
        if not is_text(title):
            check.fail("'section' must be a section title", entry_id, line)
            continue
        section = source.section(str(title)) if source else None
        if source and section is None:
            check.fail(f"unknown section {title!r}", entry_id, line)
            continue
        if section is not None:
            if not 1 <= paragraph <= section.paragraphs:
                check.fail(
                    f"paragraph {paragraph} is out of range: {title!r} has {section.paragraphs}",
                    entry_id,
                    line,
                )
                continue
            if paragraph in section.promotional:
                check.fail(
                    f"{title!r} ¶{paragraph} is promotional, not knowledge; do not cite it",
                    entry_id,
                    line,
                )
                continue
        cites.append(Citation(str(title), paragraph))
    return tuple(dict.fromkeys(cites))


# ---------------------------------------------------------------------------- whole KB


def unique_ids(kind: str, ids: Iterable[str], file: str, problems: list[Problem]) -> None:
    """Roles, topics and small-talk items are looked up by id: each must be unique."""
    seen: set[str] = set()
    for item_id in ids:
        if item_id in seen:
            problems.append(Problem(file, f"duplicate {kind} id {item_id!r}"))
        seen.add(item_id)


def cross_checks(entries: list[Entry], problems: list[Problem], stop_words: frozenset[str]) -> None:
    """Rules that need the whole KB: unique ids, related ids, shared phrasings (compared
    without ``stop_words``, as the matcher compares them), primaries."""
    ids: dict[str, Entry] = {}
    for entry in entries:
        if not entry.id:
            continue
        if entry.id in ids:
            _fail(entry, problems, f"duplicate id (first defined at {ids[entry.id].file})")
        else:
            ids[entry.id] = entry
    phrasings: dict[str, Entry] = {}
    primaries: dict[tuple[str, str], Entry] = {}
    for entry in entries:
        for rel in entry.related:
            if rel not in ids:
                _fail(entry, problems, f"related id {rel!r} does not exist")
            elif rel == entry.id:
                _fail(entry, problems, "an entry cannot be related to itself")
        seen_here: set[str] = set()
        for phrasing in entry.phrasings:
            key = normalise(phrasing, stop_words)
            if not key:
                _fail(entry, problems, f"phrasing {phrasing!r} has no content words")
                continue
            other = phrasings.get(key)
            if other is not None and other.id != entry.id:
                _fail(
                    entry,
                    problems,
                    f"phrasing {phrasing!r} is the same (after normalisation) "
                    f"as one in entry {other.id!r}",
                )
            elif key not in seen_here:
                phrasings[key] = entry
            seen_here.add(key)
        if entry.primary:
            if len(entry.roles) != 1:
                _fail(entry, problems, "a primary entry must be about exactly one role")
                continue
            slot = (entry.topic, entry.roles[0])
            if slot in primaries:
                _fail(
                    entry,
                    problems,
                    f"second primary entry for {slot[1]} in topic {slot[0]!r} "
                    f"(first: {primaries[slot].id})",
                )
            else:
                primaries[slot] = entry


def _fail(entry: Entry, problems: list[Problem], message: str) -> None:
    file, _, line = entry.file.rpartition(":")
    if not line.isdigit():
        file, line = entry.file, ""
    problems.append(Problem(file, message, entry.id, int(line) if line else None))

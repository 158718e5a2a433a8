"""Loading and validating the knowledge base.

The KB is data written by people, so the loader trusts nothing: it reads YAML with a
safe loader, checks every rule, and reports *all* problems at once (file, entry id,
line, what is wrong) in one :class:`KnowledgeError`, so a maintainer fixes a broken
pull request in one pass instead of one error per restart.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from bot.core.text import normalise

KNOWLEDGE_DIR_ENV = "CAREERBOT_KNOWLEDGE_DIR"
ANSWER_LIMIT = 700
MIN_ALTERNATES = 3
LEVELS = ("entry", "experienced", "senior")
INTRODUCTION = "Introduction"
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_LINE = "__line__"


# ---------------------------------------------------------------------------- model


@dataclass(frozen=True, slots=True)
class Citation:
    """A pointer into the article: section title and 1-based paragraph number."""

    section: str
    paragraph: int

    def to_json(self) -> dict[str, Any]:
        return {"section": self.section, "paragraph": self.paragraph}


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    paragraphs: int
    promotional: frozenset[int] = frozenset()
    partly_promotional: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class Source:
    title: str
    as_of: str
    short_as_of: str
    sections: tuple[Section, ...]

    def section(self, title: str) -> Section | None:
        return next((s for s in self.sections if s.title == title), None)

    def order(self, title: str) -> int:
        """Position of a section in the article, for sorting citations."""
        return next((i for i, s in enumerate(self.sections) if s.title == title), 99)


@dataclass(frozen=True, slots=True)
class Role:
    id: str
    name: str
    short: str
    slug: str
    colour: int
    aliases: tuple[str, ...]
    focus: str
    summary: str


@dataclass(frozen=True, slots=True)
class Topic:
    id: str
    name: str
    description: str
    example: str
    vocabulary: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Entry:
    id: str
    question: str
    alternates: tuple[str, ...]
    answer: str
    roles: tuple[str, ...]
    topic: str
    cite: tuple[Citation, ...]
    level: str | None = None
    primary: bool = False
    related: tuple[str, ...] = ()
    file: str = ""

    @property
    def phrasings(self) -> tuple[str, ...]:
        return (self.question, *self.alternates)


@dataclass(frozen=True, slots=True)
class SmallTalk:
    id: str
    patterns: tuple[str, ...]
    reply: str


@dataclass(frozen=True)
class Knowledge:
    """The whole validated KB. Immutable: a reload builds a new one and swaps it in."""

    source: Source
    roles: tuple[Role, ...]
    topics: tuple[Topic, ...]
    entries: tuple[Entry, ...]
    smalltalk: tuple[SmallTalk, ...]
    directory: Path
    synonyms: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    other_professions: tuple[str, ...] = ()
    off_topic_phrases: tuple[str, ...] = ()
    by_id: Mapping[str, Entry] = field(init=False, repr=False)
    _primaries: Mapping[tuple[str, str], Entry] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_id", MappingProxyType({e.id: e for e in self.entries}))
        primaries = {
            (e.topic, e.roles[0]): e for e in self.entries if e.primary and len(e.roles) == 1
        }
        object.__setattr__(self, "_primaries", MappingProxyType(primaries))

    def role(self, role_id: str) -> Role:
        return next(r for r in self.roles if r.id == role_id)

    def topic(self, topic_id: str) -> Topic:
        return next(t for t in self.topics if t.id == topic_id)

    def primary(self, topic: str, role: str) -> Entry | None:
        """The headline entry of ``topic`` for ``role``, used by comparisons and cards."""
        return self._primaries.get((topic, role))


# ---------------------------------------------------------------------------- errors


@dataclass(frozen=True, slots=True)
class Problem:
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


# ---------------------------------------------------------------------------- YAML


_SafeBase = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: 5x faster


class _LineLoader(_SafeBase):  # type: ignore[misc, valid-type]
    """A safe loader (no arbitrary objects) that remembers each mapping's line number
    and refuses duplicate keys, which plain YAML silently overwrites."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    mapping = yaml.constructor.SafeConstructor.construct_mapping(loader, node, deep=deep)
    mapping[_LINE] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _read_yaml(path: Path, problems: list[Problem], base: Path) -> Any:
    name = _display(path, base)
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)
    except FileNotFoundError:
        problems.append(Problem(name, "file is missing"))
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(name, f"cannot be read: {exc}"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark else None
        what = getattr(exc, "problem", None) or str(exc)
        problems.append(Problem(name, f"is not valid YAML: {what}", line=line))
    return None


def _display(path: Path, base: Path) -> str:
    try:
        return path.relative_to(base.parent).as_posix()
    except ValueError:
        return path.as_posix()


# ---------------------------------------------------------------------------- checks


class _Checker:
    """Field-level checks that record problems instead of raising, so one pass finds all."""

    def __init__(self, problems: list[Problem], file: str) -> None:
        self.problems = problems
        self.file = file

    def fail(self, message: str, entry: str | None = None, line: int | None = None) -> None:
        self.problems.append(Problem(self.file, message, entry, line))

    def keys(
        self, item: Mapping, required: set[str], optional: set[str], entry: str | None
    ) -> bool:
        line = item.get(_LINE)
        ok = True
        present = set(item) - {_LINE}
        for key in sorted(present - required - optional, key=str):
            close = [k for k in sorted(required | optional) if _similar(str(key), k)]
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            self.fail(f"unknown key {key!r}{hint}", entry, line)
            ok = False
        for key in sorted(required - present):
            self.fail(f"missing required key {key!r}", entry, line)
            ok = False
        return ok

    def text(self, item: Mapping, key: str, entry: str | None) -> str:
        value = item.get(key)
        if value is None:
            return ""
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            self.fail(f"{key!r} must be text", entry, item.get(_LINE))
            return ""
        value = " ".join(str(value).split())
        if not value:
            self.fail(f"{key!r} is empty", entry, item.get(_LINE))
        return value

    def strings(self, item: Mapping, key: str, entry: str | None) -> tuple[str, ...]:
        value = item.get(key)
        if value is None:
            return ()
        if not isinstance(value, list):
            self.fail(f"{key!r} must be a list", entry, item.get(_LINE))
            return ()
        out = []
        for i, v in enumerate(value):
            if not isinstance(v, str | int | float) or isinstance(v, bool) or not str(v).strip():
                self.fail(f"{key!r} item {i + 1} is empty or not text", entry, item.get(_LINE))
                continue
            out.append(" ".join(str(v).split()))
        return tuple(out)


def _similar(a: str, b: str) -> bool:
    from rapidfuzz.distance import Levenshtein

    return Levenshtein.distance(a, b) <= 2


def _load_source(directory: Path, problems: list[Problem]) -> Source | None:
    path = directory / "source.yaml"
    data = _read_yaml(path, problems, directory)
    check = _Checker(problems, _display(path, directory))
    if not isinstance(data, dict):
        if data is not None:
            check.fail("must be a mapping with title, as_of and sections")
        return None
    if not check.keys(data, {"title", "as_of", "short_as_of", "sections"}, set(), None):
        return None
    sections: list[Section] = []
    raw_sections = data["sections"] if isinstance(data["sections"], list) else []
    if not raw_sections:
        check.fail("'sections' must be a non-empty list")
    for raw in raw_sections:
        if not isinstance(raw, dict):
            check.fail("each section must be a mapping")
            continue
        title = check.text(raw, "title", None)
        if not check.keys(
            raw, {"title", "paragraphs"}, {"promotional", "partly_promotional"}, title
        ):
            continue
        count = raw["paragraphs"]
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            check.fail("'paragraphs' must be a positive integer", title, raw.get(_LINE))
            continue
        marks: dict[str, frozenset[int]] = {}
        for key in ("promotional", "partly_promotional"):
            values = raw.get(key) or []
            bad = [v for v in values if not isinstance(v, int) or not 1 <= v <= count]
            if not isinstance(values, list) or bad:
                check.fail(f"{key!r} must list paragraph numbers 1..{count}", title, raw.get(_LINE))
                values = []
            marks[key] = frozenset(values)
        sections.append(Section(title, count, marks["promotional"], marks["partly_promotional"]))
    return Source(
        title=check.text(data, "title", None),
        as_of=check.text(data, "as_of", None),
        short_as_of=check.text(data, "short_as_of", None),
        sections=tuple(sections),
    )


def _list_file(
    directory: Path, name: str, problems: list[Problem], what: str
) -> tuple[_Checker, list[dict[str, Any]]]:
    """The mappings of a YAML file that must be a list of ``what``; anything else in it
    is reported, not raised, so one pass finds every problem."""
    path = directory / name
    data = _read_yaml(path, problems, directory)
    check = _Checker(problems, _display(path, directory))
    if not isinstance(data, list):
        if data is not None:
            check.fail(f"must be a list of {what}s")
        return check, []
    items = []
    for raw in data:
        if isinstance(raw, dict):
            items.append(raw)
        else:
            check.fail(f"each {what} must be a mapping")
    return check, items


def _load_roles(directory: Path, problems: list[Problem]) -> list[Role]:
    check, items = _list_file(directory, "roles.yaml", problems, "role")
    roles: list[Role] = []
    keys = {"id", "name", "short", "slug", "colour", "aliases", "focus", "summary"}
    for raw in items:
        role_id = check.text(raw, "id", None) or None
        if not check.keys(raw, keys, set(), role_id):
            continue
        colour = raw["colour"]
        if not isinstance(colour, int) or not 0 <= colour <= 0xFFFFFF:
            check.fail("'colour' must be an RGB integer such as 0x3498DB", role_id, raw.get(_LINE))
            colour = 0
        aliases = check.strings(raw, "aliases", role_id)
        if not aliases:
            check.fail("'aliases' must list at least one alias", role_id, raw.get(_LINE))
        roles.append(
            Role(
                id=role_id or "",
                name=check.text(raw, "name", role_id),
                short=check.text(raw, "short", role_id),
                slug=check.text(raw, "slug", role_id),
                colour=colour,
                aliases=aliases,
                focus=check.text(raw, "focus", role_id),
                summary=check.text(raw, "summary", role_id),
            )
        )
    return roles


def _load_topics(directory: Path, problems: list[Problem]) -> list[Topic]:
    check, items = _list_file(directory, "topics.yaml", problems, "topic")
    topics: list[Topic] = []
    for raw in items:
        topic_id = check.text(raw, "id", None) or None
        if not check.keys(
            raw, {"id", "name", "description", "example", "vocabulary"}, set(), topic_id
        ):
            continue
        if topic_id and not _ID.match(topic_id):
            check.fail("topic id must be kebab-case", topic_id, raw.get(_LINE))
        topics.append(
            Topic(
                id=topic_id or "",
                name=check.text(raw, "name", topic_id),
                description=check.text(raw, "description", topic_id),
                example=check.text(raw, "example", topic_id),
                vocabulary=check.strings(raw, "vocabulary", topic_id),
            )
        )
    return topics


def _load_smalltalk(directory: Path, problems: list[Problem]) -> list[SmallTalk]:
    check, raws = _list_file(directory, "smalltalk.yaml", problems, "small-talk item")
    items: list[SmallTalk] = []
    for raw in raws:
        item_id = check.text(raw, "id", None) or None
        if not check.keys(raw, {"id", "patterns", "reply"}, set(), item_id):
            continue
        patterns = check.strings(raw, "patterns", item_id)
        if not patterns:
            check.fail("'patterns' must list at least one pattern", item_id, raw.get(_LINE))
        items.append(SmallTalk(item_id or "", patterns, check.text(raw, "reply", item_id)))
    return items


def _load_synonyms(directory: Path, problems: list[Problem]) -> dict[str, tuple[str, ...]]:
    path = directory / "synonyms.yaml"
    data = _read_yaml(path, problems, directory)
    check = _Checker(problems, _display(path, directory))
    if not isinstance(data, dict):
        if data is not None:
            check.fail("must map each canonical word to a list of phrases")
        return {}
    synonyms: dict[str, tuple[str, ...]] = {}
    owner: dict[str, str] = {}
    for canonical, variants in data.items():
        if canonical == _LINE:
            continue
        if not isinstance(variants, list) or not variants:
            check.fail(f"{canonical!r} must map to a non-empty list of phrases", str(canonical))
            continue
        phrases = check.strings(data, str(canonical), str(canonical))
        for phrase in phrases:
            key = phrase.lower()
            if key in owner and owner[key] != canonical:
                check.fail(
                    f"{phrase!r} is listed under both {owner[key]!r} and {canonical!r}",
                    str(canonical),
                )
            owner[key] = str(canonical)
        synonyms[str(canonical)] = phrases
    return synonyms


def _load_scope(
    directory: Path, problems: list[Problem]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    path = directory / "scope.yaml"
    data = _read_yaml(path, problems, directory)
    check = _Checker(problems, _display(path, directory))
    if not isinstance(data, dict):
        if data is not None:
            check.fail("must be a mapping with other_professions and off_topic_phrases")
        return (), ()
    if not check.keys(data, {"other_professions", "off_topic_phrases"}, set(), None):
        return (), ()
    return check.strings(data, "other_professions", None), check.strings(
        data, "off_topic_phrases", None
    )


_ENTRY_REQUIRED = {"id", "question", "alternates", "answer", "roles", "topic", "cite"}
_ENTRY_OPTIONAL = {"level", "primary", "related"}


def _load_entries(
    directory: Path,
    problems: list[Problem],
    source: Source | None,
    role_ids: set[str],
    topic_ids: set[str],
) -> list[Entry]:
    qa = directory / "qa"
    files = sorted(qa.glob("*.yaml")) if qa.is_dir() else []
    if not files:
        problems.append(Problem(_display(qa, directory), "no qa/*.yaml files found"))
    entries: list[Entry] = []
    for path in files:
        check, items = _list_file(directory, f"qa/{path.name}", problems, "entry")
        if path.stem not in topic_ids:
            check.fail(f"file name {path.stem!r} is not a topic id from topics.yaml")
        for raw in items:
            entries.append(_load_entry(raw, check, source, role_ids, topic_ids, path.stem))
    return entries


def _load_entry(
    raw: dict[str, Any],
    check: _Checker,
    source: Source | None,
    role_ids: set[str],
    topic_ids: set[str],
    file_topic: str,
) -> Entry:
    line = raw.get(_LINE)
    entry_id = check.text(raw, "id", None) or None
    check.keys(raw, _ENTRY_REQUIRED, _ENTRY_OPTIONAL, entry_id)
    if entry_id and not _ID.match(entry_id):
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

    cites = _load_citations(raw, check, source, entry_id)
    related = check.strings(raw, "related", entry_id)
    return Entry(
        id=entry_id or "",
        question=question,
        alternates=alternates,
        answer=answer,
        roles=tuple(sorted(set(roles) & role_ids)),
        topic=topic,
        cite=cites,
        level=level,
        primary=primary,
        related=related,
        file=check.file + (f":{line}" if line else ""),
    )


def _load_citations(
    raw: Mapping, check: _Checker, source: Source | None, entry_id: str | None
) -> tuple[Citation, ...]:
    value = raw.get("cite")
    if value is None:
        return ()
    if not isinstance(value, list) or not value:
        check.fail(
            "'cite' must be a non-empty list of {section, paragraph}", entry_id, raw.get(_LINE)
        )
        return ()
    cites: list[Citation] = []
    for item in value:
        line = item.get(_LINE) if isinstance(item, dict) else raw.get(_LINE)
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
        section = source.section(title) if source else None
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


def _cross_checks(entries: list[Entry], problems: list[Problem]) -> None:
    """Rules that need the whole KB: unique ids, related ids, shared phrasings, primaries."""
    ids: dict[str, Entry] = {}
    for entry in entries:
        if not entry.id:
            continue
        if entry.id in ids:
            problems.append(
                Problem(
                    _file(entry),
                    f"duplicate id (first defined at {ids[entry.id].file})",
                    entry.id,
                    _line(entry),
                )
            )
        else:
            ids[entry.id] = entry
    phrasings: dict[str, Entry] = {}
    primaries: dict[tuple[str, str], Entry] = {}
    for entry in entries:
        for rel in entry.related:
            if rel not in ids:
                problems.append(
                    Problem(
                        _file(entry), f"related id {rel!r} does not exist", entry.id, _line(entry)
                    )
                )
            elif rel == entry.id:
                problems.append(
                    Problem(
                        _file(entry), "an entry cannot be related to itself", entry.id, _line(entry)
                    )
                )
        seen_here: set[str] = set()
        for phrasing in entry.phrasings:
            key = normalise(phrasing)
            if not key:
                problems.append(
                    Problem(
                        _file(entry),
                        f"phrasing {phrasing!r} has no content words",
                        entry.id,
                        _line(entry),
                    )
                )
                continue
            other = phrasings.get(key)
            if other is not None and other.id != entry.id:
                problems.append(
                    Problem(
                        _file(entry),
                        f"phrasing {phrasing!r} is the same (after normalisation) "
                        f"as one in entry {other.id!r}",
                        entry.id,
                        _line(entry),
                    )
                )
            elif key not in seen_here:
                phrasings[key] = entry
            seen_here.add(key)
        if entry.primary:
            if len(entry.roles) != 1:
                problems.append(
                    Problem(
                        _file(entry),
                        "a primary entry must be about exactly one role",
                        entry.id,
                        _line(entry),
                    )
                )
                continue
            slot = (entry.topic, entry.roles[0])
            if slot in primaries:
                problems.append(
                    Problem(
                        _file(entry),
                        f"second primary entry for {slot[1]} in topic {slot[0]!r} "
                        f"(first: {primaries[slot].id})",
                        entry.id,
                        _line(entry),
                    )
                )
            else:
                primaries[slot] = entry


def _file(entry: Entry) -> str:
    return entry.file.rsplit(":", 1)[0] if ":" in entry.file else entry.file


def _line(entry: Entry) -> int | None:
    tail = entry.file.rsplit(":", 1)[-1]
    return int(tail) if tail.isdigit() else None


# ---------------------------------------------------------------------------- API


def default_knowledge_dir() -> Path:
    """Where the KB lives: $CAREERBOT_KNOWLEDGE_DIR, else the copy shipped inside the
    installed package, else ``knowledge/`` next to the source tree (editable install)."""
    override = os.environ.get(KNOWLEDGE_DIR_ENV)
    if override:
        return Path(override).expanduser()
    package = Path(__file__).resolve().parents[2]
    shipped = package / "_knowledge"
    if shipped.is_dir():
        return shipped
    return package.parent / "knowledge"


def load_knowledge(directory: Path | str | None = None) -> Knowledge:
    """Load and validate the KB; raise :class:`KnowledgeError` listing every problem."""
    base = Path(directory) if directory is not None else default_knowledge_dir()
    problems: list[Problem] = []
    if not base.is_dir():
        raise KnowledgeError([Problem(str(base), "knowledge directory does not exist")])
    source = _load_source(base, problems)
    roles = _load_roles(base, problems)
    topics = _load_topics(base, problems)
    smalltalk = _load_smalltalk(base, problems)
    for kind, items in (("role", roles), ("topic", topics), ("small-talk item", smalltalk)):
        seen: set[str] = set()
        for item in items:
            if item.id in seen:
                problems.append(Problem(f"{base.name}", f"duplicate {kind} id {item.id!r}"))
            seen.add(item.id)
    synonyms = _load_synonyms(base, problems)
    professions, off_topic = _load_scope(base, problems)
    entries = _load_entries(base, problems, source, {r.id for r in roles}, {t.id for t in topics})
    _cross_checks(entries, problems)
    if problems or source is None:
        raise KnowledgeError(problems)
    return Knowledge(
        source=source,
        roles=tuple(roles),
        topics=tuple(topics),
        entries=tuple(entries),
        smalltalk=tuple(smalltalk),
        directory=base,
        synonyms=MappingProxyType(synonyms),
        other_professions=professions,
        off_topic_phrases=off_topic,
    )


def uncited_paragraphs(knowledge: Knowledge) -> list[Citation]:
    """Non-promotional paragraphs no entry cites: holes in coverage."""
    cited = {c for e in knowledge.entries for c in e.cite}
    return [
        Citation(s.title, p)
        for s in knowledge.source.sections
        for p in range(1, s.paragraphs + 1)
        if p not in s.promotional and Citation(s.title, p) not in cited
    ]

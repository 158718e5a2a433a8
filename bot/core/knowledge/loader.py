"""Loading the knowledge directory file by file into one :class:`Knowledge`.

Each file is read with :func:`~bot.core.knowledge.yaml_reader.read_yaml` and checked
with the rules in :mod:`.validation`; problems are collected across *all* files and
raised together at the end, so one run of ``careerbot kb validate`` lists everything.
"""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType
from typing import Any

from bot.core.knowledge.coverage import FILE as COVERAGE_FILE
from bot.core.knowledge.coverage import coverage_from
from bot.core.knowledge.figures import FILE as FIGURES_FILE
from bot.core.knowledge.figures import figures_from
from bot.core.knowledge.fit import FILE as FIT_FILE
from bot.core.knowledge.fit import fit_from
from bot.core.knowledge.lexicon import FILE as LEXICON_FILE
from bot.core.knowledge.lexicon import KnownIds, lexicon_from
from bot.core.knowledge.linear_models import (
    ADVICE_GATE_FILE,
    CALIBRATION_FILE,
    linear_model_from,
)
from bot.core.knowledge.model import (
    Coverage,
    Entry,
    Figures,
    Knowledge,
    Role,
    Section,
    SmallTalk,
    Source,
    Topic,
)
from bot.core.knowledge.validation import (
    ID,
    Checker,
    KnowledgeError,
    Problem,
    cross_checks,
    entry_from,
    unique_ids,
)
from bot.core.knowledge.yaml_reader import YamlError, item_line, line_of, read_yaml

KNOWLEDGE_DIR_ENV = "CAREERBOT_KNOWLEDGE_DIR"
"""The environment variable naming another knowledge directory. Read once, with every
other setting, by :mod:`bot.settings`; this package never reads the environment."""


def default_knowledge_dir() -> Path:
    """The KB shipped inside the installed package, else ``knowledge/`` next to the
    source tree (an editable install). A configured directory is passed in instead."""
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
    unique_ids("role", (r.id for r in roles), base.name, problems)
    unique_ids("topic", (t.id for t in topics), base.name, problems)
    unique_ids("small-talk item", (s.id for s in smalltalk), base.name, problems)
    synonyms = _load_synonyms(base, problems)
    professions, off_topic = _load_scope(base, problems)
    entries = _load_entries(base, problems, source, {r.id for r in roles}, {t.id for t in topics})
    known = KnownIds(
        topics=frozenset(t.id for t in topics),
        entries=frozenset(e.id for e in entries),
        smalltalk=frozenset(s.id for s in smalltalk),
        synonyms=frozenset(synonyms),
    )
    check, data = _read(base, LEXICON_FILE, problems)
    lexicon = lexicon_from(data, check, known)
    check, data = _read(base, COVERAGE_FILE, problems)
    coverage = coverage_from(data, check, known)
    check, data = _read(base, FIT_FILE, problems)
    fit = fit_from(data, check, source, {r.id for r in roles})
    advice_gate, calibration = (
        linear_model_from(base / name, Checker(problems, _display(base / name, base)))
        for name in (ADVICE_GATE_FILE, CALIBRATION_FILE)
    )
    figures = _load_figures(base, problems, source, roles, topics, entries, coverage)
    # Phrasings are compared the way the matcher will see them: without the KB's own
    # stop words (none if the lexicon could not be read at all: the load fails then).
    cross_checks(entries, problems, lexicon.stop_words if lexicon else frozenset())
    if problems or source is None or lexicon is None or coverage is None or fit is None:
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
        lexicon=lexicon,
        coverage=coverage,
        fit=fit,
        advice_gate=advice_gate,
        calibration=calibration,
        figures=figures,
    )


# ---------------------------------------------------------------------------- files


def _read(directory: Path, name: str, problems: list[Problem]) -> tuple[Checker, Any]:
    """A checker for ``directory/name`` and the file's data (None if unreadable, with
    the reason recorded)."""
    path = directory / name
    check = Checker(problems, _display(path, directory))
    try:
        return check, read_yaml(path)
    except YamlError as exc:
        check.fail(exc.message, line=exc.line)
        return check, None


def _display(path: Path, base: Path) -> str:
    try:
        return path.relative_to(base.parent).as_posix()
    except ValueError:
        return path.as_posix()


def _list_file(
    directory: Path, name: str, problems: list[Problem], what: str
) -> tuple[Checker, list[dict[str, Any]]]:
    """The mappings of a YAML file that must be a list of ``what``; anything else in it
    is reported, not raised, so one pass finds every problem."""
    check, data = _read(directory, name, problems)
    if not isinstance(data, list):
        if data is not None:
            check.fail(f"must be a list of {what}s")
        return check, []
    items = []
    for i, raw in enumerate(data):
        if isinstance(raw, dict):
            items.append(raw)
        else:
            check.fail(f"each {what} must be a mapping", line=item_line(data, i))
    return check, items


def _load_source(directory: Path, problems: list[Problem]) -> Source | None:
    check, data = _read(directory, "source.yaml", problems)
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
            check.fail("'paragraphs' must be a positive integer", title, line_of(raw))
            continue
        marks: dict[str, frozenset[int]] = {}
        for key in ("promotional", "partly_promotional"):
            values = raw.get(key) or []
            if not isinstance(values, list) or any(
                not isinstance(v, int) or isinstance(v, bool) or not 1 <= v <= count for v in values
            ):
                check.fail(f"{key!r} must list paragraph numbers 1..{count}", title, line_of(raw))
                values = []
            marks[key] = frozenset(values)
        sections.append(Section(title, count, marks["promotional"], marks["partly_promotional"]))
    return Source(
        title=check.text(data, "title", None),
        as_of=check.text(data, "as_of", None),
        short_as_of=check.text(data, "short_as_of", None),
        sections=tuple(sections),
    )


def _load_roles(directory: Path, problems: list[Problem]) -> list[Role]:
    check, items = _list_file(directory, "roles.yaml", problems, "role")
    roles: list[Role] = []
    keys = {"id", "name", "short", "slug", "colour", "aliases", "focus", "summary"}
    for raw in items:
        role_id = check.text(raw, "id", None) or None
        if not check.keys(raw, keys, {"fields"}, role_id):
            continue
        colour = raw["colour"]
        if not isinstance(colour, int) or isinstance(colour, bool) or not 0 <= colour <= 0xFFFFFF:
            check.fail("'colour' must be an RGB integer such as 0x3498DB", role_id, line_of(raw))
            colour = 0
        aliases = check.strings(raw, "aliases", role_id)
        if not aliases:
            check.fail("'aliases' must list at least one alias", role_id, line_of(raw))
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
                fields=check.strings(raw, "fields", role_id) if "fields" in raw else (),
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
        if topic_id and not ID.match(topic_id):
            check.fail("topic id must be kebab-case", topic_id, line_of(raw))
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
            check.fail("'patterns' must list at least one pattern", item_id, line_of(raw))
        items.append(SmallTalk(item_id or "", patterns, check.text(raw, "reply", item_id)))
    return items


def _load_synonyms(directory: Path, problems: list[Problem]) -> dict[str, tuple[str, ...]]:
    check, data = _read(directory, "synonyms.yaml", problems)
    if not isinstance(data, dict):
        if data is not None:
            check.fail("must map each canonical word to a list of phrases")
        return {}
    synonyms: dict[str, tuple[str, ...]] = {}
    owner: dict[str, str] = {}
    for canonical, variants in data.items():
        if not isinstance(variants, list) or not variants:
            check.fail(f"{canonical!r} must map to a non-empty list of phrases", str(canonical))
            continue
        phrases = check.strings(data, canonical, str(canonical))
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
    check, data = _read(directory, "scope.yaml", problems)
    if not isinstance(data, dict):
        if data is not None:
            check.fail("must be a mapping with other_professions and off_topic_phrases")
        return (), ()
    if not check.keys(data, {"other_professions", "off_topic_phrases"}, set(), None):
        return (), ()
    return check.strings(data, "other_professions", None), check.strings(
        data, "off_topic_phrases", None
    )


def _load_figures(
    directory: Path,
    problems: list[Problem],
    source: Source | None,
    roles: list[Role],
    topics: list[Topic],
    entries: list[Entry],
    coverage: Coverage | None,
) -> Figures:
    """``figures.yaml``, checked against the answers. Optional: a KB without it has no
    charts, and so nothing a chart could contradict."""
    path = directory / FIGURES_FILE
    if not (path.exists() or path.is_symlink()):
        return Figures()
    check, data = _read(directory, FIGURES_FILE, problems)
    years = coverage.article_years if coverage else frozenset()
    roles_in_order = tuple(r.id for r in roles)
    topic_ids = {t.id for t in topics}
    found = figures_from(data, check, source, roles_in_order, topic_ids, entries, years)
    return found if found is not None else Figures()


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
            entries.append(entry_from(raw, check, source, role_ids, topic_ids, path.stem))
    return entries

"""Reading ``lexicon.yaml`` into a :class:`~bot.core.knowledge.model.Lexicon` and checking it.

The lexicon holds the words and ids the answering pipeline relies on. Code that looks
an id up ("the decline suggests entry mle-salary") must be able to trust it, so every
id here is checked against the rest of the KB, and a dangling one is a load problem
naming ``lexicon.yaml``, the key and the line, like any other broken reference.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from types import MappingProxyType
from typing import Any

from bot.core.knowledge.model import (
    LEVELS,
    CardLine,
    Cues,
    Decline,
    Lexicon,
    SmallTalkWords,
    Terms,
    TopicRoles,
)
from bot.core.knowledge.validation import Checker, is_text, similar
from bot.core.knowledge.yaml_reader import item_line, key_line, line_of

FILE = "lexicon.yaml"

_CUE_KEYS = {f.name: ("self" if f.name == "self_words" else f.name) for f in fields(Cues)}
"""Cues field → YAML key: ``self`` is a poor name for a Python field."""
_CUE_PHRASES = {
    "connectors",
    "choosing_phrases",
    "fit_phrases",
    "closing_fit_phrases",
    "verdict_phrases",
    "even_phrases",
}
_CUE_SYNONYMS = {"follow_up_synonyms"}


@dataclass(frozen=True, slots=True)
class KnownIds:
    """The ids the lexicon may refer to, from the files loaded before it."""

    topics: frozenset[str]
    entries: frozenset[str]
    smalltalk: frozenset[str]
    synonyms: frozenset[str]


class FieldReader:
    """Typed reads of the lexicon's values: each records its problems with the dotted
    key (``cues.compare``) as the "entry" and the line of the key or list item."""

    def __init__(self, check: Checker, known: KnownIds) -> None:
        self.check = check
        self.known = known

    # A missing key is reported once, by Checker.keys on the enclosing mapping: each
    # read below returns an empty value for it without a second problem.

    def section(self, data: Mapping[Any, Any], key: str, keys: set[str]) -> Mapping[Any, Any]:
        """A nested mapping with exactly ``keys``."""
        if key not in data:
            return {}
        value = data[key]
        if not isinstance(value, dict):
            self.check.fail("must be a mapping", key, key_line(data, key))
            return {}
        self.check.keys(value, keys, set(), key, where=f"{key}.")
        return value

    def words(self, data: Mapping[Any, Any], key: str, name: str) -> frozenset[str]:
        """Folded text split on whitespace: one word each, lower case as text is folded."""
        if key not in data:
            return frozenset()
        value = data[key]
        line = key_line(data, key)
        if not isinstance(value, str):
            self.check.fail("must be words separated by spaces (folded text, '>-')", name, line)
            return frozenset()
        words = value.split()
        if not words:
            self.check.fail("is empty", name, line)
        self._lower_case(words, name, line)
        return frozenset(words)

    def phrases(self, data: Mapping[Any, Any], key: str, name: str) -> tuple[str, ...]:
        """A non-empty YAML list of lower-case phrases."""
        if key not in data:
            return ()
        value = data[key]
        if not isinstance(value, list) or not value:
            self.check.fail("must be a non-empty list of phrases", name, key_line(data, key))
            return ()
        phrases = []
        for i, item in enumerate(value):
            if not is_text(item) or not str(item).strip():
                quote = " (quote it: YAML reads yes/no/on/off as true/false)"
                self.check.fail(
                    f"item {i + 1} is empty or not text{quote if isinstance(item, bool) else ''}",
                    name,
                    item_line(value, i),
                )
                continue
            phrases.append(" ".join(str(item).split()))
        self._lower_case(phrases, name, key_line(data, key))
        return tuple(phrases)

    def text(self, data: Mapping[Any, Any], key: str, name: str) -> str:
        if key not in data:
            return ""
        value = data[key]
        if not isinstance(value, str) or not value.strip():
            self.check.fail("must be non-empty text", name, key_line(data, key))
            return ""
        return " ".join(value.split())

    def ids(self, data: Mapping[Any, Any], key: str, name: str, kind: str) -> tuple[str, ...]:
        """A non-empty list of ids of ``kind`` (a :class:`KnownIds` field), each known."""
        if key not in data:
            return ()
        value = data[key]
        if not isinstance(value, list) or not value:
            self.check.fail(
                f"must be a non-empty list of {_KINDS[kind][0]}s", name, key_line(data, key)
            )
            return ()
        return tuple(
            ref
            for i, item in enumerate(value)
            if (ref := self.ref(item, kind, name, item_line(value, i)))
        )

    def ref(self, value: Any, kind: str, name: str, line: int | None) -> str:
        """``value`` if it is a known id of ``kind``, else "" and a problem."""
        what, where = _KINDS[kind]
        if not isinstance(value, str) or not value:
            self.check.fail(f"{value!r} is not a {what}", name, line)
            return ""
        known: frozenset[str] = getattr(self.known, kind)
        if value not in known:
            close = sorted(k for k in known if similar(value, k))
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            self.check.fail(f"{what} {value!r} does not exist in {where}{hint}", name, line)
            return ""
        return value

    def _lower_case(self, items: list[str], name: str, line: int | None) -> None:
        # Questions are folded to lower case before any list is consulted: an upper-case
        # word here would silently never match.
        for item in items:
            if item != item.lower():
                self.check.fail(f"{item!r} must be lower case", name, line)


_KINDS = {
    "topics": ("topic id", "topics.yaml"),
    "entries": ("entry id", "qa/*.yaml"),
    "smalltalk": ("small-talk id", "smalltalk.yaml"),
    "synonyms": ("synonym key", "synonyms.yaml"),
}
_TOP = {("topics" if f.name == "topic_roles" else f.name) for f in fields(Lexicon)}
"""The file's top-level keys: the Lexicon's fields, ``topic_roles`` written ``topics``."""
_OPTIONAL = {"translations"}


def lexicon_from(data: Any, check: Checker, known: KnownIds) -> Lexicon | None:
    """The lexicon in ``data`` (``lexicon.yaml`` as read), its problems recorded in
    ``check``; None if the file is not even a mapping."""
    if not isinstance(data, dict):
        if data is not None:
            check.fail("must be a mapping of word lists, ids and messages (see its comments)")
        return None
    check.keys(data, _TOP - _OPTIONAL, _OPTIONAL, None)
    read = FieldReader(check, known)
    return Lexicon(
        stop_words=read.words(data, "stop_words", "stop_words"),
        neutral=read.words(data, "neutral", "neutral"),
        levels=_levels(data, read),
        cues=_cues(data, read),
        smalltalk=_smalltalk(data, read),
        pay_words=read.words(data, "pay_words", "pay_words"),
        topic_roles=_topic_roles(data, read),
        terms=_terms(data, read),
        role_card=_role_card(data, read),
        decline=_decline(data, read),
        translations=_translations(data, read),
    )


def _translations(data: Mapping[Any, Any], read: FieldReader) -> Mapping[str, tuple[str, ...]]:
    """``translations``: English phrase → the phrases other languages use for it."""
    value = data.get("translations")
    if value is None:
        return MappingProxyType({})
    if not isinstance(value, dict):
        read.check.fail(
            "must be a mapping of English phrase -> list of phrases in other languages",
            "translations",
            key_line(data, "translations"),
        )
        return MappingProxyType({})
    out: dict[str, tuple[str, ...]] = {}
    owner: dict[str, str] = {}
    for key in value:
        name = f"translations.{key}"
        if not isinstance(key, str) or not key.strip() or key != key.lower():
            read.check.fail(
                f"{key!r} must be a lower-case English phrase", name, key_line(value, key)
            )
            continue
        out[key] = read.phrases(value, key, name)
        _listed_once(read, owner, "translations", key, out[key], key_line(value, key))
    return MappingProxyType(out)


def _listed_once(
    read: FieldReader,
    owner: dict[str, str],
    section: str,
    key: str,
    phrases: tuple[str, ...],
    line: int | None,
) -> None:
    """A phrase means one thing: listed under two keys of ``section`` is a problem.
    ``owner`` remembers, across the section's keys, which key listed each phrase first."""
    for phrase in phrases:
        if owner.setdefault(phrase, key) != key:
            read.check.fail(
                f"{phrase!r} is listed under both '{section}.{owner[phrase]}' and "
                f"'{section}.{key}'",
                f"{section}.{key}",
                line,
            )


def _levels(data: Mapping[Any, Any], read: FieldReader) -> Mapping[str, tuple[str, ...]]:
    value = data.get("levels")
    if not isinstance(value, dict):
        if "levels" in data:
            read.check.fail("must be a mapping", "levels", key_line(data, "levels"))
        return MappingProxyType({})
    levels: dict[str, tuple[str, ...]] = {}
    owner: dict[str, str] = {}
    for key in value:
        name = f"levels.{key}"
        if key not in LEVELS:
            close = [lv for lv in LEVELS if similar(str(key), lv)]
            hint = f" (did you mean 'levels.{close[0]}'?)" if close else ""
            read.check.fail(
                f"{key!r} is not an entry level; qa/*.yaml uses {', '.join(LEVELS)}{hint}",
                name,
                key_line(value, key),
            )
            continue
        levels[key] = read.phrases(value, key, name)
        _listed_once(read, owner, "levels", key, levels[key], key_line(value, key))
    for level in LEVELS:
        if level not in value:
            read.check.fail(f"missing required key 'levels.{level}'", "levels", line_of(value))
    return MappingProxyType({lv: levels[lv] for lv in LEVELS if lv in levels})


def _cues(data: Mapping[Any, Any], read: FieldReader) -> Cues:
    section = read.section(data, "cues", set(_CUE_KEYS.values()))
    values: dict[str, Any] = {}
    for field_name, key in _CUE_KEYS.items():
        name = f"cues.{key}"
        if field_name in _CUE_PHRASES:
            values[field_name] = read.phrases(section, key, name)
        elif field_name in _CUE_SYNONYMS:
            values[field_name] = frozenset(read.ids(section, key, name, "synonyms"))
        else:
            values[field_name] = read.words(section, key, name)
    return Cues(**values)


def _smalltalk(data: Mapping[Any, Any], read: FieldReader) -> SmallTalkWords:
    section = read.section(data, "smalltalk", {"filler", "glue", "weights"})
    weights: dict[str, float] = {}
    raw = section.get("weights")
    if "weights" in section and not isinstance(raw, dict):
        read.check.fail(
            "must map small-talk ids to weights", "smalltalk.weights", key_line(section, "weights")
        )
    elif isinstance(raw, dict):
        for item_id, weight in raw.items():
            line = key_line(raw, item_id)
            if not read.ref(item_id, "smalltalk", "smalltalk.weights", line):
                continue
            if not isinstance(weight, int | float) or isinstance(weight, bool) or weight <= 0:
                read.check.fail(
                    f"weight of {item_id!r} must be a positive number", "smalltalk.weights", line
                )
                continue
            weights[item_id] = float(weight)
    return SmallTalkWords(
        filler=read.words(section, "filler", "smalltalk.filler"),
        glue=read.words(section, "glue", "smalltalk.glue"),
        weights=MappingProxyType(weights),
    )


def _topic_roles(data: Mapping[Any, Any], read: FieldReader) -> TopicRoles:
    return TopicRoles(**_named_ids(data, read, "topics", TopicRoles, "topics"))


def _terms(data: Mapping[Any, Any], read: FieldReader) -> Terms:
    return Terms(**_named_ids(data, read, "terms", Terms, "synonyms"))


def _named_ids(
    data: Mapping[Any, Any], read: FieldReader, section_key: str, shape: type, kind: str
) -> dict[str, str]:
    """A section mapping each field of ``shape`` to an id of ``kind``, each checked."""
    keys = {f.name for f in fields(shape)}
    section = read.section(data, section_key, keys)
    return {
        key: read.ref(section[key], kind, f"{section_key}.{key}", key_line(section, key))
        for key in keys
        if key in section
    }


def _role_card(data: Mapping[Any, Any], read: FieldReader) -> tuple[CardLine, ...]:
    if "role_card" not in data:
        return ()
    value = data["role_card"]
    if not isinstance(value, list) or not value:
        read.check.fail(
            "must be a non-empty list of {label, topic}", "role_card", key_line(data, "role_card")
        )
        return ()
    lines = []
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            read.check.fail("each line must be {label, topic}", "role_card", item_line(value, i))
            continue
        if not read.check.keys(item, {"label", "topic"}, set(), "role_card"):
            continue
        label = read.text(item, "label", "role_card")
        topic = read.ref(item["topic"], "topics", "role_card", line_of(item))
        if label and topic:
            lines.append(CardLine(label, topic))
    return tuple(lines)


def _decline(data: Mapping[Any, Any], read: FieldReader) -> Decline:
    section = read.section(data, "decline", {"hint", "empty", "other_profession", "suggestions"})
    texts = {
        key: read.text(section, key, f"decline.{key}")
        for key in ("hint", "empty", "other_profession")
    }
    other = texts.get("other_profession", "")
    if other:
        try:
            ok = "{names}" in other and other.format(names="nurses") != other
        except (KeyError, IndexError, ValueError):
            ok = False
        if not ok:
            read.check.fail(
                "must contain '{names}' (the professions asked about) and no other {...}",
                "decline.other_profession",
                key_line(section, "other_profession"),
            )
    suggestions = read.ids(section, "suggestions", "decline.suggestions", "entries")
    return Decline(suggestions=suggestions, **texts)

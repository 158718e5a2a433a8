"""Reading ``coverage.yaml``: what the article does *not* cover.

The bot must say so when a question asks about something the article never discusses
(stress, weekends, certifications, a country, a year) instead of answering a
neighbouring question. The phrases here are how people name those things; each gap
has a short name the reply and ``--json``'s ``not_covered`` use, and optionally the
entry that comes closest ("the article doesn't cover stress levels; the closest it
gets is schedules and production support").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.core.knowledge.lexicon import FieldReader, KnownIds
from bot.core.knowledge.model import Coverage, Definitions, Gap, IndustrySpecific
from bot.core.knowledge.validation import Checker
from bot.core.knowledge.yaml_reader import item_line, key_line

FILE = "coverage.yaml"
_TOP = {"article_years", "gaps", "places", "place_name", "salary_place_name", "year_name"}
_OPTIONAL = {"definitions", "articles", "industry_specific", "level_name"}
_DEFINITION_KEYS = {"name", "asks", "words", "subjects"}
_INDUSTRY_KEYS = {"name", "topics", "industries", "asker_words"}
_GAP_KEYS = {"name", "phrases"}
_GAP_OPTIONAL = {
    "closest",
    "partly",
    "from_profession",
    "between_roles",
    "only_with",
    "not_before",
}


def coverage_from(data: Any, check: Checker, known: KnownIds) -> Coverage | None:
    """The coverage in ``data`` (``coverage.yaml`` as read), problems recorded in
    ``check``; None if the file is not even a mapping."""
    if not isinstance(data, dict):
        check.fail("must be a mapping (see its comments)")
        return None
    check.keys(data, _TOP, _OPTIONAL, None)
    read = FieldReader(check, known)
    years = _years(data, check)
    gaps = _gaps(data, read)
    names = {key: read.text(data, key, key) for key in ("place_name", "salary_place_name")}
    year_name = read.text(data, "year_name", "year_name")
    level_name = read.text(data, "level_name", "level_name")  # optional: "" when absent
    for key, text, field in (
        ("place_name", names["place_name"], "{place}"),
        ("year_name", year_name, "{year}"),
        ("level_name", level_name, "{level}"),
    ):
        if text and field not in text:
            check.fail(f"must contain {field}", key, key_line(data, key))
    return Coverage(
        article_years=years,
        gaps=gaps,
        places=read.phrases(data, "places", "places"),
        place_name=names["place_name"],
        salary_place_name=names["salary_place_name"],
        year_name=year_name,
        level_name=level_name,
        definitions=_definitions(data, read),
        industry_specific=_industry_specific(data, read),
        articles=read.phrases(data, "articles", "articles"),
    )


def _definitions(data: Mapping[Any, Any], read: FieldReader) -> Definitions:
    value = data.get("definitions")
    if value is None:
        return Definitions()
    if not isinstance(value, dict):
        read.check.fail(
            "must be a mapping {name, asks, words, subjects}",
            "definitions",
            key_line(data, "definitions"),
        )
        return Definitions()
    label = "definitions"
    if not read.check.keys(value, _DEFINITION_KEYS, set(), label):
        return Definitions()
    name = read.text(value, "name", label)
    if name and "{subject}" not in name:
        read.check.fail("must contain {subject}", f"{label}.name", key_line(value, "name"))
    return Definitions(
        name=name,
        asks=read.phrases(value, "asks", f"{label}.asks"),
        words=read.phrases(value, "words", f"{label}.words"),
        subjects=read.phrases(value, "subjects", f"{label}.subjects"),
    )


def _industry_specific(data: Mapping[Any, Any], read: FieldReader) -> IndustrySpecific:
    value = data.get("industry_specific")
    label = "industry_specific"
    if value is None:
        return IndustrySpecific()
    if not isinstance(value, dict):
        read.check.fail(
            "must be a mapping {name, topics, industries, asker_words}",
            label,
            key_line(data, label),
        )
        return IndustrySpecific()
    if not read.check.keys(value, _INDUSTRY_KEYS, set(), label):
        return IndustrySpecific()
    name = read.text(value, "name", label)
    for field in ("{topic}", "{industry}"):
        if name and field not in name:
            read.check.fail(f"must contain {field}", f"{label}.name", key_line(value, "name"))
    return IndustrySpecific(
        name=name,
        topics=read.ids(value, "topics", f"{label}.topics", "topics"),
        industries=read.phrases(value, "industries", f"{label}.industries"),
        asker_words=read.phrases(value, "asker_words", f"{label}.asker_words"),
    )


def _years(data: Mapping[Any, Any], check: Checker) -> frozenset[int]:
    value = data.get("article_years")
    if (
        not isinstance(value, list)
        or not value
        or not all(
            isinstance(y, int) and not isinstance(y, bool) and 1900 < y < 2200 for y in value
        )
    ):
        if "article_years" in data:
            check.fail("must be a list of years", "article_years", key_line(data, "article_years"))
        return frozenset()
    return frozenset(value)


def _gaps(data: Mapping[Any, Any], read: FieldReader) -> tuple[Gap, ...]:
    value = data.get("gaps")
    if not isinstance(value, list) or not value:
        if "gaps" in data:
            read.check.fail("must be a list of gaps", "gaps", key_line(data, "gaps"))
        return ()
    gaps = []
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            read.check.fail(
                "each gap must be {name, phrases[, closest]}", "gaps", item_line(value, i)
            )
            continue
        label = f"gaps[{i + 1}]"
        if not read.check.keys(item, _GAP_KEYS, _GAP_OPTIONAL, label):
            continue
        closest = ""
        if "closest" in item:
            closest = read.ref(item["closest"], "entries", label, key_line(item, "closest"))
        flags = {}
        for flag in ("partly", "from_profession", "between_roles"):
            flags[flag] = item.get(flag, False)
            if not isinstance(flags[flag], bool):
                read.check.fail(f"{flag} must be true or false", label, key_line(item, flag))
                flags[flag] = False
        gaps.append(
            Gap(
                name=read.text(item, "name", label),
                phrases=read.phrases(item, "phrases", label),
                closest=closest or None,
                only_with=read.phrases(item, "only_with", f"{label}.only_with"),
                not_before=read.phrases(item, "not_before", f"{label}.not_before"),
                **flags,
            )
        )
    return tuple(gaps)

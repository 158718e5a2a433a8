"""Limits Discord enforces that its OpenAPI schema does not express.

The schema lets ``content`` reach 4000 characters and says nothing about the
6000-character embed total, select-only rows or duplicate ``custom_id``s, yet the
API rejects all of those with ``50035 Invalid Form Body``. These checks encode the
documented ("prose") limits so the fake rejects what Discord would.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from .violations import JsonPath, Violation

MAX_CONTENT = 2000
MAX_EMBEDS = 10
MAX_EMBED_TOTAL = 6000
MAX_EMBED_FIELDS = 25
MAX_ROWS = 5
MAX_ROW_COMPONENTS = 5
MAX_V2_COMPONENTS = 40
MAX_LABEL = 80
MAX_CUSTOM_ID = 100
MAX_SELECT_OPTIONS = 25
MAX_CHOICES = 25
MAX_MODAL_TITLE = 45
MAX_MODAL_COMPONENTS = 5
COMMAND_LIMITS = {1: 100, 2: 15, 3: 15}  # CHAT_INPUT, USER, MESSAGE

FLAG_EPHEMERAL = 1 << 6
FLAG_LOADING = 1 << 7
FLAG_COMPONENTS_V2 = 1 << 15

_ACTION_ROW, _BUTTON = 1, 2
_SELECTS = frozenset({3, 5, 6, 7, 8})
_LINK_STYLE, _PREMIUM_STYLE = 5, 6
_COMMAND_NAME = re.compile(r"^[-_'\w]{1,32}$")
_SUBCOMMAND, _GROUP = 1, 2


def is_empty_message(body: Mapping[str, Any], file_count: int = 0) -> bool:
    """Discord answers 50006 "Cannot send an empty message" for these."""
    keys = ("content", "embeds", "components", "sticker_ids", "attachments", "poll")
    return file_count == 0 and not any(body.get(key) for key in keys)


def message_violations(body: Mapping[str, Any], prefix: JsonPath = ()) -> list[Violation]:
    """Limits for anything that creates or edits a message (channel, webhook, interaction)."""
    found: list[Violation] = []
    content = body.get("content")
    if isinstance(content, str) and len(content) > MAX_CONTENT:
        found.append(_too_long((*prefix, "content"), len(content), MAX_CONTENT))
    found += _embed_violations(body.get("embeds") or [], (*prefix, "embeds"))
    flags = body.get("flags") or 0
    components = body.get("components") or []
    if flags & FLAG_COMPONENTS_V2:
        if content or body.get("embeds"):
            found.append(
                Violation(
                    (*prefix, "content"),
                    "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2",
                    "content and embeds cannot be used with the IS_COMPONENTS_V2 flag.",
                )
            )
        total = sum(1 for _ in walk_components(components, ()))
        if total > MAX_V2_COMPONENTS:
            found.append(_too_many((*prefix, "components"), total, MAX_V2_COMPONENTS))
    else:
        found += _legacy_row_violations(components, (*prefix, "components"))
    found += _component_violations(components, (*prefix, "components"))
    found += _allowed_mention_violations(body.get("allowed_mentions"), prefix)
    return found


def autocomplete_violations(data: Mapping[str, Any], prefix: JsonPath) -> list[Violation]:
    choices = data.get("choices") or []
    if len(choices) > MAX_CHOICES:
        return [_too_many((*prefix, "choices"), len(choices), MAX_CHOICES)]
    return []


def modal_violations(data: Mapping[str, Any], prefix: JsonPath) -> list[Violation]:
    found: list[Violation] = []
    title = data.get("title") or ""
    if len(title) > MAX_MODAL_TITLE:
        found.append(_too_long((*prefix, "title"), len(title), MAX_MODAL_TITLE))
    components = data.get("components") or []
    if len(components) > MAX_MODAL_COMPONENTS:
        found.append(_too_many((*prefix, "components"), len(components), MAX_MODAL_COMPONENTS))
    found += _component_violations(components, (*prefix, "components"))
    return found


def command_list_violations(commands: Sequence[Mapping[str, Any]]) -> list[Violation]:
    """Bulk overwrite: per-type counts, unique (name, type) pairs, then each command."""
    found: list[Violation] = []
    seen: set[tuple[str, int]] = set()
    counts: dict[int, int] = {}
    for index, command in enumerate(commands):
        kind = command.get("type") or 1
        key = (str(command.get("name")), kind)
        if key in seen:
            found.append(
                Violation(
                    (index, "name"),
                    "APPLICATION_COMMANDS_DUPLICATE_NAME",
                    f"Application command names must be unique ({key[0]!r} repeats).",
                )
            )
        seen.add(key)
        counts[kind] = counts.get(kind, 0) + 1
        found += command_violations(command, (index,))
    for kind, count in counts.items():
        limit = COMMAND_LIMITS.get(kind)
        if limit is not None and count > limit:
            found.append(_too_many((), count, limit, what=f"commands of type {kind}"))
    return found


def command_violations(command: Mapping[str, Any], prefix: JsonPath = ()) -> list[Violation]:
    found: list[Violation] = []
    kind = command.get("type") or 1
    name = str(command.get("name") or "")
    description = command.get("description")
    if kind == 1:
        found += _name_violations(name, (*prefix, "name"))
        if not description:
            found.append(
                Violation((*prefix, "description"), "BASE_TYPE_REQUIRED", "This field is required")
            )
    elif description:
        found.append(
            Violation(
                (*prefix, "description"),
                "APPLICATION_COMMAND_INVALID_DESCRIPTION",
                "Context menu commands must have an empty description.",
            )
        )
    found += _option_violations(command.get("options") or [], (*prefix, "options"))
    return found


def _option_violations(options: Sequence[Mapping[str, Any]], prefix: JsonPath) -> list[Violation]:
    found: list[Violation] = []
    names: set[str] = set()
    seen_optional = False
    kinds = {option.get("type") for option in options}
    if kinds & {_SUBCOMMAND, _GROUP} and kinds - {_SUBCOMMAND, _GROUP}:
        found.append(
            Violation(
                prefix,
                "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
                "Sub-commands cannot be mixed with other option types.",
            )
        )
    for index, option in enumerate(options):
        where = (*prefix, index)
        name = str(option.get("name") or "")
        found += _name_violations(name, (*where, "name"))
        if name in names:
            found.append(
                Violation(
                    (*where, "name"),
                    "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS",
                    f"Option name {name!r} is already used.",
                )
            )
        names.add(name)
        if option.get("required"):
            if seen_optional:
                found.append(
                    Violation(
                        (*where, "required"),
                        "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                        "Required options must be placed before non-required options.",
                    )
                )
        elif option.get("type") not in (_SUBCOMMAND, _GROUP):
            seen_optional = True
        choices = option.get("choices") or []
        if len(choices) > MAX_CHOICES:
            found.append(_too_many((*where, "choices"), len(choices), MAX_CHOICES))
        if choices and option.get("autocomplete"):
            found.append(
                Violation(
                    (*where, "autocomplete"),
                    "APPLICATION_COMMAND_OPTION_AUTOCOMPLETE_WITH_CHOICES",
                    "Autocomplete cannot be enabled on options that have choices.",
                )
            )
        found += _option_violations(option.get("options") or [], (*where, "options"))
    return found


def _name_violations(name: str, path: JsonPath) -> list[Violation]:
    if _COMMAND_NAME.match(name) and name == name.lower():
        return []
    return [
        Violation(
            path,
            "APPLICATION_COMMAND_INVALID_NAME",
            f"Command name is invalid ({name!r}: 1-32 lowercase letters, digits, - or _).",
        )
    ]


def _embed_violations(embeds: Sequence[Mapping[str, Any]], prefix: JsonPath) -> list[Violation]:
    found: list[Violation] = []
    if len(embeds) > MAX_EMBEDS:
        found.append(_too_many(prefix, len(embeds), MAX_EMBEDS))
    total = 0
    for index, embed in enumerate(embeds):
        fields = embed.get("fields") or []
        if len(fields) > MAX_EMBED_FIELDS:
            found.append(_too_many((*prefix, index, "fields"), len(fields), MAX_EMBED_FIELDS))
        texts = [embed.get("title"), embed.get("description")]
        texts += [(embed.get("footer") or {}).get("text"), (embed.get("author") or {}).get("name")]
        for field in fields:
            texts += [field.get("name"), field.get("value")]
        total += sum(len(text) for text in texts if isinstance(text, str))
    if total > MAX_EMBED_TOTAL:
        found.append(
            Violation(
                prefix,
                "MAX_EMBED_SIZE_EXCEEDED",
                f"Embed size exceeds maximum size of {MAX_EMBED_TOTAL} (total text {total}).",
            )
        )
    return found


def _legacy_row_violations(
    components: Sequence[Mapping[str, Any]], prefix: JsonPath
) -> list[Violation]:
    found: list[Violation] = []
    if len(components) > MAX_ROWS:
        found.append(_too_many(prefix, len(components), MAX_ROWS))
    for index, row in enumerate(components):
        if row.get("type") != _ACTION_ROW:
            found.append(
                Violation(
                    (*prefix, index, "type"),
                    "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                    "Top-level components must be action rows without the IS_COMPONENTS_V2 flag.",
                )
            )
    return found


def _component_violations(
    components: Sequence[Mapping[str, Any]], prefix: JsonPath
) -> list[Violation]:
    found: list[Violation] = []
    custom_ids: dict[str, JsonPath] = {}
    for path, component in walk_components(components, prefix):
        kind = component.get("type")
        children = component.get("components")
        if kind == _ACTION_ROW and isinstance(children, list):
            if len(children) > MAX_ROW_COMPONENTS:
                found.append(_too_many((*path, "components"), len(children), MAX_ROW_COMPONENTS))
            if any(child.get("type") in _SELECTS for child in children) and len(children) > 1:
                found.append(
                    Violation(
                        (*path, "components"),
                        "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                        "A select menu must be the only component in its action row.",
                    )
                )
        custom_id = component.get("custom_id")
        if isinstance(custom_id, str):
            if len(custom_id) > MAX_CUSTOM_ID:
                found.append(_too_long((*path, "custom_id"), len(custom_id), MAX_CUSTOM_ID))
            if custom_id in custom_ids:
                found.append(
                    Violation(
                        (*path, "custom_id"),
                        "COMPONENT_CUSTOM_ID_DUPLICATED",
                        f"Component custom id {custom_id!r} cannot be duplicated.",
                    )
                )
            custom_ids[custom_id] = path
        if kind == _BUTTON:
            found += _button_violations(component, path)
        if kind in _SELECTS:
            options = component.get("options") or []
            if len(options) > MAX_SELECT_OPTIONS:
                found.append(_too_many((*path, "options"), len(options), MAX_SELECT_OPTIONS))
    return found


def _button_violations(button: Mapping[str, Any], path: JsonPath) -> list[Violation]:
    found: list[Violation] = []
    label = button.get("label")
    if isinstance(label, str) and len(label) > MAX_LABEL:
        found.append(_too_long((*path, "label"), len(label), MAX_LABEL))
    style = button.get("style")
    if style == _LINK_STYLE:
        if not button.get("url") or button.get("custom_id"):
            found.append(
                Violation(
                    path,
                    "BUTTON_COMPONENT_URL_REQUIRED",
                    "Link buttons need a url and cannot have a custom_id.",
                )
            )
    elif style != _PREMIUM_STYLE and not button.get("custom_id"):
        found.append(
            Violation(
                (*path, "custom_id"),
                "BUTTON_COMPONENT_CUSTOM_ID_REQUIRED",
                "Non-link buttons must have a custom_id.",
            )
        )
    return found


def _allowed_mention_violations(allowed: Any, prefix: JsonPath) -> list[Violation]:
    if not isinstance(allowed, Mapping):
        return []
    found: list[Violation] = []
    parse = allowed.get("parse") or []
    for kind in ("users", "roles"):
        if kind in parse and allowed.get(kind):
            found.append(
                Violation(
                    (*prefix, "allowed_mentions", kind),
                    "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
                    f'parse:["{kind}"] and {kind}: [ids...] are mutually exclusive.',
                )
            )
    return found


def walk_components(
    components: Sequence[Any], prefix: JsonPath
) -> Iterator[tuple[JsonPath, Mapping[str, Any]]]:
    """Every component at any depth: rows, sections' accessories, containers, labels."""
    for index, component in enumerate(components):
        if not isinstance(component, Mapping):
            continue
        path = (*prefix, index)
        yield path, component
        children = component.get("components")
        if isinstance(children, list):
            yield from walk_components(children, (*path, "components"))
        for single in ("accessory", "component"):
            child = component.get(single)
            if isinstance(child, Mapping):
                yield (*path, single), child
                nested = child.get("components")
                if isinstance(nested, list):
                    yield from walk_components(nested, (*path, single, "components"))


def _too_long(path: JsonPath, length: int, limit: int) -> Violation:
    return Violation(
        path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length (got {length})."
    )


def _too_many(path: JsonPath, count: int, limit: int, what: str = "items") -> Violation:
    return Violation(
        path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length (got {count} {what})."
    )

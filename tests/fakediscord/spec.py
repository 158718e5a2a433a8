"""Discord's OpenAPI spec as the oracle for every REST body the bot sends.

Why: a hand-written check per route drifts from Discord, the published spec does
not. The spec is read in place from ``../shared`` (``tests/shared_files.py``), never
copied into the repo, and each body is validated with jsonschema (OpenAPI 3.1
schemas are JSON Schema 2020-12) against the operation its path matches.

The spec is not the whole truth, so the document is adjusted in memory (``_adjust``):
two leniencies accept what Discord accepts from discord.py although the spec says
otherwise, and :data:`RULES`, schema fragments, add the limits Discord documents only
in prose. The few limits no schema can state, because they compare items with each
other, are the functions at the end.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

JsonPath = tuple[str | int, ...]
SPEC_URI = "urn:discord-api-spec"
CALLBACK = "/interactions/{interaction_id}/{interaction_token}/callback"
JSON, FORM = "application/json", "multipart/form-data"
MAX_CONTENT, MAX_ROWS, MAX_EMBED_TOTAL = 2000, 5, 6000
NAME = r"^(?!.*[A-Z])[-_'\w]{1,32}$"  # chat-input command and option names: lowercase

_CHAT_INPUT = {"properties": {"type": {"enum": [1, None]}}}  # no type means chat input
_COMMAND_RULE = {
    "if": _CHAT_INPUT,
    "then": {
        "properties": {"name": {"pattern": NAME}, "description": {"minLength": 1}},
        "required": ["description"],
    },
    "else": {"properties": {"description": {"enum": ["", None]}}},
}
RULES: dict[str, dict[str, Any]] = {
    "ApplicationCommandUpdateRequest": _COMMAND_RULE,
    "ApplicationCommandCreateRequest": _COMMAND_RULE,
    # Every button but link (5) and premium (6) ones is clicked through its custom_id.
    "ButtonComponentForMessageRequest": {
        "if": {"properties": {"style": {"enum": [1, 2, 3, 4]}}},
        "then": {"properties": {"custom_id": {"type": "string"}}, "required": ["custom_id"]},
    },
}
_PERMISSIONS = frozenset({"default_member_permissions", "permissions", "allow", "deny"})


@dataclass(frozen=True)
class Violation:
    """One reason Discord would reject a body: where, and Discord's complaint."""

    path: JsonPath
    message: str
    code: str = "BASE_TYPE_INVALID"

    def describe(self) -> str:
        """``embeds[0].title: <complaint>``, as a person reads a JSON path."""
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in self.path)
        return f"{where.lstrip('.') or '<body>'}: {self.message}"


def form_body_error(violations: list[Violation]) -> dict[str, Any]:
    """Discord's 50035 body: errors nested by path, which discord.py flattens into text."""
    tree: dict[str, Any] = {}
    for violation in violations:
        node = tree
        for part in violation.path:
            node = node.setdefault(str(part), {})
        node.setdefault("_errors", []).append(
            {"code": violation.code, "message": violation.message}
        )
    return {"code": 50035, "message": "Invalid Form Body", "errors": tree}


@dataclass(frozen=True)
class RouteMatch:
    template: str
    params: dict[str, str]
    methods: frozenset[str]


@functools.cache
def load_spec(path: Path) -> ApiSpec:
    """The spec at ``path``, parsed and adjusted once per process (it is ~650 kB)."""
    return ApiSpec(json.loads(path.read_text(encoding="utf-8")))


class ApiSpec:
    """The spec's routes, and a validator per operation built on first use."""

    def __init__(self, document: dict[str, Any]) -> None:
        _adjust(document)
        self._paths: dict[str, dict[str, Any]] = document["paths"]
        resource = Resource.from_contents(document, default_specification=DRAFT202012)
        self._registry: Registry[Any] = Registry().with_resource(SPEC_URI, resource)
        self._validators: dict[tuple[str, str, str], Draft202012Validator | None] = {}

    def match(self, path: str) -> RouteMatch | None:
        """The template a path belongs to; literal segments beat ``{params}`` (``@me``)."""
        segments = [unquote(s) for s in path.strip("/").split("/")]
        best: tuple[int, str, dict[str, str]] | None = None
        for template in self._paths:
            parts = template.strip("/").split("/")
            if len(parts) != len(segments):
                continue
            params = {p[1:-1]: s for p, s in zip(parts, segments, strict=True) if p[0] == "{"}
            literals = [p == s for p, s in zip(parts, segments, strict=True) if p[0] != "{"]
            if all(literals) and all(params.values()) and (not best or len(literals) > best[0]):
                best = (len(literals), template, params)
        if best is None:
            return None
        methods = frozenset(m.upper() for m in self._paths[best[1]] if m != "parameters")
        return RouteMatch(best[1], best[2], methods)

    def operation(self, method: str, template: str) -> dict[str, Any]:
        return dict(self._paths.get(template, {}).get(method.lower()) or {})

    def check(
        self, method: str, template: str, body: Any, content_type: str = JSON
    ) -> list[Violation]:
        """Everything Discord would refuse in this body: the schema, then the prose limits.

        A form (``multipart/form-data``) is checked against the spec's form schema, as
        its JSON body's fields next to one ``files[n]`` field per file.
        """
        validator = self._validator(method, template, content_type)
        found = [
            _violation(leaf)
            for error in (validator.iter_errors(body) if validator else ())
            for leaf in _explain(error)
        ]
        return found + cross_item_violations(method, template, body)

    def _validator(
        self, method: str, template: str, content_type: str
    ) -> Draft202012Validator | None:
        key = (method.lower(), template, content_type)
        if key not in self._validators:
            content = self.operation(method, template).get("requestBody", {}).get("content", {})
            pointer = "/".join(
                p.replace("~", "~0").replace("/", "~1")
                for p in ("paths", template, key[0], "requestBody", "content", content_type)
            )
            self._validators[key] = (
                Draft202012Validator(
                    {"$ref": f"{SPEC_URI}#/{pointer}/schema"},
                    registry=self._registry,
                    format_checker=_formats(),
                )
                if content_type in content
                else None
            )
        return self._validators[key]


def _adjust(document: dict[str, Any]) -> None:
    """Apply the leniencies and :data:`RULES` to the in-memory document."""
    schemas = document["components"]["schemas"]
    # Leniency: discord.py sends some snowflakes as integers, which the API coerces.
    schemas["SnowflakeType"] = {"anyOf": [schemas["SnowflakeType"], {"type": "integer"}]}
    for name, rule in RULES.items():
        schemas[name] = {"allOf": [schemas[name], rule]}
    for name, schema in schemas.items():
        if name.startswith("ApplicationCommand") and name.endswith("Option"):
            schema["properties"]["name"]["pattern"] = NAME
    for node in _walk(document):
        properties = node.get("properties")
        if not isinstance(properties, dict):
            continue
        # Leniency: permission bitfields as digit strings, as Discord documents them.
        for name in _PERMISSIONS & properties.keys():
            if "integer" in (properties[name].get("type") or ()):
                properties[name] = {
                    "anyOf": [properties[name], {"type": "string", "pattern": r"^\d+$"}]
                }
        if {"content", "components"} <= properties.keys():
            # A bot's message holds 2,000 characters, and at most 5 action rows unless
            # it is a Components V2 message (the spec's 40), which this bot never sends.
            properties["content"]["maxLength"] = MAX_CONTENT
            properties["components"]["maxItems"] = MAX_ROWS


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


@functools.cache
def _formats() -> FormatChecker:
    """The formats Discord enforces; jsonschema alone would skip them silently."""
    checker = FormatChecker(formats=())

    @checker.checks("uri")
    def is_uri(value: object) -> bool:
        return not isinstance(value, str) or bool(re.match(r"^[a-z][a-z0-9+.-]*:\S+$", value, re.I))

    @checker.checks("date-time", raises=ValueError)
    def is_time(value: object) -> bool:
        return not isinstance(value, str) or bool(dt.datetime.fromisoformat(value))

    return checker


def _explain(error: ValidationError) -> list[ValidationError]:
    """The errors of the ``anyOf``/``oneOf`` branch the body meant, not "matches none".

    The meant branch is the one whose discriminator (a ``type`` enum) and JSON type
    fit; a callback of type 4 is explained as a message, for instance.
    """
    if error.validator not in ("anyOf", "oneOf") or not error.context:
        return [error]
    depth = len(error.absolute_path)
    branches: dict[int, list[ValidationError]] = {}
    for sub in error.context:
        branches.setdefault(int(sub.relative_schema_path[0]), []).append(sub)

    def mismatch(errors: list[ValidationError]) -> tuple[int, int, int]:
        """Discriminator and type errors at this level, then prefer the deepest error."""
        discriminator = sum(
            e.validator in ("enum", "const") and len(e.absolute_path) <= depth + 1 for e in errors
        )
        wrong_type = sum(e.validator == "type" and len(e.absolute_path) == depth for e in errors)
        return discriminator, wrong_type, -max(len(e.absolute_path) for e in errors)

    best = min(branches.values(), key=mismatch)
    if mismatch(best)[:2] != (0, 0):
        return [error]
    return [leaf for sub in best for leaf in _explain(sub)]


def _violation(error: ValidationError) -> Violation:
    path = tuple(error.absolute_path)
    instance, rule = error.instance, f"(schema: {error.validator} {error.validator_value!r})"
    if error.validator in ("maxLength", "maxItems") and isinstance(instance, str | list):
        limit, code = error.validator_value, "BASE_TYPE_MAX_LENGTH"  # Discord's own words:
        message = f"Must be {limit} or fewer in length (got {len(instance)}) {rule}"
    else:
        message, code = f"{error.message[:200]} {rule}", f"SCHEMA_{error.validator}".upper()
    return Violation(path, message, code)


# ------------------------------------------------------------ limits across items
def cross_item_violations(method: str, template: str, body: Any) -> list[Violation]:
    """Documented limits that compare items: embed total, unique ids and names."""
    if method == "PUT" and template.endswith("/commands") and isinstance(body, list):
        return _command_violations(body)
    if not isinstance(body, dict):
        return []
    if template == CALLBACK:
        data = body.get("data")
        return _message_violations(data, ("data",)) if isinstance(data, dict) else []
    if "/messages" in template or template.startswith("/webhooks/"):
        return _message_violations(body, ())
    return []


def _message_violations(body: dict[str, Any], prefix: JsonPath) -> list[Violation]:
    found = []
    total = 0
    for embed in body.get("embeds") or []:
        texts = [embed.get("title"), embed.get("description")]
        texts += [(embed.get("footer") or {}).get("text"), (embed.get("author") or {}).get("name")]
        texts += [f.get(k) for f in embed.get("fields") or [] for k in ("name", "value")]
        total += sum(len(t) for t in texts if isinstance(t, str))
    if total > MAX_EMBED_TOTAL:
        message = f"Embed size exceeds maximum size of {MAX_EMBED_TOTAL} (total text {total})."
        found.append(Violation((*prefix, "embeds"), message, "MAX_EMBED_SIZE_EXCEEDED"))
    seen: set[str] = set()
    for r, row in enumerate(body.get("components") or []):
        for c, component in enumerate(row.get("components") or []):
            custom_id = component.get("custom_id")
            if custom_id in seen:
                path = (*prefix, "components", r, "components", c, "custom_id")
                message = f"Component custom id {custom_id!r} cannot be duplicated."
                found.append(Violation(path, message, "COMPONENT_CUSTOM_ID_DUPLICATED"))
            seen.add(custom_id)
    return found


def _command_violations(commands: list[dict[str, Any]]) -> list[Violation]:
    found = []
    seen: set[tuple[str, int]] = set()
    for index, command in enumerate(commands):
        key = (str(command.get("name")), command.get("type") or 1)
        if key in seen:
            message = f"Application command names must be unique ({key[0]!r} repeats)."
            found.append(Violation((index, "name"), message, "APPLICATION_COMMANDS_DUPLICATE_NAME"))
        seen.add(key)
        found += _option_order((index, "options"), command.get("options") or [])
    return found


def _option_order(prefix: JsonPath, options: list[dict[str, Any]]) -> list[Violation]:
    """Required options come first, at every level of subcommands."""
    found = []
    optional = False
    for index, option in enumerate(options):
        if option.get("type") in (1, 2):
            found += _option_order((*prefix, index, "options"), option.get("options") or [])
        elif option.get("required") and optional:
            message = "Required options must be placed before non-required options."
            found.append(Violation((*prefix, index, "required"), message))
        else:
            optional = optional or not option.get("required")
    return found

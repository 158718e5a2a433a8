"""Discord's official OpenAPI spec as the oracle for what the REST API accepts.

The spec is read in place from the shared folder (never copied into the repo):
``$DISCORD_API_SPEC``, else ``<repo>/../shared/discord-api-spec/openapi.json``.
Request bodies are validated with ``Draft202012Validator`` (OpenAPI 3.1 *is* JSON
Schema 2020-12) against the ``requestBody`` schema of the operation whose path
template matches the request, with ``$ref``s resolved through a ``referencing``
registry that holds the whole document.

Two deliberate leniencies (see :data:`LENIENCIES`) keep the oracle from rejecting
what the real API accepts from discord.py; everything else is the spec verbatim.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from .violations import Violation

SPEC_ENV_VAR = "DISCORD_API_SPEC"
REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SPEC_PATH = REPO_ROOT.parent / "shared" / "discord-api-spec" / "openapi.json"
SPEC_URI = "urn:discord-api-spec:openapi.json"

LENIENCIES = (
    "SnowflakeType also accepts non-negative integers: the spec types snowflakes as "
    "digit strings, but the API coerces integers and discord.py sends ints "
    "(allowed_mentions.users, message_reference.message_id, ...).",
    "Integer permission bitfields (default_member_permissions, permissions, allow, deny) "
    "also accept digit strings: Discord documents them as strings and discord.py "
    "sends str(value).",
)

_PERMISSION_FIELDS = frozenset({"default_member_permissions", "permissions", "allow", "deny"})
_URI_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")


class SpecNotFoundError(FileNotFoundError):
    """The shared OpenAPI spec is missing, so spec-validated tests cannot run."""


def spec_path() -> Path:
    """Where the spec is expected: ``$DISCORD_API_SPEC`` or the shared folder beside the repo."""
    return Path(os.environ.get(SPEC_ENV_VAR) or DEFAULT_SPEC_PATH)


def load_spec(path: Path | None = None) -> ApiSpec:
    """Load and index the spec at ``path`` (default :func:`spec_path`), once per process."""
    location = (path or spec_path()).resolve()
    if not location.is_file():
        raise SpecNotFoundError(
            f"Discord OpenAPI spec not found at {location} "
            f"(set {SPEC_ENV_VAR} or provide shared/discord-api-spec/openapi.json beside the repo)"
        )
    return _load(location)


@functools.cache
def _load(location: Path) -> ApiSpec:
    """Cached by resolved path: the file is ~1 MB and immutable during a run."""
    with location.open(encoding="utf-8") as handle:
        return ApiSpec(json.load(handle))


@dataclass(frozen=True)
class RouteMatch:
    """A request path matched to the spec's path template and its parameters."""

    template: str
    params: dict[str, str]
    methods: frozenset[str]


class ApiSpec:
    """Index of the spec's operations plus request-body validators built on demand."""

    def __init__(self, document: dict[str, Any]) -> None:
        _apply_leniencies(document)
        self.document = document
        self._paths: dict[str, dict[str, Any]] = document["paths"]
        self._templates = [(tpl, tpl.strip("/").split("/")) for tpl in self._paths]
        resource = Resource.from_contents(document, default_specification=DRAFT202012)
        self._registry: Registry[Any] = Registry().with_resource(SPEC_URI, resource)
        self._validators: dict[tuple[str, str, str], Draft202012Validator] = {}

    def match(self, path: str) -> RouteMatch | None:
        """Find the template for a path; literal segments beat ``{params}`` (``@me``)."""
        segments = [unquote(s) for s in path.strip("/").split("/")]
        best: tuple[int, str, dict[str, str]] | None = None
        for template, parts in self._templates:
            if len(parts) != len(segments):
                continue
            params: dict[str, str] = {}
            literals = 0
            for part, segment in zip(parts, segments, strict=True):
                if part.startswith("{") and part.endswith("}"):
                    if not segment:
                        break
                    params[part[1:-1]] = segment
                elif part == segment:
                    literals += 1
                else:
                    break
            else:
                if best is None or literals > best[0]:
                    best = (literals, template, params)
        if best is None:
            return None
        methods = frozenset(m.upper() for m in self._paths[best[1]] if m != "parameters")
        return RouteMatch(template=best[1], params=best[2], methods=methods)

    def operation(self, method: str, template: str) -> dict[str, Any] | None:
        return self._paths.get(template, {}).get(method.lower())

    def body_required(self, method: str, template: str) -> bool:
        operation = self.operation(method, template) or {}
        return bool(operation.get("requestBody", {}).get("required"))

    def takes_body(self, method: str, template: str) -> bool:
        operation = self.operation(method, template) or {}
        return "requestBody" in operation

    def validate_body(self, method: str, template: str, body: Any) -> list[Violation]:
        """Validate a JSON body (or multipart ``payload_json``) against the operation."""
        validator = self._validator(method, template, "application/json")
        if validator is None:
            return []
        violations: list[Violation] = []
        for error in validator.iter_errors(body):
            violations.extend(_to_violation(leaf) for leaf in _explain(error))
        return violations

    def validate_query(
        self, method: str, template: str, query: Mapping[str, str]
    ) -> list[Violation]:
        """Check declared boolean/integer query parameters (e.g. ``with_response``)."""
        operation = self.operation(method, template) or {}
        violations: list[Violation] = []
        for param in operation.get("parameters", []):
            name = param.get("name")
            if param.get("in") != "query" or name not in query:
                continue
            kind = param.get("schema", {}).get("type")
            value = query[name]
            if kind == "boolean" and value.lower() not in {"true", "false", "1", "0"}:
                violations.append(
                    Violation((name,), "BASE_TYPE_BOOLEAN", f"Must be a boolean, got {value!r}.")
                )
            if kind == "integer" and not re.fullmatch(r"-?\d+", value):
                violations.append(
                    Violation((name,), "NUMBER_TYPE_COERCE", f"Must be an integer, got {value!r}.")
                )
        return violations

    def _validator(
        self, method: str, template: str, content_type: str
    ) -> Draft202012Validator | None:
        key = (method.lower(), template, content_type)
        if key in self._validators:
            return self._validators[key]
        operation = self.operation(method, template) or {}
        content = operation.get("requestBody", {}).get("content", {})
        if content_type not in content:
            return None
        pointer = _json_pointer(
            "paths", template, method.lower(), "requestBody", "content", content_type, "schema"
        )
        validator = Draft202012Validator(
            {"$ref": f"{SPEC_URI}#{pointer}"},
            registry=self._registry,
            format_checker=_format_checker(),
        )
        self._validators[key] = validator
        return validator


def _json_pointer(*parts: str) -> str:
    return "".join("/" + p.replace("~", "~0").replace("/", "~1") for p in parts)


def _apply_leniencies(document: dict[str, Any]) -> None:
    """Patch the in-memory document only; see :data:`LENIENCIES` for why."""
    schemas = document["components"]["schemas"]
    snowflake = schemas["SnowflakeType"]
    schemas["SnowflakeType"] = {
        "anyOf": [snowflake, {"type": "integer", "minimum": 0, "maximum": 2**64 - 1}]
    }
    for node in list(_walk(document)):
        properties = node.get("properties")
        if not isinstance(properties, dict):
            continue
        for name in _PERMISSION_FIELDS & properties.keys():
            field = properties[name]
            types = field.get("type") if isinstance(field, dict) else None
            if types and "integer" in types:
                properties[name] = {"anyOf": [field, {"type": "string", "pattern": r"^\d+$"}]}


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


@functools.cache
def _format_checker() -> FormatChecker:
    """Formats Discord enforces; jsonschema would silently skip them without extra deps."""
    checker = FormatChecker(formats=())

    @checker.checks("uri")
    def _is_uri(value: object) -> bool:
        if not isinstance(value, str):
            return True
        return bool(_URI_RE.match(value)) and bool(urlsplit(value).scheme)

    @checker.checks("date-time", raises=ValueError)
    def _is_datetime(value: object) -> bool:
        if not isinstance(value, str):
            return True
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")) is not None

    return checker


def _explain(error: ValidationError) -> list[ValidationError]:
    """Turn a failed ``anyOf``/``oneOf`` into the errors of the branch that was meant.

    jsonschema reports a union failure as "is not valid under any of the given schemas",
    which hides the field. The intended branch is the one whose discriminator (a
    ``type`` enum/const) and JSON type matched; its errors are explained recursively.
    """
    if error.validator not in ("anyOf", "oneOf") or not error.context:
        return [error]
    branches: dict[int, list[ValidationError]] = {}
    for sub in error.context:
        branches.setdefault(int(sub.relative_schema_path[0]), []).append(sub)
    depth = len(error.absolute_path)

    def mismatch(errors: list[ValidationError]) -> tuple[int, int, int]:
        discriminator = sum(
            1
            for e in errors
            if e.validator in ("enum", "const") and len(e.absolute_path) <= depth + 1
        )
        wrong_type = sum(
            1 for e in errors if e.validator == "type" and len(e.absolute_path) == depth
        )
        deepest = max(len(e.absolute_path) for e in errors)
        return (discriminator, wrong_type, -deepest)

    best = min(branches.values(), key=mismatch)
    if mismatch(best)[:2] != (0, 0):
        return [error]
    return [leaf for sub in best for leaf in _explain(sub)]


_CODES = {
    "maxLength": "BASE_TYPE_MAX_LENGTH",
    "minLength": "BASE_TYPE_MIN_LENGTH",
    "maxItems": "BASE_TYPE_MAX_LENGTH",
    "minItems": "BASE_TYPE_MIN_LENGTH",
    "required": "BASE_TYPE_REQUIRED",
    "type": "BASE_TYPE_BAD_TYPE",
    "enum": "BASE_TYPE_CHOICES",
    "const": "BASE_TYPE_CHOICES",
    "maximum": "NUMBER_TYPE_MAX",
    "minimum": "NUMBER_TYPE_MIN",
    "format": "BASE_TYPE_INVALID_FORMAT",
    "pattern": "BASE_TYPE_INVALID_FORMAT",
}


def _to_violation(error: ValidationError) -> Violation:
    path = tuple(error.absolute_path)
    if error.validator == "required":
        missing = re.match(r"'([^']+)'", error.message)
        if missing:
            path = (*path, missing.group(1))
    return Violation(path, _CODES.get(str(error.validator), "INVALID"), _short_message(error))


def _short_message(error: ValidationError) -> str:
    """The spec's complaint without dumping a 6000-character instance."""
    rule = f"(spec: {error.validator} {error.validator_value!r})"
    instance = error.instance
    if error.validator in ("maxLength", "minLength") and isinstance(instance, str):
        return f"length {len(instance)} violates {rule}"
    if error.validator in ("maxItems", "minItems") and isinstance(instance, list):
        return f"{len(instance)} items violates {rule}"
    message = error.message
    if len(message) > 200:
        message = message[:200] + "…"
    if error.validator in ("anyOf", "oneOf", "allOf"):
        return f"{message} (spec: {error.validator})"
    return f"{message} {rule}"

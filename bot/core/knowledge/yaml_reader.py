"""Reading one KB file as YAML, safely and within bounds, keeping line numbers.

The KB comes from pull requests, so a file may be broken or hostile. Reading one must
end quickly, in bounded memory, with a message rather than a traceback:

* only regular files are opened (a FIFO or ``/dev/zero`` would block or never end), and
  the open is non-blocking in case the file is swapped for one after the check;
* a file over :data:`MAX_FILE_BYTES` is refused unread;
* the parser's events are counted *before* anything is built: a document whose nodes,
  once aliases are expanded, exceed :data:`MAX_NODES` (an "alias bomb"), that nests
  deeper than :data:`MAX_DEPTH` or that refers to itself is refused without the
  expansion ever being built, even in messages;
* the safe loader builds plain data only, refuses duplicate keys (plain YAML silently
  keeps the last one) and keys that cannot be keys (a list or a mapping).

Mappings and lists come back as :class:`YamlMap` and :class:`YamlList`: a ``dict`` and a
``list`` that also know the line of the value and of each key or item, so a problem can
name the line it is about.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import yaml

MAX_FILE_BYTES = 5 * 1024 * 1024
"""Largest KB file read. The biggest shipped file is about 12 kB."""
MAX_NODES = 100_000
"""Most YAML nodes in one file, counting every alias as a copy of what it names. The
biggest shipped file has under 1,000; a few lines of nested aliases can name billions."""
MAX_DEPTH = 50
"""Deepest nesting of lists and mappings. The KB nests four levels at most."""

_SafeBase = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: 5x faster


class YamlError(Exception):
    """A file that cannot be read as KB data; ``line`` is 1-based when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


class YamlMap(dict):  # type: ignore[type-arg]
    """A YAML mapping that knows its line and the line of each of its keys."""

    __slots__ = ("key_lines", "line")

    def __init__(self, *args: Any, line: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.line = line
        self.key_lines: dict[Any, int] = {}


class YamlList(list):  # type: ignore[type-arg]
    """A YAML sequence that knows its line and the line of each of its items."""

    __slots__ = ("item_lines", "line")

    def __init__(self, *args: Any, line: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.line = line
        self.item_lines: tuple[int, ...] = ()


def line_of(value: Any) -> int | None:
    """The 1-based line a mapping or list read by :func:`read_yaml` starts on."""
    return getattr(value, "line", None)


def key_line(mapping: Any, key: Any) -> int | None:
    """The line of ``key`` in ``mapping``, else the mapping's own line."""
    lines = getattr(mapping, "key_lines", None) or {}
    return lines.get(key) or line_of(mapping)


def item_line(items: Any, index: int) -> int | None:
    """The line of item ``index`` of a list, else the list's own line."""
    lines = getattr(items, "item_lines", ())
    return lines[index] if 0 <= index < len(lines) else line_of(items)


# ---------------------------------------------------------------------------- loader


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


class _LineLoader(_SafeBase):  # type: ignore[misc, valid-type]
    """A safe loader (no arbitrary objects) that remembers lines and refuses duplicate
    and unhashable keys."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode, deep: bool = False) -> YamlMap:
    key_lines: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            kind = "mapping" if isinstance(key, dict) else "list" if isinstance(key, list) else ""
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"a {kind or type(key).__name__} cannot be a mapping key",
                key_node.start_mark,
            ) from None
        if key in key_lines:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        key_lines[key] = _line(key_node)
    mapping = YamlMap(
        yaml.constructor.SafeConstructor.construct_mapping(loader, node, deep=deep),
        line=_line(node),
    )
    mapping.key_lines = key_lines
    return mapping


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> Any:
    items = YamlList(line=_line(node))
    items.item_lines = tuple(_line(n) for n in node.value)
    yield items  # first, so a list can contain itself the way PyYAML's own lists can
    items.extend(loader.construct_sequence(node))


def _checked_scalar(tag: str) -> None:
    """Re-register ``tag``'s constructor so a value Python refuses to convert (an integer
    of 5,000 digits, the 45th of a month) is a YAML error on its line, not a traceback."""
    construct = yaml.constructor.SafeConstructor.yaml_constructors[tag]

    def checked(loader: _LineLoader, node: yaml.ScalarNode) -> Any:
        try:
            return construct(loader, node)
        except (ValueError, OverflowError) as exc:
            raise yaml.constructor.ConstructorError(
                None, None, f"cannot read {node.value[:40]!r}: {exc}", node.start_mark
            ) from None

    _LineLoader.add_constructor(tag, checked)


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
for _tag in ("int", "float", "timestamp"):
    _checked_scalar(f"tag:yaml.org,2002:{_tag}")


# ---------------------------------------------------------------------------- reading


def read_yaml(path: Path) -> Any:
    """The data in the YAML file ``path``; :class:`YamlError` if it cannot be read."""
    text = _read_text(path)
    try:
        _check_shape(text)
        return yaml.load(text, Loader=_LineLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        what = getattr(exc, "problem", None) or str(exc)
        raise YamlError(f"is not valid YAML: {what}", mark.line + 1 if mark else None) from None
    except RecursionError:  # pragma: no cover - MAX_DEPTH stops nesting long before this
        raise YamlError("is not valid YAML: nested too deeply") from None


def _read_text(path: Path) -> str:
    """The file's text, read only if it is a regular file of at most MAX_FILE_BYTES."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise YamlError("file is missing") from None
    except OSError as exc:
        raise YamlError(f"cannot be read: {exc}") from None
    _check_regular(info)
    try:
        # Non-blocking: if a FIFO replaced the file since the stat, opening it must not
        # wait for a writer. The fstat below then refuses it.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with os.fdopen(fd, "rb") as file:
            _check_regular(os.fstat(file.fileno()))
            data = file.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise YamlError(f"cannot be read: {exc}") from None
    if len(data) > MAX_FILE_BYTES:
        raise YamlError(_too_big(len(data)))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise YamlError(f"cannot be read: {exc}") from None


def _check_regular(info: os.stat_result) -> None:
    if not stat.S_ISREG(info.st_mode):
        raise YamlError(f"is not a regular file but {_kind(info.st_mode)}; refusing to read it")
    if info.st_size > MAX_FILE_BYTES:
        raise YamlError(_too_big(info.st_size))


def _too_big(size: int) -> str:
    return f"is {size:,} bytes; the limit is {MAX_FILE_BYTES:,} ({MAX_FILE_BYTES >> 20} MB)"


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "a special file"


def _check_shape(text: str) -> None:
    """Walk the parser's events and refuse a document too big or deep once aliases are
    expanded, before any of it is built. Counts only: memory stays flat whatever the
    document claims to hold."""
    nodes = 0
    open_anchors: list[str | None] = []
    starts: list[int] = []
    sizes: dict[str, int] = {}  # anchor -> nodes it stands for, aliases expanded
    for event in yaml.parse(text, Loader=_SafeBase):
        line = event.start_mark.line + 1 if event.start_mark else None
        if isinstance(event, yaml.AliasEvent):
            if event.anchor in open_anchors:
                raise YamlError(f"alias *{event.anchor} refers to itself", line)
            nodes += sizes.get(event.anchor, 1)  # undefined: the loader says so
        elif isinstance(event, yaml.ScalarEvent):
            nodes += 1
            if event.anchor is not None:
                sizes[event.anchor] = 1
        elif isinstance(event, yaml.CollectionStartEvent):
            nodes += 1
            open_anchors.append(event.anchor)
            starts.append(nodes)
            if len(starts) > MAX_DEPTH:
                raise YamlError(f"nests lists and mappings deeper than {MAX_DEPTH} levels", line)
        elif isinstance(event, yaml.CollectionEndEvent):
            anchor = open_anchors.pop()
            start = starts.pop()
            if anchor is not None:
                sizes[anchor] = nodes - start + 1
        if nodes > MAX_NODES:
            raise YamlError(
                f"has more than {MAX_NODES:,} values once aliases are expanded "
                "(an alias bomb?); refusing to load it",
                line,
            )

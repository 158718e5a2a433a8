"""Discord's size limits, and the helpers that keep every message inside them.

Discord rejects a whole message (``50035 Invalid Form Body``) when one field is one
character too long, so nothing is sent without passing through these helpers. The
numbers are Discord's documented limits; the spec's own schema only carries some.
"""

from __future__ import annotations

from typing import Any

import discord

MESSAGE_CONTENT_LIMIT = 2000
EMBED_TITLE_LIMIT = 256
EMBED_DESCRIPTION_LIMIT = 4096
EMBED_FIELD_NAME_LIMIT = 256
EMBED_FIELD_VALUE_LIMIT = 1024
EMBED_FIELDS_LIMIT = 25
EMBED_FOOTER_LIMIT = 2048
EMBED_AUTHOR_LIMIT = 256
EMBED_TOTAL_LIMIT = 6000
BUTTONS_PER_ROW = 5
ROWS_LIMIT = 5
BUTTON_LABEL_LIMIT = 80
CUSTOM_ID_LIMIT = 100
CHOICE_NAME_LIMIT = 100
CHOICE_VALUE_LIMIT = 100
AUTOCOMPLETE_CHOICES_LIMIT = 25
ATTACHMENT_DESCRIPTION_LIMIT = 1024
"""An attachment's description (alt text)."""
ELLIPSIS = "…"
# How far back from the cut we look for a space: further than this and a mid-word cut
# loses less text than a word-boundary cut would.
_WORD_BACKOFF = 40


def truncate(text: str, limit: int) -> str:
    """``text`` if it fits, else cut at a word boundary and end with "…".

    A trailing backslash left by markdown escaping is dropped too, otherwise it would
    escape the ellipsis (and a lone one shows as a stray character).
    """
    if limit < 1:
        return ""
    if len(text) <= limit:
        return text
    cut = text[: limit - len(ELLIPSIS)]
    space = cut.rfind(" ")
    if space >= max(1, len(cut) - _WORD_BACKOFF):
        cut = cut[:space]
    cut = cut.rstrip()
    while cut.endswith("\\"):
        cut = cut[:-1]
    return cut + ELLIPSIS


def fit_embed(embed: discord.Embed) -> discord.Embed:
    """Shrink ``embed`` in place until its total length is within 6,000 characters.

    Each part is already within its own limit; only their sum can still be too long.
    The description gives way first (the fields carry the per-role facts), then the
    last fields are dropped.
    """
    excess = len(embed) - EMBED_TOTAL_LIMIT
    if excess > 0 and embed.description:
        keep = max(0, len(embed.description) - excess)
        embed.description = truncate(embed.description, keep) or None
    while len(embed) > EMBED_TOTAL_LIMIT and embed.fields:
        embed.remove_field(len(embed.fields) - 1)
    if len(embed) > EMBED_TOTAL_LIMIT and embed.footer.text:
        excess = len(embed) - EMBED_TOTAL_LIMIT
        embed.set_footer(text=truncate(embed.footer.text, len(embed.footer.text) - excess))
    return embed


def embed_problems(embed: discord.Embed) -> list[str]:
    """Every limit ``embed`` breaks (empty when it is safe to send)."""
    problems: list[str] = []
    data: dict[str, Any] = embed.to_dict()  # type: ignore[assignment]

    def check(what: str, value: str | None, limit: int) -> None:
        if value is not None and len(value) > limit:
            problems.append(f"{what} is {len(value)} characters (limit {limit})")

    check("title", data.get("title"), EMBED_TITLE_LIMIT)
    check("description", data.get("description"), EMBED_DESCRIPTION_LIMIT)
    check("footer", data.get("footer", {}).get("text"), EMBED_FOOTER_LIMIT)
    check("author", data.get("author", {}).get("name"), EMBED_AUTHOR_LIMIT)
    fields = data.get("fields", [])
    if len(fields) > EMBED_FIELDS_LIMIT:
        problems.append(f"{len(fields)} fields (limit {EMBED_FIELDS_LIMIT})")
    for i, f in enumerate(fields):
        check(f"field {i} name", f["name"], EMBED_FIELD_NAME_LIMIT)
        check(f"field {i} value", f["value"], EMBED_FIELD_VALUE_LIMIT)
        if not f["name"].strip() or not f["value"].strip():
            problems.append(f"field {i} has an empty name or value")
    if len(embed) > EMBED_TOTAL_LIMIT:
        problems.append(f"total is {len(embed)} characters (limit {EMBED_TOTAL_LIMIT})")
    if not (data.get("title") or data.get("description") or fields):
        problems.append("embed is empty")
    return problems


def view_problems(view: discord.ui.View) -> list[str]:
    """Every component limit ``view`` breaks: rows, buttons per row, labels, custom ids."""
    problems: list[str] = []
    rows = view.to_components()
    if len(rows) > ROWS_LIMIT:
        problems.append(f"{len(rows)} rows (limit {ROWS_LIMIT})")
    seen: set[str] = set()
    for r, row in enumerate(rows):
        components = row["components"]  # type: ignore[typeddict-item]
        if not 1 <= len(components) <= BUTTONS_PER_ROW:
            problems.append(f"row {r} has {len(components)} components")
        for component in components:
            label = component.get("label") or ""
            custom_id = component.get("custom_id") or ""
            if len(label) > BUTTON_LABEL_LIMIT:
                problems.append(f"label {label[:20]!r}… is {len(label)} characters")
            if not label and not component.get("emoji"):
                problems.append("a button has neither label nor emoji")
            if not 1 <= len(custom_id) <= CUSTOM_ID_LIMIT:
                problems.append(f"custom_id {custom_id[:20]!r}… is {len(custom_id)} characters")
            if custom_id in seen:
                problems.append(f"custom_id {custom_id!r} is used twice")
            seen.add(custom_id)
    return problems

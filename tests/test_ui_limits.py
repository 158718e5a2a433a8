"""The helpers that keep every message inside Discord's limits."""

from __future__ import annotations

import discord
from hypothesis import given
from hypothesis import strategies as st

from bot.ui.limits import (
    EMBED_TOTAL_LIMIT,
    embed_problems,
    fit_embed,
    truncate,
    view_problems,
)


@given(st.text(max_size=3000), st.integers(min_value=0, max_value=2100))
def test_truncate_always_fits(text: str, limit: int) -> None:
    out = truncate(text, limit)
    assert len(out) <= limit
    if len(text) <= limit:
        assert out == text
    elif limit:
        assert out.endswith("…")
        assert not out[:-1].endswith("\\"), "no dangling escape before the ellipsis"


def test_truncate_cuts_at_a_word_boundary() -> None:
    assert truncate("the quick brown fox jumps", 12) == "the quick…"
    assert truncate("a" * 50, 10) == "a" * 9 + "…", "one long word is cut mid-word"


def test_truncate_drops_a_trailing_escape() -> None:
    assert truncate("abcd\\*efgh", 6) == "abcd…"


@given(
    title=st.text(max_size=256),
    description=st.text(max_size=4096),
    footer=st.text(max_size=2048),
    fields=st.lists(
        st.tuples(st.text(min_size=1, max_size=256), st.text(min_size=1, max_size=1024)),
        max_size=25,
    ),
)
def test_fit_embed_brings_any_total_under_6000(
    title: str, description: str, footer: str, fields: list[tuple[str, str]]
) -> None:
    embed = discord.Embed(title=title or None, description=description or None)
    embed.set_footer(text=footer or None)
    for name, value in fields:
        embed.add_field(name=name, value=value)
    fit_embed(embed)
    assert len(embed) <= EMBED_TOTAL_LIMIT


def test_embed_problems_names_each_broken_limit() -> None:
    embed = discord.Embed(title="t" * 257, description="d" * 4097)
    embed.add_field(name="n", value="v" * 1025)
    problems = embed_problems(embed)
    assert any(p.startswith("title is 257") for p in problems)
    assert any(p.startswith("description is 4097") for p in problems)
    assert any(p.startswith("field 0 value is 1025") for p in problems)
    assert embed_problems(discord.Embed()) == ["embed is empty"]
    assert embed_problems(discord.Embed(title="fine")) == []


def test_view_problems_catches_long_ids_and_duplicates() -> None:
    view = discord.ui.View()
    view.add_item(discord.ui.Button(label="x" * 81, custom_id="a" * 101))
    view.add_item(discord.ui.Button(label="ok", custom_id="same"))
    view.add_item(discord.ui.Button(label="ok", custom_id="same"))
    problems = view_problems(view)
    assert any("81 characters" in p for p in problems)
    assert any("101 characters" in p for p in problems)
    assert any("used twice" in p for p in problems)

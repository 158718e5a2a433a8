"""Every embed and view the bot can produce is one Discord accepts.

Exhaustive over the KB (every entry, every comparison, both role cards) and
property-based (hypothesis) over what people can type and over replies of any shape,
each checked against Discord's OpenAPI request schemas and documented limits.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import discord
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.answering.reply import CardLine, Column, Reply, RoleCard, TopicInfo
from bot.core.knowledge import Citation
from bot.ui.embeds import (
    BOTH_ROLES_COLOUR,
    DECLINED_COLOUR,
    config_embed,
    escape,
    help_embed,
    reload_embed,
    reload_failed_embed,
    reply_embed,
    role_card_embed,
    source_embed,
    topics_embed,
)
from bot.ui.limits import embed_problems, view_problems
from bot.ui.views import delete_only_view, reply_view

if TYPE_CHECKING:
    from bot.core.answering.engine import Engine

Check = Callable[..., list[str]]
SLOW = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

# What people paste into Discord: markdown, mentions, masked links, code, emoji, walls.
DISCORD_TEXT = st.one_of(
    st.text(max_size=600),
    st.text(alphabet=st.sampled_from("*_~`|>#-[]()@!<>:\\ \n"), max_size=300),
    st.lists(
        st.sampled_from(
            [
                "@everyone",
                "@here",
                "<@123456789012345678>",
                "<@&123456789012345678>",
                "<#123456789012345678>",
                "**bold**",
                "[link](https://example.com)",
                "```code```",
                "||spoiler||",
                "how much do mles make",
                "data scientist",
                "🙂",
                "x" * 300,
            ]
        ),
        max_size=20,
    ).map(" ".join),
    st.text(min_size=2000, max_size=6000),
)


def assert_fine(check: Check, embed: discord.Embed, view: discord.ui.View | None = None) -> None:
    assert embed_problems(embed) == []
    if view is not None:
        assert view_problems(view) == []
    assert check([embed], view) == []


# ---------------------------------------------------------------- exhaustive over the KB


def test_every_kb_entry_renders_within_limits(engine: Engine, sendable: Check) -> None:
    knowledge = engine.knowledge
    for entry in knowledge.entries:
        reply = engine.answer_entry(entry.id)
        embed = reply_embed(reply, knowledge)
        view = reply_view(reply, knowledge, asker_id=123456789012345678)
        assert_fine(sendable, embed, view)
        assert embed.title == escape(entry.question)
        assert embed.footer.text and embed.footer.text.startswith("Source:"), entry.id


def test_every_topic_comparison_renders_within_limits(engine: Engine, sendable: Check) -> None:
    knowledge = engine.knowledge
    compared = 0
    for topic in knowledge.topics:
        reply = engine.compare(topic.id)
        embed = reply_embed(reply, knowledge)
        assert_fine(sendable, embed, reply_view(reply, knowledge, asker_id=1))
        if reply.status == "compared":
            compared += 1
            assert embed.colour == discord.Colour(BOTH_ROLES_COLOUR)
            assert [f.name for f in embed.fields] == [c.role_name for c in reply.columns]
            assert all(f.inline for f in embed.fields)
        else:
            assert embed.colour == discord.Colour(DECLINED_COLOUR)
    assert compared >= len(knowledge.topics) // 2


def test_both_role_cards_render_within_limits(engine: Engine, sendable: Check) -> None:
    for role in engine.knowledge.roles:
        card = engine.role_card(role.slug)
        embed = role_card_embed(card, engine.knowledge)
        assert_fine(sendable, embed, delete_only_view(1))
        assert embed.colour == discord.Colour(role.colour)
        assert len(embed.fields) == len(card.lines)


def test_reference_embeds_render_within_limits(engine: Engine, sendable: Check) -> None:
    assert_fine(sendable, topics_embed(engine.topics()))
    assert_fine(sendable, source_embed(engine.knowledge))
    assert_fine(sendable, help_embed())
    assert_fine(sendable, help_embed(auto_answer=True))
    assert_fine(sendable, reload_embed(entries=185, topics=17))


# ---------------------------------------------------------------- what people type


@SLOW
@given(text=DISCORD_TEXT)
def test_any_question_renders_within_limits(engine: Engine, sendable: Check, text: str) -> None:
    reply = engine.ask(text)
    embed = reply_embed(reply, engine.knowledge)
    assert_fine(sendable, embed, reply_view(reply, engine.knowledge, asker_id=1))
    rendered = " ".join(
        str(part) for part in (embed.title, embed.description, *(f.value for f in embed.fields))
    )
    assert "@everyone" not in rendered and "@here" not in rendered


@SLOW
@given(text=DISCORD_TEXT)
def test_any_compare_topic_renders_within_limits(
    engine: Engine, sendable: Check, text: str
) -> None:
    reply = engine.compare(text[:100])
    assert_fine(sendable, reply_embed(reply, engine.knowledge))


@given(text=DISCORD_TEXT)
def test_escape_neutralises_markdown_links_and_mentions(text: str) -> None:
    escaped = escape(text)
    assert "@everyone" not in escaped and "@here" not in escaped
    assert "](" not in escaped, "no masked link can survive"


def test_escape_breaks_every_masked_link_on_a_line() -> None:
    escaped = escape("[a](https://x.example) and [click](https://evil.example)")
    assert escaped == "\\[a]\\(https://x.example) and [click]\\(https://evil.example)"
    assert escape("\\**bold**") == "\\\\\\*\\*bold\\*\\*", "a typed backslash cannot undo it"


# ---------------------------------------------------------------- replies of any shape

TEXT = st.text(max_size=5000)
CITATIONS = st.lists(st.builds(Citation, st.text(max_size=80), st.integers(1, 99)), max_size=5).map(
    tuple
)


def replies(engine: Engine) -> st.SearchStrategy[Reply]:
    """Replies with any text, any lengths, real and bogus entry ids and roles."""
    knowledge = engine.knowledge
    questions = st.sampled_from([e.question for e in knowledge.entries])
    entry_ids = st.sampled_from([e.id for e in knowledge.entries]) | st.text(max_size=120)
    role_ids = st.sampled_from([r.id for r in knowledge.roles]) | st.text(max_size=20)
    column = st.builds(Column, role_ids, TEXT, entry_ids, TEXT, CITATIONS)
    return st.builds(
        Reply,
        question=TEXT,
        status=st.sampled_from(["answered", "compared", "clarify", "declined", "smalltalk"]),
        title=TEXT,
        body=TEXT,
        citations=CITATIONS,
        citation_line=TEXT,
        entries=st.lists(entry_ids, max_size=6).map(tuple),
        confidence=st.floats(0, 1),
        suggestions=st.lists(TEXT | questions, max_size=6).map(tuple),
        related=st.lists(TEXT | questions, max_size=6).map(tuple),
        roles=st.lists(role_ids, max_size=3).map(tuple),
        columns=st.lists(column, max_size=8).map(tuple),
        counterpart=st.none() | entry_ids,
    )


@SLOW
@given(data=st.data())
def test_replies_of_any_shape_render_within_limits(
    engine: Engine, sendable: Check, data: Any
) -> None:
    reply = data.draw(replies(engine), label="reply")
    asker = data.draw(st.none() | st.integers(1, 2**63), label="asker")
    embed = reply_embed(reply, engine.knowledge)
    assert_fine(sendable, embed, reply_view(reply, engine.knowledge, asker_id=asker))


def test_a_comparison_with_too_many_columns_still_fits(engine: Engine, sendable: Check) -> None:
    column = Column("data_scientist", "R" * 300, "ds-salary", "word " * 1000, ())
    reply = Reply(
        question="q", status="compared", title="T" * 300, body="B " * 3000, columns=(column,) * 30
    )
    embed = reply_embed(reply, engine.knowledge)
    assert_fine(sendable, embed)
    assert len(embed) <= 6000


def test_an_empty_reply_still_renders(engine: Engine, sendable: Check) -> None:
    embed = reply_embed(Reply(question="", status="answered", title="", body=""), engine.knowledge)
    assert_fine(sendable, embed)


@SLOW
@given(
    name=TEXT,
    focus=TEXT,
    lines=st.lists(st.builds(CardLine, TEXT, TEXT, CITATIONS, TEXT), max_size=30),
)
def test_role_cards_of_any_shape_render_within_limits(
    engine: Engine, sendable: Check, name: str, focus: str, lines: list[CardLine]
) -> None:
    card = RoleCard(role="x", name=name, focus=focus, colour=0x123456, lines=tuple(lines))
    assert_fine(sendable, role_card_embed(card, engine.knowledge))


@SLOW
@given(
    topics=st.lists(
        st.builds(TopicInfo, st.text(max_size=30), TEXT, TEXT, TEXT, st.integers(0, 99)),
        min_size=1,
        max_size=40,
    )
)
def test_topic_lists_of_any_size_render_within_limits(
    sendable: Check, topics: list[TopicInfo]
) -> None:
    assert_fine(sendable, topics_embed(topics))


@SLOW
@given(
    channels=st.lists(st.integers(1, 2**63), max_size=600),
    content_intent=st.booleans(),
    problems=st.lists(TEXT, min_size=1, max_size=200),
)
def test_admin_embeds_of_any_size_render_within_limits(
    sendable: Check, channels: list[int], content_intent: bool, problems: list[str]
) -> None:
    embed = config_embed(channels, content_intent=content_intent, cooldown=(5, 30.0))
    assert_fine(sendable, embed)
    assert_fine(sendable, reload_failed_embed(problems))


def test_several_asks_get_one_cited_section_each(engine: Engine, sendable: Check) -> None:
    reply = engine.ask("what do MLEs earn and what skills do they need? is it stressful?")
    embed = reply_embed(reply, engine.knowledge)
    assert [f.name for f in embed.fields] == [p.title for p in reply.parts]
    assert all("Source:" in (f.value or "") for f in embed.fields)
    assert "stress levels" in (embed.description or "")
    assert_fine(sendable, embed, reply_view(reply, engine.knowledge, asker_id=1))


def test_a_not_covered_reply_offers_answerable_questions_as_buttons(engine: Engine) -> None:
    reply = engine.ask("Is Data Scientist a Stressful Job?")
    view = reply_view(reply, engine.knowledge, asker_id=1)
    assert view is not None
    assert len(reply.suggestion_ids) >= 2
    custom_ids = " ".join(str(getattr(item, "custom_id", "")) for item in view.children)
    assert all(entry_id in custom_ids for entry_id in reply.suggestion_ids)

"""``/role``, ``/compare``, ``/topics``, ``/source`` and ``/help``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from bot.exts.reference import ROLE_CHOICES
from bot.ui.embeds import BOTH_ROLES_COLOUR, DECLINED_COLOUR

if TYPE_CHECKING:
    from bot.core.answering.engine import Engine
    from tests.conftest import Harness


@pytest.mark.parametrize("choice", ROLE_CHOICES, ids=lambda c: c.value)
def test_every_role_choice_resolves_to_a_role(engine: Engine, choice: object) -> None:
    card = engine.role_card(choice.value)  # type: ignore[attr-defined]
    assert card.name == choice.name  # type: ignore[attr-defined]


def test_the_choices_cover_every_role_in_the_kb(engine: Engine) -> None:
    assert {c.name for c in ROLE_CHOICES} == {r.name for r in engine.knowledge.roles}


async def test_role_card(discord_harness: Harness) -> None:
    h = discord_harness
    (call,) = await h.slash("role", role="ml-engineer")
    assert not call.ephemeral
    embed = call.embed
    assert embed["title"] == "ML Engineer"
    assert embed["color"] == h.engine.knowledge.role("ml_engineer").colour
    labels = [f["name"] for f in embed["fields"]]
    assert "Salary" in labels and "Key skills" in labels
    assert all("Source:" in f["value"] for f in embed["fields"]), "every line is cited"
    assert call.custom_ids == [f"cb:del:{h.alice.id}"]


async def test_compare_puts_the_roles_side_by_side(discord_harness: Harness) -> None:
    h = discord_harness
    (call,) = await h.slash("compare", topic="salary")
    embed = call.embed
    assert embed["color"] == BOTH_ROLES_COLOUR
    assert [f["name"] for f in embed["fields"]] == ["Data Scientist", "ML Engineer"]
    assert all(f["inline"] for f in embed["fields"])
    assert embed["footer"]["text"].startswith("Source:")
    assert any(i.startswith("cb:vote:up:") for i in call.custom_ids)


async def test_compare_an_unknown_topic_explains_what_it_can_compare(
    discord_harness: Harness,
) -> None:
    (call,) = await discord_harness.slash("compare", topic="**bread** [x](https://evil.example)")
    embed = call.embed
    assert embed["color"] == DECLINED_COLOUR
    assert "salary" in embed["description"]
    assert "\\*\\*bread\\*\\*" in embed["description"], "echoed markdown is escaped"
    assert "\\[x]\\(https://evil.example)" in embed["description"], "the masked link is dead"


async def test_compare_autocomplete_offers_topics(discord_harness: Harness) -> None:
    (call,) = await discord_harness.autocomplete("compare", "topic", "sal")
    choices = call.body["data"]["choices"]
    assert {"name": "Salary", "value": "salary"} in choices
    assert len(choices) <= 25


@pytest.mark.parametrize("command", ["topics", "source", "help"])
async def test_reference_commands_are_ephemeral(discord_harness: Harness, command: str) -> None:
    (call,) = await discord_harness.slash(command)
    assert call.ephemeral
    assert call.embed["title"]


async def test_topics_lists_each_topic_with_an_example(discord_harness: Harness) -> None:
    h = discord_harness
    (call,) = await h.slash("topics")
    fields = call.embed["fields"]
    assert [f["name"] for f in fields] == [t.name for t in h.engine.knowledge.topics]
    assert all("e.g." in f["value"] for f in fields)


async def test_source_names_the_article_date_and_sections(discord_harness: Harness) -> None:
    h = discord_harness
    (call,) = await h.slash("source")
    source = h.engine.knowledge.source
    assert call.embed["title"] == source.title
    assert source.as_of in call.embed["description"]
    assert "¶" in call.embed["description"]
    (sections,) = call.embed["fields"]
    assert all(s.title in sections["value"] for s in source.sections)


async def test_help_reads_in_fifteen_seconds(discord_harness: Harness) -> None:
    (call,) = await discord_harness.slash("help")
    words = len(call.embed["description"].split())
    assert words <= 75, f"{words} words is more than ~15 seconds of reading"
    assert "/ask" in call.embed["description"]

"""The path every way of asking shares: question clean-up, conversations, best-effort storage."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.discord_support.answering import clean_question, conversation_key

if TYPE_CHECKING:
    import pytest

    from tests.conftest import Harness


def test_discord_markup_is_not_part_of_the_question() -> None:
    text = "@everyone  how much do <@&803> MLEs make <#42> <:party:99> <@!5>?"
    assert clean_question(text) == "how much do MLEs make ?"
    assert clean_question("  @here\n\nskills  ") == "skills"


def test_follow_ups_are_per_person_per_channel() -> None:
    assert conversation_key(1, 2) != conversation_key(1, 3)
    assert conversation_key(1, 2) != conversation_key(4, 2)
    assert conversation_key(None, 2) == conversation_key(0, 2), "DMs without a channel id"


async def test_a_failing_store_does_not_stop_the_answer(
    discord_harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = discord_harness

    async def broken(**_: object) -> None:
        raise OSError("disk full")

    async def broken_cooldown(guild_id: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(h.store, "record_question", broken)
    monkeypatch.setattr(h.store, "cooldown", broken_cooldown)
    (call,) = await h.message("how much do mles make?", mention_me=True)
    assert call.embed["title"] == "How much do ML engineers make?"
    (slash,) = await h.slash("ask", question="how much do mles make")
    assert slash.embed["title"] == "How much do ML engineers make?"

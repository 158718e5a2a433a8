"""Answering messages: mentions, DMs, follow-ups, auto-answer channels, and staying quiet."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import pytest

from bot.ui.embeds import ERROR_TEXT

if TYPE_CHECKING:
    from tests.conftest import Call, Harness

REPLY_ROUTE = "/channels/{channel_id}/messages"
REACTION_ROUTE = "/channels/{channel_id}/messages/{message_id}/reactions/{emoji_name}/@me"


def only_reply(calls: list[Call]) -> Call:
    (call,) = calls
    assert call.template == REPLY_ROUTE and call.method == "POST"
    return call


async def test_a_mention_gets_a_reply_that_pings_nobody(discord_harness: Harness) -> None:
    h = discord_harness
    start = len(h.fake.records)
    question = await h.say(f"{h.me.mention} how much do mles make?")
    call = only_reply(h.fake.records[start:])
    assert call.path == f"/channels/{h.channel.id}/messages"
    assert int(call.message["message_reference"]["message_id"]) == question.id
    assert call.message["allowed_mentions"] == {"parse": [], "replied_user": False}
    assert call.embed["title"] == "How much do ML engineers make?"
    assert f"cb:del:{h.alice.id}" in call.custom_ids


async def test_a_dm_is_answered_without_a_mention(discord_harness: Harness) -> None:
    h = discord_harness
    call = only_reply(await h.message("what tools do data scientists use", channel=h.dm))
    assert call.path == f"/channels/{h.dm.id}/messages"
    assert call.embed["title"] == "What tools do Data Scientists use?"


async def test_follow_ups_continue_per_person_per_channel(discord_harness: Harness) -> None:
    h = discord_harness
    first = only_reply(await h.message("how much do ml engineers make", mention_me=True))
    assert first.embed["title"] == "How much do ML engineers make?"
    second = only_reply(await h.message("and data scientists?", mention_me=True))
    assert second.embed["title"] == "How much do data scientists make?"
    # Bob has no conversation yet: the same words are not a salary follow-up for him.
    bobs = only_reply(await h.message("and data scientists?", mention_me=True, user=h.bob))
    assert bobs.embed["title"] != "How much do data scientists make?"


async def test_a_reply_to_the_bot_counts_as_addressing_it(discord_harness: Harness) -> None:
    h = discord_harness
    first = only_reply(await h.message("how much do ml engineers make", mention_me=True))
    second = only_reply(await h.message("and data scientists?", reply_to=h.sent(first)))
    assert second.embed["title"] == "How much do data scientists make?"


async def test_messages_not_for_the_bot_are_ignored(discord_harness: Harness) -> None:
    h = discord_harness
    assert await h.message("how much do mles make?") == []
    assert h.store.questions == []


async def test_other_bots_are_ignored_even_when_they_mention_it(
    discord_harness: Harness,
) -> None:
    h = discord_harness
    assert await h.message("how much do mles make?", mention_me=True, user=h.robot) == []
    assert await h.message("how much do mles make?", mention_me=True, user=h.me) == []


async def test_a_bare_mention_gets_the_help(discord_harness: Harness) -> None:
    call = only_reply(await discord_harness.message("", mention_me=True))
    assert call.embed["title"] == "CareerBot"


async def test_everyone_in_a_mentioned_question_pings_nobody(discord_harness: Harness) -> None:
    h = discord_harness
    call = only_reply(await h.message("@everyone @here how much do mles make?", mention_me=True))
    assert call.message["allowed_mentions"]["parse"] == []
    assert call.embed["title"] == "How much do ML engineers make?"


async def test_a_4000_character_message_is_asked_to_be_shorter(discord_harness: Harness) -> None:
    h = discord_harness
    call = only_reply(await h.message("x" * 4000, mention_me=True))
    assert "4,000 characters" in call.content
    assert "please shorten it" in call.content
    assert call.embeds == []
    assert h.store.questions == []


async def test_a_burst_gets_one_hourglass_reaction_then_silence(discord_harness: Harness) -> None:
    h = discord_harness
    for _ in range(5):
        only_reply(await h.message("how much do mles make?", mention_me=True))
    (reaction,) = await h.message("how much do mles make?", mention_me=True)
    assert reaction.template == REACTION_ROUTE and reaction.method == "PUT"
    assert "⏳" in reaction.path
    assert await h.message("how much do mles make?", mention_me=True) == []


async def test_auto_answer_channel_answers_without_a_mention(discord_harness: Harness) -> None:
    h = discord_harness
    await h.slash("config", "add-channel", user=h.owner, channel=h.channel)
    call = only_reply(await h.message("how much do mles make?"))
    assert call.embed["title"] == "How much do ML engineers make?"
    # Chatter it cannot answer gets no reply there (it would be spam)…
    assert await h.message("lol did you see the game last night") == []
    assert await h.message("hi everyone") == []
    # …and other channels are unaffected.
    assert await h.message("how much do mles make?", channel=h.other_channel) == []


async def test_an_error_while_answering_a_message_is_reported(
    discord_harness: Harness, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    h = discord_harness

    def broken(question: str, conversation: object = None) -> None:
        raise RuntimeError("engine exploded")

    monkeypatch.setattr(h.engine, "ask", broken)
    with caplog.at_level(logging.ERROR, logger="bot.discord_support.error_reporter"):
        call = only_reply(await h.message("how much do mles make?", mention_me=True))
    assert call.content == ERROR_TEXT
    assert any(r.exc_info for r in caplog.records)


class TestWithoutMessageContent:
    """Mentions and DMs keep working without the privileged intent."""

    @pytest.fixture
    def bot_settings(self, tmp_path):  # type: ignore[no-untyped-def]
        from tests.conftest import make_settings

        return make_settings(tmp_path, message_content=False)

    async def test_intent_is_off_and_mentions_still_work(self, discord_harness: Harness) -> None:
        h = discord_harness
        assert not h.bot.intents.message_content
        assert h.bot.intents.guild_messages and h.bot.intents.dm_messages
        only_reply(await h.message("how much do mles make?", mention_me=True))
        only_reply(await h.message("how much do mles make?", channel=h.dm))

    async def test_auto_answer_channel_without_text_warns_once(
        self, discord_harness: Harness, caplog: pytest.LogCaptureFixture
    ) -> None:
        h = discord_harness
        h.bot.auto_channels[h.guild.id] = frozenset({h.channel.id})
        with caplog.at_level(logging.WARNING, logger="bot.exts.conversation"):
            # Discord blanks the text of messages that do not mention the bot.
            assert await h.message("how much do mles make?") == []
            assert await h.message("what tools do data scientists use?") == []
        warnings = [r for r in caplog.records if "Message Content intent" in r.getMessage()]
        assert len(warnings) == 1

"""``/ask``, its autocomplete and the "Ask CareerBot" context menu, driven like Discord would."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import pytest

from bot.ui.embeds import ERROR_TEXT
from tests.conftest import make_settings

if TYPE_CHECKING:
    from pathlib import Path

    from bot.settings import Settings
    from tests.conftest import Harness


async def test_ask_answers_with_title_citation_and_buttons(discord_harness: Harness) -> None:
    h = discord_harness
    (call,) = await h.slash("ask", question="how much do mles make")
    assert call.callback_type == 4
    assert not call.ephemeral
    embed = call.embed
    assert embed["title"] == "How much do ML engineers make?"
    assert "$110,000" in embed["description"]
    assert embed["footer"]["text"].startswith("Source: ")
    assert "as of 2024" in embed["footer"]["text"]
    ml_engineer = h.engine.knowledge.role("ml_engineer")
    assert embed["color"] == ml_engineer.colour
    ids = call.custom_ids
    assert "cb:other:ds-salary" in ids
    assert "cb:vote:up:mle-salary" in ids and "cb:vote:down:mle-salary" in ids
    assert f"cb:del:{h.alice.id}" in ids
    assert ids.count("cb:ans:ds-salary") == 0, "the counterpart is offered once, as 'other role'"


async def test_ask_records_the_outcome_without_the_asker(discord_harness: Harness) -> None:
    h = discord_harness
    await h.slash("ask", question="how do I bake sourdough bread")
    ((status, _topic, normalised, guild_id, _),) = h.store.questions
    assert status == "declined"
    assert "sourdough" in normalised
    assert guild_id == h.guild.id
    assert str(h.alice.id) not in repr(h.store.questions)


async def test_picking_an_autocomplete_choice_answers_that_exact_entry(
    discord_harness: Harness,
) -> None:
    h = discord_harness
    (call,) = await h.autocomplete("ask", "question", "entry level mle sal")
    assert call.callback_type == 8
    choices = call.body["data"]["choices"]
    assert 1 <= len(choices) <= 25
    assert all(len(c["name"]) <= 100 and len(c["value"]) <= 100 for c in choices)
    assert all(c["value"].startswith("id:") for c in choices)
    entry_id = choices[0]["value"].removeprefix("id:")
    assert entry_id in h.engine.knowledge.by_id

    (answer,) = await h.slash("ask", question=choices[0]["value"])
    assert answer.embed["title"] == h.engine.knowledge.by_id[entry_id].question


async def test_autocomplete_with_nothing_typed_still_offers_questions(
    discord_harness: Harness,
) -> None:
    (call,) = await discord_harness.autocomplete("ask", "question", "")
    assert 1 <= len(call.body["data"]["choices"]) <= 25


async def test_free_text_that_looks_like_a_choice_is_asked_as_text(
    discord_harness: Harness,
) -> None:
    (call,) = await discord_harness.slash("ask", question="id:no-such-entry")
    assert call.callback_type == 4
    assert call.embed["title"] == "I can't answer that"


async def test_everyone_in_a_question_pings_nobody(discord_harness: Harness) -> None:
    h = discord_harness
    (call,) = await h.slash("ask", question="@everyone how much do mles make <@&803>")
    assert call.message["allowed_mentions"]["parse"] == []
    assert call.embed["title"] == "How much do ML engineers make?", "mentions are not words"


async def test_a_question_over_the_limit_is_refused_politely(discord_harness: Harness) -> None:
    h = discord_harness
    (call,) = await h.slash("ask", question="why " * 150)
    assert call.ephemeral
    assert "please shorten it" in call.content
    assert h.store.questions == []


async def test_the_option_length_follows_the_setting(discord_harness: Harness) -> None:
    (ask,) = [c for c in discord_harness.bot.command_payload() if c["name"] == "ask"]
    (question,) = ask["options"]
    assert question["max_length"] == discord_harness.bot.settings.max_question


class TestAShorterQuestionLimit:
    """The limit is a setting read at start-up, not the default baked into the class."""

    LIMIT = 120

    @pytest.fixture
    def bot_settings(self, tmp_path: Path) -> Settings:
        return make_settings(tmp_path, max_question=self.LIMIT)

    async def test_discord_is_told_the_limit(self, discord_harness: Harness) -> None:
        (ask,) = [c for c in discord_harness.bot.command_payload() if c["name"] == "ask"]
        (question,) = ask["options"]
        assert (question["min_length"], question["max_length"]) == (1, self.LIMIT)

    async def test_a_longer_question_that_gets_through_is_still_refused_politely(
        self, discord_harness: Harness
    ) -> None:
        h = discord_harness
        (call,) = await h.slash("ask", question="x" * (self.LIMIT + 1))
        assert call.ephemeral and "please shorten it" in call.content
        (answer,) = await h.slash("ask", question="how much do mles make".ljust(self.LIMIT))
        assert answer.embed["title"] == "How much do ML engineers make?"


async def test_sixth_question_in_the_window_gets_an_ephemeral_cooldown_note(
    discord_harness: Harness,
) -> None:
    h = discord_harness
    for _ in range(5):
        (call,) = await h.slash("ask", question="how much do mles make")
        assert not call.ephemeral
    (call,) = await h.slash("ask", question="how much do mles make")
    assert call.ephemeral
    assert "asking quickly" in call.content
    (other,) = await h.slash("ask", question="how much do mles make", user=h.bob)
    assert not other.ephemeral, "the limit is per person"


async def test_a_server_can_set_its_own_rate(discord_harness: Harness) -> None:
    from bot.core.storage.base import CooldownSetting

    h = discord_harness
    await h.store.set_cooldown(h.guild.id, CooldownSetting(rate=1, per=60))
    (first,) = await h.slash("ask", question="how much do mles make")
    (second,) = await h.slash("ask", question="how much do mles make")
    assert not first.ephemeral and second.ephemeral


async def test_a_handler_that_raises_gives_an_ephemeral_error_and_logs_the_traceback(
    discord_harness: Harness, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    h = discord_harness

    def broken(question: str, conversation: object = None) -> None:
        raise RuntimeError("engine exploded")

    monkeypatch.setattr(h.engine, "ask", broken)
    with caplog.at_level(logging.ERROR, logger="bot.discord_support.error_reporter"):
        (call,) = await h.slash("ask", question="how much do mles make")
    assert call.ephemeral
    assert call.content == ERROR_TEXT
    (record,) = [r for r in caplog.records if r.name == "bot.discord_support.error_reporter"]
    assert record.exc_info is not None and "engine exploded" in str(record.exc_info[1])
    assert "how much do mles make" not in caplog.text, "the question is not logged"


async def test_context_menu_answers_someone_elses_message_without_pinging(
    discord_harness: Harness,
) -> None:
    h = discord_harness
    target = await h.say("@everyone what tools do data scientists use?", user=h.bob)
    (call,) = await h.context_menu(target, user=h.alice)
    assert call.callback_type == 4 and not call.ephemeral
    assert call.message["allowed_mentions"]["parse"] == []
    assert "message_reference" not in call.message
    assert call.embed["title"] == "What tools do Data Scientists use?"
    assert f"cb:del:{h.alice.id}" in call.custom_ids, "the invoker may delete it"


async def test_context_menu_on_a_message_without_text(discord_harness: Harness) -> None:
    h = discord_harness
    (call,) = await h.context_menu(await h.say("", user=h.bob))
    assert call.ephemeral
    assert "no text" in call.content


async def test_ask_works_in_dms(discord_harness: Harness) -> None:
    h = discord_harness
    (call,) = await h.slash("ask", question="what tools do data scientists use", where=h.dm)
    assert call.embed["title"] == "What tools do Data Scientists use?"
    ((status, *_rest),) = h.store.questions
    assert status == "answered"


async def test_context_menu_on_a_very_long_message(discord_harness: Harness) -> None:
    h = discord_harness
    (call,) = await h.context_menu(await h.say("why?" * 1000, user=h.bob))
    assert call.ephemeral
    assert "4,000 characters" in call.content

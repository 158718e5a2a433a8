"""Clicking the buttons under an answer: did-you-mean, related, other role, votes, delete."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from bot.ui.embeds import (
    ALREADY_VOTED_TEXT,
    ERROR_TEXT,
    ONLY_ASKER_TEXT,
    UNKNOWN_ENTRY_TEXT,
    VOTE_THANKS_TEXT,
)
from bot.ui.views import AnswerButton

if TYPE_CHECKING:
    from bot.core.answering.engine import Engine
    from tests.conftest import Harness

# Vague questions the engine is unsure about; the first one that still gets a
# "did you mean" (the matcher is tuned elsewhere) is used.
VAGUE = (
    "impress successful",
    "paths w/ side why",
    "figures manager move stronger",
    "tips psychology",
    "gap pms? monitor ci",
    "works double higher skills,",
)


def vague_question(engine: Engine) -> str:
    for question in VAGUE:
        if engine.ask(question).status == "clarify":
            return question
    pytest.fail("none of the VAGUE questions gets a did-you-mean any more; add a new one")


async def test_did_you_mean_buttons_answer_the_chosen_question(discord_harness: Harness) -> None:
    h = discord_harness
    (call,) = await h.slash("ask", question=vague_question(h.engine))
    assert call.embed["title"] == "Did you mean…?"
    choices = [i for i in call.custom_ids if i.startswith("cb:ans:")]
    assert 1 <= len(choices) <= 3
    entry_id = choices[0].removeprefix("cb:ans:")

    (answer,) = await h.click(h.sent(call), choices[0])
    assert answer.callback_type == 4 and not answer.ephemeral
    assert answer.embed["title"] == h.engine.knowledge.by_id[entry_id].question
    assert h.store.questions[0][0] == "clarify"
    assert h.store.questions[0][2], "the unclear question is kept (normalised) for the report"


async def test_related_and_other_role_buttons(discord_harness: Harness) -> None:
    h = discord_harness
    (call,) = await h.slash("ask", question="how much do mles make")
    message = h.sent(call)
    (other,) = await h.click(message, "cb:other:ds-salary", user=h.bob)
    assert other.embed["title"] == "How much do data scientists make?"
    assert f"cb:del:{h.bob.id}" in other.custom_ids, "the clicker owns the new reply"
    related = next(i for i in call.custom_ids if i.startswith("cb:ans:"))
    (answer,) = await h.click(message, related)
    assert answer.embed["title"] == h.engine.knowledge.by_id[related[7:]].question


async def test_declined_answers_offer_questions_to_try(discord_harness: Harness) -> None:
    h = discord_harness
    (call,) = await h.slash("ask", question="how do I bake sourdough bread")
    tries = [i for i in call.custom_ids if i.startswith(("cb:ans:", "cb:ask:"))]
    assert tries, "a declined answer suggests what to ask instead"
    (answer,) = await h.click(h.sent(call), tries[0])
    assert answer.callback_type == 4
    assert answer.embed.get("footer", {}).get("text", "").startswith("Source:")


async def test_votes_are_recorded_once_per_person(discord_harness: Harness) -> None:
    h = discord_harness
    (call,) = await h.slash("ask", question="how much do mles make")
    message = h.sent(call)
    (thanks,) = await h.click(message, "cb:vote:up:mle-salary")
    assert thanks.ephemeral and thanks.content == VOTE_THANKS_TEXT
    (again,) = await h.click(message, "cb:vote:down:mle-salary")
    assert again.ephemeral and again.content == ALREADY_VOTED_TEXT
    (bobs,) = await h.click(message, "cb:vote:down:mle-salary", user=h.bob)
    assert bobs.content == VOTE_THANKS_TEXT
    assert [(e, v, g) for e, v, g, _ in h.store.feedback] == [
        ("mle-salary", 1, h.guild.id),
        ("mle-salary", -1, h.guild.id),
    ]


async def test_a_vote_on_a_comparison_counts_for_each_entry(discord_harness: Harness) -> None:
    h = discord_harness
    (call,) = await h.slash("compare", topic="salary")
    vote = next(i for i in call.custom_ids if i.startswith("cb:vote:up:"))
    await h.click(h.sent(call), vote)
    voted = {e for e, *_ in h.store.feedback}
    assert {"ds-salary", "mle-salary"} <= voted


async def test_a_failing_store_still_thanks_the_voter(
    discord_harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = discord_harness

    async def broken(*_: object) -> None:
        raise OSError("database is locked")

    monkeypatch.setattr(h.store, "record_feedback", broken)
    (call,) = await h.slash("ask", question="how much do mles make")
    (thanks,) = await h.click(h.sent(call), "cb:vote:up:mle-salary")
    assert thanks.content == VOTE_THANKS_TEXT


async def test_only_the_asker_can_delete(discord_harness: Harness) -> None:
    h = discord_harness
    (call,) = await h.slash("ask", question="how much do mles make")
    message = h.sent(call)
    delete = f"cb:del:{h.alice.id}"
    (refused,) = await h.click(message, delete, user=h.bob)
    assert refused.ephemeral and refused.content == ONLY_ASKER_TEXT
    deferred, deleted = await h.click(message, delete, user=h.alice)
    assert deferred.callback_type == 6
    assert deleted.method == "DELETE" and deleted.path.endswith("/messages/@original")


async def test_a_button_for_an_entry_that_no_longer_exists(discord_harness: Harness) -> None:
    h = discord_harness
    (call,) = await h.slash("ask", question="how much do mles make")
    message = h.sent(call)
    stale = AnswerButton("entry-removed-in-a-reload", "Old question")
    message.payload["components"][0]["components"][0] = stale.to_component_dict()
    (answer,) = await h.click(message, "cb:ans:entry-removed-in-a-reload")
    assert answer.ephemeral and answer.content == UNKNOWN_ENTRY_TEXT


async def test_button_clicks_are_rate_limited_like_questions(discord_harness: Harness) -> None:
    h = discord_harness
    (call,) = await h.slash("ask", question="how much do mles make")
    message = h.sent(call)
    for _ in range(4):
        (answer,) = await h.click(message, "cb:other:ds-salary")
        assert not answer.ephemeral
    (limited,) = await h.click(message, "cb:other:ds-salary")
    assert limited.ephemeral and "asking quickly" in limited.content


async def test_an_error_in_a_button_reaches_the_error_handler(
    discord_harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = discord_harness
    (call,) = await h.slash("ask", question="how much do mles make")

    def broken(entry_id: str, conversation: object = None) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(h.engine, "answer_entry", broken)
    (error,) = await h.click(h.sent(call), "cb:other:ds-salary")
    assert error.ephemeral and error.content == ERROR_TEXT


async def test_buttons_work_after_a_restart(discord_harness: Harness) -> None:
    """Clicks are routed by custom id pattern, not by view objects kept in memory."""
    h = discord_harness
    (call,) = await h.slash("ask", question="how much do mles make")
    await h.restart()
    (other,) = await h.click(h.sent(call), "cb:other:ds-salary")
    assert other.embed["title"] == "How much do data scientists make?"


async def test_answers_leave_nothing_behind_in_the_view_store(discord_harness: Harness) -> None:
    h = discord_harness
    for user in (h.alice, h.bob, h.owner):
        await h.slash("ask", question="how much do mles make", user=user)
    store = h.bot._connection._view_store
    assert store._views == {} and store._synced_message_views == {}

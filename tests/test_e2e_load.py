"""A bounded load test: 200 ``/ask``s at once through the fake Discord, each answered once.

The full-size run with figures is ``benchmarks/e2e_load.py``; this one only asserts
correctness under concurrency (no timing: a slow CI machine must not fail it). It
runs the production settings, rate limit included: instead of raising the limit,
the questions are spread over enough people that nobody exceeds it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.answering.conversation import ConversationStore
from bot.core.answering.engine import Engine
from bot.core.storage.sqlite import open_store
from bot.runner import build_bot
from bot.settings import DEFAULT_COOLDOWN_RATE, Settings
from tests.fakediscord import FakeDiscord, FakeDiscordConfig
from tests.loadgen import LoadPlan, populate, real_questions, run_load

pytestmark = [pytest.mark.load, pytest.mark.e2e]

INTERACTIONS = 200
CHANNELS = 20
# Everyone asks exactly as many questions as the default rate limit allows.
PLAN = LoadPlan(INTERACTIONS, users=INTERACTIONS // DEFAULT_COOLDOWN_RATE, channels=CHANNELS)


async def test_every_interaction_is_answered_exactly_once(
    fake_discord: FakeDiscord,
    fake_discord_config: FakeDiscordConfig,
    tmp_path: Path,
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = Settings(
        token=fake_discord_config.token,
        sync_state=tmp_path / "sync-hash",
        db_path=tmp_path / "careerbot.sqlite3",
    )
    assert PLAN.per_user <= settings.cooldown_rate, "the plan would trip the rate limit"
    monkeypatch.setattr(engine, "conversations", ConversationStore(ttl=settings.conversation_ttl))
    users, channels = populate(fake_discord, PLAN)
    store = await open_store(settings.db_path)
    bot = build_bot(
        settings,
        engine,
        store,
        content_intent=settings.message_content,
        guild_ready_timeout=0.05,
    )
    try:
        await fake_discord.connect(bot, token=settings.token)
        outcome = await run_load(fake_discord, PLAN, users, channels, real_questions(engine))
    finally:
        await bot.close()  # before the store, as in production
        await store.close()

    assert outcome.problems == []  # every callback valid against the spec, none late
    assert outcome.errors == []
    missed = [(i.id, [(c.status, c.type) for c in i.callbacks]) for i in outcome.not_answered_once]
    assert missed == []
    assert outcome.answered_once == INTERACTIONS

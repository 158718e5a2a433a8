"""The one error handler: a log line for us, a polite note for the person, nothing twice."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, cast

import discord
import pytest
from discord import app_commands

import bot.discord_support.error_reporter as error_reporter
from bot.discord_support.error_reporter import OUTDATED_TEXT, ErrorReporter
from bot.ui.embeds import ERROR_TEXT, GUILD_ONLY_TEXT

if TYPE_CHECKING:
    from tests.conftest import Harness

LOGGER = "bot.discord_support.error_reporter"


@dataclass
class Notes:
    """Stands in for an interaction's response or followup: records what was sent."""

    done: bool = False
    fail: Exception | None = None
    sent: list[tuple[str, bool]] = field(default_factory=list)

    def is_done(self) -> bool:
        return self.done

    async def send_message(self, content: str, *, ephemeral: bool = False) -> None:
        await self.send(content, ephemeral=ephemeral)

    async def send(self, content: str, *, ephemeral: bool = False) -> None:
        if self.fail is not None:
            raise self.fail
        self.sent.append((content, ephemeral))


@dataclass
class Interaction:
    """The few attributes of ``discord.Interaction`` the reporter reads."""

    response: Notes = field(default_factory=Notes)
    followup: Notes = field(default_factory=Notes)
    channel_id: int = 1
    command: Any = None
    data: dict[str, Any] | None = None


def http_error(kind: type[discord.HTTPException], status: int) -> discord.HTTPException:
    return kind(SimpleNamespace(status=status, reason="x"), {"code": 0, "message": "nope"})


def invoke_error(error: Exception) -> app_commands.CommandInvokeError:
    """How discord.py wraps an exception raised inside a command."""
    return app_commands.CommandInvokeError(cast("Any", SimpleNamespace(name="ask")), error)


async def report(
    interaction: Interaction, error: BaseException, reporter: ErrorReporter | None = None
) -> None:
    await (reporter or ErrorReporter()).interaction(cast("discord.Interaction", interaction), error)


@pytest.mark.parametrize(
    ("error", "note"),
    [
        (app_commands.NoPrivateMessage(), GUILD_ONLY_TEXT),
        (app_commands.CheckFailure(), "You can't use that here."),
        (app_commands.CommandNotFound("ask", []), OUTDATED_TEXT),
    ],
)
async def test_the_persons_situation_gets_its_own_note_and_no_error_log(
    error: Exception, note: str, caplog: pytest.LogCaptureFixture
) -> None:
    interaction = Interaction()
    with caplog.at_level(logging.ERROR, logger=LOGGER):
        await report(interaction, error)
    assert interaction.response.sent == [(note, True)]
    assert caplog.records == []


async def test_a_bug_is_logged_with_its_traceback_and_the_person_told_gently(
    caplog: pytest.LogCaptureFixture,
) -> None:
    interaction = Interaction(command=SimpleNamespace(qualified_name="ask"))
    with caplog.at_level(logging.ERROR, logger=LOGGER):
        await report(interaction, invoke_error(RuntimeError("boom")))
    assert interaction.response.sent == [(ERROR_TEXT, True)]
    (record,) = caplog.records
    assert record.getMessage() == "Error while handling ask"
    assert record.exc_info is not None and isinstance(record.exc_info[1], RuntimeError)


async def test_a_button_error_names_the_button_kind_not_its_ids(
    caplog: pytest.LogCaptureFixture,
) -> None:
    interaction = Interaction(data={"custom_id": "cb:vote:up:mle-salary"})
    with caplog.at_level(logging.ERROR, logger=LOGGER):
        await report(interaction, RuntimeError("boom"))
    assert caplog.records[0].getMessage() == "Error while handling cb:vote"


async def test_after_a_deferral_the_note_goes_as_a_followup() -> None:
    interaction = Interaction(response=Notes(done=True))
    await report(interaction, RuntimeError("boom"))
    assert interaction.response.sent == []
    assert interaction.followup.sent == [(ERROR_TEXT, True)]


async def test_a_note_that_cannot_be_sent_is_not_a_second_error() -> None:
    expired = Interaction(response=Notes(fail=http_error(discord.NotFound, 404)))
    await report(expired, RuntimeError("boom"))
    assert expired.response.sent == []


async def test_no_permission_is_logged_once_per_channel_and_memory_is_bounded(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(error_reporter, "FORBIDDEN_MEMORY", 2)
    reporter = ErrorReporter()
    forbidden = http_error(discord.Forbidden, 403)
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        for channel_id in (1, 1, 2, 1):
            interaction = Interaction(channel_id=channel_id)
            await report(interaction, invoke_error(forbidden), reporter)
            assert interaction.response.sent == [], "nothing to tell where the bot cannot post"
        assert len(caplog.records) == 2
        reporter.forbidden(3)  # pushes channel 1 out of memory…
        reporter.forbidden(1)  # …so it is logged again
    assert len(caplog.records) == 4


async def test_no_permission_to_post_is_logged_once_per_channel(
    discord_harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    h = discord_harness
    h.channel.bot_can_send = False
    refused = "no permission to send"
    with caplog.at_level(logging.WARNING, logger=LOGGER), h.fake.expect_problems(refused, refused):
        await h.message("how much do mles make?", mention_me=True)
        await h.message("what tools do data scientists use?", mention_me=True, user=h.bob)
    warnings = [r for r in caplog.records if "Missing permission" in r.getMessage()]
    assert len(warnings) == 1
    assert str(h.channel.id) in warnings[0].getMessage()

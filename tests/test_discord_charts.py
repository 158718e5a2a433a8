"""Charts in Discord, end to end: the bot ``careerbot run`` builds, through the fake.

The fake Discord checks every form the bot sends as Discord would (``payload_json``
plus ``files[n]``, the ``attachments`` array, ``attachment://`` in the embed) against
the spec, and fails the test on anything Discord would refuse; these tests then look
at what a person gets: the picture inside the answer's card, with a description that
says the figures in words.
"""

from __future__ import annotations

import io
import logging
from typing import TYPE_CHECKING

import pytest
from PIL import Image

import bot.discord_bot
from bot.charts.cache import ChartCache
from bot.charts.render import CAREER_PATH, FILENAMES, SALARY
from bot.ui.embeds import CHARTS_REDRAWN_TEXT
from tests.conftest import start_bot

if TYPE_CHECKING:
    from tests.conftest import Harness
    from tests.fakediscord import RequestRecord

pytestmark = pytest.mark.e2e
MAX_BYTES = 200 * 1024


@pytest.fixture
async def h(discord_harness: Harness) -> Harness:
    """The harness once the charts of its knowledge base are drawn (they are drawn in
    the background from start-up, and answers never wait for them)."""
    assert await discord_harness.bot.charts.wait(discord_harness.engine.knowledge)
    return discord_harness


def chart_of(call: RequestRecord, kind: str) -> tuple[dict, Image.Image]:
    """The one attachment a request sends, checked as Discord shows it: uploaded as
    ``files[0]``, listed with a description, and drawn as the embed's image."""
    filename = FILENAMES[kind]
    assert call.files is not None, "sent as JSON: no file"
    (upload,) = call.files
    assert (upload.index, upload.filename) == (0, filename)
    assert len(upload.data) <= MAX_BYTES
    (attachment,) = call.message["attachments"]
    assert attachment["id"] == 0 and attachment["filename"] == filename
    assert call.embed["image"]["url"] == f"attachment://{filename}"
    return attachment, Image.open(io.BytesIO(upload.data))


async def test_compare_salary_sends_the_chart_in_the_embed_with_its_figures_in_words(h: Harness):
    (call,) = await h.slash("compare", topic="salary")
    assert 200 <= call.status < 300 and call.callback_type == 4
    attachment, image = chart_of(call, SALARY)
    assert image.format == "PNG" and image.width == 800
    description = attachment["description"]
    for words in ("$95,000 to $130,000", "$160,000 to $220,000", "$300,000 and above"):
        assert words in description
    assert "2024 figures, US" in description
    # Discord stores the file and points the embed at it.
    message = h.sent(call)
    (stored,) = message.payload["attachments"]
    assert stored["description"] == description and stored["content_type"] == "image/png"
    assert message.embed["image"]["url"] == stored["url"]
    assert [f["name"] for f in message.embed["fields"]] == ["Data Scientist", "ML Engineer"]


async def test_a_salary_question_in_a_mention_gets_the_chart_and_pings_nobody(h: Harness):
    calls = await h.message("who earns more, ds or mle?", mention_me=True)
    (call,) = [c for c in calls if c.method == "POST"]
    assert call.template == "/channels/{channel_id}/messages"
    chart_of(call, SALARY)
    assert call.message["allowed_mentions"]["replied_user"] is False


@pytest.mark.parametrize(
    ("command", "options"),
    [("role", {"role": "data-scientist"}), ("ask", {"question": "what do senior mles do?"})],
)
async def test_role_cards_and_career_answers_get_the_ladder(h: Harness, command, options):
    (call,) = await h.slash(command, **options)
    attachment, _ = chart_of(call, CAREER_PATH)
    assert "Chief Data Officer" in attachment["description"]
    assert "Head of ML Infrastructure" in attachment["description"]


async def test_an_answer_without_figures_is_plain_json(h: Harness):
    (call,) = await h.slash("ask", question="what skills does a data scientist need?")
    assert call.files is None and "image" not in call.embed
    (call,) = await h.slash("compare", topic="skills")
    assert call.files is None


async def test_a_failed_render_leaves_the_text_answer_and_one_log_line(
    h: Harness, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
):
    def broken(knowledge):
        raise RuntimeError("no fonts")

    cache = ChartCache(broken, enabled=True)
    monkeypatch.setattr(h.bot, "charts", cache)
    with caplog.at_level(logging.ERROR, logger="bot.charts.cache"):
        for _ in range(2):
            (call,) = await h.slash("compare", topic="salary")
            assert call.files is None and call.embed["title"]
            await cache.wait(h.engine.knowledge)
    errors = [r for r in caplog.records if r.name == "bot.charts.cache"]
    assert len(errors) == 1 and "no fonts" in caplog.text
    cache.close()


async def test_kb_reload_redraws_the_charts(h: Harness, monkeypatch: pytest.MonkeyPatch):
    drawn = []
    cache = ChartCache(lambda knowledge: drawn.append(knowledge) or {}, enabled=True)
    monkeypatch.setattr(h.bot, "charts", cache)
    before = h.engine.knowledge
    _deferred, result = await h.slash("kb", "reload", user=h.owner)
    assert CHARTS_REDRAWN_TEXT in result.embed["description"]
    assert drawn == [h.engine.knowledge] and drawn[0] is not before
    cache.close()


async def test_without_matplotlib_the_bot_answers_in_text_and_says_so_once(
    h: Harness, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
):
    await h.bot.close()
    off = ChartCache(enabled=False)
    monkeypatch.setattr(bot.discord_bot, "shared_chart_cache", lambda: off)
    with caplog.at_level(logging.INFO, logger="bot.discord_bot"):
        h.bot = await start_bot(h.fake, h.bot.settings, h.engine, h.store)
    lines = [r.getMessage() for r in caplog.records if "Charts are off" in r.getMessage()]
    assert len(lines) == 1 and "pip install 'careerbot[charts]'" in lines[0]
    (call,) = await h.slash("compare", topic="salary")
    assert call.files is None and call.embed["fields"]

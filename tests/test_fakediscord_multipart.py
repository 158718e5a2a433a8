"""The fake refuses file uploads the way Discord does, so the bot's are really checked.

Each case sends a form straight to the fake's REST API, the way discord.py builds one
(``payload_json`` and ``files[n]`` parts), broken in one way Discord would refuse.
"""

from __future__ import annotations

import json
from typing import Any

import aiohttp
import pytest

from tests.fakediscord import FakeDiscord
from tests.fakediscord.multipart import MAX_FILE_BYTES

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def form(payload: Any, files: list[tuple[str, str | None, bytes]], *, json_part: bool = True):
    data = aiohttp.FormData(quote_fields=False)
    if json_part:
        data.add_field("payload_json", json.dumps(payload))
    for name, filename, content in files:
        if filename is None:  # a plain field: aiohttp names every bytes part after its field
            data.add_field(name, content.decode("latin-1"))
            data.add_field("files[9]", PNG, filename="z.png")  # so that it is still a form
        else:
            data.add_field(
                name, content, filename=filename, content_type="application/octet-stream"
            )
    return data


async def send(fake: FakeDiscord, data: aiohttp.FormData) -> tuple[int, Any]:
    path = f"{fake.api_base}/channels/{fake.channel.id}/messages"
    async with (
        aiohttp.ClientSession() as session,
        session.post(path, data=data, headers={"Authorization": f"Bot {fake.token}"}) as response,
    ):
        return response.status, await response.json()


def chart_body(**changes: Any) -> dict[str, Any]:
    body = {
        "embeds": [{"title": "Pay", "image": {"url": "attachment://chart.png"}}],
        "attachments": [{"id": 0, "filename": "chart.png", "description": "Ranges in words"}],
        "allowed_mentions": {"parse": []},
    }
    return {**body, **changes}


async def test_a_well_formed_upload_becomes_the_messages_attachment(fake_discord: FakeDiscord):
    status, message = await send(fake_discord, form(chart_body(), [("files[0]", "chart.png", PNG)]))
    assert status == 200
    (attachment,) = message["attachments"]
    assert attachment["filename"] == "chart.png" and attachment["size"] == len(PNG)
    assert attachment["description"] == "Ranges in words"
    assert attachment["content_type"] == "image/png"
    assert message["embeds"][0]["image"]["url"] == attachment["url"]
    (record,) = fake_discord.requests("POST")
    assert record.files[0].data == PNG and record.embed["title"] == "Pay"


@pytest.mark.parametrize(
    ("body", "files", "status", "problem"),
    [
        (
            chart_body(attachments=[{"id": 1, "filename": "chart.png"}]),
            [("files[0]", "chart.png", PNG)],
            400,
            "attachments[0].id: no files[1] was uploaded",
        ),
        (
            chart_body(embeds=[{"title": "Pay", "image": {"url": "attachment://other.png"}}]),
            [("files[0]", "chart.png", PNG)],
            400,
            "embeds[0].image.url: 'attachment://other.png' names no uploaded file",
        ),
        (
            chart_body(),
            [("files[0]", "chart.png", PNG), ("files[1]", "extra.png", PNG)],
            400,
            "files[1] is not in the attachments array",
        ),
        (
            chart_body(attachments=[{"id": 0, "description": "x" * 1025}]),
            [("files[0]", "chart.png", PNG)],
            400,
            "attachments[0].description: Must be 1024 or fewer",
        ),
        (
            chart_body(attachments=[{"id": 0, "filename": "graph.png"}]),
            [("files[0]", "chart.png", PNG)],
            400,
            "filename 'graph.png' is not that of files[0]",
        ),
        (
            chart_body(
                embeds=[{"image": {"url": "attachment://my chart.png"}}],
                attachments=[{"id": 0}],
            ),
            [("files[0]", "my chart.png", PNG)],
            400,
            "cannot be an attachment:// filename",
        ),
        (chart_body(), [("files[0]", None, PNG)], 400, "files[0] has no filename"),
        (chart_body(), [("file", "chart.png", PNG)], 400, "is neither payload_json nor files[n]"),
        (
            {"embeds": [{"title": "x"}], "attachments": [{"id": i} for i in range(11)]},
            [(f"files[{i}]", f"f{i}.png", PNG) for i in range(11)],
            400,
            "11 files (limit 10)",
        ),
        (
            chart_body(),
            [("files[0]", "chart.png", b"\x00" * (MAX_FILE_BYTES + 1))],
            413,
            "files[0] is 10,485,761 bytes",
        ),
    ],
    ids=[
        "unknown-id",
        "unknown-attachment-url",
        "unlisted-file",
        "long-description",
        "other-filename",
        "unreferable-name",
        "no-filename",
        "stray-part",
        "eleven-files",
        "too-big",
    ],
)
async def test_what_discord_would_refuse_in_an_upload(
    fake_discord: FakeDiscord, body: dict[str, Any], files: list, status: int, problem: str
):
    answer, _ = await send(fake_discord, form(body, files))
    assert answer == status
    found = fake_discord.take_problems()
    assert any(problem in p for p in found), found


async def test_files_without_a_payload_json_part_are_refused(fake_discord: FakeDiscord):
    status, _ = await send(fake_discord, form({}, [("files[0]", "a.png", PNG)], json_part=False))
    assert status == 400
    assert "without a payload_json part" in fake_discord.take_problems()[0]

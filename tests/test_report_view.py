"""``careerbot report``'s text and JSON: what a maintainer reads, and the keys tools rely on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.core.knowledge import Knowledge
from bot.core.reporting.report import build_report, compile_report
from bot.report_view import render_text, to_json
from tests.test_reporting_report import filled_database, small_kb


@pytest.fixture
def knowledge(tmp_path: Path) -> Knowledge:
    return small_kb(tmp_path)


@pytest.fixture
async def filled(tmp_path: Path) -> Path:
    return await filled_database(tmp_path / "careerbot.sqlite3")


async def test_text_rendering(filled: Path, knowledge: Knowledge) -> None:
    text = render_text(await build_report(filled, knowledge))
    assert text.startswith("CareerBot report: all servers, all retained data")
    assert "Most frequent unanswered questions" in text
    assert "   4x  " in text
    assert "nearest: mle-salary-entry" in text
    assert "also asked as:" in text
    assert "75% 👎" in text and "mle-salary-entry: How much does" in text
    assert "removed-entry: (no longer in the KB)" in text
    assert "mle-skills" not in text.split("Entries ranked")[1].split("Questions per topic")[0]
    assert "Skills and languages" in text
    print(text)  # visible with -s: what a maintainer sees


async def test_text_names_the_server_and_the_window(filled: Path, knowledge: Knowledge) -> None:
    text = render_text(await build_report(filled, knowledge, guild_id=1, days=30))
    assert text.startswith("CareerBot report: server 1, since ")


async def test_json_rendering(filled: Path, knowledge: Knowledge) -> None:
    data = to_json(await build_report(filled, knowledge, guild_id=1))
    data = json.loads(json.dumps(data))  # plain JSON types only
    assert set(data) == {
        "generated_at",
        "guild_id",
        "since",
        "questions",
        "unanswered",
        "unanswered_groups",
        "worst_rated",
        "min_votes",
        "topics",
    }
    assert data["guild_id"] == "1"
    top = data["unanswered_groups"][0]
    assert top["count"] == 3  # guild 2's "dentists pay" is not in guild 1's report
    assert top["nearest_entry"]["id"] == "mle-salary-entry"
    assert set(top) == {
        "representative",
        "count",
        "statuses",
        "examples",
        "guilds",
        "last_seen",
        "nearest_entry",
    }
    assert data["worst_rated"][0] == {
        "entry_id": "removed-entry",
        "question": None,
        "up": 0,
        "down": 4,
        "down_share": 1.0,
    }


def test_empty_report_renders(knowledge: Knowledge) -> None:
    report = compile_report([], {}, [], knowledge)
    text = render_text(report)
    assert text.count("(none)") == 3
    assert to_json(report)["unanswered_groups"] == []

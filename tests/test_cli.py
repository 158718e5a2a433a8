"""The terminal interface, driven the way people and outside tools use it."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from bot.cli import main
from bot.core.answering.reply import JSON_KEYS
from tests.kb_builder import GOOD_ENTRY, make_kb

REPO = Path(__file__).resolve().parents[1]
SALARY = "Salary Expectations and Market Demand"


def run(
    *args: str, stdin: str | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd or REPO,
        timeout=60,
    )


def test_kb_validate_ok(capsys):
    assert main(["kb", "validate"]) == 0
    assert capsys.readouterr().out.startswith("ok: ")


def test_kb_validate_reports_all_problems_without_traceback(tmp_path):
    broken = (
        GOOD_ENTRY.replace("id: mle-salary-entry", "id: ds-salary-entry")
        .replace("  alternates: [junior mle", "  alternate: [junior mle")
        .replace("Demand, paragraph: 1}", "Demand, paragraph: 99}")
    )
    result = run("kb", "validate", str(make_kb(tmp_path, broken)))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    for message in ("duplicate id", "unknown key 'alternate'", "paragraph 99 is out of range"):
        assert message in result.stderr
    assert result.stderr.count("qa/salary.yaml") >= 3
    assert "[ds-salary-entry]" in result.stderr


def test_kb_validate_missing_directory_is_one_clear_error(tmp_path):
    result = run("kb", "validate", str(tmp_path / "nope"))
    assert result.returncode == 1
    assert "does not exist" in result.stderr
    assert "Traceback" not in result.stderr


def test_kb_export_is_json_with_phrasings_and_citations(capsys):
    assert main(["kb", "export"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["entries"]) >= 120
    for entry in data["entries"]:
        assert set(entry) == {
            "id",
            "question",
            "alternates",
            "answer",
            "roles",
            "topic",
            "level",
            "citations",
        }
        assert 1 + len(entry["alternates"]) >= 4
        assert entry["citations"] and all(
            set(c) == {"section", "paragraph"} for c in entry["citations"]
        )


def test_kb_stats_shows_no_holes(capsys):
    assert main(["kb", "stats"]) == 0
    out = capsys.readouterr().out
    assert "Uncited non-promotional paragraphs: none" in out
    assert "Role × topic holes: none" in out


def test_ask_json_contract():
    result = run("ask", "--json", "how much do MLEs make", "what's the weather")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 2
    for obj in lines:
        # The contract: these keys, in this order (not_covered added by issue 10, fit by
        # issue 11).
        assert (
            tuple(obj)
            == JSON_KEYS
            == (
                "question",
                "status",
                "text",
                "citations",
                "entries",
                "confidence",
                "suggestions",
                "not_covered",
                "fit",
            )
        )
        assert isinstance(obj["confidence"], float) and 0.0 <= obj["confidence"] <= 1.0
    first, second = lines
    assert first["status"] == "answered"
    assert SALARY in {c["section"] for c in first["citations"]}
    assert first["entries"] == ["mle-salary"]
    assert "$110,000" in first["text"] and SALARY in first["text"]
    assert second["status"] == "declined"
    assert second["citations"] == [] and second["entries"] == []
    assert first["not_covered"] == [] and first["fit"] is None


def test_chat_follow_up_from_piped_stdin():
    result = run("chat", "--json", stdin="how much do data scientists earn\nand ML engineers?\n")
    assert result.returncode == 0, result.stderr
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert first["entries"] == ["ds-salary"]
    assert second["status"] == "answered"
    assert second["entries"] == ["mle-salary"]
    assert "$110,000" in second["text"]


def test_chat_plain_text_keeps_context(capsys, monkeypatch):
    import io

    monkeypatch.setattr(
        sys, "stdin", io.StringIO("senior data scientist salary\nwhat about MLEs?\n\n")
    )
    assert main(["chat"]) == 0
    out = capsys.readouterr().out
    assert "$250,000" in out and "$300,000" in out


def test_compare_salary_side_by_side(capsys):
    assert main(["compare", "salary"]) == 0
    out = capsys.readouterr().out
    assert "Data Scientist:" in out and "ML Engineer:" in out
    assert "$95,000" in out and "$110,000" in out
    assert f'Source: "{SALARY}", ¶1–2' in out


def test_compare_unknown_topic_is_a_clear_error(capsys):
    assert main(["compare", "pets"]) == 1
    assert "can't compare" in capsys.readouterr().out


def test_role_card_every_line_cited(capsys):
    assert main(["role", "ml-engineer"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("ML Engineer:")
    blocks = out.strip().split("\n\n")[1:]
    assert len(blocks) >= 5
    assert all("Source: " in block for block in blocks)
    assert "$110,000" in out


def test_role_unknown_is_one_line_error():
    result = run("role", "astronaut")
    assert result.returncode == 1
    assert "unknown role" in result.stderr and "Traceback" not in result.stderr


def test_topics_lists_examples(capsys):
    assert main(["topics"]) == 0
    out = capsys.readouterr().out
    assert "salary" in out and "e.g." in out


def test_ask_explain_shows_slots_and_candidates(capsys):
    assert main(["ask", "--explain", "salery of machne lerning engneer"]) == 0
    out = capsys.readouterr().out
    assert "machne→machine" in out
    assert "roles        ml_engineer" in out
    assert "rule         best-match" in out and "mle-salary" in out


def test_runs_from_another_directory_with_knowledge_override(tmp_path, monkeypatch):
    kb = make_kb(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "bot", "kb", "validate"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**__import__("os").environ, "CAREERBOT_KNOWLEDGE_DIR": str(kb)},
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "ok: 2 entries" in result.stdout


def test_wheel_ships_the_knowledge_base(tmp_path):
    """`pip install .` must carry the KB: the wheel holds it as bot/_knowledge."""
    pytest.importorskip("hatchling")
    result = subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    (wheel,) = tmp_path.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for f in ("source.yaml", "roles.yaml", "topics.yaml", "qa/salary.yaml", "smalltalk.yaml"):
        assert f"bot/_knowledge/{f}" in names


def test_run_without_token_is_one_line_and_exit_2(tmp_path):
    env = {k: v for k, v in __import__("os").environ.items() if k != "DISCORD_TOKEN"}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "DISCORD_TOKEN" in result.stderr
    assert "Traceback" not in result.stderr


def test_report_and_health_commands(tmp_path):
    import asyncio

    from bot.core.storage.sqlite import SqliteStore

    db = tmp_path / "bot.sqlite3"

    async def fill() -> None:
        store = SqliteStore(db)
        for text in ("dentist salary", "salary of dentists", "how much do dentists make"):
            await store.record_question(status="declined", topic=None, normalised=text, guild_id=1)
        for _ in range(3):
            await store.record_feedback("mle-salary", -1, 1)
        await store.close()

    asyncio.run(fill())
    report = run("report", "--db", str(db), "--json")
    assert report.returncode == 0, report.stderr
    data = json.loads(report.stdout)
    assert data["unanswered_groups"][0]["count"] == 3
    text = run("report", "--db", str(db))
    assert "dentist" in text.stdout and "mle-salary" in text.stdout
    health = run("health", "--db", str(db))
    assert health.returncode == 0 and "healthy" in health.stdout


def test_every_command_is_documented_in_the_readme():
    from bot.cli import build_parser

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    for name in commands:
        assert f"careerbot {name}" in readme, name

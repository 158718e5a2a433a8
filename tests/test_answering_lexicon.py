"""Vocabulary as data: the engine uses the words in knowledge/lexicon.yaml, not its own."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from bot.core.answering.engine import Engine
from bot.core.knowledge import default_knowledge_dir


def kb_with(tmp_path: Path, edit) -> Path:
    kb = tmp_path / "kb"
    shutil.copytree(default_knowledge_dir(), kb)
    path = kb / "lexicon.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return kb


def test_a_new_level_phrase_is_understood(tmp_path, engine):
    assert engine.analyse("greenhorn mle pay").level is None
    kb = kb_with(tmp_path, lambda d: d["levels"]["entry"].append("greenhorn"))
    assert Engine.load(kb).ask("greenhorn mle pay").entries == ("mle-salary-entry",)


def test_decline_suggestions_come_from_the_lexicon(tmp_path):
    kb = kb_with(tmp_path, lambda d: d["decline"].update(suggestions=["ds-tools"]))
    reply = Engine.load(kb).ask("best pizza in nyc")
    assert reply.status == "declined" and reply.suggestion_ids == ("ds-tools",)


def test_the_role_card_follows_the_lexicon(tmp_path):
    kb = kb_with(tmp_path, lambda d: d.update(role_card=[{"label": "Pay", "topic": "salary"}]))
    card = Engine.load(kb).role_card("ds")
    assert [line.label for line in card.lines] == ["Pay"]

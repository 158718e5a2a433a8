"""Loading a knowledge directory file by file: where the KB comes from, that every
file's problems are collected in one pass, and that phrasings are compared with the
KB's own stop words."""

from __future__ import annotations

import pytest

from bot.core.knowledge import (
    KNOWLEDGE_DIR_ENV,
    KnowledgeError,
    default_knowledge_dir,
    load_knowledge,
)
from tests.kb_builder import GOOD_ENTRY, KB, make_kb, problems_of


def test_fixture_kb_is_valid(tmp_path):
    assert len(load_knowledge(make_kb(tmp_path)).entries) == 2


def test_the_default_is_the_shipped_kb_whatever_the_environment(monkeypatch, tmp_path):
    """The environment is read once, by bot.settings, which passes the directory in."""
    monkeypatch.setenv(KNOWLEDGE_DIR_ENV, str(tmp_path / "elsewhere"))
    assert default_knowledge_dir() == KB
    assert load_knowledge().directory == KB


def test_a_missing_directory_is_one_problem(tmp_path):
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(tmp_path / "nope")
    assert [str(p) for p in info.value.problems] == [
        f"{tmp_path / 'nope'}: knowledge directory does not exist"
    ]


def test_problems_in_several_files_are_reported_together(tmp_path):
    kb = make_kb(tmp_path, GOOD_ENTRY.replace("roles: [ml_engineer]", "roles: [data_engineer]"))
    (kb / "scope.yaml").unlink()
    roles = kb / "roles.yaml"
    roles.write_text(roles.read_text(encoding="utf-8").replace("colour:", "color:", 1))
    found = problems_of(kb)
    assert "kb/scope.yaml: file is missing" in found
    assert any(p.startswith("kb/roles.yaml:") and "unknown key 'color'" in p for p in found)
    assert any(p.startswith("kb/qa/salary.yaml:") and "'data_engineer'" in p for p in found)


def test_no_qa_files_is_a_problem(tmp_path):
    kb = make_kb(tmp_path)
    (kb / "qa" / "salary.yaml").unlink()
    assert "kb/qa: no qa/*.yaml files found" in problems_of(kb)


def test_entries_remember_their_file_and_line(tmp_path):
    knowledge = load_knowledge(make_kb(tmp_path))
    assert [e.file for e in knowledge.entries] == ["kb/qa/salary.yaml:1", "kb/qa/salary.yaml:10"]


# ---------------------------------------------------------------- the KB's stop words


def _set_stop_words(kb, change):
    path = kb / "lexicon.yaml"
    text = path.read_text(encoding="utf-8")
    new = change(text)
    assert new != text
    path.write_text(new, encoding="utf-8")


def test_shared_phrasings_are_found_with_the_lexicons_stop_words(tmp_path):
    """With "ds" and "mle" as stop words, "junior ds pay" and "junior mle pay" are one."""
    kb = make_kb(tmp_path)
    _set_stop_words(kb, lambda t: t.replace("stop_words: >-\n", "stop_words: >-\n  ds mle\n", 1))
    assert any(
        "phrasing 'junior mle pay' is the same (after normalisation) as one in entry "
        "'ds-salary-entry'" in p
        for p in problems_of(kb)
    )


def test_a_word_the_lexicon_does_not_stop_keeps_phrasings_apart(tmp_path):
    """ "please" is a built-in stop word; once the lexicon drops it, the phrasings differ."""
    qa = GOOD_ENTRY.replace("[junior mle pay,", "[junior ds pay please,")
    assert any("is the same (after normalisation)" in p for p in problems_of(make_kb(tmp_path, qa)))
    kb = make_kb(tmp_path / "without", qa)
    _set_stop_words(kb, lambda t: t.replace(" please ", " ", 1))
    assert len(load_knowledge(kb).entries) == 2

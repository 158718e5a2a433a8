"""``lexicon.yaml`` as a typed :class:`Lexicon`: every word list, id and message is
loaded, and a broken one is a load problem naming ``lexicon.yaml``, the key and the line."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import fields
from pathlib import Path
from types import MappingProxyType

import pytest

from bot.core.knowledge import LEVELS, CardLine, Lexicon, TopicRoles, load_knowledge
from bot.core.knowledge.lexicon import KnownIds, lexicon_from
from bot.core.knowledge.validation import Checker, Problem
from tests.kb_builder import KB, REPO, make_kb, problems_of


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return load_knowledge(KB).lexicon


def edit(kb: Path, old: str, new: str) -> int:
    """Replace the one ``old`` in the KB's lexicon by ``new``; the 1-based line ``new``
    starts on, which is where a problem with it must be reported."""
    path = kb / "lexicon.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not in lexicon.yaml exactly once"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def problem(tmp_path: Path, old: str, new: str) -> tuple[list[str], int]:
    kb = make_kb(tmp_path)
    line = edit(kb, old, new)
    return problems_of(kb), line


# ---------------------------------------------------------------- the shipped lexicon


def test_the_shipped_lexicon_loads_every_field_typed(lexicon):
    assert {"the", "how", "pls"} <= lexicon.stop_words and "vs" not in lexicon.stop_words
    assert {"good", "worth"} <= lexicon.neutral
    assert tuple(lexicon.levels) == LEVELS
    assert "new grad" in lexicon.levels["entry"] and "10 yoe" in lexicon.levels["senior"]
    assert {"vs", "versus"} <= lexicon.cues.compare
    assert "former" in lexicon.cues.self_words  # YAML key "self"
    assert (
        lexicon.cues.connectors[:2] == ("and", "also") and "what about" in lexicon.cues.connectors
    )
    assert lexicon.cues.follow_up_synonyms == {"samecontext"}
    assert {"!", "guys"} <= lexicon.smalltalk.filler and "what" in lexicon.smalltalk.glue
    assert lexicon.smalltalk.weights == {"goodbye": 2.0, "acknowledgement": 0.5}
    assert {"salary", "tc"} <= lexicon.pay_words
    assert lexicon.topic_roles == TopicRoles("choosing", "role", "career-path", "tools", "future")
    assert lexicon.role_card[0] == CardLine("What they do", "role") and len(lexicon.role_card) == 6
    assert lexicon.decline.suggestions == ("mle-salary", "ds-skills", "compare-choosing")
    assert "nurses" in lexicon.decline.other_profession.format(names="nurses")
    assert lexicon.decline.hint.startswith("I can only") and "\n" not in lexicon.decline.hint
    assert lexicon.decline.empty


def test_no_field_of_the_shipped_lexicon_is_empty_or_mutable(lexicon):
    parts = [
        lexicon,
        lexicon.cues,
        lexicon.smalltalk,
        lexicon.topic_roles,
        lexicon.terms,
        lexicon.decline,
    ]
    for part in parts:
        for f in fields(part):
            value = getattr(part, f.name)
            assert value, f"{type(part).__name__}.{f.name} is empty"
            assert isinstance(value, str | frozenset | tuple | MappingProxyType) or value in parts


def test_a_hand_built_knowledge_gets_an_empty_lexicon():
    assert Lexicon().stop_words == frozenset() and Lexicon().levels == {}


# ---------------------------------------------------------------- dangling references


@pytest.mark.parametrize(
    ("old", "new", "key", "message"),
    [
        (
            "ladder: career-path",
            "ladder: career-pth",
            "topics.ladder",
            "topic id 'career-pth' does not exist in topics.yaml (did you mean 'career-path'?)",
        ),
        (
            "{label: Tools, topic: tools}",
            "{label: Tools, topic: tooling}",
            "role_card",
            "topic id 'tooling' does not exist in topics.yaml",
        ),
        (
            "suggestions: [ds-salary-entry, mle-salary-entry]",
            "suggestions: [ds-salary-entry, mle-salary-entri]",
            "decline.suggestions",
            "entry id 'mle-salary-entri' does not exist in qa/*.yaml "
            "(did you mean 'mle-salary-entry'?)",
        ),
        (
            "weights: {goodbye: 2.0, acknowledgement: 0.5}",
            "weights: {goodbye: 2.0, farewell: 0.5}",
            "smalltalk.weights",
            "small-talk id 'farewell' does not exist in smalltalk.yaml",
        ),
        (
            "follow_up_synonyms: [samecontext]",
            "follow_up_synonyms: [samecontex]",
            "cues.follow_up_synonyms",
            "synonym key 'samecontex' does not exist in synonyms.yaml "
            "(did you mean 'samecontext'?)",
        ),
        (
            "pay: salary ",
            "pay: salarie ",
            "terms.pay",
            "synonym key 'salarie' does not exist in synonyms.yaml (did you mean 'salary'?)",
        ),
    ],
    ids=["topic", "role-card-topic", "entry", "smalltalk-id", "synonym-key", "term"],
)
def test_a_dangling_reference_names_lexicon_key_and_line(tmp_path, old, new, key, message):
    found, line = problem(tmp_path, old, new)
    assert f"kb/lexicon.yaml:{line} [{key}]: {message}" in found, found


def test_a_reference_on_its_own_line_is_reported_on_that_line(tmp_path):
    found, line = problem(
        tmp_path,
        "suggestions: [ds-salary-entry, mle-salary-entry]",
        "suggestions:\n    - ds-salary-entry\n    - nowhere",
    )
    assert f"kb/lexicon.yaml:{line + 2} [decline.suggestions]: entry id 'nowhere' " in "\n".join(
        found
    )


def test_the_cli_refuses_a_dangling_reference_with_exit_1_and_no_traceback(tmp_path):
    kb = make_kb(tmp_path)
    line = edit(kb, "definition: role", "definition: roles")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAREERBOT_")}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "kb", "validate", "--kb", str(kb)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(REPO)},
        timeout=60,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert (
        f"kb/lexicon.yaml:{line} [topics.definition]: topic id 'roles' does not exist "
        "in topics.yaml (did you mean 'role'?)" in result.stderr
    )


# ---------------------------------------------------------------- keys, types, emptiness


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("stop_words: >-", "stop_word: >-", "unknown key 'stop_word' (did you mean 'stop_words'?)"),
        ("  compare: >-", "  compar: >-", "[cues]: unknown key 'cues.compar' (did you mean "),
        ("  glue: >-", "  glu: >-", "[smalltalk]: missing required key 'smalltalk.glue'"),
        ("pay_words: >-", "pay_wordz: >-", "missing required key 'pay_words'"),
    ],
    ids=["top-level-typo", "nested-typo", "nested-missing", "top-level-missing"],
)
def test_unknown_and_missing_keys(tmp_path, old, new, expected):
    found, line = problem(tmp_path, old, new)
    assert any(expected in p for p in found), found
    if "unknown" in expected:
        assert any(p.startswith(f"kb/lexicon.yaml:{line}") and expected in p for p in found)


@pytest.mark.parametrize(
    ("old", "new", "key", "message"),
    [
        ("  experience: >-\n    yoe experience", "  experience: [yoe]", "cues.experience",
         "must be words separated by spaces"),
        ("connectors: [and,", "connectors: and [", "cues.connectors",
         "must be a non-empty list of phrases"),
        ("{goodbye: 2.0,", "{goodbye: heavy,", "smalltalk.weights",
         "weight of 'goodbye' must be a positive number"),
        ("{goodbye: 2.0,", "{goodbye: 0,", "smalltalk.weights",
         "weight of 'goodbye' must be a positive number"),
        ("role_card:\n  - {label: What they do, topic: role}",
         "role_card:\n  - What they do", "role_card", "each line must be {label, topic}"),
        ("  empty: Ask me a question about Data Scientist or ML Engineer careers.", "  empty: [Ask me]", "decline.empty", "must be non-empty text"),
        ("topics:\n  choosing: choosing", "topics: choosing\nx:\n  choosing: choosing",
         "topics", "must be a mapping"),
        ("    yoe experience", "    yoe Experience", "cues.experience",
         "'Experience' must be lower case"),
        ("connectors: [and, also,", "connectors: [and, no,", "cues.connectors",
         "item 2 is empty or not text (quote it: YAML reads yes/no/on/off as true/false)"),
        ("  salary: [salario,", "  salary: salario [", "translations.salary",
         "must be a non-empty list of phrases"),
        ("  data scientist: [cientista de dados,", "  Data Scientist: [cientista de dados,",
         "translations.Data Scientist", "'Data Scientist' must be a lower-case English phrase"),
        ("translations:\n  data scientist:", "translations: 3\nx:\n  data scientist:",
         "translations", "must be a mapping of English phrase"),
        ("  salary: [salario,", "  salary: [cientista de dados, salario,", "translations.salary",
         "'cientista de dados' is listed under both 'translations.data scientist' and "
         "'translations.salary'"),
    ],
    ids=[
        "words-as-list", "phrases-as-text", "weight-not-number", "weight-zero",
        "card-line-not-mapping", "text-as-list", "section-not-mapping", "upper-case",
        "yaml-boolean", "translation-not-list", "translation-upper-case",
        "translations-not-mapping", "translation-under-two-keys",
    ],
)  # fmt: skip
def test_wrong_types(tmp_path, old, new, key, message):
    found, _ = problem(tmp_path, old, new)
    assert any(f"[{key}]: {message}" in p and "lexicon.yaml:" in p for p in found), found


@pytest.mark.parametrize(
    ("old", "new", "key", "message"),
    [
        ("  here: >-\n    background here turned rn currently", "  here: ''", "cues.here", "is empty"),
        ("  entry: [entry level,", "  entry: []\n  x: [entry level,", "levels.entry",
         "must be a non-empty list of phrases"),
        ("suggestions: [ds-salary-entry, mle-salary-entry]", "suggestions: []",
         "decline.suggestions", "must be a non-empty list of entry ids"),
        ("follow_up_synonyms: [samecontext]", "follow_up_synonyms: []",
         "cues.follow_up_synonyms", "must be a non-empty list of synonym keys"),
    ],
    ids=["words", "level-phrases", "entry-ids", "synonym-keys"],
)  # fmt: skip
def test_empty_lists(tmp_path, old, new, key, message):
    found, _ = problem(tmp_path, old, new)
    assert any(f"[{key}]: {message}" in p for p in found), found


def test_a_level_key_must_be_an_entry_level(tmp_path):
    found, line = problem(tmp_path, "  senior: [senior,", "  senoir: [senior,")
    assert (
        f"kb/lexicon.yaml:{line} [levels.senoir]: 'senoir' is not an entry level; qa/*.yaml "
        "uses entry, experienced, senior (did you mean 'levels.senior'?)" in found
    )
    assert any("[levels]: missing required key 'levels.senior'" in p for p in found)


def test_a_phrase_under_two_levels_is_ambiguous(tmp_path):
    found, _ = problem(tmp_path, "  senior: [senior,", "  senior: [junior, senior,")
    assert any(
        "'junior' is listed under both 'levels.entry' and 'levels.senior'" in p for p in found
    )


@pytest.mark.parametrize(
    "text", ["not them.", "not {names} or {other}.", "not {0} {names}.", "not {names"]
)
def test_the_other_profession_message_needs_exactly_the_names_placeholder(tmp_path, text):
    """``{names}`` is filled with str.format: any other placeholder would raise there."""
    found, line = problem(tmp_path, "not {names}.", text)
    # The text is folded onto the line after the key, and the key's line is reported.
    assert any(
        f"lexicon.yaml:{line - 1} [decline.other_profession]: must contain '{{names}}'" in p
        for p in found
    ), found


def test_a_lexicon_that_is_not_a_mapping(tmp_path):
    kb = make_kb(tmp_path)
    (kb / "lexicon.yaml").write_text("- just\n- a list\n", encoding="utf-8")
    assert (
        "kb/lexicon.yaml: must be a mapping of word lists, ids and messages (see its comments)"
        in (problems_of(kb))
    )


def test_a_missing_lexicon_fails_the_load(tmp_path):
    kb = make_kb(tmp_path)
    (kb / "lexicon.yaml").unlink()
    assert "kb/lexicon.yaml: file is missing" in problems_of(kb)


def test_lexicon_from_reads_data_without_files():
    """The lexicon rules work on data as read, so they can be checked without a KB."""
    problems: list[Problem] = []
    known = KnownIds(frozenset({"t"}), frozenset({"e"}), frozenset({"s"}), frozenset({"k"}))
    assert lexicon_from(None, Checker(problems, "lexicon.yaml"), known) is None
    assert problems == []
    lexicon = lexicon_from({"stop_words": "a b"}, Checker(problems, "lexicon.yaml"), known)
    assert lexicon is not None and lexicon.stop_words == {"a", "b"}
    assert "lexicon.yaml: missing required key 'decline'" in [str(p) for p in problems]

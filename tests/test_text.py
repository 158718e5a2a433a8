"""Text folding shared by the knowledge loader and the analyser."""

from __future__ import annotations

import pytest

from bot.core.text import fold, stem, tokens


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("What's an MLE?", ["what", "an", "mle"]),
        ("can't won't", ["can", "not", "will", "not"]),
        ("I’ve been", ["i", "have", "been"]),
        ("$95,000 or 95k?", ["dollar", "95000", "or", "95k"]),
        ("heyyy 👋", ["hey", "hi"]),
        ("c++ & a/b tests", ["cplusplus", "and", "ab", "tests"]),
        ("zero\u200bwidth", ["zero", "width"]),
        # French and Italian elisions keep the word; English contractions are untouched.
        ("l’ingénieur d'un data scientist", ["ingenieur", "un", "data", "scientist"]),
        ("Qu'est-ce que", ["est", "ce", "que"]),
        ("c'mon, it's", ["cmon", "it"]),
    ],
)
def test_tokens(text, expected):
    assert tokens(text) == expected


def test_fold_is_case_and_width_insensitive():
    assert fold("ＭＬＥ Salary") == fold("mle salary")


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("salaries", "salary"),
        ("tools", "tool"),
        ("engineering", "engineering"),
        ("analysis", "analysis"),
        ("bus", "bus"),
    ],
)
def test_stem_is_light(word, expected):
    assert stem(word) == expected


def test_accented_latin_letters_fold_to_their_base_letter():
    """ "salário" was split into "sal" and "rio", and "résumé" never met "resume"."""
    assert tokens("o salário") == ["o", "salario"]
    assert tokens("my Résumé") == ["my", "resume"]


def test_latin_letters_without_an_accent_to_drop_keep_the_word_whole():
    """ "heißt" was "hei" and "t"; "zarabiał" lost its last letter."""
    assert tokens("was heißt zarabiał") == ["was", "heisst", "zarabial"]


def test_words_in_other_scripts_are_kept_as_words():
    """Text we cannot translate is still part of the question: dropping it made a
    Japanese question about a role's skills look like the bare role."""
    assert tokens("データ の 歴史 история") == ["データ", "の", "歴史", "история"]

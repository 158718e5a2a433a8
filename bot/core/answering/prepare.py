"""The prepare stage: one normalisation and one length limit for every front end.

The terminal, the Discord commands, mentions and DMs all hand the engine raw text;
this is the single place where it is put on one line, single-spaced, and cut to the
longest question worth analysing, so the same words get the same answer wherever
they were typed. (Word-level folding — case, contractions, emoji — is
:func:`bot.core.text.tokens`, shared with the knowledge base.)
"""

from __future__ import annotations


def prepare(question: str, max_chars: int) -> str:
    """``question`` on one line, single-spaced, at most ``max_chars`` characters, and
    valid Unicode: bytes that were not UTF-8 (kept by Python as lone surrogates in
    arguments) become U+FFFD, so no reply or ``--json`` line can carry them."""
    return " ".join(valid_text(question).split())[:max_chars]


def valid_text(text: str) -> str:
    """``text`` with every lone surrogate replaced by U+FFFD."""
    if text.isascii() or not any("\ud800" <= ch <= "\udfff" for ch in text):
        return text
    try:  # the bytes Python kept from a non-UTF-8 argument: one U+FFFD per bad byte
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:  # any other lone surrogate
        return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")

"""The prepare stage: one normalisation and one length limit for every front end.

The terminal, the Discord commands, mentions and DMs all hand the engine raw text;
this is the single place where it is put on one line, single-spaced, and cut to the
longest question worth analysing, so the same words get the same answer wherever
they were typed. (Word-level folding — case, contractions, emoji — is
:func:`bot.core.text.tokens`, shared with the knowledge base.)
"""

from __future__ import annotations


def prepare(question: str, max_chars: int) -> str:
    """``question`` on one line, single-spaced, at most ``max_chars`` characters."""
    return " ".join(question.split())[:max_chars]

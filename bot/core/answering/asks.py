"""Finding the separate asks in one message.

"what do MLEs earn and what skills do they need?" asks two things; answering only the
first drops the second without a word. A message is split where a new question
starts: after a question mark, or at "and"/"also"/"plus" followed by a question word
("and what", "and is it", "also how"). The words that open a question come from the
lexicon (``cues.question_openers``); plain lists ("skills and tools") are not split.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_SENTENCE = re.compile(r"(?<=\?)\s+")
_WORD = re.compile(r"[^\W\d_]{2,}")


def split_asks(
    text: str, openers: Iterable[str], joiners: Iterable[str], limit: int, min_words: int
) -> list[str]:
    """The asks in ``text``, in order, at most ``limit`` (the rest stays in the last).
    A piece with fewer than ``min_words`` words ("(2024)") stays with the ask before it."""
    opener_set = frozenset(openers)
    joiner_set = frozenset(joiners)
    asks: list[str] = []
    for sentence in _SENTENCE.split(text.strip()):
        words = sentence.split()
        start = 0
        for i in range(1, len(words) - 1):
            joiner = words[i].lower().strip(",;")
            nxt = words[i + 1].lower().strip(",;")
            if joiner in joiner_set and nxt in opener_set and i > start:
                asks.append(" ".join(words[start:i]).rstrip(",;"))
                start = i + 1
        asks.append(" ".join(words[start:]))
    asks = [a for a in (a.strip() for a in asks) if a]
    merged: list[str] = []
    for ask in asks:
        if merged and len(_WORD.findall(ask)) < min_words:
            merged[-1] = f"{merged[-1]} {ask}"
        else:
            merged.append(ask)
    asks = merged
    if len(asks) > limit:
        asks = [*asks[: limit - 1], " ".join(asks[limit - 1 :])]
    return asks

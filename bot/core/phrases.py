"""Phrases matched in a tokenised text, longest first.

Synonyms, levels and role aliases (the analyser), what the article doesn't cover (the
coverage stage) and what people say about themselves (the advisor) are all phrases of
one or more words looked up in a question's tokens. This is the one matcher they share:
one dictionary lookup per position and phrase length, never a scan of every phrase.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Generic, TypeVar

from bot.core.text import tokens

V = TypeVar("V")
_MISSING = object()
Key = tuple[str, ...]


class PhraseTable(Generic[V]):
    def __init__(self, entries: Mapping[Key, V]) -> None:
        self.table = dict(entries)
        self.sizes = sorted({len(k) for k in self.table}, reverse=True)
        self.longest = self.sizes[0] if self.sizes else 0
        # Most words start no phrase: one lookup rules them out before any slicing, and
        # for the rest only the lengths of the phrases that start with that word are tried.
        by_first: dict[str, set[int]] = {}
        for k in self.table:
            if k:
                by_first.setdefault(k[0], set()).add(len(k))
        self.firsts = {w: tuple(sorted(n, reverse=True)) for w, n in by_first.items()}

    @classmethod
    def of(cls, phrases: Iterable[str]) -> PhraseTable[bool]:
        """A table of plain phrases, tokenised the way questions are."""
        return PhraseTable({tuple(tokens(p)): True for p in phrases})

    def at(self, words: Sequence[str], i: int) -> tuple[Key, V] | None:
        """The longest phrase starting at ``words[i]``, with its value."""
        if i >= len(words):
            return None
        sizes = self.firsts.get(words[i])
        return None if sizes is None else self._longest(words, i, sizes)

    def _longest(
        self, words: Sequence[str], i: int, sizes: tuple[int, ...]
    ) -> tuple[Key, V] | None:
        left = len(words) - i
        table = self.table
        for size in sizes:
            if size <= left:
                key = tuple(words[i : i + size])
                value = table.get(key, _MISSING)
                if value is not _MISSING:
                    return key, value
        return None

    def scan(self, words: Sequence[str]) -> Iterator[tuple[int, Key, V]]:
        """(position, phrase, value) for each phrase, left to right, longest first,
        never overlapping."""
        firsts = self.firsts
        i, n = 0, len(words)
        while i < n:
            sizes = firsts.get(words[i])  # most words start no phrase: one lookup each
            hit = None if sizes is None else self._longest(words, i, sizes)
            if hit is None:
                i += 1
                continue
            yield i, hit[0], hit[1]
            i += len(hit[0])

    def contains(self, words: Sequence[str]) -> bool:
        """Whether any phrase occurs anywhere in ``words``."""
        firsts = self.firsts
        for i, word in enumerate(words):
            sizes = firsts.get(word)
            if sizes is not None and self._longest(words, i, sizes) is not None:
                return True
        return False

    def ends(self, words: Sequence[str]) -> bool:
        """Whether ``words`` ends with one of the phrases."""
        return any(tuple(words[-n:]) in self.table for n in self.sizes if n <= len(words))

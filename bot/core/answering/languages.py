"""Questions typed in another language: the words we know are read as English.

Community servers have members who ask in Portuguese, Spanish, German, Japanese or
Chinese ("O que faz um Engenheiro de Machine Learning?", "機械学習エンジニアとデータ
サイエンティストって何が違うの?"). The knowledge base is English, so the answer is
too, but the question should still be understood. ``lexicon.yaml``'s ``translations``
maps an English phrase to the phrases other languages use for it, and a question's
words are read through it before anything else. Latin-script phrases are matched on
the tokens, as whole words ("de" inside "data" is not Portuguese); phrases in scripts
written without spaces (Japanese, Chinese) are replaced inside the text, and only when
the text has such characters, so an English question pays one ``isascii`` check.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from bot.core.phrases import PhraseTable
from bot.core.text import fold, tokens


class Translator:
    """Built once per knowledge load from ``lexicon.yaml``'s ``translations``."""

    def __init__(self, translations: Mapping[str, tuple[str, ...]]) -> None:
        words: dict[tuple[str, ...], tuple[str, ...]] = {}
        inline: dict[str, str] = {}
        for english, phrases in translations.items():
            for phrase in phrases:
                folded = fold(phrase)
                if folded.isascii():
                    words.setdefault(tuple(tokens(folded)), tuple(tokens(english)))
                else:
                    inline.setdefault(folded, english)
        self._words = PhraseTable(words)
        self._inline = inline
        longest_first = sorted(inline, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, longest_first))) if inline else None

    def tokens(self, text: str) -> list[str]:
        """The tokens of ``text`` with every known phrase in English."""
        if self._pattern is not None and not text.isascii():
            text = self._pattern.sub(lambda m: f" {self._inline[m.group(0)]} ", fold(text))
        words = tokens(text)
        out: list[str] = []
        done = 0
        for i, key, english in self._words.scan(words):
            out += [*words[done:i], *english]
            done = i + len(key)
        return out + words[done:]

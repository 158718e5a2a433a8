"""How common a word is in ordinary English, from wordfreq's shipped word list.

Two questions need it. Is a word real English (so it must never be "corrected" into a
KB word: "stressful" is not a misspelling of anything)? And how informative is a word
the KB does not know: "stressful", "weekends" and "Europe" say what the question is
about, "really" and "guys" do not. wordfreq ships its data inside the package, so no
download happens at run time; the list is read once per process and shared by every
knowledge reload.
"""

from __future__ import annotations

import math
from functools import cache

PER_BILLION = 9
"""Zipf frequency is log10 of occurrences per billion words: log10(frequency) + 9."""
MIN_ZIPF = 2.0
"""Words rarer than this (about one in 10 million) are dropped from the table: below
it the list is mostly names and noise, and the table stays near 100k words."""


@cache
def zipf_table() -> dict[str, float]:
    """word → Zipf frequency (log10 of occurrences per billion words)."""
    from wordfreq import get_frequency_dict  # imported lazily: ~0.1 s and 10 MB

    table: dict[str, float] = {}
    for word, freq in get_frequency_dict("en", "large").items():
        zipf = math.log10(freq) + PER_BILLION
        if zipf >= MIN_ZIPF and word.isascii():
            table[word] = round(zipf, 2)
    return table


def zipf(word: str) -> float:
    """The word's Zipf frequency; 0 for words too rare for the table (or not English)."""
    return zipf_table().get(word, 0.0)

"""Recognising small talk: a message made only of greeting, thanks or goodbye words.

"hi, how much do MLEs make?" is a salary question, so a message counts only when
nothing but small-talk words (and the filler around them) is in it.
"""

from __future__ import annotations

from rapidfuzz import fuzz, process

from bot.core.answering.policy import Policy
from bot.core.knowledge import Knowledge, SmallTalk
from bot.core.text import tokens


class SmallTalkMatcher:
    def __init__(self, knowledge: Knowledge, policy: Policy) -> None:
        self.policy = policy
        self.items = knowledge.smalltalk
        words = knowledge.lexicon.smalltalk
        self.filler = words.filler
        self.glue = words.glue
        self.weights = words.weights
        self.by_pattern = {" ".join(tokens(p)): item for item in self.items for p in item.patterns}
        self.keys = list(self.by_pattern)
        self.vocab = {item.id: {w for p in item.patterns for w in tokens(p)} for item in self.items}
        self.words = set().union(*self.vocab.values(), self.glue)

    def match(self, text: str) -> SmallTalk | None:
        """The small-talk item ``text`` is, or None for anything with a question in it."""
        p = self.policy
        words = [w for w in tokens(text) if w not in self.filler]
        if not words or len(words) > p.smalltalk_max_words:
            return None
        key = " ".join(words)
        item = self.by_pattern.get(key)
        if item is None and len(key) >= p.smalltalk_fuzzy_min:
            match = process.extractOne(
                key, self.keys, scorer=fuzz.ratio, score_cutoff=p.smalltalk_cutoff
            )
            item = self.by_pattern[match[0]] if match else None
        if item is None and all(w in self.words for w in words):
            # Every word is small talk: pick the item whose words it uses most, the
            # later one on a tie ("ok cool bye" is a goodbye).
            best_score = 0.0
            for candidate in self.items:
                score = self.weights.get(candidate.id, 1.0) * sum(
                    w in self.vocab[candidate.id] for w in words if w not in self.glue
                )
                if score and score >= best_score:
                    best_score, item = score, candidate
        return item

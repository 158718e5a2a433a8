"""Text normalisation shared by the knowledge loader and the matcher.

RapidFuzz does no preprocessing since 3.0, so KB phrasings and user questions must go
through the *same* function; this module is that function.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from functools import lru_cache

# Contractions are expanded before punctuation is stripped, so "what's" does not turn
# into the meaningless token "s".
_CONTRACTIONS = {
    "won't": "will not",
    "can't": "can not",
    "cannot": "can not",
    "shan't": "shall not",
    "ain't": "is not",
    "let's": "let us",
    "y'all": "you all",
    "gonna": "going to",
    "wanna": "want to",
    "gotta": "got to",
    "kinda": "kind of",
    "sorta": "sort of",
}
_SUFFIXES = (
    ("n't", " not"),
    ("'re", " are"),
    ("'ve", " have"),
    ("'ll", " will"),
    ("'d", " would"),
    ("'m", " am"),
    ("'s", ""),
)
_ELISIONS = frozenset({"l", "d", "j", "n", "qu", "dell", "nell", "all", "sull"})
"""French and Italian elided articles and prepositions ("l'", "d'", "qu'", "dell'"): no
English word starts with one of them and an apostrophe ("c'mon" keeps its "c")."""
# Apostrophes as one character, and Latin letters that have no accent to drop ("heißt",
# "zarabiał", "søger" stay one word).
_CHARACTERS = str.maketrans(
    {
        "’": "'",
        "‘": "'",
        "`": "'",
        "´": "'",
        "ʼ": "'",
        "ß": "ss",
        "ł": "l",
        "ø": "o",
        "đ": "d",
        "æ": "ae",
        "œ": "oe",
        "ı": "i",
    }
)
# Control and invisible format characters (zero-width joiners, bidi marks) split words.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")
# Words in scripts we have no translation for ("に必要なこと") stay words (the analyser
# counts them as unread): dropping them made "データサイエンティストに必要なこと" look like
# a bare role.
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[^\W\d_a-z]+")
# Money written as "$95,000" or "95k" should survive as one number token.
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")
# Emoji that stand for a word in chat ("👋", "🙏 thx").
_EMOJI_WORDS = {
    "👋": " hi ",
    "🙏": " thanks ",
    "👍": " ok ",
    "❤️": " thanks ",
    "❤": " thanks ",
    "💰": " money ",
    "🤑": " money ",
    "💵": " money ",
    "💸": " money ",
}
# "heyyy", "sooo": three or more of a letter in a row is emphasis, not spelling.
_STRETCHED = re.compile(r"([a-z])\1{2,}")
_SYMBOLS = (
    ("$$$", " money "),
    ("$$", " money "),
    ("$", " dollar "),
    ("€", " money "),
    ("£", " money "),
    ("a/b", " ab "),
    ("c++", " cplusplus "),
    ("&", " and "),
    ("+", " plus "),
)


def _without_accents(text: str) -> str:
    """ "résumé" is "resume" and "salário" one word, not "sal" and "rio": accents are
    dropped from Latin letters (and only there, so other scripts keep their marks)."""
    if text.isascii():
        return text
    out = []
    for char in text:
        base = unicodedata.normalize("NFD", char)
        if len(base) > 1 and base[0].isascii() and base[0].isalpha():
            char = "".join(c for c in base if not unicodedata.combining(c))
        out.append(char)
    return "".join(out)


def fold(text: str) -> str:
    """Lower-case, Unicode-normalise and expand contractions; keep punctuation as spaces."""
    text = unicodedata.normalize("NFKC", text)
    text = _without_accents(text).lower().translate(_CHARACTERS)
    text = _CONTROL.sub(" ", text)
    for symbol, word in _SYMBOLS:
        text = text.replace(symbol, word)
    for emoji, word in _EMOJI_WORDS.items():
        text = text.replace(emoji, word)
    text = _STRETCHED.sub(r"\1", text)
    text = _THOUSANDS.sub("", text)
    return text


def tokens(text: str) -> list[str]:
    """All word tokens of ``text`` after folding, contractions expanded, stop words kept."""
    return list(_tokens(text))


@lru_cache(maxsize=256)
def _tokens(text: str) -> tuple[str, ...]:
    """Cached for the message at hand: its stages tokenise the same text and clauses
    about a dozen times. Small on purpose: a benchmark that repeats its questions must
    not time them from the cache, and nor does a real message."""
    out: list[str] = []
    for word in _WORD.findall(fold(text)):
        if word in _CONTRACTIONS:
            out.extend(_CONTRACTIONS[word].split())
            continue
        if "'" in word:
            head, _, rest = word.partition("'")
            if head in _ELISIONS and len(rest) > 1:
                out.append(rest)  # French/Italian "l'ingénieur", "d'un": the word itself
                continue
            for suffix, expansion in _SUFFIXES:
                if word.endswith(suffix):
                    out.append(word[: -len(suffix)])
                    out.extend(expansion.split())
                    break
            else:
                out.append(word.replace("'", ""))
            continue
        out.append(word)
    return tuple(out)


def content_tokens(text: str, stop_words: AbstractSet[str]) -> list[str]:
    """Tokens that carry meaning: :func:`tokens` minus ``stop_words`` (the knowledge
    base's own list, ``lexicon.stop_words`` from ``lexicon.yaml``)."""
    return [t for t in tokens(text) if t not in stop_words]


def normalise(text: str, stop_words: AbstractSet[str]) -> str:
    """The canonical form used to compare phrasings: content tokens joined by spaces."""
    return " ".join(content_tokens(text, stop_words))


@lru_cache(maxsize=1 << 14)
def stem(word: str) -> str:
    """A deliberately light stemmer: plural and common verb endings only.

    Heavier stemmers merge words this domain must keep apart (e.g. "engineering" and
    "engineer" are different things here: a field versus a role).
    """
    if len(word) <= 3 or word.isdigit():
        return word
    for suffix, repl in (
        ("ies", "y"),
        ("sses", "ss"),
        ("xes", "x"),
        ("ches", "ch"),
        ("shes", "sh"),
    ):
        if word.endswith(suffix):
            return word[: -len(suffix)] + repl
    if word.endswith("s") and not word.endswith(("ss", "us", "is", "os")):
        return word[:-1]
    return word


def stems(words: Iterable[str]) -> tuple[str, ...]:
    """Each word's stem: phrase lists keyed this way match whatever the plural ("career
    switch" finds "career switches")."""
    return tuple(stem(w) for w in words)


def plural(name: str) -> str:
    """ "software engineers", "data analysts", "actuaries"; fields and subjects ("data
    engineering", "chemistry", "medicine") stay as they are: how a profession is named as
    something the article doesn't cover."""
    if name.endswith(("s", "ing", "ment")):
        return name
    if name.endswith("person"):
        return name[: -len("person")] + "people"
    if name.endswith("ary"):
        return name[:-1] + "ies"
    return name + "s" if name.endswith(_PERSON_ENDINGS) else name


# How the names of people who do a job end in English ("analyst", "chef", "nurse").
_PERSON_ENDINGS = (
    "er", "or", "ist", "yst", "ian", "ant", "ent", "ect", "ef", "ic", "ot", "se", "et", "ev",
)  # fmt: skip

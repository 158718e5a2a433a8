"""Reading a question: spelling, synonyms, and the slots it is about.

Questions and KB phrasings go through the same :class:`Analyzer`, so "how much $$ do
MLEs make" and "What does an entry-level ML Engineer earn?" meet on the same tokens:
roles become slots (not words), levels become slots, synonyms collapse to one word,
and misspellings are corrected against the KB's own vocabulary.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.core.knowledge import Knowledge
from bot.core.text import STOP_WORDS, stem, tokens

ROLE_MARK = {"data_scientist": "@ds", "ml_engineer": "@mle"}
LEVEL_WORDS: dict[str, tuple[str, ...]] = {
    "entry": (
        "entry level",
        "entry",
        "entrylevel",
        "junior",
        "juniors",
        "jr",
        "jnr",
        "new grad",
        "new grads",
        "newgrad",
        "fresh grad",
        "fresh graduate",
        "fresher",
        "freshers",
        "graduate",
        "grads",
        "beginner",
        "beginners",
        "starting",
        "starting out",
        "first job",
        "just starting",
        "early career",
        "intern",
        "interns",
        "0 yoe",
        "1 yoe",
        "no experience",
    ),
    "experienced": (
        "experienced",
        "mid level",
        "midlevel",
        "mid career",
        "intermediate",
        "few years",
        "some experience",
        "3 yoe",
        "4 yoe",
        "5 yoe",
        "yoe",
        "years of experience",
    ),
    "senior": (
        "senior",
        "seniors",
        "sr",
        "snr",
        "staff",
        "tech lead",
        "technical lead",
        "team lead",
        "team leads",
        "leadership",
        "10 yoe",
        "principal",
        "very experienced",
    ),
}
# Words that show a question compares the two roles rather than asking about one.
COMPARE_CUES = frozenset(
    """
    vs versus compare compared comparison comparing difference differences differ different
    differently
    distinguish between than better
    """.split()
)
# Short messages made of these words (plus roles/levels) lean on the previous turn.
FOLLOW_UP_CUES = frozenset(
    """
    and what about how same for also too then other them they their those ones one role job
    side ok so as well the case people folks guys level stage point question thing else
    instead either equivalent counterpart version samecontext
    """.split()
)
# "5 yoe", "8+ years in": experience stated as a number of years.
_YEARS = re.compile(r"\b(\d{1,2})\s*\+?\s*(?:years?|yrs?|yoe)\b")
# "how much do MLEs make", "which one makes more": "make" means pay next to these.
_PAY_HINTS = frozenset("much money dollar more less most".split())
_MONEY = re.compile(r"^(\d{2,3}k|\d{5,7})$")
PRONOUNS = frozenset(
    """
    they them their those these that this it he she theirs
    """.split()
)
_OTHER = frozenset({"other", "opposite", "another"})
_BOTH = frozenset({"both", "either", "each"})
# "im a", "i was a", "been a", "former", "coming from": the asker's own job. "as" only
# after work/years ("12 years as an accountant", "i work as a nurse").
_SELF = frozenset("im am was been former ex currently from".split())
_SELF_AS = frozenset("work works worked working years experience".split())
_TARGET = frozenset("become becoming be to into vs versus or than switch".split())
_HERE = frozenset("here background turned".split())


_COMPARATIVE = frozenset(
    "more less better worse higher lower best easier harder bigger faster pays earns".split()
)
_ROLE_NOUNS = frozenset("one role job path career two of".split())


def _asks_which_role(words: list[str]) -> bool:
    """ "which one pays more", "who earns more": a question that picks between the roles.
    "which tools do they use" is not one."""
    for i, w in enumerate(words):
        if w == "who":
            return True
        if w == "which" and (set(words[i + 1 : i + 3]) & _ROLE_NOUNS or set(words) & _COMPARATIVE):
            return True
    return False


def _make_means_pay(words: list[str]) -> list[str]:
    """ "how much do MLEs make", "which one makes more": "make" is pay there. "making
    slides" and "make models" are not, so only those two shapes count."""
    if "much" in words or "money" in words:
        return ["salary" if w in ("make", "makes") else w for w in words]
    return [
        "salary"
        if w in ("make", "makes") and words[i + 1 : i + 2] and words[i + 1] in _PAY_HINTS
        else w
        for i, w in enumerate(words)
    ]


def _level_from_years(text: str) -> str | None:
    """The level a stated experience implies. In a long story ("I taught physics for 9
    years and...") the years describe the past, not the level asked about."""
    lowered = text.lower()
    match = _YEARS.search(lowered)
    if match is None or (
        len(lowered.split()) > 12 and "yoe" not in lowered and "experience" not in lowered
    ):
        return None
    years = int(match.group(1))
    return "entry" if years <= 2 else "experienced" if years <= 7 else "senior"


def _self_described(words: list[str], profession: str) -> bool:
    """ "im a backend dev, which one suits me", "former accountant here": a profession
    the asker *is* is context, not the subject of the question. "how do i become a
    nurse" is still about nurses: "become" points at the profession as a target."""
    mark = "#prof:" + profession.replace(" ", "_")
    for i, w in enumerate(words):
        if w != mark:
            continue
        if words[i + 1 : i + 2] and words[i + 1] in _HERE:
            return True
        before = words[max(0, i - 6) : i]
        for j in range(len(before) - 1, -1, -1):
            if before[j] in _TARGET:
                break
            if before[j] in _SELF or (before[j] == "as" and j and before[j - 1] in _SELF_AS):
                return True
    return False


# Plain words that are neither domain evidence nor a sign of an off-topic question.
NEUTRAL = frozenset(
    """
    good bad best worst better right wrong big small easy hard harder easier difficult tough
    need needs needed start started starting fine get break work
    working worked worth life year years month months week time lot lots little bit
    kind sort type types example examples question questions answer come comes coming came
    help idea ideas point points someone person people ppl guy guys girl folks man bro dude
    grad yrs yr
    fr ngl tbh rn atm asap yall new old true false real really honestly exactly literally
    thanks thank thx ty cool nice great okay alright gotcha perfect awesome
    normal typical common usual main important matter matters thing things stuff everything
    anything something nothing mostly often always never sometimes maybe probably possible
    say says said see look looking find found make made take takes took give gives go
    need feel feels sure yes nah yeah hmm wait still already just currently today now
    getting wanna gonna want trying try means sounds sound seems seem looks mid
    """.split()
)


@dataclass(frozen=True, slots=True)
class Analysis:
    """What we understood of one text."""

    text: str
    words: tuple[str, ...]
    """All canonical tokens in order (roles as @ds/@mle, stop words kept)."""
    content: tuple[str, ...]
    """Stemmed content tokens without roles, levels and stop words: what is matched."""
    roles: frozenset[str]
    level: str | None
    corrections: tuple[tuple[str, str], ...] = ()
    unknown: tuple[str, ...] = ()
    professions: tuple[str, ...] = ()
    off_topic: tuple[str, ...] = ()
    compare_cue: bool = False
    which_cue: bool = False
    other_role: bool = False
    pronoun: bool = False
    topic_scores: dict[str, float] = field(default_factory=dict)
    domain_terms: int = 0
    previous_topic: str | None = None
    """The topic of the conversation's previous answer: a small prior for continuity."""
    inherited_roles: bool = False
    """Roles borrowed from the previous turn: a prior for ranking, not evidence that
    this message is about our domain."""

    @property
    def known_share(self) -> float:
        """How much of the question we understand, with domain words weighing double.

        Off-topic questions are told apart by this, not by a score cut-off: "weather
        in london" has no word we know, "experienced mle comp in usd" only one.
        """
        unknown = len(self.unknown)
        plain = max(0, len(self.content) - unknown - self.domain_terms)
        # A long message tells a story around its question ("I taught physics for 9
        # years and..."): past a few, more unknown words say little about topicality.
        unknown = min(unknown, 3) + 0.3 * max(0, unknown - 3)
        named_roles = 0 if self.inherited_roles else len(self.roles)
        known = 2.0 * (self.domain_terms + named_roles) + plain + (1.0 if self.level else 0.0)
        total = known + unknown
        return known / total if total else 0.0

    @property
    def normalised(self) -> str:
        return " ".join(self.content)

    @property
    def topic(self) -> str | None:
        if not self.topic_scores:
            return None
        best = max(self.topic_scores.items(), key=lambda kv: kv[1])
        return best[0] if best[1] > 0 else None

    @property
    def followup_shape(self) -> bool:
        """Only roles, levels, cue words or pronouns: "and MLEs?", "what about senior?"."""
        return all(term in FOLLOW_UP_CUES for term in self.content)


class Analyzer:
    """Built once per knowledge load; analysing a question is then pure lookups."""

    def __init__(self, knowledge: Knowledge) -> None:
        self._role_of = {mark: role for role, mark in ROLE_MARK.items()}
        phrases: dict[tuple[str, ...], str] = {}
        for role in knowledge.roles:
            mark = ROLE_MARK.get(role.id, "@" + role.id)
            self._role_of[mark] = role.id
            for alias in (*role.aliases, role.name, role.short, role.slug):
                phrases[tuple(tokens(alias))] = mark
        for level, words in LEVEL_WORDS.items():
            for word in words:
                phrases.setdefault(tuple(tokens(word)), "#lvl:" + level)
        for canonical, variants in knowledge.synonyms.items():
            for variant in variants:
                phrases.setdefault(tuple(tokens(variant)), canonical)
        for prof in knowledge.other_professions:
            words = tokens(prof)
            mark = "#prof:" + "_".join(words)
            phrases.setdefault(tuple(words), mark)
            if not words[-1].endswith("s"):  # "ux designers" as well as "ux designer"
                phrases.setdefault((*words[:-1], words[-1] + "s"), mark)
        self._phrases = phrases
        self._max_phrase = max((len(k) for k in phrases), default=1)
        self._off_topic = frozenset(tuple(tokens(p)) for p in knowledge.off_topic_phrases)
        self._off_topic_sizes = sorted({len(p) for p in self._off_topic})

        # Vocabulary the KB itself uses: the only words we correct misspellings towards.
        # Misspelt aliases ("enginer") are left out of it, so a question with two typos
        # is corrected word by word and then meets the correctly spelt alias.
        vocab: Counter[str] = Counter()
        for entry in knowledge.entries:
            for text in (*entry.phrasings, entry.answer):
                vocab.update(tokens(text))
        for topic in knowledge.topics:
            for word in topic.vocabulary:
                vocab.update(tokens(word))
        for canonical in knowledge.synonyms:
            vocab.update(tokens(canonical))
        for role in knowledge.roles:
            vocab.update(tokens(f"{role.name} {role.short} {role.slug}"))
        # Synonym variants are words we understand ("collab" is collaboration), so they
        # are known and never "corrected" into a nearby KB word ("colab").
        understood = {w for vs in knowledge.synonyms.values() for v in vs for w in tokens(v)}
        self.vocabulary = frozenset(vocab) | STOP_WORDS | NEUTRAL | understood
        # Words of other professions and off-topic requests are recognised (never
        # corrected: "nurse" is not "course") but are not domain vocabulary.
        self._no_correct = self.vocabulary | {
            w
            for p in (*knowledge.other_professions, *knowledge.off_topic_phrases)
            for w in tokens(p)
        }
        self._vocab_list = sorted(w for w in vocab if len(w) >= 5 and not w.isdigit())
        self._vocab_freq = vocab
        # Words of role aliases, misspellings included ("lerning"), are known words.
        self._alias_words = frozenset(
            w for r in knowledge.roles for a in r.aliases for w in tokens(a)
        )
        self._corrections: dict[str, str] = {}

        # Topic vocabulary, analysed like everything else so synonyms line up.
        self._topic_terms: dict[str, dict[str, float]] = defaultdict(dict)
        owners: dict[str, set[str]] = defaultdict(set)
        for topic in knowledge.topics:
            for word in topic.vocabulary:
                terms = self._canonical_terms(tokens(word))
                # A phrase like "more money" must not make "more" a salary word: only
                # phrases that reduce to one term count.
                if len(terms) == 1:
                    owners[terms[0]].add(topic.id)
        for term, topics in owners.items():
            weight = 1.0 / len(topics)
            for topic_id in topics:
                self._topic_terms[term][topic_id] = weight
        self.known_stems = frozenset(
            stem(w) for w in self.vocabulary if not w.startswith(("@", "#"))
        ) | frozenset(self._topic_terms)

    # ------------------------------------------------------------------ pipeline

    def _canonical_terms(self, words: list[str]) -> list[str]:
        out = []
        for w in self._rewrite(words):
            if w.startswith(("@", "#")) or w in STOP_WORDS or w in NEUTRAL:
                continue
            out.append(stem(w))
        return out

    def _rewrite(self, words: list[str]) -> list[str]:
        """Replace the longest known phrase at each position (aliases, synonyms, levels)."""
        out: list[str] = []
        i = 0
        while i < len(words):
            for size in range(min(self._max_phrase, len(words) - i), 0, -1):
                key = tuple(words[i : i + size])
                mark = self._phrases.get(key)
                if mark is not None:
                    out.append(mark)
                    i += size
                    break
            else:
                out.append(words[i])
                i += 1
        return out

    def _kb_form(self, word: str, stemmed: str) -> str:
        """The form the KB uses of an inflected word ("trending" → "trend"), so the two
        meet in the index; the word itself when the KB has no such form."""
        if stemmed in self.known_stems:
            return stemmed
        for suffix, repl in (("ing", ""), ("ing", "e"), ("ed", ""), ("ed", "e"), ("d", "")):
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                base = stem(word[: -len(suffix)] + repl)
                if base in self.known_stems:
                    return base
        return stemmed

    def _known(self, word: str, stemmed: str) -> bool:
        if stemmed in self.known_stems or word in self.vocabulary or word in self._alias_words:
            return True
        # "hired", "contributing": inflections of words the KB uses are known too.
        for suffix, repl in (("ing", ""), ("ing", "e"), ("ed", ""), ("ed", "e"), ("d", "")):
            if word.endswith(suffix) and stem(word[: -len(suffix)] + repl) in self.known_stems:
                return True
        return False

    def correct(self, word: str) -> str:
        """The KB word ``word`` is a misspelling of, or ``word`` itself."""
        if word in self._no_correct or len(word) < 5 or not word.isalpha():
            return word
        return _correct(word, self)

    def analyse(self, text: str) -> Analysis:
        raw = tokens(text)
        corrections: list[tuple[str, str]] = []
        fixed: list[str] = []
        raw = _mark_r_language(text, raw)
        for word in raw:
            if word in self._no_correct:
                fixed.append(word)
                continue
            candidate = self.correct(word)
            if candidate != word:
                corrections.append((word, candidate))
            fixed.append(candidate)
        # "100k", "150000": amounts of money are salary questions.
        fixed = ["salary" if _MONEY.match(w) else w for w in fixed]
        # "how much do MLEs make" is about salary; "what do MLEs make" is not clearly.
        fixed = _make_means_pay(fixed)
        words = self._rewrite(fixed)
        off_topic = tuple(
            " ".join(fixed[i : i + n])
            for i in range(len(fixed))
            for n in self._off_topic_sizes
            if tuple(fixed[i : i + n]) in self._off_topic
        )

        roles: set[str] = set()
        level: str | None = _level_from_years(text)
        professions: list[str] = []
        content: list[str] = []
        unknown: list[str] = []
        for w in words:
            if w.startswith("@"):
                roles.add(self._role_of[w])
            elif w.startswith("#lvl:"):
                level = w[5:] if level is None or w[5:] != "experienced" else level
            elif w.startswith("#prof:"):
                # Kept as one content term too: "how much data engineering do DSs
                # need" is a fair question even though "data engineering" is a field.
                professions.append(w[6:].replace("_", " "))
                content.append(stem(w[6:]))
            elif w not in STOP_WORDS and w not in NEUTRAL and w not in COMPARE_CUES:
                s = self._kb_form(w, stem(w))
                content.append(s)
                if not self._known(w, s):
                    unknown.append(s)
        if not content and {"make", "makes", "making"} & set(words):
            content = ["salary"]  # "what do they make", "what do MLEs make"
        topic_scores: dict[str, float] = defaultdict(float)
        content = list(dict.fromkeys(content))
        domain_terms = 0
        for term in content:
            owners = self._topic_terms.get(term)
            if owners:
                domain_terms += 1
                for topic_id, weight in owners.items():
                    topic_scores[topic_id] += weight
        word_set = set(words)
        if not roles and word_set & _BOTH:
            roles = set(self._role_of.values())  # "do both need SQL?"
        professions = [p for p in professions if not _self_described(words, p)]
        return Analysis(
            text=text,
            words=tuple(words),
            content=tuple(content),
            roles=frozenset(roles),
            level=level,
            corrections=tuple(corrections),
            unknown=tuple(dict.fromkeys(unknown)),
            professions=tuple(professions),
            off_topic=off_topic,
            compare_cue=bool(word_set & COMPARE_CUES) or ("or" in word_set and len(roles) > 1),
            which_cue=_asks_which_role(words),
            other_role=bool(word_set & _OTHER),
            pronoun=bool(word_set & PRONOUNS),
            topic_scores=dict(topic_scores),
            domain_terms=domain_terms,
        )


def _max_distance(word: str) -> int:
    # Short words have many near neighbours ("nurse" is one edit from "course"), and
    # real words sit two or three edits from KB words ("realistic"/"realised"): only
    # long words get more than one edit.
    if len(word) <= 7:
        return 1
    if len(word) <= 11:
        return 2
    return 3


def _mark_r_language(text: str, words: list[str]) -> list[str]:
    """ "R" the language is a one-letter word that chat also uses for "are"."""
    if "r" not in words:
        return words
    capital_r = re.search(r"(?<![\w'])R(?![\w'])", text) is not None
    beside = {
        "python",
        "sql",
        "language",
        "use",
        "used",
        "learn",
        "still",
        "dead",
        "studio",
        "rstudio",
        "or",
        "vs",
    }
    out = []
    for i, w in enumerate(words):
        near = set(words[max(0, i - 2) : i + 3])
        if w == "r" and (capital_r or near & beside):
            out.append("rlang")
        else:
            out.append(w)
    return out


def _correct(word: str, analyzer: Analyzer) -> str:
    hit = analyzer._corrections.get(word)
    if hit is not None:
        return hit
    limit = _max_distance(word)
    matches = process.extract(
        word, analyzer._vocab_list, scorer=OSA.distance, score_cutoff=limit, limit=8
    )
    best = word
    if len(word) <= 5:
        # In short words a substituted letter usually makes another real word ("terms"
        # is not "teams"); a dropped, added or swapped letter is the typo ("salry").
        matches = [m for m in matches if len(m[0]) != len(word) or sorted(m[0]) == sorted(word)]
    if matches:

        def rank(match: tuple[str, float, int]) -> tuple[float, float]:
            candidate, distance, _ = match
            # "enginner" is "engineer", not "beginner": prefer the same first letter.
            penalty = 0.0 if candidate[0] == word[0] else 0.75
            return (distance + penalty, -math.log1p(analyzer._vocab_freq[candidate]))

        candidate, distance, _ = min(matches, key=rank)
        if candidate[0] == word[0] or (distance <= 1 and len(word) >= 6):
            best = candidate
    if len(analyzer._corrections) > 50_000:  # bounded: user text is unbounded
        analyzer._corrections.clear()
    analyzer._corrections[word] = best
    return best

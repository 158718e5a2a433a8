"""The analyse stage: spelling, synonyms, and the slots a text is about.

Questions and KB phrasings go through the same :class:`Analyzer`, so "how much $$ do
MLEs make" and "What does an entry-level ML Engineer earn?" meet on the same tokens:
roles become slots (not words), levels become slots, synonyms collapse to one word,
and misspellings are corrected against the KB's own vocabulary. The words it relies on
(stop words, cues, levels) come from ``knowledge/lexicon.yaml`` and its numbers from
:class:`~bot.core.answering.policy.Policy`.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.core.answering import english
from bot.core.answering.languages import Translator
from bot.core.answering.policy import Policy
from bot.core.knowledge import Knowledge
from bot.core.phrases import PhraseTable
from bot.core.text import fold, stem, tokens

# "5 yoe", "8+ years in": experience stated as a number of years.
_YEARS = re.compile(r"\b(\d{1,2})\s*\+?\s*(?:years?|yrs?|yoe)\b")
# "100k", "150000": amounts of money are salary questions.
_MONEY = re.compile(r"^(\d{2,3}k|\d{5,7})$")
# A capital "R" on its own is the language, not chat's "are".
_SPAN = re.compile(
    r"(?:for )?(?:\d+|a|one|two|three|four|five|six|seven|eight|nine|ten) (?:yrs?|years?)\b"
)
"""A stretch of time after a profession ("for 10 yrs", "3 years"): the asker's own job."""
_CAPITAL_R = re.compile(r"(?<![\w'])R(?![\w'])")
R_LETTER = "r"
ROLE = "@"
LEVEL = "#lvl:"
PROFESSION = "#prof:"
"""Marks of slot tokens in :attr:`Analysis.words`: roles, levels, other professions."""


@dataclass(frozen=True, slots=True)
class Analysis:
    """What we understood of one text."""

    text: str
    words: tuple[str, ...]
    """All canonical tokens in order (roles as ``@<role id>``, stop words kept)."""
    content: tuple[str, ...]
    """Stemmed content tokens without roles, levels and stop words: what is matched."""
    roles: frozenset[str]
    level: str | None
    corrections: tuple[tuple[str, str], ...] = ()
    unknown: tuple[str, ...] = ()
    unread: int = 0
    """Words in a script we have no translation for ("って", "をするんだろう"): never
    matched or named as doubts, counted as at most ``Policy.unread_as_unknown`` unknown
    words, and they make a bare role's definition a guess."""
    professions: tuple[str, ...] = ()
    own_profession: bool = False
    """The asker names their own job ("backend dev 3 yrs", "nurse here"): the message
    is about them."""
    compared_professions: tuple[str, ...] = ()
    """Professions offered as an alternative or compared ("DS or software engineering",
    "data engineer vs MLE"), not merely mentioned ("basically teaching lol")."""
    off_topic: tuple[str, ...] = ()
    compare_cue: bool = False
    which_cue: bool = False
    other_role: bool = False
    pronoun: bool = False
    followup_shape: bool = False
    """The message as typed is only roles, levels, cue words or pronouns: "and MLEs?",
    "what about senior?"."""
    choosing: bool = False
    """It asks which role suits the asker ("which is right for me", "choose")."""
    either_or: bool = False
    """"ML engineer or data scientist?": two roles offered as alternatives, with no
    word asking for their difference."""
    choosing_phrase: bool = False
    """...in so many words ("which is right for you"): that outweighs any other match."""
    tokens: tuple[str, ...] = ()
    """The message's words after spelling correction, before synonyms and slots: what
    coverage phrases ("work life balance", "too old") are matched on."""
    surfaces: tuple[tuple[str, str], ...] = ()
    """(content term, the word as written) for naming what is not covered."""
    topic_scores: dict[str, float] = field(default_factory=dict)
    domain_terms: int = 0
    previous_topic: str | None = None
    """The topic of the conversation's previous answer: a small prior for continuity."""
    inherited_roles: bool = False
    """Roles borrowed from the previous turn: a prior for ranking, not evidence that
    this message is about our domain."""

    @property
    def named_roles(self) -> frozenset[str]:
        """The roles this message names itself (not borrowed from the previous turn)."""
        return frozenset() if self.inherited_roles else self.roles

    @property
    def normalised(self) -> str:
        return " ".join(self.content)

    @property
    def topic(self) -> str | None:
        if not self.topic_scores:
            return None
        best = max(self.topic_scores.items(), key=lambda kv: kv[1])
        return best[0] if best[1] > 0 else None

    def known_share(self, policy: Policy) -> float:
        """How much of the question we understand, with domain words weighing more.

        Off-topic questions are told apart by this, not by a score cut-off: "weather
        in london" has no word we know, "experienced mle comp in usd" only one.
        """
        p = policy
        unknown = len(self.unknown) + min(self.unread, p.unread_as_unknown)
        plain = max(0, len(self.content) - unknown - self.domain_terms)
        # A long message tells a story around its question ("I taught physics for 9
        # years and..."): past a few, more unknown words say little about topicality.
        unknown = min(unknown, p.unknown_full) + p.unknown_beyond * max(0, unknown - p.unknown_full)
        named = len(self.named_roles)
        known = (
            p.domain_weight * (self.domain_terms + named)
            + plain
            + (p.level_weight if self.level else 0.0)
        )
        total = known + unknown
        return known / total if total else 0.0


class Analyzer:
    """Built once per knowledge load; analysing a question is then pure lookups."""

    def __init__(self, knowledge: Knowledge, policy: Policy) -> None:
        self.policy = policy
        english.zipf_table()  # read once at load, not during the first question
        lexicon = knowledge.lexicon
        cues = lexicon.cues
        self.stop_words = lexicon.stop_words
        self.neutral = lexicon.neutral
        self.cues = cues
        self.pay = lexicon.terms.pay
        self.r_language = lexicon.terms.r_language
        self._translator = Translator(lexicon.translations)
        self._choosing = PhraseTable.of(cues.choosing_phrases)
        # "ex-", "former", "senior", "a": what may stand before a profession that opens
        # a message about the asker.
        qualifiers = cues.self_words | {w for words in lexicon.levels.values() for w in words}
        self._intro = _optional_words(qualifiers | _ARTICLES)
        # "chemistry phd, ...", "biology grad here, ...".
        self._credentials = _following_words(cues.credentials | cues.here)
        # "marketing analyst, ...": a word or two of its own before the profession, but
        # never a question ("which analyst, ...").
        openers = _alternatives(cues.question_openers)
        reach = policy.intro_modifiers
        self._modifiers = rf"(?:(?!(?:{openers})\b)[a-z0-9]+\W+){{0,{reach}}}"
        self.follow_up = cues.follow_up | cues.follow_up_synonyms
        self.skip = self.stop_words | self.neutral
        self._role_of: dict[str, str] = {}
        phrases: dict[tuple[str, ...], str] = {}
        for role in knowledge.roles:
            mark = ROLE + role.id
            self._role_of[mark] = role.id
            for alias in (*role.aliases, role.name, role.short, role.slug):
                phrases[tuple(tokens(alias))] = mark
        for level, words in lexicon.levels.items():
            for word in words:
                phrases.setdefault(tuple(tokens(word)), LEVEL + level)
        for canonical, variants in knowledge.synonyms.items():
            for variant in variants:
                phrases.setdefault(tuple(tokens(variant)), canonical)
        for prof in knowledge.other_professions:
            words = tokens(prof)
            mark = PROFESSION + "_".join(words)
            phrases.setdefault(tuple(words), mark)
            if not words[-1].endswith("s"):  # "ux designers" as well as "ux designer"
                phrases.setdefault((*words[:-1], words[-1] + "s"), mark)
        self._phrases = PhraseTable(phrases)
        # "machine learning" as a career: read as the role's short name, in context.
        self._field_starts = frozenset(f.split()[0] for r in knowledge.roles for f in r.fields)
        self._fields = PhraseTable(
            {
                tuple(tokens(f)): tuple(tokens(role.short))
                for role in knowledge.roles
                for f in role.fields
            }
        )
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
        self.vocabulary = frozenset(vocab) | self.skip | understood
        # Words of other professions and off-topic requests are recognised (never
        # corrected: "nurse" is not "course") but are not domain vocabulary.
        recognised = {
            w
            for p in (*knowledge.other_professions, *knowledge.off_topic_phrases)
            for w in tokens(p)
        }
        self._no_correct = self.vocabulary | recognised | {w + "s" for w in recognised}
        self._vocab_list = sorted(
            w for w in vocab if len(w) >= policy.correct_min_length and not w.isdigit()
        )
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
        # In topics.yaml order, so a tie between two topics is broken the same way on
        # every run (a set's order changes with Python's hash seed).
        order = {t.id: i for i, t in enumerate(knowledge.topics)}
        for term, topics in owners.items():
            weight = 1.0 / len(topics)
            for topic_id in sorted(topics, key=order.__getitem__):
                self._topic_terms[term][topic_id] = weight
        self.known_stems = frozenset(
            stem(w) for w in self.vocabulary if not w.startswith((ROLE, "#"))
        ) | frozenset(self._topic_terms)

    def topics_of(self, term: str) -> frozenset[str]:
        """The topics whose vocabulary includes ``term``."""
        return frozenset(self._topic_terms.get(term, ()))

    # ------------------------------------------------------------------ pipeline

    def _canonical_terms(self, words: list[str]) -> list[str]:
        out = []
        for w in self._rewrite(words):
            if w.startswith((ROLE, "#")) or w in self.skip:
                continue
            out.append(stem(w))
        return out

    def terms(self, text: str) -> frozenset[str]:
        """The content terms ``text`` gives, as :meth:`analyse` writes them ("stats" is
        "statistic"), without correcting its spelling: what a quoted signal stands for."""
        return frozenset(
            self._kb_form(w, stem(w))
            for w in self._rewrite(tokens(text))
            if not w.startswith((ROLE, "#")) and w not in self.skip
        )

    def without_roles(self, words: tuple[str, ...]) -> tuple[str, ...]:
        """The words with role names taken out: "get a data science job" reads as
        "get a job", so what people ask about can be found around the role they name."""
        out: list[str] = []
        i = 0
        while i < len(words):
            hit = self._phrases.at(words, i)
            if hit is not None and hit[1].startswith(ROLE):
                i += len(hit[0])
                continue
            out.append(words[i])
            i += 1
        return tuple(out)

    def _rewrite(self, words: list[str]) -> list[str]:
        """Replace the longest known phrase at each position (aliases, synonyms, levels)."""
        out: list[str] = []
        done = 0
        for i, key, value in self._phrases.scan(words):
            out.extend(words[done:i])
            out.append(value)
            done = i + len(key)
        out.extend(words[done:])
        return out

    def _kb_form(self, word: str, stemmed: str) -> str:
        """The form the KB uses of an inflected word ("trending" → "trend"), so the two
        meet in the index; the word itself when the KB has no such form."""
        if stemmed in self.known_stems:
            return stemmed
        for base in _bases(word, self.policy.inflection_min_base):
            if stem(base) in self.known_stems:
                return stem(base)
        return stemmed

    def _known(self, word: str, stemmed: str) -> bool:
        if stemmed in self.known_stems or word in self.vocabulary or word in self._alias_words:
            return True
        # "hired", "contributing": inflections of words the KB uses are known too.
        return any(stem(base) in self.known_stems for base in _bases(word, min_length=0))

    def correct(self, word: str) -> str:
        """The KB word ``word`` is a misspelling of, or ``word`` itself. A real English
        word is never "corrected" into a KB word: "stressful" is not a typo."""
        if word in self._no_correct or len(word) < self.policy.correct_min_length:
            return word
        if english.zipf(word) >= self.policy.english_word_zipf:
            return word
        if not word.isalpha() or not word.isascii():
            return word  # "に必要なこと" is not a misspelt English word
        hit = self._corrections.get(word)
        if hit is None:
            hit = self._nearest(word)
            if len(self._corrections) > self.policy.correction_cache_size:
                self._corrections.clear()  # bounded: user text is unbounded
            self._corrections[word] = hit
        return hit

    def _nearest(self, word: str) -> str:
        p = self.policy
        # Short words have many near neighbours ("nurse" is one edit from "course"), and
        # real words sit two or three edits from KB words ("realistic"/"realised"): only
        # long words get more than one edit.
        limit = (
            p.correct_edits_short
            + (len(word) >= p.correct_edits_medium_from)
            + (len(word) >= p.correct_edits_long_from)
        )
        matches = process.extract(
            word,
            self._vocab_list,
            scorer=OSA.distance,
            score_cutoff=limit,
            limit=p.correct_candidates,
        )
        if len(word) <= p.correct_short_length:
            # In short words a substituted letter usually makes another real word ("terms"
            # is not "teams"); a dropped, added or swapped letter is the typo ("salry").
            matches = [m for m in matches if len(m[0]) != len(word) or sorted(m[0]) == sorted(word)]
        if not matches:
            return word

        def rank(match: tuple[str, float, int]) -> tuple[float, float]:
            candidate, distance, _ = match
            # "enginner" is "engineer", not "beginner": prefer the same first letter.
            penalty = 0.0 if candidate[0] == word[0] else p.correct_other_initial_penalty
            return (distance + penalty, -math.log1p(self._vocab_freq[candidate]))

        candidate, distance, _ = min(matches, key=rank)
        if candidate[0] == word[0] or (
            distance <= 1 and len(word) >= p.correct_other_initial_min_length
        ):
            return candidate
        return word

    def analyse(self, text: str) -> Analysis:
        cues = self.cues
        raw = self._mark_r_language(text, self._translator.tokens(text))
        corrections: list[tuple[str, str]] = []
        fixed: list[str] = []
        for word in raw:
            if word in self._no_correct:
                fixed.append(word)
                continue
            candidate = self.correct(word)
            if candidate != word:
                corrections.append((word, candidate))
            fixed.append(candidate)
        fixed = [self.pay if _MONEY.match(w) else w for w in fixed]
        # "how much do MLEs make" is about salary; "what do MLEs make" is not clearly.
        fixed = self._make_means_pay(fixed)
        words = self._rewrite(self._fields_as_roles(fixed))
        off_topic = tuple(
            " ".join(fixed[i : i + n])
            for i in range(len(fixed))
            for n in self._off_topic_sizes
            if tuple(fixed[i : i + n]) in self._off_topic
        )

        roles: set[str] = set()
        level: str | None = self._level_from_years(text)
        subject_level: str | None = None
        professions: list[str] = []
        content: list[str] = []
        unknown: list[str] = []
        unread = 0
        surfaces: dict[str, str] = {}
        for i, w in enumerate(words):
            if w.startswith(ROLE):
                roles.add(self._role_of[w])
            elif w.startswith(LEVEL):
                stated = w[len(LEVEL) :]
                # A stated number of years is more precise than a vague "experienced".
                level = stated if level is None or stated != "experienced" else level
                if words[i + 1 : i + 2] and words[i + 1].startswith(ROLE):
                    # "sr data scientists mentor juniors": the level in front of the
                    # role is who the question is about.
                    subject_level = subject_level or stated
            elif w.startswith(PROFESSION):
                # Kept as one content term too: "how much data engineering do DSs
                # need" is a fair question even though "data engineering" is a field.
                name = w[len(PROFESSION) :]
                professions.append(name.replace("_", " "))
                content.append(stem(name))
            elif w in self.skip:
                continue  # stop words, in any script ("the", "の")
            elif not w.isascii():
                unread += 1
            elif w not in cues.compare:
                s = self._kb_form(w, stem(w))
                content.append(s)
                surfaces.setdefault(s, w)
                if not self._known(w, s):
                    unknown.append(s)
        level = subject_level or level
        choosing_phrase = self._choosing.contains(fixed)
        if not content and cues.make_words & set(words):
            content = [self.pay]  # "what do they make", "what do MLEs make"
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
        if not roles and word_set & cues.both_roles:
            roles = set(self._role_of.values())  # "do both need SQL?"
        professions += self._elided_professions(fixed, professions)
        own = [
            p for p in professions if self._self_described(words, p) or self._introduces(text, p)
        ]
        professions = [p for p in professions if p not in own and not self._as_skill(words, p)]
        return Analysis(
            text=text,
            words=tuple(words),
            content=tuple(content),
            roles=frozenset(roles),
            level=level,
            corrections=tuple(corrections),
            unknown=tuple(dict.fromkeys(unknown)),
            unread=unread,
            professions=tuple(professions),
            own_profession=bool(own),
            compared_professions=tuple(p for p in professions if self._compared(words, p)),
            off_topic=off_topic,
            compare_cue=bool(word_set & cues.compare)
            or bool(word_set & cues.alternative and len(roles) > 1),
            which_cue=self._asks_which_role(words),
            other_role=bool(word_set & cues.other_role),
            pronoun=bool(word_set & cues.pronouns),
            followup_shape=all(term in self.follow_up for term in content),
            choosing=bool(cues.choosing & set(content)) or choosing_phrase,
            choosing_phrase=choosing_phrase,
            either_or=len(roles) > 1
            and bool(word_set & cues.alternative)
            and not word_set & cues.compare,
            tokens=tuple(fixed),
            surfaces=tuple(surfaces.items()),
            topic_scores=dict(topic_scores),
            domain_terms=domain_terms,
        )

    # ------------------------------------------------------------------ shapes

    def _asks_which_role(self, words: list[str]) -> bool:
        """ "which one pays more", "who earns more": a question that picks between the
        roles. "which tools do they use" is not one."""
        cues = self.cues
        window = self.policy.which_window
        for i, w in enumerate(words):
            if w in cues.who and not (i and words[i - 1] in cues.relative_heads):
                return True
            if w in cues.which and (
                set(words[i + 1 : i + 1 + window]) & cues.role_nouns
                or set(words) & cues.comparative
            ):
                return True
        return False

    def _fields_as_roles(self, words: list[str]) -> list[str]:
        """ "Data Science vs Machine Learning: which career path", "is machine learning
        an entry level job": a field named beside a career word or set against the other
        role is that career. "do DSs need machine learning" keeps it a skill."""
        if self._field_starts.isdisjoint(words):
            return words
        cues = self.cues
        near = self.policy.field_window
        against = bool((cues.compare | cues.alternative) & set(words)) and any(
            hit[1].startswith(ROLE) for _, *hit in self._phrases.scan(words)
        )
        out: list[str] = []
        i = 0
        while i < len(words):
            hit = self._fields.at(words, i)
            if hit is None:
                out.append(words[i])
                i += 1
                continue
            key, role = hit
            whole = self._phrases.at(words, i)
            if whole is not None and len(whole[0]) > len(key):
                key, role = whole[0], whole[0]  # "machine learning engineer": the role
            end = i + len(key)
            around = set(words[max(0, i - near) : i]) | set(words[end : end + near])
            if role != key and (against or cues.career_words & around):
                out.extend(role)
            else:
                out.extend(key)
            i = end
        return out

    def _make_means_pay(self, words: list[str]) -> list[str]:
        """ "how much do MLEs make", "which one makes more": "make" is pay there. "making
        slides" and "make models" are not, so only those two shapes count."""
        cues = self.cues
        if cues.pay_context & set(words):
            return [self.pay if w in cues.pay_verbs else w for w in words]
        return [
            self.pay
            if w in cues.pay_verbs and words[i + 1 : i + 2] and words[i + 1] in cues.pay_hints
            else w
            for i, w in enumerate(words)
        ]

    def _level_from_years(self, text: str) -> str | None:
        """The level a stated experience implies. In a long story ("I taught physics for 9
        years and...") the years describe the past, not the level asked about."""
        p = self.policy
        lowered = text.lower()
        match = _YEARS.search(lowered)
        if match is None or (
            len(lowered.split()) > p.story_words
            and not any(w in lowered for w in self.cues.experience)
        ):
            return None
        years = int(match.group(1))
        if years <= p.entry_max_years:
            return "entry"
        return "experienced" if years <= p.experienced_max_years else "senior"

    def _elided_professions(self, words: list[str], found: list[str]) -> list[str]:
        """ "AI and machine learning engineers", "software or ML engineers": the first
        profession shares the role's last word, so it is named without it."""
        out: list[str] = []
        for i in range(len(words) - 2):
            if words[i + 1] not in self.cues.alternative | self.cues.joiners:
                continue
            role = self._phrases.at(words, i + 2)
            if role is None or not role[1].startswith(ROLE):
                continue
            other = self._phrases.at([words[i], role[0][-1]], 0)
            if other is not None and other[1].startswith(PROFESSION):
                name = other[1][len(PROFESSION) :].replace("_", " ")
                if name not in found and name not in out:
                    out.append(name)
        return out

    def _compared(self, words: list[str], profession: str) -> bool:
        """Whether a comparison or an "or" stands next to the profession: "DS or
        software engineering", "how do DSs differ from statisticians"."""
        cues = self.cues
        near = self.policy.compared_window
        mark = PROFESSION + profession.replace(" ", "_")
        return any(
            (cues.compare | cues.alternative) & set(words[max(0, i - near) : i + near + 1])
            for i, w in enumerate(words)
            if w == mark
        )

    def _as_skill(self, words: list[str], profession: str) -> bool:
        """ "How critical is software engineering skill in designing an ML system?": a
        field right before a skill word is what the roles need to know, not a career."""
        mark = PROFESSION + profession.replace(" ", "_")
        heads = self.cues.skill_heads
        return any(
            w == mark and words[i + 1 : i + 2] and words[i + 1] in heads
            for i, w in enumerate(words)
        )

    def _self_described(self, words: list[str], profession: str) -> bool:
        """ "im a backend dev, which one suits me", "former accountant here": a profession
        the asker *is* is context, not the subject of the question. "how do i become a
        nurse" is still about nurses: "become" points at the profession as a target."""
        cues = self.cues
        mark = PROFESSION + profession.replace(" ", "_")
        for i, w in enumerate(words):
            if w != mark:
                continue
            if words[i + 1 : i + 2] and words[i + 1] in cues.here:
                return True
            after = words[i + 1 : i + 1 + self.policy.span_words]
            if i < self.policy.self_window and _SPAN.match(" ".join(after)):
                return True  # "backend dev 3 yrs", "teacher for 10 years": a self-intro
            start = max(0, i - self.policy.self_window)
            before = words[start:i]
            for j in range(len(before) - 1, -1, -1):
                if before[j] in cues.target or self.compared_from(words, start + j):
                    break
                if before[j] in cues.self_words and j and before[j - 1] in cues.compare:
                    break  # "how do DSs differ from statisticians": compared, not the asker
                if before[j] in cues.self_words or (
                    before[j] in cues.role_as and j and before[j - 1] in cues.self_as
                ):
                    return True
        return False

    def compared_from(self, words: Sequence[str], j: int) -> bool:
        """Whether ``words[j]`` is a "from" after a comparison ("how is an MLE different
        from a data engineer", "how different is it from every other job"): what is
        compared, not where the asker comes from."""
        cues = self.cues
        return words[j] in cues.move_from and not cues.compare.isdisjoint(words[:j])

    def _introduces(self, text: str, profession: str) -> bool:
        """ "mechanical engineer, good at math. which role fits", "ex-teacher. where do i
        belong", "chemistry phd, lots of lab work": a message that opens with a
        profession (or a degree in it) and a pause introduces the asker, as "nurse here"
        does. "data engineer vs mle?" compares it instead, and so does a list: "Data
        Analyst, Data Scientist, or ML Engineer: which career is right for you?"."""
        name = r"\W+".join(re.escape(w) for w in profession.split())
        pattern = rf"\W*{self._intro}{self._modifiers}{name}s?{self._credentials}\s*[,.;:!(\-]"
        found = re.match(pattern, fold(text))
        if found is None:
            return False
        after = self._phrases.at(tokens(text[found.end() :]), 0)
        return after is None or not after[1].startswith((ROLE, PROFESSION))

    def _mark_r_language(self, text: str, words: list[str]) -> list[str]:
        """ "R" the language is a one-letter word that chat also uses for "are"."""
        if R_LETTER not in words:
            return words
        capital_r = _CAPITAL_R.search(text) is not None
        beside = self.cues.r_language
        out = []
        window = self.policy.r_window
        for i, w in enumerate(words):
            near = set(words[max(0, i - window) : i + window + 1])
            is_r = w == R_LETTER and (capital_r or near & beside)
            out.append(self.r_language if is_r else w)
        return out


_ARTICLES = frozenset({"a", "an"})


def _alternatives(words: frozenset[str]) -> str:
    """``words`` (single words only) as a regex alternation, longest first."""
    return "|".join(sorted((re.escape(w) for w in words if w.isalnum()), key=len, reverse=True))


def _optional_words(words: frozenset[str]) -> str:
    """A pattern for any run of ``words``, each followed by a non-word character."""
    return rf"(?:(?:{_alternatives(words)})\W+)*"


def _following_words(words: frozenset[str]) -> str:
    """A pattern for any run of ``words``, each after a non-word character."""
    return rf"(?:\W+(?:{_alternatives(words)})\b)*"


def _bases(word: str, min_length: int) -> list[str]:
    """Uninflected forms of ``word`` to try: "hired" → hir, hire; "trending" → trend.
    Forms shorter than ``min_length`` before the ending are skipped."""
    out = []
    for suffix, repl in (("ing", ""), ("ing", "e"), ("ed", ""), ("ed", "e"), ("d", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= min_length:
            out.append(word[: -len(suffix)] + repl)
    return out

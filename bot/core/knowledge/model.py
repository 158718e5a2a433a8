"""The knowledge base as frozen values: what the rest of the bot reads.

Everything here is immutable so a reload can build a whole new :class:`Knowledge` and
swap it in while questions are being answered from the old one. Nothing in this module
reads files or checks rules: see :mod:`.loader` and :mod:`.validation` for that.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

LEVELS = ("entry", "experienced", "senior")
"""The levels an entry may be about (``level:`` in ``qa/*.yaml``), junior to senior."""

INTRODUCTION = "Introduction"
"""The title ``source.yaml`` gives the article's untitled opening paragraphs."""


@dataclass(frozen=True, slots=True)
class Citation:
    """A pointer into the article: section title and 1-based paragraph number."""

    section: str
    paragraph: int

    def to_json(self) -> dict[str, Any]:
        return {"section": self.section, "paragraph": self.paragraph}


@dataclass(frozen=True, slots=True)
class Section:
    """A section of the article; promotional paragraphs are never cited."""

    title: str
    paragraphs: int
    promotional: frozenset[int] = frozenset()
    partly_promotional: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class Source:
    """The article every answer cites."""

    title: str
    as_of: str
    short_as_of: str
    sections: tuple[Section, ...]

    def section(self, title: str) -> Section | None:
        return next((s for s in self.sections if s.title == title), None)

    def order(self, title: str) -> int:
        """Position of a section in the article, for sorting citations."""
        return next((i for i, s in enumerate(self.sections) if s.title == title), 99)


@dataclass(frozen=True, slots=True)
class Role:
    id: str
    name: str
    short: str
    slug: str
    colour: int
    aliases: tuple[str, ...]
    focus: str
    summary: str
    fields: tuple[str, ...] = ()
    """The field's name, which means the role only when talked about as a career:
    "Data Science vs Machine Learning: which career path?", not "do DSs use machine
    learning"."""


@dataclass(frozen=True, slots=True)
class Topic:
    id: str
    name: str
    description: str
    example: str
    vocabulary: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Entry:
    """One question and its cited answer. ``file`` is ``qa/<topic>.yaml:<line>``."""

    id: str
    question: str
    alternates: tuple[str, ...]
    answer: str
    roles: tuple[str, ...]
    topic: str
    cite: tuple[Citation, ...]
    level: str | None = None
    primary: bool = False
    related: tuple[str, ...] = ()
    file: str = ""

    @property
    def phrasings(self) -> tuple[str, ...]:
        return (self.question, *self.alternates)


@dataclass(frozen=True, slots=True)
class SmallTalk:
    id: str
    patterns: tuple[str, ...]
    reply: str


# ---------------------------------------------------------------------------- lexicon
#
# ``lexicon.yaml`` mirrored field by field. Word lists (folded text in the file) are
# frozensets of single words; phrase lists (YAML lists) keep their order. Every id is
# checked against the rest of the KB at load, so code can look them up without a guard.
# The defaults are empty so a hand-built Knowledge (tests) needs no lexicon; a loaded
# one always has every field filled.


@dataclass(frozen=True, slots=True)
class Cues:
    """``cues:``: words that show how a question is shaped, not what it is about."""

    compare: frozenset[str] = frozenset()
    """The question compares the two roles ("vs", "difference")."""
    follow_up: frozenset[str] = frozenset()
    """A message made only of these (plus roles and levels) leans on the previous turn."""
    pronouns: frozenset[str] = frozenset()
    """Point back at the previous answer ("it", "they")."""
    other_role: frozenset[str] = frozenset()
    """"and the other one?": the counterpart of the role talked about."""
    both_roles: frozenset[str] = frozenset()
    """"do both need SQL?": both roles at once."""
    comparative: frozenset[str] = frozenset()
    """With "which", a comparison that picks between the roles ("which pays more")."""
    role_nouns: frozenset[str] = frozenset()
    """"which" followed by one of these picks between the roles ("which role")."""
    role_properties: frozenset[str] = frozenset()
    """ "wfh friendly", "math heavy": a property asked of the roles, not of the person."""
    career_words: frozenset[str] = frozenset()
    """A field named beside one of these means the career ("machine learning jobs")."""
    pay_hints: frozenset[str] = frozenset()
    """"make" means pay when followed by one of these ("makes more")."""
    question_words: frozenset[str] = frozenset()
    """Rare in phrasings but weak evidence of a subject: capped at a common word's weight."""
    choosing: frozenset[str] = frozenset()
    """A request to choose: compared on ``topic_roles.choosing``."""
    self_words: frozenset[str] = frozenset()
    """YAML key ``self``: "im a", "former": a profession the asker is, not one asked about."""
    credentials: frozenset[str] = frozenset()
    """"phd", "grad": after a field that opens a message ("chemistry phd, ..."), the
    asker's own background."""
    self_as: frozenset[str] = frozenset()
    """"12 years as an accountant": "as" after these describes the asker."""
    target: frozenset[str] = frozenset()
    """"become a nurse": a profession as the target of the question."""
    here: frozenset[str] = frozenset()
    """"accountant here": the asker's own profession."""
    skill_heads: frozenset[str] = frozenset()
    """"skills", "knowledge": right after a field ("software engineering skills"), the
    field is a skill the roles need, not another career."""
    r_language: frozenset[str] = frozenset()
    """Words near a lone "r" that make it the R language, not "are"."""
    pay_verbs: frozenset[str] = frozenset()
    """"how much do MLEs make": these mean pay in those shapes."""
    make_words: frozenset[str] = frozenset()
    """A message whose only content is one of these asks about pay."""
    who: frozenset[str] = frozenset()
    """"who earns more": a question that picks between the roles."""
    relative_heads: frozenset[str] = frozenset()
    """"someone who studied CS": after these, "who" says which person, it asks nothing."""
    which: frozenset[str] = frozenset()
    """"which one", "which pays more": picks between the roles with a role noun or comparative."""
    help_words: frozenset[str] = frozenset()
    """"advice", "help": with the two roles offered, a request for help choosing
    ("career advice pls: ds or mle?")."""
    where: frozenset[str] = frozenset()
    """"what", "where": with "which", the openers of a closing question about fit
    ("what does that make me", "where do i slot in")."""
    pay_context: frozenset[str] = frozenset()
    """"how much", "money": anywhere in a message, ``pay_verbs`` mean pay."""
    alternative: frozenset[str] = frozenset()
    """"ds or mle": with both roles named, a comparison."""
    role_as: frozenset[str] = frozenset()
    """"years as an accountant": after ``self_as``, the asker's own profession follows."""
    negators: frozenset[str] = frozenset()
    """"hate", "not", "never": a fit phrase right after one of these says the opposite."""
    fit_phrases: tuple[str, ...] = ()
    """"what role", "for someone like me", "mle right": a question about fit, only
    when the person says something about themselves."""
    closing_fit_phrases: tuple[str, ...] = ()
    """...and these, only at the end of such a message ("...loved it. what role?")."""
    after_negators: frozenset[str] = frozenset()
    """"docker makes me want to cry", "kubernetes? no thanks": said after a fit phrase,
    these turn it around."""
    fit_words: frozenset[str] = frozenset()
    """"where do i fit", "is mle my thing", "which path": with something the person says
    about themselves, a request for advice."""
    verdict_phrases: tuple[str, ...] = ()
    """"thoughts?", "what do you think": a question about fit only when the person says
    something about themselves and asks nothing else."""
    profile_openers: frozenset[str] = frozenset()
    """"for" in "which one for a guy who likes kubernetes": a person described..."""
    profile_heads: frozenset[str] = frozenset()
    """...by one of these right after it ("a", "someone", "people")..."""
    profile_links: frozenset[str] = frozenset()
    """...and one of these a few words on ("who", "with")."""
    affirmers: frozenset[str] = frozenset()
    """"love", "prefer": a liking after a negator ends what the negator turns around."""
    denials: frozenset[str] = frozenset()
    """"not", "never": after a fit phrase and a copula, they turn it around."""
    fit_comparatives: frozenset[str] = frozenset()
    """"better", "best": in "which is better?" after a self-description, a question
    about fit; other comparatives compare the roles ("which pays more")."""
    backrefs: frozenset[str] = frozenset()
    """"it", "that": a dislike said of one of these in the next clause turns the clause
    before it around ("presenting to execs? i avoid it like the plague")."""
    near_negators: frozenset[str] = frozenset()
    """"over", "than": negators only right before what they turn around."""
    places: frozenset[str] = frozenset()
    """"in", "at": right after a near negator they make it a place ("over in the stats
    dept"), not a preference."""
    with_words: frozenset[str] = frozenset()
    """"with", "alongside": before another profession, the people the person works
    with ("sitting w the product managers"), not a career asked about."""
    determiners: frozenset[str] = frozenset()
    """"the", "our": skipped between a with-word and the profession it governs."""
    preferring: frozenset[str] = frozenset()
    """"only", "actually", "best": after a "but", what follows is what the person
    prefers, and it outweighs what came before it the other way."""
    outdone: frozenset[str] = frozenset()
    """"nothing beats", "cant get enough": after a negator, these make it praise what
    follows instead of turning it around."""
    conceding: frozenset[str] = frozenset()
    """"fine", "sure", "i guess": said before a "but", what came first is conceded and
    what follows is the preference ("docker is fine, but what i live for is...")."""
    adding: frozenset[str] = frozenset()
    """"also", "too": after a "but", what follows adds to what came before."""
    needs: frozenset[str] = frozenset()
    """"need", "have": after "will i", "do i", the question is what the job asks of
    the person ("will i need docker"), a lookup about the role."""
    role_words: frozenset[str] = frozenset()
    """"job", "role": beside a role name they restate it ("mle role", "the job of a
    data scientist"), and the question is about the role itself."""
    title_filler: frozenset[str] = frozenset()
    """"clarifying", "critical", "ultimate": a blog title's filler around the role
    names, which still asks about the roles themselves."""
    evaluative: frozenset[str] = frozenset()
    """"good", "worth": "is data science worth it?" asks whether the career is a good
    choice, not what the role is."""
    outlook_times: frozenset[str] = frozenset()
    """"still", "now", "2025": with a verdict asked of one role ("is data science still
    a good career?"), the question is about the role's outlook."""
    role_riders: frozenset[str] = frozenset()
    """"if", "for": after the roles, what follows is about the person ("ds or mle if i
    hate meetings")."""
    move_from: frozenset[str] = frozenset()
    """"from": before another profession, where a move between careers starts ("go from
    backend developer to MLE"); after a comparison, what is compared."""
    move_to: frozenset[str] = frozenset()
    """"to", "into": after that profession, where the move goes."""
    role_change: frozenset[str] = frozenset()
    """"become", "switch": between the two roles, a move from one to the other ("can a
    DS become an MLE")."""
    fused_denials: frozenset[str] = frozenset()
    """"isnt", "doesnt": a copula and a denial in one word, right after a fit phrase."""
    even_phrases: tuple[str, ...] = ()
    """"enjoy both equally", "50/50": with evidence both ways, balanced advice."""
    copulas: frozenset[str] = frozenset()
    """"is", "does", "honestly": between a fit phrase and a negator after it ("on call is
    not for me"), these keep the negator about the phrase."""
    reply_words: frozenset[str] = frozenset()
    """Besides negators and filler, the words of a short reply that turns the clause
    before it around ("not a fan", "zero interest")."""
    asks_why: frozenset[str] = frozenset()
    """"why?" after advice shows its reasons again."""
    self_reference: frozenset[str] = frozenset()
    """"i", "me", "my": the message talks about the asker (advice, not a lookup)."""
    experience: frozenset[str] = frozenset()
    """"5 years" with one of these is the asker's level, not a story's past."""
    joiners: frozenset[str] = frozenset()
    """"and", "also": followed by a question opener, a second ask starts."""
    question_openers: frozenset[str] = frozenset()
    """Words that open a question ("what", "is", "how")."""
    choosing_phrases: tuple[str, ...] = ()
    """Phrases that ask which role suits the asker ("right for me", "should i be")."""
    connectors: tuple[str, ...] = ()
    """Phrases ("and", "what about") that open a message adding to the previous question."""
    follow_up_synonyms: frozenset[str] = frozenset()
    """Synonym keys (``synonyms.yaml``) that, like ``follow_up``, point back only."""


@dataclass(frozen=True, slots=True)
class SmallTalkWords:
    """``smalltalk:``: what may surround small talk and how strongly an item wins."""

    filler: frozenset[str] = frozenset()
    """Words around small talk that do not make it a question ("guys", "pls")."""
    glue: frozenset[str] = frozenset()
    """Words small-talk patterns share with real questions; they never decide the item."""
    weights: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    """Small-talk item id (``smalltalk.yaml``) → weight; items not listed weigh 1."""


@dataclass(frozen=True, slots=True)
class TopicRoles:
    """``topics:``: the topic ids the pipeline gives a role of their own."""

    choosing: str = ""
    """A request to choose between the roles is compared on this topic."""
    definition: str = ""
    """A bare role name ("mle?") gets this topic's entry."""
    ladder: str = ""
    """"what does a junior MLE do": this topic's levelled entry first."""
    tools: str = ""
    """Two of this topic's words compared ("Kubeflow vs MLflow") is a comparison of
    tools the article never makes."""
    outlook: str = ""
    """"is data science still a good career?": a verdict with a time in it is answered
    by this topic's entry for the role."""


@dataclass(frozen=True, slots=True)
class Terms:
    """``terms:``: synonym keys (``synonyms.yaml``) the analyser produces itself."""

    pay: str = ""
    """What money amounts ("150k") and "make" in a pay shape become."""
    r_language: str = ""
    """What a lone "r" becomes when it is the R language."""


@dataclass(frozen=True, slots=True)
class CardLine:
    """One line of the role card (/role): ``label``, then the topic's primary entry."""

    label: str
    topic: str


@dataclass(frozen=True, slots=True)
class Decline:
    """``decline:``: what a decline says and the entries it points to."""

    hint: str = ""
    """What the bot can answer, said when it declines."""
    empty: str = ""
    """The reply to a message with nothing to answer."""
    other_profession: str = ""
    """A question about another profession; ``{names}`` is replaced by the names asked about."""
    suggestions: tuple[str, ...] = ()
    """Entry ids to suggest instead, showing the range of what the KB knows."""


@dataclass(frozen=True, slots=True)
class Lexicon:
    """``lexicon.yaml``: the words, ids and messages the answering pipeline relies on."""

    stop_words: frozenset[str] = frozenset()
    """Words that carry no meaning for routing a question (dropped by normalisation)."""
    neutral: frozenset[str] = frozenset()
    """Words that are neither domain evidence nor a sign of an off-topic question."""
    levels: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))
    """Entry level (one of :data:`LEVELS`, all present) → phrases that mean that level."""
    cues: Cues = Cues()
    smalltalk: SmallTalkWords = SmallTalkWords()
    pay_words: frozenset[str] = frozenset()
    """Stemmed pay words folded together when ``careerbot report`` groups questions."""
    topic_roles: TopicRoles = TopicRoles()
    """YAML key ``topics``."""
    terms: Terms = Terms()
    role_card: tuple[CardLine, ...] = ()
    decline: Decline = Decline()
    translations: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    """English phrase → the same in other languages, as people type them ("cientista de
    dados", "データサイエンティスト"): read as the English before anything else."""


# ---------------------------------------------------------------------------- coverage


@dataclass(frozen=True, slots=True)
class Gap:
    """Something the article does not cover, as people name it."""

    name: str
    """Short name for replies and ``not_covered`` ("stress levels")."""
    phrases: tuple[str, ...]
    """Words and phrases that ask about it ("stressful", "burnout")."""
    closest: str | None = None
    """Entry id of what the article says that comes closest, if anything does."""
    partly: bool = False
    """The article answers part of it: answer, and name the gap; never decline for it."""
    only_with: tuple[str, ...] = ()
    """When set, a phrase counts only if one of these is also somewhere in the question
    ("worth it" is about a degree only with "masters" or "degree" in it)."""
    not_before: tuple[str, ...] = ()
    """Words that, right after a phrase, make it something else: "ML engineer hard" is
    no question of difficulty in "ML engineer hard skills"."""
    from_profession: bool = False
    """Also asked by moving from another profession to ours ("go from backend developer
    to ML engineer"), whatever words the move is said with."""
    between_roles: bool = False
    """Also asked by moving from one of our roles to the other ("can a data scientist
    become an ML engineer")."""


@dataclass(frozen=True, slots=True)
class Definitions:
    """``coverage.yaml`` ``definitions``: asking what a field or a tool *is*.

    The article defines the two roles, not the fields and tools it mentions, so "What
    is data science?" and "What exactly is SQL?" are only partly answered by the role
    or skill entry they land on."""

    name: str = ""
    """``not_covered`` name; ``{subject}`` is the field or tool as asked."""
    asks: tuple[str, ...] = ()
    """Words that ask for a definition ("what", "define", "mean"); one must be there."""
    words: tuple[str, ...] = ()
    """The only other words a definition question has ("is", "exactly", "it")."""
    subjects: tuple[str, ...] = ()
    """Fields and tools people ask to have defined ("data science", "sql", "mlops")."""


@dataclass(frozen=True, slots=True)
class IndustrySpecific:
    """``coverage.yaml`` ``industry_specific``: a topic asked of one industry.

    The article names industries, but nothing it says about education, daily work,
    skills or pay is specific to one ("How to become a data scientist in healthcare")."""

    name: str = ""
    """``not_covered`` name; ``{topic}`` is the topic's name, ``{industry}`` as asked."""
    topics: tuple[str, ...] = ()
    """Topic ids that, asked of an industry, the article answers only in general."""
    industries: tuple[str, ...] = ()
    """Industries as people name them ("healthcare", "banks", "fintech")."""
    asker_words: tuple[str, ...] = ()
    """After the industry, these make it the asker's story ("retail background")."""


@dataclass(frozen=True, slots=True)
class Coverage:
    """``coverage.yaml``: the article's limits, so replies can name them."""

    article_years: frozenset[int] = frozenset()
    """Years the article's figures are for; a question about another year is partly covered."""
    gaps: tuple[Gap, ...] = ()
    places: tuple[str, ...] = ()
    """Places outside the article's US figures ("europe", "india", "london")."""
    place_name: str = ""
    """``not_covered`` name for a place; ``{place}`` is the place as asked."""
    salary_place_name: str = ""
    """The same for a pay question ("salaries outside the US")."""
    year_name: str = ""
    """``not_covered`` name for another year; ``{year}`` is the year asked about."""
    level_name: str = ""
    """``not_covered`` name for a level the career ladder has no entry for ("what is a
    mid-level data scientist"); ``{level}`` is the level. Empty: not named."""
    definitions: Definitions = Definitions()
    industry_specific: IndustrySpecific = IndustrySpecific()
    articles: tuple[str, ...] = ()
    """Words a gap phrase may leave out ("get a job" is "get job" in "get an ML job")."""


# ---------------------------------------------------------------------------- fit


@dataclass(frozen=True, slots=True)
class FitSignal:
    """Something a person can say about themselves that points to one role."""

    id: str
    role: str | None
    """The role it points to; None for a balanced quiz answer ("both equally")."""
    weight: int
    """How strongly (1 a hint, 3 a clear criterion of the article); 0 when balanced."""
    phrases: tuple[str, ...]
    """How people say it ("love finding patterns", "stats background")."""
    against: tuple[str, ...]
    """How people say the opposite ("hate devops"): it then points to the other role."""
    reason: str
    """Why it points there, in our words, claiming no more than the citation."""
    against_reason: str
    """The reason shown when the opposite was said."""
    cite: tuple[Citation, ...]
    line: int | None = None
    aspect: str | None = None
    """What it tells about the person ("collaboration", "tools"): several signals of one
    aspect ("presenting to execs" is storytelling and stakeholders) weigh as its
    strongest, so one preference said in many words is not counted many times."""


@dataclass(frozen=True, slots=True)
class QuizOption:
    label: str
    signal: str
    """The id of the signal this answer gives (its role, weight, reason and citation)."""


@dataclass(frozen=True, slots=True)
class QuizQuestion:
    id: str
    question: str
    options: tuple[QuizOption, ...]


@dataclass(frozen=True, slots=True)
class CitedLine:
    """A line of advice text with its citation (the disclaimer, a criterion)."""

    text: str
    cite: tuple[Citation, ...]


@dataclass(frozen=True, slots=True)
class LinearModel:
    """A logistic model trained on the dev sets by a tool, read from a JSON file:
    ``advice_gate.json`` (how likely a message asks which role fits the person; a second
    opinion for wordings the rules have never seen, "what's my move") and
    ``calibration.json`` (how likely an answer is right). Empty weights (no file) mean
    the rules, or the policy's Platt curve, decide alone."""

    weights: Mapping[str, float] = field(default_factory=dict)
    bias: float = 0.0


@dataclass(frozen=True, slots=True)
class Fit:
    """``fit.yaml``: self-description signals and the /fit quiz built from them."""

    signals: tuple[FitSignal, ...] = ()
    quiz: tuple[QuizQuestion, ...] = ()
    criteria: tuple[CitedLine, ...] = ()
    """The article's criteria as questions to ask oneself, for "help me pick one"."""
    disclaimer: CitedLine | None = None
    """Information, not career counselling: one line under every piece of advice."""

    def signal(self, signal_id: str) -> FitSignal:
        return next(s for s in self.signals if s.id == signal_id)


# ---------------------------------------------------------------------------- figures
#
# ``figures.yaml``: the numbers and ladders the charts draw, as data rather than read
# back out of prose. The loader checks them against the answers that state them, so a
# chart and the text next to it can never disagree.


@dataclass(frozen=True, slots=True)
class SalaryRange:
    """One role's yearly pay at one level, exactly as the article states it."""

    role: str
    level: str
    """One of :data:`LEVELS`."""
    minimum: int
    maximum: int | None
    """None when the article gives no top ("packages exceeding $250,000"): the chart
    then draws "and above", never an invented maximum."""
    cite: tuple[Citation, ...]
    stated_in: tuple[str, ...]
    """Ids of the entries whose answers state this range (checked at load)."""
    line: int | None = None

    @property
    def open_ended(self) -> bool:
        return self.maximum is None


@dataclass(frozen=True, slots=True)
class Salaries:
    """The salary ranges of both roles, per level, with what they are figures of."""

    topic: str
    """The topic whose answers stating these figures get the salary chart."""
    currency: str
    year: int
    region: str
    ranges: tuple[SalaryRange, ...]

    def range(self, role: str, level: str) -> SalaryRange | None:
        return next((r for r in self.ranges if r.role == role and r.level == level), None)

    @property
    def cite(self) -> tuple[Citation, ...]:
        return tuple(dict.fromkeys(c for r in self.ranges for c in r.cite))

    @property
    def stated_in(self) -> frozenset[str]:
        return frozenset(e for r in self.ranges for e in r.stated_in)


@dataclass(frozen=True, slots=True)
class Rung:
    """One level of a career ladder: its name and one short cited line on the work."""

    name: str
    does: str
    cite: tuple[Citation, ...]
    titles: tuple[str, ...] = ()
    """Job titles the article names for this level ("Chief Data Officer")."""


@dataclass(frozen=True, slots=True)
class Ladder:
    """One role's career ladder, first rung first."""

    role: str
    rungs: tuple[Rung, ...]
    stated_in: tuple[str, ...]
    """Ids of the entries that describe this ladder (their text names every title)."""
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Figures:
    """``figures.yaml``; empty (no charts) when the KB has no such file."""

    salary: Salaries | None = None
    ladders: tuple[Ladder, ...] = ()
    ladder_topic: str = ""
    """The topic whose answers get the career-ladder chart."""

    @property
    def cite(self) -> tuple[Citation, ...]:
        rungs = (c for ladder in self.ladders for rung in ladder.rungs for c in rung.cite)
        return tuple(dict.fromkeys(rungs))


# ---------------------------------------------------------------------------- the KB


@dataclass(frozen=True)
class Knowledge:
    """The whole validated KB. Immutable: a reload builds a new one and swaps it in."""

    source: Source
    roles: tuple[Role, ...]
    topics: tuple[Topic, ...]
    entries: tuple[Entry, ...]
    smalltalk: tuple[SmallTalk, ...]
    directory: Path
    synonyms: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    other_professions: tuple[str, ...] = ()
    off_topic_phrases: tuple[str, ...] = ()
    lexicon: Lexicon = field(default_factory=Lexicon)
    coverage: Coverage = field(default_factory=Coverage)
    fit: Fit = field(default_factory=Fit)
    advice_gate: LinearModel = field(default_factory=LinearModel)
    calibration: LinearModel = field(default_factory=LinearModel)
    figures: Figures = field(default_factory=Figures)
    by_id: Mapping[str, Entry] = field(init=False, repr=False)
    _primaries: Mapping[tuple[str, str], Entry] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_id", MappingProxyType({e.id: e for e in self.entries}))
        primaries = {
            (e.topic, e.roles[0]): e for e in self.entries if e.primary and len(e.roles) == 1
        }
        object.__setattr__(self, "_primaries", MappingProxyType(primaries))

    def role(self, role_id: str) -> Role:
        return next(r for r in self.roles if r.id == role_id)

    def topic(self, topic_id: str) -> Topic:
        return next(t for t in self.topics if t.id == topic_id)

    def primary(self, topic: str, role: str) -> Entry | None:
        """The headline entry of ``topic`` for ``role``, used by comparisons and cards."""
        return self._primaries.get((topic, role))

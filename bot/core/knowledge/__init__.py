"""The knowledge base: what CareerBot knows, read from ``knowledge/`` and checked.

The KB is data written by people, so it is loaded with suspicion and every problem is
reported at once. The package is split by concern:

* :mod:`.model`: the frozen values the bot reads (:class:`Knowledge`, :class:`Entry`,
  :class:`Lexicon`, ...);
* :mod:`.yaml_reader`: reading one file safely and within bounds, with line numbers;
* :mod:`.validation`: :class:`Problem`, :class:`KnowledgeError` and the rules;
* :mod:`.lexicon`: ``lexicon.yaml`` and the checks of the ids it names;
* :mod:`.figures`: ``figures.yaml`` (what the charts draw), checked against the answers;
* :mod:`.loader`: :func:`load_knowledge`, file by file;
* :mod:`.stats`: the coverage figures behind ``careerbot kb stats``.

Import from the package itself; the names below are its public API.
"""

from bot.core.knowledge.loader import KNOWLEDGE_DIR_ENV, default_knowledge_dir, load_knowledge
from bot.core.knowledge.model import (
    INTRODUCTION,
    LEVELS,
    CardLine,
    Citation,
    CitedLine,
    Coverage,
    Cues,
    Decline,
    Entry,
    Figures,
    Fit,
    FitSignal,
    Gap,
    Knowledge,
    Ladder,
    Lexicon,
    QuizOption,
    QuizQuestion,
    Role,
    Rung,
    Salaries,
    SalaryRange,
    Section,
    SmallTalk,
    SmallTalkWords,
    Source,
    Topic,
    TopicRoles,
)
from bot.core.knowledge.stats import KbStats, kb_stats, uncited_paragraphs
from bot.core.knowledge.validation import ANSWER_LIMIT, MIN_ALTERNATES, KnowledgeError, Problem
from bot.core.knowledge.yaml_reader import MAX_DEPTH, MAX_FILE_BYTES, MAX_NODES

__all__ = [
    "ANSWER_LIMIT",
    "INTRODUCTION",
    "KNOWLEDGE_DIR_ENV",
    "LEVELS",
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_NODES",
    "MIN_ALTERNATES",
    "CardLine",
    "Citation",
    "CitedLine",
    "Coverage",
    "Cues",
    "Decline",
    "Entry",
    "Figures",
    "Fit",
    "FitSignal",
    "Gap",
    "KbStats",
    "Knowledge",
    "KnowledgeError",
    "Ladder",
    "Lexicon",
    "Problem",
    "QuizOption",
    "QuizQuestion",
    "Role",
    "Rung",
    "Salaries",
    "SalaryRange",
    "Section",
    "SmallTalk",
    "SmallTalkWords",
    "Source",
    "Topic",
    "TopicRoles",
    "default_knowledge_dir",
    "kb_stats",
    "load_knowledge",
    "uncited_paragraphs",
]

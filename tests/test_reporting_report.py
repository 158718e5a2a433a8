"""The maintainers' report: paraphrases grouped, worst entries ranked, topics counted.

How it is shown (text, JSON) is tested with its front end in ``test_report_view.py``.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from bot.core.knowledge import (
    Citation,
    Entry,
    Knowledge,
    Role,
    Section,
    Source,
    Topic,
    load_knowledge,
)
from bot.core.reporting.report import (
    GROUP_THRESHOLD,
    ReportError,
    build_report,
    compile_report,
    group_key,
    group_questions,
    similarity,
)
from bot.core.storage.sqlite import QuestionRecord, SqliteStore, open_store

CITE = (Citation("Salary Expectations and Market Demand", 1),)


def entry(entry_id: str, topic: str, question: str, *alternates: str) -> Entry:
    return Entry(
        id=entry_id,
        question=question,
        alternates=alternates,
        answer="An answer.",
        roles=("ml_engineer",),
        topic=topic,
        cite=CITE,
    )


LEXICON = load_knowledge().lexicon
"""The shipped stop and pay words: grouping questions uses the KB's own vocabulary."""


@pytest.fixture
def knowledge(tmp_path: Path) -> Knowledge:
    """A small KB built in memory, so these tests do not depend on the real KB's state."""
    return small_kb(tmp_path)


def small_kb(directory: Path) -> Knowledge:
    """Three ML-engineer entries on two topics (shared with ``test_report_view``)."""
    return Knowledge(
        source=Source("Article", "2024", "2024", (Section(CITE[0].section, 4),)),
        roles=(Role("ml_engineer", "ML Engineer", "MLE", "ml-engineer", 0, ("mle",), "", ""),),
        topics=(
            Topic("salary", "Salary", "", "", ()),
            Topic("skills", "Skills and languages", "", "", ()),
        ),
        entries=(
            entry(
                "mle-salary-entry",
                "salary",
                "How much does an entry-level ML engineer earn?",
                "junior mle salary",
                "new grad ml engineer pay",
                "entry level mle comp",
            ),
            entry(
                "mle-skills",
                "skills",
                "What skills does an ML engineer need?",
                "mle skills",
                "what should an ml engineer know",
                "ml engineer skillset",
            ),
            entry(
                "mle-python",
                "skills",
                "Do ML engineers use Python?",
                "python for mle",
                "mle python",
                "is python needed for ml engineering",
            ),
        ),
        smalltalk=(),
        directory=directory,
        lexicon=LEXICON,
    )


def record(
    text: str, status: str = "declined", guild: int = 1, at: float = 1000.0
) -> QuestionRecord:
    return QuestionRecord(status, text, guild, at)


# ---------------------------------------------------------------------------- grouping


@pytest.mark.parametrize(
    "a, b",
    [
        ("dentist salary", "salary of dentists"),
        ("dentist salary", "how much do dentists make"),
        ("dentists pay?", "what do dentists earn"),
        ("dentist salary", "dentst salary"),  # a typo
        ("pilot training", "Pilot TRAINING!!"),
        ("become a pilot", "how to become a pilot"),
        ("dentist salary", "dentist salary uk"),  # one extra word
    ],
)
def test_paraphrases_share_a_group(a: str, b: str) -> None:
    assert similarity(group_key(a, LEXICON), group_key(b, LEXICON)) >= GROUP_THRESHOLD


@pytest.mark.parametrize(
    "a, b",
    [
        ("dentist salary", "nurse salary"),
        ("dentist salary", "lawyer salary"),
        ("data analyst career", "data analyst salary"),
        ("salary", "dentist salary"),  # token_set_ratio's subset trap
        ("ml engineer", "ml engineer salary in dentistry clinics"),
        ("become a pilot", "quantum computing jobs"),
    ],
)
def test_different_questions_stay_apart(a: str, b: str) -> None:
    assert similarity(group_key(a, LEXICON), group_key(b, LEXICON)) < GROUP_THRESHOLD


def test_group_key_is_order_and_plural_insensitive() -> None:
    assert (
        group_key("salary of dentists", LEXICON)
        == group_key("Dentist's salary", LEXICON)
        == "dentist salary"
    )


def test_groups_count_paraphrases_together(knowledge: Knowledge) -> None:
    records = [
        record("dentist salary", at=1),
        record("dentist salary", status="clarify", at=2),
        record("salary dentists", at=3),
        record("dentists make", guild=2, at=4),
        record("dentst salary", at=5),
        record("nurse salary", at=6),
        record("become pilot", at=7),
        record("become pilot", at=8),
    ]
    groups = group_questions(records, knowledge)
    assert [(g.representative, g.count) for g in groups] == [
        ("dentist salary", 5),
        ("become pilot", 2),
        ("nurse salary", 1),
    ]
    dentist = groups[0]
    assert dentist.statuses == {"declined": 4, "clarify": 1}
    assert set(dentist.examples) <= {"salary dentists", "dentists make", "dentst salary"}
    assert dentist.guilds == 2
    assert dentist.last_seen == 5
    assert dentist.nearest is not None
    assert dentist.nearest.entry_id == "mle-salary-entry"
    assert 0 < dentist.nearest.score < 100


def test_nearest_entry_finds_the_closest_phrasing(knowledge: Knowledge) -> None:
    (group,) = group_questions([record("python for mles")], knowledge)
    assert group.nearest is not None
    assert group.nearest.entry_id == "mle-python"
    assert group.nearest.score == 100


def test_empty_and_stopword_only_questions_are_ignored(knowledge: Knowledge) -> None:
    assert group_questions([record(""), record("what is the")], knowledge) == []


# ---------------------------------------------------------------------------- report


async def fill(store: SqliteStore) -> None:
    """A database as a few weeks of a real server would leave it."""
    for text in ("dentist salary", "salary of dentists", "how much do dentists make"):
        await store.record_question(status="declined", topic=None, normalised=text, guild_id=1)
    await store.record_question(
        status="declined", topic=None, normalised="dentists pay", guild_id=2
    )
    await store.record_question(
        status="clarify", topic="salary", normalised="pilot pay", guild_id=1
    )
    await store.record_question(
        status="declined", topic=None, normalised="quantum jobs", guild_id=1
    )
    for _ in range(6):
        await store.record_question(status="answered", topic="salary", normalised="x", guild_id=1)
    for _ in range(2):
        await store.record_question(status="answered", topic="skills", normalised="x", guild_id=2)
    votes = {
        "mle-salary-entry": (1, 3),  # 75 % down
        "mle-skills": (5, 0),  # liked
        "mle-python": (0, 2),  # below min votes
        "removed-entry": (0, 4),  # no longer in the KB
    }
    for entry_id, (up, down) in votes.items():
        for _ in range(up):
            await store.record_feedback(entry_id, 1, 1)
        for _ in range(down):
            await store.record_feedback(entry_id, -1, 1)


async def filled_database(path: Path) -> Path:
    """A closed database file at ``path`` holding :func:`fill`'s rows."""
    store = await open_store(path)
    await fill(store)
    await store.close()
    return path


@pytest.fixture
async def filled(tmp_path: Path) -> Path:
    return await filled_database(tmp_path / "careerbot.sqlite3")


async def test_report_from_a_filled_database(filled: Path, knowledge: Knowledge) -> None:
    report = await build_report(filled, knowledge)
    assert report.questions == 14
    assert report.unanswered == 6
    assert report.gaps[0].count == 4
    assert report.gaps[0].representative in {
        "dentist salary",
        "salary of dentists",
        "how much do dentists make",
        "dentists pay",
    }
    assert report.gaps[0].statuses == {"declined": 4}
    assert report.gaps[0].nearest is not None
    assert report.gaps[0].nearest.entry_id == "mle-salary-entry"
    assert sorted(g.representative for g in report.gaps[1:]) == ["pilot pay", "quantum jobs"]

    assert [(r.entry_id, r.down, r.up) for r in report.worst] == [
        ("removed-entry", 4, 0),
        ("mle-salary-entry", 3, 1),
    ]
    assert report.worst[0].question is None
    assert report.worst[1].question == "How much does an entry-level ML engineer earn?"

    assert [(t.topic, t.name, t.questions, t.unanswered) for t in report.topics] == [
        ("salary", "Salary", 7, 1),
        (None, "(no topic)", 5, 5),
        ("skills", "Skills and languages", 2, 0),
    ]


async def test_min_votes_and_limit(filled: Path, knowledge: Knowledge) -> None:
    report = await build_report(filled, knowledge, min_votes=2, limit=3)
    # Equal shares rank by the number of 👎: 4 down outweighs 2 down.
    assert [r.entry_id for r in report.worst] == ["removed-entry", "mle-python", "mle-salary-entry"]
    limited = await build_report(filled, knowledge, min_votes=2, limit=1)
    assert len(limited.gaps) == 1
    assert [r.entry_id for r in limited.worst] == ["removed-entry"]


async def test_time_window(tmp_path: Path, knowledge: Knowledge) -> None:
    path = tmp_path / "db.sqlite3"
    now = time.time()
    clock = [now - 40 * 86400]
    store = SqliteStore(path, clock=lambda: clock[0])
    await store.record_question(status="declined", topic=None, normalised="old gap", guild_id=1)
    clock[0] = now
    await store.record_question(status="declined", topic=None, normalised="new gap", guild_id=1)
    report = await build_report(store, knowledge, days=30)
    everything = await build_report(store, knowledge)
    await store.close()
    assert [g.representative for g in report.gaps] == ["new gap"]
    assert report.since is not None
    assert len(everything.gaps) == 2


async def test_missing_database_is_a_clean_error(tmp_path: Path, knowledge: Knowledge) -> None:
    missing = tmp_path / "nope.sqlite3"
    with pytest.raises(ReportError, match="no database"):
        await build_report(missing, knowledge)
    assert not missing.exists()


def test_nothing_recorded_is_an_empty_report(knowledge: Knowledge) -> None:
    report = compile_report([], {}, [], knowledge, now=5.0)
    assert (report.questions, report.unanswered, report.generated_at) == (0, 0, 5.0)
    assert report.gaps == report.worst == report.topics == ()


def test_fast_index_agrees_with_similarity() -> None:
    """The grouping index (C-speed scans) must score exactly like ``similarity``."""
    from bot.core.reporting.report import _KeyIndex

    questions = [
        "dentist salary",
        "salary of dentists uk",
        "dentst pay",
        "salary",
        "ml engineer",
        "ml engineer salary in dentistry clinics",
        "become a pilot",
        "pilot training cost",
        "data analyst career",
        "data analyst salary",
    ]
    keys = [group_key(q, LEXICON) for q in questions]
    for a in keys:
        for b in keys:
            match = _KeyIndex([b]).best(a)
            assert match is not None
            assert match[1] == pytest.approx(similarity(a, b)), (a, b)
        position, score = _KeyIndex(keys).best(a)  # type: ignore[misc]
        scores = [similarity(a, b) for b in keys]
        assert score == pytest.approx(max(scores))
        assert position == scores.index(max(scores)), "ties go to the earliest (biggest) group"

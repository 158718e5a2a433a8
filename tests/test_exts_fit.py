"""``/fit``: the quiz's custom ids and limits, and the quiz played through the fake Discord.

The quiz's questions are being rewritten, so nothing here names one: tests read the
quiz the engine serves and derive what to expect from the core (``Engine.quiz_result``).
"""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING, Any

import discord
import pytest
from hypothesis import given

from bot.core.answering.advice import Advisor
from bot.core.answering.engine import QUIZ_QUESTION
from bot.core.answering.reply import FitLine, FitView, Reply
from bot.core.knowledge import Citation, QuizOption, QuizQuestion
from bot.core.knowledge.fit import QUIZ_OPTIONS, QUIZ_QUESTIONS
from bot.ui.embeds import ERROR_TEXT
from bot.ui.limits import BUTTON_LABEL_LIMIT, CUSTOM_ID_LIMIT, truncate, view_problems
from bot.ui.quiz import (
    ACTIONS,
    BALANCED_TITLE,
    LEANS_TITLE,
    ONLY_TAKER_TEXT,
    OUTDATED_TEXT,
    QUIZ_ITEMS,
    ActionButton,
    Progress,
    QuizAnswerButton,
    RetakeButton,
    RoleCardButton,
    ShareButton,
    answer_id,
    fingerprint,
    fits,
    question_message,
    result_embed,
    result_view,
    share_id,
    shared_view,
)
from bot.ui.views import DYNAMIC_ITEMS
from tests.test_ui_embeds import DISCORD_TEXT, SLOW, Check, assert_fine

if TYPE_CHECKING:
    from bot.core.answering.engine import Engine
    from bot.core.knowledge import Knowledge
    from tests.conftest import Harness
    from tests.fakediscord import FakeMessage, RequestRecord

LONGEST_ID = 2**64 - 1
"""The largest snowflake: a user id of 20 digits."""
UPDATE_MESSAGE = 7


def quiz_of(engine: Engine) -> tuple[QuizQuestion, ...]:
    return engine.knowledge.fit.quiz


def every_option(quiz: tuple[QuizQuestion, ...]) -> list[tuple[int, ...]]:
    """Answer sets that between them pick every option of every question."""
    widest = max(len(q.options) for q in quiz)
    return [tuple(min(n, len(q.options)) for q in quiz) for n in range(1, widest + 1)]


def leaning_answers(engine: Engine) -> tuple[int, ...]:
    """Answers whose result leans to a role (so the result offers one role card)."""
    for answers in every_option(quiz_of(engine)):
        if engine.quiz_result(answers).fit.role is not None:
            return answers
    pytest.fail("no answer set leans to a role; the quiz cannot tell the roles apart")


def expected_result(engine: Engine, answers: tuple[int, ...]) -> Reply:
    return engine.quiz_result(answers)


def expected_title(engine: Engine, answers: tuple[int, ...]) -> str:
    role = engine._brain.advisor.quiz(answers).role
    if role is None:
        return BALANCED_TITLE
    return LEANS_TITLE.format(role=engine.knowledge.role(role).name)


async def parse(item_cls: type[discord.ui.DynamicItem[Any]], custom_id: str) -> Any:
    """What a click on ``custom_id`` rebuilds, the way discord.py does after a restart."""
    match = item_cls.__discord_ui_compiled_template__.fullmatch(custom_id)
    assert match is not None, custom_id
    button = discord.ui.Button(label="x", custom_id=custom_id)
    return await item_cls.from_custom_id(None, button, match)  # type: ignore[arg-type]


# ---------------------------------------------------------------- custom ids


def test_the_seed_quiz_has_the_shape_the_buttons_carry(engine: Engine) -> None:
    quiz = quiz_of(engine)
    assert QUIZ_QUESTIONS[0] <= len(quiz) <= QUIZ_QUESTIONS[1]
    assert all(QUIZ_OPTIONS[0] <= len(q.options) <= QUIZ_OPTIONS[1] for q in quiz)


async def test_answer_ids_round_trip(engine: Engine) -> None:
    quiz = quiz_of(engine)
    version = fingerprint(quiz)
    for answers in every_option(quiz):
        for done in range(len(quiz)):
            progress = Progress(LONGEST_ID, version, answers[:done])
            option = answers[done]
            custom_id = answer_id(progress, option)
            assert len(custom_id) <= CUSTOM_ID_LIMIT
            item = await parse(QuizAnswerButton, custom_id)
            assert (item.progress, item.option) == (progress, option)
            assert item.custom_id == custom_id


async def test_every_other_quiz_id_round_trips(engine: Engine) -> None:
    full = Progress(LONGEST_ID, fingerprint(quiz_of(engine)), every_option(quiz_of(engine))[-1])
    share = await parse(ShareButton, share_id(full))
    assert share.progress == full
    assert (await parse(RetakeButton, RetakeButton(LONGEST_ID).custom_id)).owner == LONGEST_ID
    for role in engine.knowledge.roles:
        assert (await parse(RoleCardButton, RoleCardButton(role.slug).custom_id)).slug == role.slug
    for action in ACTIONS:
        assert (await parse(ActionButton, ActionButton(action).custom_id)).action == action


def test_the_longest_quiz_id_fits_discords_limit() -> None:
    """Eight questions of four answers, and the largest user id: still within 100."""
    progress = Progress(LONGEST_ID, "f" * 6, (4,) * (QUIZ_QUESTIONS[1] - 1))
    assert len(answer_id(progress, QUIZ_OPTIONS[1])) <= CUSTOM_ID_LIMIT
    assert len(share_id(progress.then(QUIZ_OPTIONS[1]))) <= CUSTOM_ID_LIMIT


async def test_each_id_is_routed_to_exactly_one_button(engine: Engine) -> None:
    """discord.py calls every item whose template matches: they must not overlap."""
    templates = [cls.__discord_ui_compiled_template__ for cls in (*QUIZ_ITEMS, *DYNAMIC_ITEMS)]
    progress = Progress(42, fingerprint(quiz_of(engine)), (1, 2))
    ids = [
        answer_id(progress, 1),
        answer_id(Progress(42, progress.quiz), 1),
        share_id(progress),
        RetakeButton(42).custom_id,
        ActionButton("compare").custom_id,
        RoleCardButton("ml-engineer").custom_id,
        ActionButton("start").custom_id,
    ]
    for custom_id in ids:
        assert len([t for t in templates if t.fullmatch(custom_id)]) == 1, custom_id


def test_fits_accepts_only_answers_the_current_quiz_offers(engine: Engine) -> None:
    quiz = quiz_of(engine)
    version = fingerprint(quiz)
    first = every_option(quiz)[0]
    assert fits(quiz, Progress(1, version, ()))
    assert fits(quiz, Progress(1, version, first))
    assert not fits(quiz, Progress(1, version, (*first, 1)))  # one answer too many
    assert not fits(quiz, Progress(1, version, (len(quiz[0].options) + 1,)))
    assert not fits(quiz, Progress(1, version, (0,)))
    assert not fits(quiz, Progress(1, "000000", ()))  # another quiz
    assert not fits((), Progress(1, version, ()))


def test_the_fingerprint_follows_questions_and_signals_not_wording(engine: Engine) -> None:
    quiz = quiz_of(engine)
    reworded = (dataclasses.replace(quiz[0], question="Reworded?"), *quiz[1:])
    assert fingerprint(reworded) == fingerprint(quiz)
    swapped = dataclasses.replace(quiz[0], options=tuple(reversed(quiz[0].options)))
    assert fingerprint((swapped, *quiz[1:])) != fingerprint(quiz)
    assert fingerprint(quiz[:-1]) != fingerprint(quiz)


# ---------------------------------------------------------------- limits


def test_every_question_renders_within_limits(engine: Engine, sendable: Check) -> None:
    quiz = quiz_of(engine)
    for answers in every_option(quiz):
        for done in range(len(quiz)):
            message = question_message(
                quiz, Progress(LONGEST_ID, fingerprint(quiz), answers[:done])
            )
            assert_fine(sendable, message["embed"], message["view"])
            assert message["embed"].title == f"Question {done + 1} of {len(quiz)}"


def test_every_option_of_every_question_renders_a_cited_result(
    engine: Engine, sendable: Check
) -> None:
    knowledge, quiz = engine.knowledge, quiz_of(engine)
    for answers in every_option(quiz):
        reply = expected_result(engine, answers)
        embed = result_embed(reply, knowledge, quiz)
        progress = Progress(LONGEST_ID, fingerprint(quiz), answers)
        assert_fine(sendable, embed, result_view(progress, reply.fit, knowledge))
        assert_fine(sendable, embed, shared_view(LONGEST_ID, reply.fit, knowledge))
        assert embed.title == expected_title(engine, answers)
        assert len(embed.fields) == len(quiz), "one reason per answer"
        assert all("¶" in str(f.value) for f in embed.fields), "every reason is cited"
        for role in knowledge.roles:
            assert f"{role.name} " in str(embed.description), "both scores are shown"


def _long_quiz(question: str, label: str) -> tuple[QuizQuestion, ...]:
    options = tuple(QuizOption(f"{label} {i}", f"signal-{i}") for i in range(QUIZ_OPTIONS[1]))
    return tuple(QuizQuestion(f"q{i}", question, options) for i in range(QUIZ_QUESTIONS[1]))


@SLOW
@given(question=DISCORD_TEXT, label=DISCORD_TEXT, reason=DISCORD_TEXT)
def test_any_quiz_text_renders_within_limits(
    engine: Engine, sendable: Check, question: str, label: str, reason: str
) -> None:
    """Whatever the KB's quiz says, and however long, the messages stay sendable."""
    knowledge = engine.knowledge
    quiz = _long_quiz(question, label)
    progress = Progress(LONGEST_ID, fingerprint(quiz), (QUIZ_OPTIONS[1],) * (len(quiz) - 1))
    message = question_message(quiz, progress)
    assert_fine(sendable, message["embed"], message["view"])
    if any(len(o.label) > BUTTON_LABEL_LIMIT for o in quiz[-1].options):
        listed = message["embed"].description
        assert all(f"\n{i}. " in listed for i in range(1, len(quiz[-1].options) + 1))

    slugs = [r.slug for r in knowledge.roles]
    line = FitLine(label, slugs[0], reason, Citation(question or "x", 1))
    fit = FitView(slugs[0], tuple((s, 99) for s in slugs), (line,) * len(quiz))
    reply = Reply(QUIZ_QUESTION, "advised", "t", "b", citation_line=reason, fit=fit)
    embed = result_embed(reply, knowledge, quiz)
    full = progress.then(QUIZ_OPTIONS[1])
    assert_fine(sendable, embed, result_view(full, fit, knowledge))
    assert "@everyone" not in str(embed.description) + "".join(str(f.value) for f in embed.fields)


def test_a_balanced_result_offers_both_role_cards(engine: Engine) -> None:
    knowledge = engine.knowledge
    view = result_view(Progress(1, "abc", ()), FitView(None, (), ()), knowledge)
    assert view_problems(view) == []
    ids = [c["custom_id"] for row in view.to_components() for c in row["components"]]  # type: ignore[typeddict-item]
    assert [i for i in ids if i.startswith("cb:fit:role:")] == [
        f"cb:fit:role:{r.slug}" for r in knowledge.roles
    ]


# ---------------------------------------------------------------- through the fake Discord


def answer_ids(message: FakeMessage) -> list[str]:
    return [i for i in message.custom_ids if ANSWER.fullmatch(i)]


ANSWER = QuizAnswerButton.__discord_ui_compiled_template__


def option_id(message: FakeMessage, option: int) -> str:
    (custom_id,) = [i for i in answer_ids(message) if i.endswith(f":{option}")]
    return custom_id


async def start(h: Harness) -> FakeMessage:
    (call,) = await h.slash("fit")
    assert call.callback_type == 4 and call.ephemeral
    return h.sent(call)


async def answer(h: Harness, quiz_message: FakeMessage, option: int, **who: Any) -> RequestRecord:
    (call,) = await h.click(quiz_message, option_id(quiz_message, option), **who)
    return call


async def play(h: Harness, answers: tuple[int, ...], **who: Any) -> FakeMessage:
    """``/fit`` and every answer; the message now shows the result."""
    message = await start(h)
    for option in answers:
        call = await answer(h, message, option, **who)
        assert call.callback_type == UPDATE_MESSAGE
    return message


async def test_fit_from_the_first_question_to_the_result(discord_harness: Harness) -> None:
    h = discord_harness
    quiz = quiz_of(h.engine)
    answers = leaning_answers(h.engine)
    message = await start(h)
    for number, option in enumerate(answers, 1):
        assert message.embed["title"] == f"Question {number} of {len(quiz)}"
        assert quiz[number - 1].question in message.embed["description"]
        labels = [c["label"] for row in message.components for c in row["components"]]
        assert labels == [truncate(o.label, BUTTON_LABEL_LIMIT) for o in quiz[number - 1].options]
        assert answer_ids(message) == [
            f"cb:fit:{h.alice.id}:{fingerprint(quiz)}:{''.join(map(str, answers[: number - 1]))}:{i}"
            for i in range(1, len(quiz[number - 1].options) + 1)
        ]
        call = await answer(h, message, option)
        assert call.callback_type == UPDATE_MESSAGE and h.sent(call) is message
        assert message.ephemeral, "the quiz stays between the bot and its taker"

    reply = expected_result(h.engine, answers)
    assert reply.fit is not None and reply.fit.role is not None
    result = message.embed
    assert result["title"] == expected_title(h.engine, answers)
    assert [f["name"] for f in result["fields"]] == [
        f"{i}. {q.question}" for i, q in enumerate(quiz, 1)
    ]
    for field, line in zip(result["fields"], reply.fit.signals, strict=True):
        assert line.text in field["value"] and f"¶{line.citation.paragraph}" in field["value"]
    assert message.custom_ids == [
        "cb:fit:compare",
        f"cb:fit:role:{reply.fit.role}",
        f"cb:fit:retake:{h.alice.id}",
        f"cb:fit:share:{h.alice.id}:{fingerprint(quiz)}:{''.join(map(str, answers))}",
    ]


async def test_someone_elses_click_changes_nothing(discord_harness: Harness) -> None:
    h = discord_harness
    message = await start(h)
    before = dict(message.payload)
    (refused,) = await h.click(message, option_id(message, 1), user=h.bob)
    assert refused.callback_type == 4 and refused.ephemeral
    assert refused.content == ONLY_TAKER_TEXT
    assert message.payload == before and len(message.bodies) == 1, "the quiz is untouched"
    await answer(h, message, 1)
    assert message.embed["title"].startswith("Question 2 of")


async def test_a_quiz_half_way_carries_on_after_a_restart(discord_harness: Harness) -> None:
    h = discord_harness
    answers = leaning_answers(h.engine)
    half = len(answers) // 2
    message = await start(h)
    for option in answers[:half]:
        await answer(h, message, option)
    await h.restart()
    for option in answers[half:]:
        call = await answer(h, message, option)
        assert call.callback_type == UPDATE_MESSAGE
    assert message.embed["title"] == expected_title(h.engine, answers)


async def test_share_my_result_posts_it_publicly_pinging_nobody(discord_harness: Harness) -> None:
    h = discord_harness
    answers = leaning_answers(h.engine)
    message = await play(h, answers)
    share = next(i for i in message.custom_ids if i.startswith("cb:fit:share:"))
    (refused,) = await h.click(message, share, user=h.bob)
    assert refused.ephemeral and refused.content == ONLY_TAKER_TEXT

    (call,) = await h.click(message, share)
    shared = h.sent(call)
    assert call.callback_type == 4 and not shared.ephemeral and shared is not message
    assert h.alice.mention in shared.content
    allowed = shared.allowed_mentions
    assert allowed is not None and allowed["parse"] == [] and not allowed.get("users")
    assert shared.embed == message.embed, "the same result the taker saw"
    role = expected_result(h.engine, answers).fit.role  # type: ignore[union-attr]
    assert shared.custom_ids == [
        "cb:fit:compare",
        f"cb:fit:role:{role}",
        "cb:fit:start",
        f"cb:del:{h.alice.id}",
    ]

    # Anyone may start a quiz of their own from it; only the sharer may delete it.
    (own,) = await h.click(shared, "cb:fit:start", user=h.bob)
    assert own.ephemeral and own.embed["title"].startswith("Question 1 of")
    assert all(i.startswith(f"cb:fit:{h.bob.id}:") for i in answer_ids(h.sent(own)))
    _, deleted = await h.click(shared, f"cb:del:{h.alice.id}")
    assert deleted.method == "DELETE" and shared.deleted


async def test_retake_starts_again_in_the_same_message(discord_harness: Harness) -> None:
    h = discord_harness
    quiz = quiz_of(h.engine)
    message = await play(h, every_option(quiz)[0])
    retake = f"cb:fit:retake:{h.alice.id}"
    (refused,) = await h.click(message, retake, user=h.bob)
    assert refused.content == ONLY_TAKER_TEXT
    (call,) = await h.click(message, retake)
    assert call.callback_type == UPDATE_MESSAGE and h.sent(call) is message
    assert message.embed["title"] == f"Question 1 of {len(quiz)}"
    assert answer_ids(message)[0] == f"cb:fit:{h.alice.id}:{fingerprint(quiz)}::1"


async def test_compare_and_role_card_answer_the_taker_privately(discord_harness: Harness) -> None:
    h = discord_harness
    answers = leaning_answers(h.engine)
    message = await play(h, answers)
    (compared,) = await h.click(message, "cb:fit:compare")
    choosing = h.engine.compare(h.engine.knowledge.lexicon.topic_roles.choosing)
    assert compared.ephemeral and compared.embed["title"] == choosing.title
    assert choosing.status == "compared"
    role = expected_result(h.engine, answers).fit.role  # type: ignore[union-attr]
    (card,) = await h.click(message, f"cb:fit:role:{role}")
    assert card.ephemeral and card.embed["title"] == h.engine.role_card(role).name


def stale(message: FakeMessage, custom_id: str) -> None:
    """Put a button with ``custom_id`` on ``message``, as an older bot would have."""
    row = message.payload["components"][0]["components"]
    row[0] = {**row[0], "custom_id": custom_id}


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda p, n: answer_id(Progress(p.owner, "000000"), 1), id="other-quiz"),
        pytest.param(lambda p, n: answer_id(Progress(p.owner, p.quiz, (1,) * n), 1), id="too-many"),
        pytest.param(lambda p, n: answer_id(p, 9), id="no-such-option"),
        pytest.param(lambda p, n: answer_id(Progress(p.owner, p.quiz, (0,)), 1), id="answer-0"),
        pytest.param(lambda p, n: share_id(Progress(p.owner, p.quiz, (1,))), id="share-early"),
    ],
)
async def test_a_quiz_that_no_longer_fits_is_turned_away_politely(
    discord_harness: Harness, make: Any
) -> None:
    h = discord_harness
    quiz = quiz_of(h.engine)
    message = await start(h)
    custom_id = make(Progress(h.alice.id, fingerprint(quiz)), len(quiz))
    stale(message, custom_id)
    before = dict(message.payload)
    (note,) = await h.click(message, custom_id)
    assert note.callback_type == 4 and note.ephemeral and note.content == OUTDATED_TEXT
    assert message.payload == before


async def test_a_reloaded_quiz_turns_away_the_old_one(
    discord_harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = discord_harness
    message = await start(h)
    await answer(h, message, 1)
    knowledge: Knowledge = h.engine.knowledge
    shorter = dataclasses.replace(knowledge.fit, quiz=knowledge.fit.quiz[:-1])
    reloaded = dataclasses.replace(knowledge, fit=shorter)
    monkeypatch.setattr(type(h.engine), "knowledge", property(lambda _: reloaded))
    (note,) = await h.click(message, option_id(message, 1))
    assert note.ephemeral and note.content == OUTDATED_TEXT
    assert message.embed["title"].startswith("Question 2 of")
    restarted = await start(h)
    assert restarted.embed["title"] == f"Question 1 of {len(shorter.quiz)}"


async def test_an_error_in_a_quiz_click_reaches_the_error_handler(
    discord_harness: Harness, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    h = discord_harness
    quiz = quiz_of(h.engine)
    message = await play(h, every_option(quiz)[0][:-1])

    def broken(*_: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(Advisor, "quiz", broken)
    (error,) = await h.click(message, option_id(message, 1))
    assert error.ephemeral and error.content == ERROR_TEXT
    assert any(re.search(r"cb:fit", r.getMessage()) for r in caplog.records)

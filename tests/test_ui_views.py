"""Buttons: what each reply offers, and custom ids that survive restarts and fit in 100."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord
import pytest

from bot.core.answering.reply import Reply
from bot.ui.limits import CUSTOM_ID_LIMIT, view_problems
from bot.ui.views import (
    DYNAMIC_ITEMS,
    AnswerButton,
    AskButton,
    DeleteButton,
    OtherRoleButton,
    VoteButton,
    delete_only_view,
    reply_view,
    vote_ids,
)

if TYPE_CHECKING:
    from bot.core.answering.engine import Engine


def ids(view: discord.ui.View | None) -> list[str]:
    assert view is not None
    return [c["custom_id"] for row in view.to_components() for c in row["components"]]  # type: ignore[typeddict-item]


def test_an_answer_offers_related_other_role_votes_and_delete(engine: Engine) -> None:
    reply = engine.answer_entry("mle-salary")
    view = reply_view(reply, engine.knowledge, asker_id=42)
    custom_ids = ids(view)
    assert custom_ids[-4:] == [
        "cb:other:ds-salary",
        "cb:vote:up:mle-salary",
        "cb:vote:down:mle-salary",
        "cb:del:42",
    ]
    assert all(i.startswith("cb:ans:") for i in custom_ids[:-4])
    assert view_problems(view) == []  # type: ignore[arg-type]
    labels = [c.get("label") for row in view.to_components() for c in row["components"]]  # type: ignore[union-attr, typeddict-item]
    assert "Same for Data Scientist" in labels


def test_clarify_offers_the_candidates_in_order(engine: Engine) -> None:
    reply = Reply(
        question="something vague",
        status="clarify",
        title="Did you mean…?",
        body="Pick one",
        suggestions=("How much do ML engineers make?", "How much do data scientists make?"),
        entries=("mle-salary", "ds-salary"),
    )
    assert ids(reply_view(reply, engine.knowledge, asker_id=None)) == [
        "cb:ans:mle-salary",
        "cb:ans:ds-salary",
    ]


def test_suggestions_that_are_not_kb_questions_become_ask_buttons(engine: Engine) -> None:
    reply = engine.ask("how do I bake sourdough bread")
    assert reply.status == "declined"
    custom_ids = ids(reply_view(reply, engine.knowledge, asker_id=1))
    assert any(i.startswith("cb:ask:") for i in custom_ids) or any(
        i.startswith("cb:ans:") for i in custom_ids
    )
    assert not any(i.startswith("cb:vote:") for i in custom_ids), "nothing to rate"


def test_nothing_to_click_means_no_view(engine: Engine) -> None:
    reply = Reply(question="hi", status="smalltalk", title="", body="Hello!")
    assert reply_view(reply, engine.knowledge, asker_id=None) is None
    assert delete_only_view(None) is None
    assert ids(delete_only_view(7)) == ["cb:del:7"]


def test_vote_ids_keep_as_many_entries_as_fit() -> None:
    many = [f"entry-number-{i:03d}-with-a-long-name" for i in range(10)]
    kept = vote_ids(many)
    assert 1 <= len(kept) < len(many)
    assert len("cb:vote:down:" + ",".join(kept)) <= CUSTOM_ID_LIMIT
    assert vote_ids(["Not Kebab!", "ok-id"]) == ("ok-id",)
    assert vote_ids(["x" * 200]) == ()


@pytest.mark.parametrize(
    "item",
    [
        AnswerButton("mle-salary", "How much?"),
        OtherRoleButton("ds-salary", "Data Scientist"),
        AskButton("DS vs MLE: which should I choose?"),
        VoteButton(1, ["compare-salary-who-earns-more", "ds-salary", "mle-salary"]),
        VoteButton(-1, ["mle-salary"]),
        DeleteButton(123456789012345678),
    ],
    ids=lambda item: type(item).__name__,
)
async def test_custom_ids_round_trip_through_their_templates(item: Any) -> None:
    """A click after a restart rebuilds the item from its custom id alone."""
    custom_id = item.custom_id
    assert len(custom_id) <= CUSTOM_ID_LIMIT
    match = item.template.fullmatch(custom_id)
    assert match is not None
    owners = [
        cls for cls in DYNAMIC_ITEMS if cls.__discord_ui_compiled_template__.fullmatch(custom_id)
    ]
    assert owners == [type(item)], "exactly one item class claims each custom id"
    rebuilt = await type(item).from_custom_id(None, item.item, match)  # type: ignore[arg-type]
    assert rebuilt.custom_id == custom_id


def test_labels_are_cut_to_80() -> None:
    long = "How " + "very " * 40 + "long is this question?"
    button = AnswerButton("mle-salary", long)
    assert len(button.item.label or "") <= 80
    assert re.fullmatch(r".*…", button.item.label or "")

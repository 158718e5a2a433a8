"""The compose stage: turning decisions and entries into the replies people read.

Only this module builds a :class:`Reply`: answers, comparisons, did-you-means,
declines, small talk and role cards. Every reply built here carries its citations, so
nothing reaches a user without its section and paragraph.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace

from bot.core.answering.advice import FitResult
from bot.core.answering.decide import Decision
from bot.core.answering.reply import (
    CardLine,
    Column,
    FitLine,
    FitView,
    Reply,
    RoleCard,
    Status,
)
from bot.core.knowledge import Citation, Entry, FitSignal, Knowledge
from bot.core.text import tokens

RELATED_LIMIT = 3


def sorted_citations(knowledge: Knowledge, citations: Iterable[Citation]) -> tuple[Citation, ...]:
    """Unique citations in article order."""
    unique = set(citations)
    return tuple(sorted(unique, key=lambda c: (knowledge.source.order(c.section), c.paragraph)))


def _ranges(numbers: Sequence[int]) -> str:
    parts: list[str] = []
    start = prev = numbers[0]
    for n in numbers[1:]:
        if n == prev + 1:
            prev = n
            continue
        parts.append(f"{start}–{prev}" if prev > start else f"{start}")
        start = prev = n
    parts.append(f"{start}–{prev}" if prev > start else f"{start}")
    return ", ".join(parts)


def short_citation(citation: Citation) -> str:
    """``"Salary Expectations and Market Demand" ¶2``: one citation inside a line."""
    return f"“{citation.section}” ¶{citation.paragraph}"


def citation_line(knowledge: Knowledge, citations: Iterable[Citation]) -> str:
    """``Source: "Salary Expectations and Market Demand", ¶1–2 (as of 2024)``."""
    ordered = sorted_citations(knowledge, citations)
    if not ordered:
        return ""
    by_section: dict[str, list[int]] = {}
    for c in ordered:
        by_section.setdefault(c.section, []).append(c.paragraph)
    cited = "; ".join(f'"{section}", ¶{_ranges(paras)}' for section, paras in by_section.items())
    return f"Source: {cited} ({knowledge.source.short_as_of})"


CLARIFY_TITLE = "Did you mean…?"
CLARIFY_BODY = "I'm not sure which of these you mean. Pick one, or rephrase your question:"
DECLINE_TITLE = "I can't answer that"
DECLINE_BODY = "Sorry, I don't know that one. "
NOT_COVERED = "The article doesn't cover {names}."
PARTLY = "The article doesn't cover {names}. Here is what it does say:"
UNSURE = "I'm not sure the article answers what you ask about {names}. The closest it says:"
UNSURE_CLARIFY = "The article may not cover what you ask about {names}."
GUESS = "I could only understand part of your question. Here is what the article says in general:"
MULTI_TITLE = "Your {n} questions"
CLOSEST = "The closest the article gets is “{question}”"


def spoken_list(names: Sequence[str]) -> str:
    """ "a", "a or b", "a, b or c"."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def named_gaps(knowledge: Knowledge, question: str, names: Sequence[str]) -> str:
    """What is not covered, as a sentence part: a word taken from the question is
    quoted ("doesn't cover “promising”"), a gap's name is not ("stress levels")."""
    asked = set(tokens(question))
    gaps = {g.name for g in knowledge.coverage.gaps}
    return spoken_list([f"“{n}”" if n.lower() in asked and n not in gaps else n for n in names])


def gap_lead(
    knowledge: Knowledge, question: str, decision: Decision, *, sure: str, doubted: str
) -> str:
    """The sentence that names what ``decision`` leaves out: ``sure`` for gaps we know
    ("doesn't cover stress levels"), ``doubted`` for words we only doubt, quoted as the
    person wrote them ("may not cover what you ask about “monitoring”")."""
    if decision.unsure:
        return doubted.format(names=spoken_list([f"“{w}”" for w in decision.not_covered]))
    return sure.format(names=named_gaps(knowledge, question, decision.not_covered))


def compose(
    knowledge: Knowledge,
    question: str,
    decision: Decision,
    counterpart: Callable[[str], Entry | None],
) -> Reply:
    """The reply for ``decision``; ``counterpart`` finds the other role's entry."""
    if decision.parts:
        return multi_reply(knowledge, question, decision, counterpart)
    if decision.kind == "advise" and decision.advice is not None:
        return advice_reply(
            knowledge,
            question,
            decision.advice,
            from_quiz=decision.rule == QUIZ_RULE,
            confidence=decision.confidence,
        )
    reply = _compose(knowledge, question, decision, counterpart)
    if not decision.not_covered:
        if decision.guess and reply.status in ("answered", "compared"):
            return replace(reply, body=GUESS + "\n\n" + reply.body)
        return reply
    if reply.status == "clarify":
        lead = gap_lead(knowledge, question, decision, sure=NOT_COVERED, doubted=UNSURE_CLARIFY)
        reply = replace(reply, body=lead + "\n\n" + reply.body)
    elif reply.status in ("answered", "compared"):
        lead = gap_lead(knowledge, question, decision, sure=PARTLY, doubted=UNSURE)
        reply = replace(reply, body=lead + "\n\n" + reply.body)
    return replace(reply, not_covered=decision.not_covered)


def multi_reply(
    knowledge: Knowledge,
    question: str,
    decision: Decision,
    counterpart: Callable[[str], Entry | None],
) -> Reply:
    """One reply with a section per ask ("what do MLEs earn and what skills do they
    need?"), each section cited; asks the article doesn't cover are named."""
    parts = tuple(compose(knowledge, ask, d, counterpart) for ask, d in decision.parts)
    cites = [c for part in parts for c in part.citations]
    lead = ""
    if decision.not_covered:
        lead = NOT_COVERED.format(names=named_gaps(knowledge, question, decision.not_covered))
    return Reply(
        question=question,
        status="answered",
        title=MULTI_TITLE.format(n=len(parts)),
        body=lead,
        citations=sorted_citations(knowledge, cites),
        citation_line=citation_line(knowledge, cites),
        entries=tuple(dict.fromkeys(e for part in parts for e in part.entries)),
        confidence=min(part.confidence for part in parts),
        roles=tuple(dict.fromkeys(r for part in parts for r in part.roles)),
        topic=parts[0].topic,
        level=parts[0].level,
        not_covered=decision.not_covered,
        parts=parts,
    )


def _compose(
    knowledge: Knowledge,
    question: str,
    decision: Decision,
    counterpart: Callable[[str], Entry | None],
) -> Reply:
    if decision.kind == "answer":
        (entry,) = decision.entries
        return answer_reply(
            knowledge,
            question,
            entry,
            confidence=decision.confidence,
            counterpart=counterpart(entry.id),
        )
    if decision.kind == "compare":
        return comparison_reply(
            knowledge,
            question,
            decision.entries,
            confidence=decision.confidence,
            intro=decision.intro,
            topic=decision.topic,
        )
    if decision.kind == "clarify":
        options = decision.entries
        return simple_reply(
            question,
            "clarify",
            CLARIFY_BODY,
            title=CLARIFY_TITLE,
            confidence=decision.confidence,
            suggestions=[e.question for e in options],
            suggestion_ids=[e.id for e in options],
            entries=[e.id for e in options],
        )
    if decision.kind == "smalltalk":
        return simple_reply(
            question, "smalltalk", decision.message or "", confidence=decision.confidence
        )
    if decision.not_covered and not decision.message:
        return not_covered_reply(knowledge, question, decision)
    return decline_reply(knowledge, question, decision.message, decision.confidence)


def not_covered_reply(knowledge: Knowledge, question: str, decision: Decision) -> Reply:
    """ "The article doesn't cover stress levels. The closest it gets: …", cited, with
    questions it can answer instead. Words we only doubt ("monitoring") are said to be
    possibly not covered."""
    lead = gap_lead(knowledge, question, decision, sure=NOT_COVERED, doubted=UNSURE_CLARIFY)
    closest = decision.entries[0] if decision.entries else None
    if closest is None:
        return decline_reply(
            knowledge, question, lead + " " + knowledge.lexicon.decline.hint, decision.confidence
        )
    pointers = [r for r in closest.related if r in knowledge.by_id][:RELATED_LIMIT]
    pointers = pointers or [
        i for i in knowledge.lexicon.decline.suggestions if i in knowledge.by_id
    ]
    return Reply(
        question=question,
        status="declined",
        title=DECLINE_TITLE,
        body=f"{lead} {CLOSEST.format(question=closest.question)}\n\n{closest.answer}",
        citations=sorted_citations(knowledge, closest.cite),
        citation_line=citation_line(knowledge, closest.cite),
        entries=(closest.id,),
        confidence=decision.confidence,
        suggestions=tuple(knowledge.by_id[i].question for i in pointers),
        suggestion_ids=tuple(pointers),
    )


def decline_reply(
    knowledge: Knowledge, question: str, message: str | None = None, confidence: float = 0.0
) -> Reply:
    """A decline that says what we can answer and points at entries that show it."""
    decline = knowledge.lexicon.decline
    pointers = [i for i in decline.suggestions if i in knowledge.by_id]
    return simple_reply(
        question,
        "declined",
        message or DECLINE_BODY + decline.hint,
        title=DECLINE_TITLE,
        confidence=confidence,
        suggestions=[knowledge.by_id[i].question for i in pointers],
        suggestion_ids=pointers,
    )


def answer_reply(
    knowledge: Knowledge,
    question: str,
    entry: Entry,
    *,
    confidence: float,
    counterpart: Entry | None = None,
    status: Status = "answered",
) -> Reply:
    related_ids = [r for r in entry.related if r in knowledge.by_id][:RELATED_LIMIT]
    return Reply(
        question=question,
        status=status,
        title=entry.question,
        body=entry.answer,
        citations=sorted_citations(knowledge, entry.cite),
        citation_line=citation_line(knowledge, entry.cite),
        entries=(entry.id,),
        confidence=confidence,
        related=tuple(knowledge.by_id[r].question for r in related_ids),
        related_ids=tuple(related_ids),
        roles=entry.roles,
        topic=entry.topic,
        level=entry.level,
        counterpart=counterpart.id if counterpart else None,
    )


def comparison_reply(
    knowledge: Knowledge,
    question: str,
    pair: Sequence[Entry],
    *,
    confidence: float,
    intro: Entry | None = None,
    topic: str | None = None,
) -> Reply:
    """Side by side: one column per role, plus the entry that contrasts them if any."""
    columns = tuple(
        Column(
            role=e.roles[0],
            role_name=knowledge.role(e.roles[0]).name,
            entry_id=e.id,
            text=e.answer,
            citations=sorted_citations(knowledge, e.cite),
        )
        for e in pair
    )
    used = ([intro] if intro else []) + list(pair)
    related_ids = [
        r
        for r in (intro.related if intro else ())
        if r in knowledge.by_id and r not in {e.id for e in pair}
    ][:RELATED_LIMIT]
    cites = [c for e in used for c in e.cite]
    topic_id = topic or pair[0].topic
    topic_name = knowledge.topic(topic_id).name if topic_id else "the two roles"
    level = pair[0].level if all(e.level == pair[0].level for e in pair) else None
    level_label = f" ({level} level)" if level else ""
    names = " vs ".join(knowledge.role(e.roles[0]).name for e in pair)
    body = (
        intro.answer
        if intro
        else f"How the two roles compare on {topic_name.lower()}{level_label}:"
    )
    return Reply(
        question=question,
        status="compared",
        title=f"{names}: {topic_name}{level_label}",
        body=body,
        citations=sorted_citations(knowledge, cites),
        citation_line=citation_line(knowledge, cites),
        entries=tuple(e.id for e in used),
        confidence=confidence,
        related=tuple(knowledge.by_id[r].question for r in related_ids),
        related_ids=tuple(related_ids),
        roles=tuple(e.roles[0] for e in pair),
        topic=topic_id,
        level=level,
        columns=columns,
    )


def simple_reply(
    question: str,
    status: Status,
    body: str,
    *,
    title: str = "",
    confidence: float = 0.0,
    suggestions: Sequence[str] = (),
    suggestion_ids: Sequence[str] = (),
    entries: Sequence[str] = (),
) -> Reply:
    return Reply(
        question=question,
        status=status,
        title=title,
        body=body,
        confidence=confidence,
        suggestions=tuple(suggestions),
        suggestion_ids=tuple(suggestion_ids),
        entries=tuple(entries),
    )


def role_card(knowledge: Knowledge, role_id: str) -> RoleCard:
    """One cited line per topic of the lexicon's role card: the topic's primary entry
    for the role, so a card answers "tell me about this job" in one screen."""
    role = knowledge.role(role_id)
    lines: list[CardLine] = []
    for card_line in knowledge.lexicon.role_card:
        label = card_line.label
        entry = knowledge.primary(card_line.topic, role_id)
        if entry is None:
            continue
        lines.append(
            CardLine(
                label=label,
                text=entry.answer,
                citations=sorted_citations(knowledge, entry.cite),
                citation_line=citation_line(knowledge, entry.cite),
            )
        )
    return RoleCard(
        role=role.id, name=role.name, focus=role.focus, colour=role.colour, lines=tuple(lines)
    )


# ---------------------------------------------------------------------------- advice

ADVICE_TITLE = "Which role fits you?"
QUIZ_RULE = "quiz"
"""The decide rule of a /fit quiz result (no offer to take the quiz it came from)."""
OUTWEIGHED = " (outweighed by what you said you prefer after it)"
LEANS = "From what you've told me, the article's criteria lean towards {role} ({score})."
BALANCED = "From what you've told me, the evidence is balanced ({score})."
NO_SIGNAL = (
    "Tell me a little about yourself and I can say which way the article's criteria "
    "point. The questions it asks you to answer honestly:"
)
OTHER_WAY = "What would point to {role} instead: {reason}"
QUIZ_OFFER = "For a fuller picture, take the quiz: `/fit` in Discord, `careerbot fit` here."


def advice_reply(
    knowledge: Knowledge,
    question: str,
    result: FitResult,
    *,
    from_quiz: bool = False,
    confidence: float = 1.0,
) -> Reply:
    """Advice for one person: the leaning (or balance), one cited line per signal in the
    person's own words, what would point the other way, the quiz, the disclaimer."""
    fit = knowledge.fit
    slug = {r.id: r.slug for r in knowledge.roles}
    name = {r.id: r.name for r in knowledge.roles}
    score = ", ".join(f"{name[r]} {n}" for r, n in result.score.items())
    lines: list[str] = []
    cites: list[Citation] = []
    view_lines: list[FitLine] = []
    if not result.found:
        lines.append(NO_SIGNAL)
        for criterion in fit.criteria:
            lines.append(f"• {criterion.text}")
            cites.extend(criterion.cite)
    else:
        if result.role is not None:
            lines.append(LEANS.format(role=name[result.role], score=score))
        else:
            lines.append(BALANCED.format(score=score))
        for item in result.found:
            cite = item.signal.cite[0]
            cites.extend(item.signal.cite)
            towards = f" → {name[item.role]}" if item.role else ""
            if item.outweighed:
                towards += OUTWEIGHED
            lines.append(f"• “{item.text}”{towards}: {item.reason} ({short_citation(cite)})")
            view_lines.append(
                FitLine(item.text, slug.get(item.role) if item.role else None, item.reason, cite)
            )
        other = _other_way(knowledge, result)
        if other is not None:
            lines.append(OTHER_WAY.format(role=name[other.role], reason=other.reason))
            cites.extend(other.cite)
    if not from_quiz:
        lines.append(QUIZ_OFFER)
    if fit.disclaimer is not None:
        lines.append(fit.disclaimer.text)
        cites.extend(fit.disclaimer.cite)
    view = FitView(
        role=slug.get(result.role) if result.role else None,
        score=tuple((slug[r], n) for r, n in result.score.items()),
        signals=tuple(view_lines),
    )
    return Reply(
        question=question,
        status="advised",
        title=ADVICE_TITLE,
        body="\n".join(lines),
        citations=sorted_citations(knowledge, cites),
        citation_line=citation_line(knowledge, cites),
        confidence=confidence if result.found else 0.0,
        roles=tuple(r.id for r in knowledge.roles),  # advice weighs both roles
        fit=view,
    )


def _other_way(knowledge: Knowledge, result: FitResult) -> FitSignal | None:
    """The strongest signal for the role the evidence did not lean to."""
    if result.role is None:
        return None
    said = {item.signal.id for item in result.found}
    candidates = [
        s for s in knowledge.fit.signals if s.role not in (None, result.role) and s.id not in said
    ]
    return max(candidates, key=lambda s: s.weight, default=None)

"""``careerbot``: the terminal face of the bot. Thin: parse, call the core, print.

Domain errors (an invalid KB, an unknown role) become one clear line and a non-zero
exit code; tracebacks are for bugs only.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from bot.core.knowledge import Knowledge, KnowledgeError, load_knowledge, uncited_paragraphs

if TYPE_CHECKING:
    from bot.core.answering.engine import Engine, Explanation
    from bot.core.answering.reply import Reply


class CliError(Exception):
    """A user-facing error: printed as one line, exit code ``code``."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


def _knowledge(directory: str | None) -> Knowledge:
    try:
        return load_knowledge(directory)
    except KnowledgeError as exc:
        raise CliError(str(exc)) from None


# ---------------------------------------------------------------------------- kb


def _kb_validate(args: argparse.Namespace) -> int:
    try:
        knowledge = load_knowledge(args.dir)
    except KnowledgeError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(
        f"ok: {len(knowledge.entries)} entries, {len(knowledge.topics)} topics, "
        f"{len(knowledge.roles)} roles in {knowledge.directory}"
    )
    return 0


def _kb_stats(args: argparse.Namespace) -> int:
    knowledge = _knowledge(args.dir)
    entries = knowledge.entries
    print(f"{len(entries)} entries, {sum(len(e.phrasings) for e in entries)} phrasings\n")

    print("Entries by topic:")
    by_topic = Counter(e.topic for e in entries)
    for topic in knowledge.topics:
        print(f"  {topic.id:<16} {by_topic[topic.id]:>4}")

    print("\nEntries by role:")
    by_role = Counter(",".join(e.roles) for e in entries)
    for roles, count in sorted(by_role.items()):
        print(f"  {roles:<28} {count:>4}")

    print("\nCitations by section (entries citing each paragraph):")
    cites = Counter((c.section, c.paragraph) for e in entries for c in e.cite)
    for section in knowledge.source.sections:
        cells = []
        for p in range(1, section.paragraphs + 1):
            if p in section.promotional:
                cells.append(f"¶{p}:promo")
            else:
                cells.append(f"¶{p}:{cites[(section.title, p)]}")
        print(f"  {section.title:<45} {' '.join(cells)}")
    holes = uncited_paragraphs(knowledge)
    print(
        "\nUncited non-promotional paragraphs: "
        + (", ".join(f"{c.section} ¶{c.paragraph}" for c in holes) if holes else "none")
    )

    print("\nRoles × topics (entries about one role; 'both' = comparison entries; '--' = hole):")
    ids = [r.id for r in knowledge.roles]
    print(f"  {'topic':<16}" + "".join(f"{r.short:>8}" for r in knowledge.roles) + f"{'both':>8}")
    grid_holes = []
    for topic in knowledge.topics:
        row = [e for e in entries if e.topic == topic.id]
        counts = [sum(1 for e in row if e.roles == (r,)) for r in ids]
        both = sum(1 for e in row if len(e.roles) > 1)
        covers_roles = any(counts)
        cells = []
        for role_id, count in zip(ids, counts, strict=True):
            if count == 0 and covers_roles:
                grid_holes.append(f"{topic.id}/{role_id}")
                cells.append(f"{'--':>8}")
            else:
                cells.append(f"{count:>8}")
        print(f"  {topic.id:<16}" + "".join(cells) + f"{both:>8}")
    print("\nRole × topic holes: " + (", ".join(grid_holes) if grid_holes else "none"))
    return 0


def _kb_export(args: argparse.Namespace) -> int:
    knowledge = _knowledge(args.dir)
    data = {
        "source": {
            "title": knowledge.source.title,
            "as_of": knowledge.source.as_of,
            "sections": [
                {"title": s.title, "paragraphs": s.paragraphs, "promotional": sorted(s.promotional)}
                for s in knowledge.source.sections
            ],
        },
        "entries": [
            {
                "id": e.id,
                "question": e.question,
                "alternates": list(e.alternates),
                "answer": e.answer,
                "roles": list(e.roles),
                "topic": e.topic,
                "level": e.level,
                "citations": [c.to_json() for c in e.cite],
            }
            for e in knowledge.entries
        ],
    }
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    print()
    return 0


# ---------------------------------------------------------------------------- answering


def _engine(args: argparse.Namespace) -> Engine:
    from bot.core.answering.engine import Engine

    try:
        return Engine.load(getattr(args, "kb", None))
    except KnowledgeError as exc:
        raise CliError(str(exc)) from None


def _print_reply(reply: Reply, as_json: bool, out: TextIO | None = None) -> None:
    out = out or sys.stdout
    if as_json:
        out.write(json.dumps(reply.to_json(), ensure_ascii=False) + "\n")
    else:
        if reply.title and reply.status in ("answered", "compared"):
            out.write(f"» {reply.title}\n\n")
        out.write(reply.text + "\n\n")
    out.flush()


def _print_explanation(exp: Explanation, out: TextIO | None = None) -> None:
    out = out or sys.stdout
    out.write(f"  normalised : {exp.normalised!r}\n")
    if exp.corrections:
        out.write("  corrected  : " + ", ".join(f"{a}→{b}" for a, b in exp.corrections) + "\n")
    if exp.unknown:
        out.write("  unknown    : " + ", ".join(exp.unknown) + "\n")
    out.write(f"  roles      : {', '.join(exp.roles) or '-'}\n")
    out.write(f"  topic      : {exp.topic or '-'}   level: {exp.level or '-'}\n")
    out.write(f"  outcome    : {exp.reply.status} (confidence {exp.reply.confidence:.2f})\n")
    out.write("  candidates :\n")
    for entry_id, score in exp.candidates:
        out.write(f"    {score:6.3f}  {entry_id}\n")
    out.write("\n")


def _ask(args: argparse.Namespace) -> int:
    engine = _engine(args)
    for question in args.question:
        if args.explain and not args.json:
            exp = engine.explain(question)
            print(f"? {question}")
            _print_explanation(exp)
            _print_reply(exp.reply, False)
        else:
            _print_reply(engine.ask(question), args.json)
    return 0


def _lines(stream: TextIO) -> Iterable[str]:
    for line in stream:
        yield line.rstrip("\n")


def _chat(args: argparse.Namespace) -> int:
    engine = _engine(args)
    interactive = sys.stdin.isatty() and not args.json
    conversation = "terminal"
    if interactive:
        with contextlib.suppress(ImportError):
            import readline  # noqa: F401 - arrow keys and history at the prompt
        print(
            "CareerBot: ask about Data Scientist vs ML Engineer careers. "
            "Ctrl-D or 'quit' to leave.\n"
        )

    def prompt() -> Iterable[str]:
        while True:
            try:
                yield input("you> ")
            except EOFError:
                print()
                return

    for line in prompt() if interactive else _lines(sys.stdin):
        question = line.strip()
        if not question:
            continue
        if interactive and question.lower() in ("quit", "exit", "/quit", "/exit"):
            break
        reply = engine.ask(question, conversation=conversation)
        if interactive:
            print()
        _print_reply(reply, args.json)
    return 0


def _compare(args: argparse.Namespace) -> int:
    engine = _engine(args)
    reply = engine.compare(" ".join(args.topic))
    _print_reply(reply, args.json)
    return 0 if reply.status == "compared" else 1


def _role(args: argparse.Namespace) -> int:
    from bot.core.answering.engine import UnknownRoleError

    engine = _engine(args)
    try:
        card = engine.role_card(" ".join(args.role))
    except UnknownRoleError as exc:
        raise CliError(str(exc)) from None
    print(card.text)
    return 0


def _topics(args: argparse.Namespace) -> int:
    engine = _engine(args)
    for topic in engine.topics():
        print(f'{topic.id:<16} {topic.name:<24} e.g. "{topic.example}"')
    return 0


def _eval(args: argparse.Namespace) -> int:
    from bot.core.answering.evaluation import PARTS, default_eval_dir, evaluate, render

    directory = Path(args.dir) if args.dir else default_eval_dir()
    if not (directory / "dev.yaml").is_file():
        raise CliError(f"no evaluation set in {directory} (pass --dir)")
    results = evaluate(_engine(args), directory, [args.part] if args.part else PARTS)
    if args.json:
        print(json.dumps([r.to_json() for r in results], ensure_ascii=False, indent=2))
    else:
        print(render(results, show_failures=not args.quiet))
    return 0


# ---------------------------------------------------------------------------- operations


def _run(args: argparse.Namespace) -> int:
    from bot.runner import run

    return run()


def _report(args: argparse.Namespace) -> int:
    import asyncio

    from bot.core.reporting.report import ReportError, build_report, render_text, to_json
    from bot.core.storage.sqlite import default_db_path

    knowledge = _knowledge(args.kb)
    try:
        report = asyncio.run(
            build_report(
                args.db or default_db_path(),
                knowledge,
                guild_id=args.guild,
                days=args.days,
                limit=args.limit,
                min_votes=args.min_votes,
            )
        )
    except ReportError as exc:
        raise CliError(str(exc)) from None
    if args.json:
        print(json.dumps(to_json(report), ensure_ascii=False, indent=2))
    else:
        print(render_text(report))
    return 0


def _health(args: argparse.Namespace) -> int:
    from bot.health import check_health

    problems = check_health(knowledge_dir=args.kb, db_path=args.db)
    for problem in problems:
        print(f"unhealthy: {problem}", file=sys.stderr)
    if not problems:
        print("healthy")
    return 1 if problems else 0


# ---------------------------------------------------------------------------- parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="careerbot",
        description="Data Scientist vs ML Engineer career answers, with citations.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    kb = commands.add_parser("kb", help="validate, inspect or export the knowledge base")
    kb_commands = kb.add_subparsers(dest="kb_command", metavar="KB_COMMAND", required=True)
    for name, func, help_text in (
        ("validate", _kb_validate, "check the KB; print every problem; exit 1 on any"),
        ("stats", _kb_stats, "entries by section/topic/role, uncited paragraphs, holes"),
        ("export", _kb_export, "the whole KB as JSON on stdout"),
    ):
        sub = kb_commands.add_parser(name, help=help_text)
        sub.add_argument(
            "dir", nargs="?", default=None, help="knowledge directory (default: shipped KB)"
        )
        sub.set_defaults(func=func)

    ask = commands.add_parser("ask", help="answer each question independently")
    ask.add_argument("question", nargs="+", help="one or more questions (quote each)")
    ask.add_argument("--json", action="store_true", help="one JSON object per line (stable keys)")
    ask.add_argument(
        "--explain", action="store_true", help="show normalisation, slots, top candidates"
    )
    ask.set_defaults(func=_ask)

    chat = commands.add_parser(
        "chat", help="one conversation: follow-ups work; reads stdin when piped"
    )
    chat.add_argument("--json", action="store_true", help="one JSON object per line (stable keys)")
    chat.set_defaults(func=_chat)

    compare = commands.add_parser("compare", help="both roles side by side on a topic")
    compare.add_argument("topic", nargs="+", help="topic id or name, e.g. salary")
    compare.add_argument("--json", action="store_true")
    compare.set_defaults(func=_compare)

    role = commands.add_parser("role", help="a role's cited summary card")
    role.add_argument("role", nargs="+", help="data-scientist or ml-engineer")
    role.set_defaults(func=_role)

    topics = commands.add_parser("topics", help="what the bot knows about")
    topics.set_defaults(func=_topics)

    evaluate = commands.add_parser("eval", help="answer quality on the dev and held-out sets")
    evaluate.add_argument(
        "--dir", help="directory with dev.yaml and heldout.yaml (default tests/eval)"
    )
    evaluate.add_argument("--part", choices=("dev", "heldout"), help="only one part")
    evaluate.add_argument("--json", action="store_true")
    evaluate.add_argument("--quiet", action="store_true", help="figures only, no failure list")
    evaluate.set_defaults(func=_eval)

    run = commands.add_parser(
        "run", help="start the Discord bot (token from DISCORD_TOKEN or .env)"
    )
    run.set_defaults(func=_run)

    report = commands.add_parser("report", help="unanswered questions and worst-rated entries")
    report.add_argument(
        "--db", help="database file (default: $CAREERBOT_DB or ./careerbot.sqlite3)"
    )
    report.add_argument("--guild", type=int, help="only this server")
    report.add_argument("--days", type=int, help="only the last N days")
    report.add_argument("--limit", type=int, default=20, help="rows per section (default 20)")
    report.add_argument("--min-votes", type=int, default=3, help="votes before an entry is ranked")
    report.add_argument("--json", action="store_true")
    report.set_defaults(func=_report)

    health = commands.add_parser(
        "health", help="exit 0 if the KB loads, the DB is writable and the bot is alive"
    )
    health.add_argument(
        "--db", help="database file (default: $CAREERBOT_DB or ./careerbot.sqlite3)"
    )
    health.set_defaults(func=_health)

    for sub in (ask, chat, compare, role, topics, evaluate, report, health):
        sub.add_argument("--kb", default=None, help="knowledge directory (default: shipped KB)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except CliError as exc:
        print(f"careerbot: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `careerbot kb export | head` closes the pipe early; that is not an error.
        sys.stderr.close()
        return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

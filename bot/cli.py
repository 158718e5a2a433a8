"""``careerbot``: the terminal face of the bot. Thin: parse, call the core, print.

Domain errors (an invalid KB, an unknown role) become one clear line and a non-zero
exit code; tracebacks are for bugs only.

Every command takes its configuration from one :class:`~bot.settings.Settings` (the
environment over ``./.env``) and passes the values down, so ``run``, ``health``,
``report`` and ``eval`` agree on the database and the knowledge base.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import textwrap
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

from bot.core.knowledge import Knowledge, KnowledgeError, kb_stats, load_knowledge
from bot.settings import Settings, SettingsError

if TYPE_CHECKING:
    from bot.core.answering.engine import Engine
    from bot.core.answering.reply import Reply
    from bot.core.answering.trace import Trace


class CliError(Exception):
    """A user-facing error: printed as one line, exit code ``code``."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (exit 2), like every other bad input:
    the full usage block buries the one thing that was wrong."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


MAX_REPORT_DAYS = 36_500
"""A century: more than any retention, and ``days * 86400`` stays a sane float."""
MAX_REPORT_ROWS = 1_000
"""Rows per report section; more is a dump, not a report (``--json`` has it all)."""
MAX_MIN_VOTES = 1_000_000
MAX_GUILD_ID = 2**63 - 1
"""Discord ids are 64-bit snowflakes, but the time in their top bits keeps them below
2**63 until 2084; SQLite and PostgreSQL store them as signed 64-bit integers, so no
larger id can be in the database."""


def _whole_number(what: str, low: int, high: int) -> Callable[[str], int]:
    """An argparse ``type`` that accepts a whole number from ``low`` to ``high``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:  # also a number too long to convert
            value = None
        if value is None or not low <= value <= high:
            shown = text if len(text) <= 24 else f"{text[:20]}..."
            raise argparse.ArgumentTypeError(f"expected {what} from {low} to {high}, got {shown!r}")
        return value

    return parse


def _settings(args: argparse.Namespace) -> Settings:
    """This command's settings, read on first use and kept for the rest of the command.

    Lazily, so a command given everything on its command line (``kb validate DIR``)
    still runs beside a broken ``.env``. A bad value is one line and exit 2, as for
    ``careerbot run``.
    """
    if args.settings is None:
        try:
            args.settings = Settings.from_env()
        except SettingsError as exc:
            raise CliError(str(exc), code=2) from None
    return args.settings


def _kb_dir(args: argparse.Namespace) -> Path | str | None:
    """The knowledge directory: the command's DIR or ``--kb``, else
    ``CAREERBOT_KNOWLEDGE_DIR``, else None (the KB shipped with the package)."""
    explicit = args.dir if args.command == "kb" and args.dir is not None else args.kb
    return explicit if explicit is not None else _settings(args).knowledge_dir


def _knowledge(args: argparse.Namespace) -> Knowledge:
    try:
        return load_knowledge(_kb_dir(args))
    except KnowledgeError as exc:
        raise CliError(str(exc)) from None


# ---------------------------------------------------------------------------- kb


def _kb_validate(args: argparse.Namespace) -> int:
    try:
        knowledge = load_knowledge(_kb_dir(args))
    except KnowledgeError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(
        f"ok: {len(knowledge.entries)} entries, {len(knowledge.topics)} topics, "
        f"{len(knowledge.roles)} roles in {knowledge.directory}"
    )
    return 0


def _kb_stats(args: argparse.Namespace) -> int:
    knowledge = _knowledge(args)
    stats = kb_stats(knowledge)
    print(f"{stats.entries} entries, {stats.phrasings} phrasings\n")

    print("Entries by topic:")
    for topic_id, count in stats.by_topic:
        print(f"  {topic_id:<16} {count:>4}")

    print("\nEntries by role:")
    for roles, count in stats.by_role:
        print(f"  {roles:<28} {count:>4}")

    print("\nCitations by section (entries citing each paragraph):")
    for section in stats.sections:
        cells = (
            f"¶{p}:{'promo' if n is None else n}" for p, n in enumerate(section.cited, start=1)
        )
        print(f"  {section.title:<45} {' '.join(cells)}")
    holes = stats.uncited
    print(
        "\nUncited non-promotional paragraphs: "
        + (", ".join(f"{c.section} ¶{c.paragraph}" for c in holes) if holes else "none")
    )

    print("\nRoles × topics (entries about one role; 'both' = comparison entries; '--' = hole):")
    print(f"  {'topic':<16}" + "".join(f"{r.short:>8}" for r in knowledge.roles) + f"{'both':>8}")
    for row in stats.grid:
        cells = (
            f"{'--':>8}" if role.id in row.holes else f"{n:>8}"
            for role, n in zip(knowledge.roles, row.per_role, strict=True)
        )
        print(f"  {row.topic:<16}" + "".join(cells) + f"{row.both:>8}")
    grid_holes = stats.grid_holes
    print("\nRole × topic holes: " + (", ".join(grid_holes) if grid_holes else "none"))
    return 0


def _kb_export(args: argparse.Namespace) -> int:
    knowledge = _knowledge(args)
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
        return Engine.load(_kb_dir(args))
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


def _print_trace(trace: Trace, out: TextIO | None = None) -> None:
    out = out or sys.stdout
    out.write(textwrap.indent(trace.render(), "  ") + "\n\n")


def _ask(args: argparse.Namespace) -> int:
    engine = _engine(args)
    for question in args.question:
        if args.explain and not args.json:
            response = engine.respond(question)
            print(f"? {response.reply.question}")
            _print_trace(response.trace)
            _print_reply(response.reply, False)
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
    if not args.json:
        _print_chart_hint(reply, engine.knowledge, args.kb)
    return 0 if reply.status == "compared" else 1


CHARTS = ("salary", "career-path")
"""``careerbot chart`` choices (``bot.charts.render.KINDS``, not imported: it is slow)."""


def _print_chart_hint(reply: Reply, knowledge: Knowledge, kb: str | None) -> None:
    """Where the picture of a comparison is: ``careerbot chart`` draws it (not drawn
    here, which would make every comparison wait for matplotlib)."""
    from bot.charts.choice import chart_kind
    from bot.charts.render import FILENAMES, INSTALL_HINT, charts_available

    kind = chart_kind(reply, knowledge)
    if kind is None:
        return
    command = f"careerbot chart {kind}" + (f" --kb {kb}" if kb else "")
    needs = "" if charts_available() else f" (after {INSTALL_HINT})"
    print(f"Chart: `{command}`{needs} writes it to ./{FILENAMES[kind]}\n")


def _chart(args: argparse.Namespace) -> int:
    """Draw a chart into a PNG file: the same picture Discord shows."""
    from bot.charts.render import FILENAMES, ChartsUnavailableError, NoFiguresError, render_chart

    knowledge = _knowledge(args)
    path = Path(args.output) if args.output is not None else Path(FILENAMES[args.kind])
    if path.is_dir():
        example = path / FILENAMES[args.kind]
        raise CliError(f"-o {path}: is a directory; name a file, e.g. {example}", 2)
    try:
        chart = render_chart(args.kind, knowledge)
    except (ChartsUnavailableError, NoFiguresError) as exc:
        raise CliError(str(exc)) from None
    try:
        path.write_bytes(chart.png)
    except OSError as exc:
        raise CliError(f"cannot write {path}: {exc.strerror or exc}") from None
    print(f"Wrote the {args.kind} chart to {path.resolve()} ({len(chart.png) / 1024:.0f} KB).")
    print(chart.description)
    return 0


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


def _fit(args: argparse.Namespace) -> int:
    """The /fit quiz in the terminal: interactively, or ``--answers 2,1,1,3,2,1``."""
    engine = _engine(args)
    quiz = engine.knowledge.fit.quiz
    if args.answers is not None:
        parts = [p.strip() for p in args.answers.split(",")]
        if not all(p.isascii() and p.isdigit() for p in parts):
            raise CliError("--answers: comma-separated option numbers, e.g. 2,1,1,3,2,1", 2)
        answers = [int(p) for p in parts]
    else:
        answers = []
        lines = iter(_lines(sys.stdin))
        for n, question in enumerate(quiz, start=1):
            print(f"\n{n}/{len(quiz)}  {question.question}")
            for k, option in enumerate(question.options, start=1):
                print(f"  {k}. {option.label}")
            while True:
                if sys.stdin.isatty():
                    try:
                        raw = input("> ")
                    except EOFError:
                        return 130
                else:
                    raw = next(lines, "")
                    if not raw:
                        raise CliError(f"the quiz needs {len(quiz)} answers on stdin", 2)
                raw = raw.strip()
                if raw.isascii() and raw.isdigit() and 1 <= int(raw) <= len(question.options):
                    answers.append(int(raw))
                    break
                print(f"  answer with a number from 1 to {len(question.options)}")
        print()
    try:
        reply = engine.quiz_result(answers)
    except ValueError as exc:
        raise CliError(f"--answers: {exc}", 2) from None
    _print_reply(reply, args.json)
    return 0


def _eval(args: argparse.Namespace) -> int:
    from bot.core.answering.evaluation import PARTS, default_eval_dir, evaluate, render

    if args.part and args.part not in PARTS:
        raise CliError(f"unknown part {args.part!r}: use one of {', '.join(PARTS)}", code=2)
    directory = Path(args.dir) if args.dir else default_eval_dir()
    if not (directory / "dev.yaml").is_file():
        raise CliError(f"no evaluation set in {directory} (pass --dir)")
    results = evaluate(_engine(args), directory, [args.part] if args.part else PARTS)
    if args.json:
        print(json.dumps([r.to_json() for r in results], ensure_ascii=False, indent=2))
    else:
        print(
            render(results, show_failures=not args.quiet, show_heldout=args.show_heldout_failures)
        )
    return 0


# ---------------------------------------------------------------------------- operations


def _run(args: argparse.Namespace) -> int:
    from bot.runner import run

    return run(_settings(args))


def _report(args: argparse.Namespace) -> int:
    import asyncio

    from bot.core.reporting.report import ReportError, build_report
    from bot.report_view import render_text, to_json

    knowledge = _knowledge(args)
    settings = _settings(args)
    try:
        report = asyncio.run(
            build_report(
                args.db or settings.database,
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
    from bot.health import check_health, heartbeat_path

    settings = _settings(args)
    db = Path(args.db) if args.db else settings.db_path
    problems = check_health(
        knowledge_dir=_kb_dir(args),
        db_path=db,
        heartbeat_file=heartbeat_path(db, settings.heartbeat_file),
        database_url=None if args.db else settings.database_url,
    )
    for problem in problems:
        print(f"unhealthy: {problem}", file=sys.stderr)
    if not problems:
        print("healthy")
    return 1 if problems else 0


# ---------------------------------------------------------------------------- parser


DB_HELP = (
    "database file (default: the PostgreSQL database at CAREERBOT_DATABASE_URL if set, "
    "else CAREERBOT_DB or ./careerbot.sqlite3)"
)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="careerbot",
        description="Data Scientist vs ML Engineer career answers, with citations.",
    )
    parser.set_defaults(settings=None)  # filled in by _settings() on first use
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
            "dir",
            nargs="?",
            default=None,
            help="knowledge directory (default: CAREERBOT_KNOWLEDGE_DIR or the shipped KB)",
        )
        sub.set_defaults(func=func)

    ask = commands.add_parser("ask", help="answer each question independently")
    ask.add_argument("question", nargs="+", help="one or more questions (quote each)")
    ask.add_argument("--json", action="store_true", help="one JSON object per line (stable keys)")
    ask.add_argument(
        "--explain", action="store_true", help="show each stage and the rule that decided"
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

    chart = commands.add_parser("chart", help="save the salary or career-path chart as a PNG")
    chart.add_argument("kind", choices=CHARTS, help="which chart")
    chart.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="where to write it (default: salary-ranges.png or career-ladders.png here)",
    )
    chart.add_argument("--kb", help="knowledge directory (default: shipped KB)")
    chart.set_defaults(func=_chart)

    fit = commands.add_parser("fit", help="the 'which role fits me?' quiz, every answer cited")
    fit.add_argument(
        "--answers", metavar="N,N,...", help="answer non-interactively (option numbers)"
    )
    fit.add_argument("--json", action="store_true", help="print the result as --json does")
    fit.add_argument("--kb", help="knowledge directory (default: shipped KB)")
    fit.set_defaults(func=_fit)

    evaluate = commands.add_parser("eval", help="answer quality on the dev and held-out sets")
    evaluate.add_argument(
        "--dir", help="directory with dev.yaml and heldout.yaml (default tests/eval)"
    )
    evaluate.add_argument(
        "--part",
        metavar="PART",
        help="only one part: dev, heldout, real-dev, real-heldout (questions copied from "
        "public pages), fit-dev or fit-heldout (self-descriptions asking which role fits)",
    )
    evaluate.add_argument("--json", action="store_true")
    evaluate.add_argument("--quiet", action="store_true", help="figures only, no failure list")
    evaluate.add_argument(
        "--show-heldout-failures",
        action="store_true",
        help="also list the held-out parts' failures (not while tuning: that would make "
        "them dev sets)",
    )
    evaluate.set_defaults(func=_eval)

    run = commands.add_parser(
        "run", help="start the Discord bot (token from DISCORD_TOKEN or .env)"
    )
    run.set_defaults(func=_run)

    report = commands.add_parser("report", help="unanswered questions and worst-rated entries")
    report.add_argument("--db", help=DB_HELP)
    report.add_argument(
        "--guild",
        type=_whole_number("a Discord server id", 1, MAX_GUILD_ID),
        help="only this server (its id)",
    )
    report.add_argument(
        "--days",
        type=_whole_number("a number of days", 1, MAX_REPORT_DAYS),
        help=f"only the last N days (1-{MAX_REPORT_DAYS})",
    )
    report.add_argument(
        "--limit",
        type=_whole_number("a number of rows", 1, MAX_REPORT_ROWS),
        default=20,
        help=f"rows per section (default 20, at most {MAX_REPORT_ROWS})",
    )
    report.add_argument(
        "--min-votes",
        type=_whole_number("a number of votes", 1, MAX_MIN_VOTES),
        default=3,
        help="votes before an entry is ranked (default 3)",
    )
    report.add_argument("--json", action="store_true")
    report.set_defaults(func=_report)

    health = commands.add_parser(
        "health", help="exit 0 if the KB loads, the DB is writable and the bot is alive"
    )
    health.add_argument("--db", help=DB_HELP)
    health.set_defaults(func=_health)

    kb_and_others = (*kb_commands.choices.values(), ask, chat, compare, role, topics, evaluate)
    for sub in (*kb_and_others, report, health):
        sub.add_argument(
            "--kb",
            default=None,
            help="knowledge directory (default: CAREERBOT_KNOWLEDGE_DIR or the shipped KB)",
        )
    return parser


def _tolerate_bad_bytes() -> None:
    """Bytes that are not UTF-8 on stdin become U+FFFD instead of a crash, and nothing
    written can fail on a stray surrogate, even under strict UTF-8 I/O."""
    for stream in (sys.stdin, sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(errors="replace")  # type: ignore[union-attr]


def main(argv: Sequence[str] | None = None) -> int:
    _tolerate_bad_bytes()
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

"""``careerbot``: the terminal face of the bot. Thin: parse, call the core, print.

Domain errors (an invalid KB, an unknown role) become one clear line and a non-zero
exit code; tracebacks are for bugs only.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Callable, Sequence

from bot.core.knowledge import Knowledge, KnowledgeError, load_knowledge, uncited_paragraphs


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
        sub.add_argument("dir", nargs="?", default=None, help="knowledge directory (default: shipped KB)")
        sub.set_defaults(func=func)

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


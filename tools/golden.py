"""Record or check every eval set's per-question outputs (the refactoring guard).

``python tools/golden.py record`` writes tests/eval/golden.json; ``check`` replays
the sets and lists every question whose status, entries, citations, confidence or
text differ from the recording. A redesign that must not change behaviour is done
when ``check`` prints nothing.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.core.answering.engine import Engine
from bot.core.answering.evaluation import default_eval_dir, load_cases

GOLDEN = default_eval_dir() / "golden.json"


def outputs() -> dict[str, list[dict[str, object]]]:
    engine = Engine.load()
    out: dict[str, list[dict[str, object]]] = {}
    directory = default_eval_dir()
    for path in sorted(directory.rglob("*.yaml")):
        rows: list[dict[str, object]] = []
        for n, turns in enumerate(load_cases(path)):
            key = ("golden", str(path), n)
            for case in turns:
                reply = engine.ask(case.question, conversation=key)
                rows.append(
                    {
                        "q": case.question,
                        "status": reply.status,
                        "entries": list(reply.entries),
                        "citations": [f"{c.section}¶{c.paragraph}" for c in reply.citations],
                        "confidence": round(reply.confidence, 4),
                        "text": reply.text,
                    }
                )
            engine.conversations.forget(key)
        out[path.relative_to(directory).as_posix()] = rows
    return out


def main(argv: list[str]) -> int:
    mode = argv[1] if len(argv) > 1 else "check"
    now = outputs()
    if mode == "record":
        GOLDEN.write_text(json.dumps(now, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"recorded {sum(map(len, now.values()))} questions to {GOLDEN}")
        return 0
    then = json.loads(GOLDEN.read_text(encoding="utf-8"))
    diffs = 0
    for name, rows in then.items():
        for old, new in zip(rows, now.get(name, []), strict=False):
            changed = [k for k in old if old[k] != new.get(k)]
            if changed:
                diffs += 1
                print(f"{name}: {old['q']!r}: {', '.join(changed)}")
                for k in changed:
                    if k != "text":
                        print(f"    {k}: {old[k]} -> {new.get(k)}")
        if len(rows) != len(now.get(name, [])):
            diffs += 1
            print(f"{name}: {len(rows)} questions recorded, {len(now.get(name, []))} now")
    print(f"{diffs} differences")
    return 1 if diffs else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))

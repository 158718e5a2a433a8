"""Fit the confidence curve on the DEV parts only (never a held-out part).

For every question of our dev sets and of the real-question dev set that reaches the
decide stage's confidence rule, read the strength and the explained share from the
answer's trace and record whether answering with the top candidate would have been
right; print a reliability table and the logistic fit (Platt scaling) whose two
numbers go into ``Policy.calibration_slope`` / ``calibration_midpoint``. Fitting on
both parts makes 0.9 mean about nine in ten right on real questions too; each part
weighs the same in the fit however many questions it has, so our own (larger) sets do
not outvote the questions real people wrote.
"""

import itertools
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.core.answering.engine import Engine
from bot.core.answering.evaluation import default_eval_dir, judge, load_cases, part_files

PARTS = ("dev", "real-dev")
rows = []
engine = Engine.load()
exponent = engine.policy.explained_exponent
conversations = [
    c for part in PARTS for f in part_files(default_eval_dir(), part) for c in load_cases(f)
]
parts = [
    part for part in PARTS for f in part_files(default_eval_dir(), part) for _ in load_cases(f)
]
for n, (part, conv) in enumerate(zip(parts, conversations, strict=True)):
    for case in conv:
        response = engine.respond(case.question, conversation=n)
        strength = response.trace.get("decide", "strength")
        if strength is None or case.expect == "smalltalk":
            continue
        raw = strength * response.trace.get("decide", "explained", 1.0) ** exponent
        reply = response.reply
        # Would answering with the top candidate have been right? (A clarify's first
        # option is that candidate.)
        forced = reply
        if reply.status == "clarify" and reply.entries:
            forced = engine.answer_entry(reply.entries[0])
        ok = case.expect == "in_scope" and judge(case, forced, engine.knowledge)[0]
        rows.append((raw, ok, case.expect, case.question, reply.status, part))

rows.sort()
sizes = {part: sum(r[5] == part for r in rows) for part in PARTS}
weight = {part: len(rows) / (len(PARTS) * n) for part, n in sizes.items() if n}
print(f"{len(rows)} questions reached the confidence rule")
bins = [0, 0.2, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.8, 10]
for lo, hi in itertools.pairwise(bins):
    group = [r for r in rows if lo <= r[0] < hi]
    if group:
        right = sum(r[1] for r in group)
        off = sum(r[2] == "declined" for r in group)
        print(
            f"raw {lo:4.2f}-{hi:4.2f}: n={len(group):3}  "
            f"right={right / len(group):4.0%}  off-topic={off}"
        )

# Platt scaling by gradient descent: P(right) = 1 / (1 + exp(-a (raw - b)))
a, b = 8.0, 0.4
for _ in range(20000):
    ga = gb = 0.0
    for raw, ok, *_, part in rows:
        p = 1 / (1 + math.exp(-a * (raw - b)))
        ga += weight[part] * (p - ok) * (raw - b)
        gb += weight[part] * (p - ok) * (-a)
    a -= 0.05 * ga / len(rows)
    b -= 0.05 * gb / len(rows)
print(f"fit: calibration_slope={a:.2f} calibration_midpoint={b:.3f}")
for raw, ok, expect, q, status, _ in rows:
    if (expect == "declined" and raw > 0.3) or (expect == "in_scope" and ok and raw < 0.4):
        print(f"  {raw:5.3f} {'ok ' if ok else 'bad'} {expect:8} {status:9} {q}")

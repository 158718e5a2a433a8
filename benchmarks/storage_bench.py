"""Storage write latency: 10,000 votes through ``SqliteStore``'s async API.

    python benchmarks/storage_bench.py                     # FULL and NORMAL, 1 and 50 voters
    python benchmarks/storage_bench.py --votes 10000 --concurrency 1 50 200 --sync FULL

Latency is the time one ``await store.record_feedback(...)`` takes, i.e. until the vote
is committed. "1 voter" awaits votes one after another (every vote pays its own commit
and fsync); "N voters" runs N tasks at once, as when a popular answer gets a burst of
clicks, and group commit shares each fsync across the queued votes. "loop lag" is the
worst delay of a 5 ms ticker on the same event loop during the run: it shows whether
storage ever stalls the gateway heartbeat. Numbers are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.core.storage.sqlite import SqliteStore, Synchronous  # noqa: E402


@dataclass(frozen=True, slots=True)
class Result:
    sync: str
    concurrency: int
    votes: int
    p50: float
    p99: float
    worst: float
    seconds: float
    loop_lag: float
    failed: int

    @property
    def throughput(self) -> float:
        return self.votes / self.seconds


def percentile(samples: Sequence[float], q: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


async def measure(path: Path, votes: int, concurrency: int, sync: Synchronous) -> Result:
    store = SqliteStore(path, synchronous=sync)
    await store.wait_ready()
    latencies: list[float] = []
    counter = itertools.count()
    lag = 0.0
    running = True

    async def ticker() -> None:
        nonlocal lag
        while running:
            start = time.perf_counter()
            await asyncio.sleep(0.005)
            lag = max(lag, time.perf_counter() - start - 0.005)

    async def voter() -> None:
        while (i := next(counter)) < votes:
            start = time.perf_counter()
            await store.record_feedback(f"entry-{i % 185}", 1 if i % 3 else -1, 1234567890)
            latencies.append((time.perf_counter() - start) * 1000)

    tick = asyncio.create_task(ticker())
    began = time.perf_counter()
    await asyncio.gather(*(voter() for _ in range(concurrency)))
    elapsed = time.perf_counter() - began
    running = False
    await tick
    await store.close()
    return Result(
        sync=sync,
        concurrency=concurrency,
        votes=len(latencies),
        p50=statistics.median(latencies),
        p99=percentile(latencies, 99),
        worst=max(latencies),
        seconds=elapsed,
        loop_lag=lag * 1000,
        failed=store.failed_writes,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--votes", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 50])
    parser.add_argument("--sync", nargs="+", default=["FULL", "NORMAL"], choices=["FULL", "NORMAL"])
    parser.add_argument("--dir", type=Path, help="where to put the database (default: a temp dir)")
    args = parser.parse_args(argv)

    results: list[Result] = []
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        for n, (sync, concurrency) in enumerate(itertools.product(args.sync, args.concurrency)):
            path = Path(tmp) / f"bench-{n}.sqlite3"
            results.append(asyncio.run(measure(path, args.votes, concurrency, sync)))

    header = (
        f"{'synchronous':<11} {'voters':>6} {'votes':>6} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'max ms':>8} {'votes/s':>9} {'loop lag ms':>11} {'failed':>6}"
    )
    print(
        f"SqliteStore.record_feedback, {args.votes} votes per row, Python {sys.version.split()[0]}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        print(
            f"{r.sync:<11} {r.concurrency:>6} {r.votes:>6} {r.p50:>8.3f} {r.p99:>8.3f} "
            f"{r.worst:>8.2f} {r.throughput:>9.0f} {r.loop_lag:>11.2f} {r.failed:>6}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

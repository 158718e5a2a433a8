"""Storage write throughput and latency: votes through the bot's own store, on SQLite and
PostgreSQL, from 1 and from 2 processes writing to one database at once.

    python benchmarks/storage_bench.py                       # SQLite, and a throwaway PostgreSQL
    python benchmarks/storage_bench.py --votes 5000 --voters 1 20 --processes 1 2
    python benchmarks/storage_bench.py --backend postgresql --postgres-url postgresql://u@host/benchdb
    python benchmarks/storage_bench.py --backend sqlite --sqlite-sync FULL NORMAL

Each process opens the store ``careerbot run`` opens (``SqliteStore`` on a file,
``PostgresStore`` with its connection pool) and runs ``--voters`` tasks that record
votes as fast as they can, ``--votes`` per process. Latency is the time one
``await store.record_feedback(...)`` takes, i.e. until the vote is committed. "1 voter"
awaits votes one after another (every vote pays its own commit); "N voters" is a burst of
clicks on a popular answer. With 2 processes, both open the store, meet at a barrier and
then write at once, as two shard processes do; votes/s is every vote of every process
over the wall time from the barrier to the last one done. "loop lag" is the worst delay
of a 5 ms ticker on a writer's event loop: whether storage ever stalls the gateway
heartbeat. Each row is measured ``--repeat`` times, on a fresh database each time and
round the rows, because a shared machine is noisy: votes/s is the median trial, the
latencies are every trial's votes together.

Without ``--postgres-url`` a throwaway cluster is started with the test suite's helper
(``tests/pg_cluster.py``), in a temporary directory, on the same disk as the SQLite
file, and removed afterwards; the suite's cluster turns ``fsync`` off (its data is
thrown away), which a benchmark must not, so here it stays on, like SQLite's
``synchronous=FULL``. A ``--postgres-url`` database receives thousands of test votes:
give it one made for benchmarking. Numbers are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import multiprocessing
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing.synchronize import Barrier
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.core.storage.selection import Database, DurableStore  # noqa: E402
from bot.core.storage.sqlite import SqliteStore, Synchronous  # noqa: E402

BACKENDS = ("sqlite", "postgresql")
ENTRIES = 185  # about the knowledge base's size: votes spread over real-sized tables
WARM_UP = 10  # unmeasured votes per voter before the start


@dataclass(frozen=True, slots=True)
class Target:
    """One database to write to, as a child process can rebuild it (picklable)."""

    backend: str
    path: Path | None = None
    url: str | None = None
    sync: Synchronous = "FULL"

    @property
    def label(self) -> str:
        return f"SQLite (synchronous={self.sync})" if self.backend == "sqlite" else "PostgreSQL"

    def store(self) -> DurableStore:
        if self.path is not None:
            return SqliteStore(self.path, synchronous=self.sync)
        assert self.url is not None
        return Database(Path("unused"), url=self.url).store()


@dataclass(frozen=True, slots=True)
class Run:
    """What one writer process measured."""

    latencies_ms: list[float]
    began: float  # time.monotonic(): one clock for every process on a machine
    ended: float
    loop_lag_ms: float
    failed: int


def throughput(trial: Sequence[Run]) -> float:
    """Votes per second of one trial: every process's votes over the wall time."""
    seconds = max(r.ended for r in trial) - min(r.began for r in trial)
    return sum(len(r.latencies_ms) for r in trial) / seconds


@dataclass(slots=True)
class Row:
    """One configuration, measured ``--repeat`` times on a fresh database each time."""

    backend: str
    sync: Synchronous
    processes: int
    voters: int
    trials: list[list[Run]] = field(default_factory=list)

    @property
    def label(self) -> str:
        return Target(self.backend, sync=self.sync).label

    def cells(self) -> list[str]:
        runs = [run for trial in self.trials for run in trial]
        votes = [ms for run in runs for ms in run.latencies_ms]
        return [
            self.label,
            str(self.processes),
            str(self.voters),
            str(len(votes)),
            f"{statistics.median(throughput(t) for t in self.trials):,.0f}",
            f"{statistics.median(votes):.2f}",
            f"{percentile(votes, 99):.2f}",
            f"{max(votes):.1f}",
            f"{max(r.loop_lag_ms for r in runs):.1f}",
            str(sum(r.failed for r in runs)),
        ]


HEADER = [
    "backend",
    "processes",
    "voters/process",
    "votes",
    "votes/s",
    "p50 ms",
    "p99 ms",
    "max ms",
    "loop lag ms",
    "failed",
]


def percentile(samples: Sequence[float], q: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


async def measure(target: Target, votes: int, voters: int, seed: int) -> Run:
    """Open the store and warm it up, wait for the other writers, then record ``votes``
    votes. The warm-up (unmeasured) lets the pool open the connections a burst of
    ``voters`` needs: a running bot has them, a fresh benchmark would time their set-up."""
    store = target.store()
    if not await store.wait_ready():
        raise SystemExit(f"storage_bench: cannot open {target.label}")
    latencies: list[float] = []
    lag = 0.0
    running = True

    async def ticker() -> None:
        nonlocal lag
        while running:
            tick = time.perf_counter()
            await asyncio.sleep(0.005)
            lag = max(lag, time.perf_counter() - tick - 0.005)

    async def voter(counter: Iterator[int], count: int, timed: list[float]) -> None:
        while (i := next(counter)) < count:
            began = time.perf_counter()
            entry = f"entry-{(i + seed) % ENTRIES}"
            await store.record_feedback(entry, 1 if i % 3 else -1, 1234567890)
            timed.append((time.perf_counter() - began) * 1000)

    warm = itertools.count()
    await asyncio.gather(*(voter(warm, WARM_UP * voters, []) for _ in range(voters)))
    assert _start is not None
    _start.wait()  # every process connected and ready: now they write at once
    tick = asyncio.create_task(ticker())
    began = time.monotonic()
    counter = itertools.count()
    await asyncio.gather(*(voter(counter, votes, latencies) for _ in range(voters)))
    ended = time.monotonic()
    running = False
    await tick
    await store.close()
    return Run(latencies, began, ended, lag * 1000, store.failed_writes)


_start: Barrier | None = None
"""The writers' starting line; a barrier can only reach a process as it starts."""


def _at_start(barrier: Barrier) -> None:
    global _start
    _start = barrier


def writer(target: Target, votes: int, voters: int, seed: int) -> Run:
    """A process's whole life: one event loop, one store, like one shard process."""
    return asyncio.run(measure(target, votes, voters, seed))


def run_trial(target: Target, processes: int, voters: int, votes: int) -> list[Run]:
    """``processes`` fresh interpreters (spawned, as shard processes are) writing at once."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(processes)
    with ProcessPoolExecutor(processes, context, _at_start, (barrier,)) as pool:
        pending = [pool.submit(writer, target, votes, voters, n * 61) for n in range(processes)]
        return [p.result(timeout=600) for p in pending]


def migrate(target: Target) -> None:
    """Create the schema once, so the writers measure votes and not a migration race."""

    async def open_and_close() -> None:
        store = target.store()
        if not await store.wait_ready():
            raise SystemExit(f"storage_bench: cannot open {target.label}")
        await store.close()

    asyncio.run(open_and_close())


@contextlib.contextmanager
def postgres_urls(url: str | None) -> Iterator[Callable[[], str]]:
    """A function giving a database URL per row: ``url`` itself, or a fresh database
    on a throwaway cluster with ``fsync`` on."""
    if url is not None:
        yield lambda: url
        return
    from tests import pg_cluster

    # The suite's cluster trades durability for speed; measured, it must not.
    pg_cluster.SETTINGS = tuple(
        s for s in pg_cluster.SETTINGS if not s.startswith(("fsync=", "full_page_writes="))
    )
    try:
        cluster = pg_cluster.start_cluster()
    except pg_cluster.ClusterUnavailableError as exc:
        raise SystemExit(f"storage_bench: no PostgreSQL ({exc}); pass --postgres-url") from None
    try:
        yield cluster.new_database
    finally:
        cluster.stop()


def durability(url: str) -> str:
    """What the PostgreSQL server promises about a commit, as it says itself."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        shown = [
            f"{name}={conn.execute(f'SHOW {name}').fetchone()[0]}"  # type: ignore[index]
            for name in ("fsync", "synchronous_commit", "full_page_writes")
        ]
    return "PostgreSQL " + ", ".join(shown)


def markdown(rows: Sequence[Row]) -> str:
    lines = [HEADER, ["---"] * len(HEADER), *(row.cells() for row in rows)]
    return "\n".join("| " + " | ".join(cells) + " |" for cells in lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", nargs="+", default=list(BACKENDS), choices=BACKENDS)
    parser.add_argument("--votes", type=int, default=2_000, help="votes per process")
    parser.add_argument("--voters", type=int, nargs="+", default=[1, 20], help="per process")
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    parser.add_argument(
        "--sqlite-sync", nargs="+", default=["FULL"], choices=["FULL", "NORMAL", "OFF"]
    )
    parser.add_argument("--repeat", type=int, default=3, help="trials per row (default 3)")
    parser.add_argument("--postgres-url", help="an existing database to write to")
    parser.add_argument("--dir", type=Path, help="where to put SQLite files (default: temp)")
    args = parser.parse_args(argv)
    if min(args.votes, args.repeat, *args.voters, *args.processes) < 1:
        parser.error("--votes, --repeat, --voters and --processes must be at least 1")

    kinds = [("sqlite", sync) for sync in args.sqlite_sync if "sqlite" in args.backend]
    kinds += [("postgresql", "FULL")] if "postgresql" in args.backend else []
    rows = [
        Row(backend, sync, processes, voters)
        for (backend, sync), processes, voters in itertools.product(
            kinds, args.processes, args.voters
        )
    ]
    notes: list[str] = []
    with contextlib.ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(dir=args.dir)))
        if "postgresql" in args.backend:
            new_url = stack.enter_context(postgres_urls(args.postgres_url))
        # Trials go round the rows, so a burst of noise from the machine's other work
        # spreads over every row instead of spoiling one.
        for n, row in enumerate(rows * args.repeat):
            # A fresh database per trial: none starts with another's rows.
            target = (
                Target(row.backend, path=tmp / f"bench-{n}.sqlite3", sync=row.sync)
                if row.backend == "sqlite"
                else Target(row.backend, url=new_url())
            )
            migrate(target)
            row.trials.append(run_trial(target, row.processes, row.voters, args.votes))
            done = f"{row.label}, {row.processes} x {row.voters}"
            print(f"  {done}: {throughput(row.trials[-1]):,.0f} votes/s", file=sys.stderr)
            if target.url is not None:
                notes = [durability(target.url)]

    print(
        f"Store.record_feedback, {args.votes} votes per process, {args.repeat} trials per row "
        "(votes/s: the median trial; latencies: all trials), "
        f"Python {sys.version.split()[0]}, {multiprocessing.cpu_count()} CPUs"
    )
    print(*notes, sep="\n", end="\n\n")
    print(markdown(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

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
heartbeat.

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
from dataclasses import dataclass
from multiprocessing.synchronize import Barrier
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.core.storage.selection import Database, DurableStore  # noqa: E402
from bot.core.storage.sqlite import SqliteStore, Synchronous  # noqa: E402

BACKENDS = ("sqlite", "postgresql")
ENTRIES = 185  # about the knowledge base's size: votes spread over real-sized tables


@dataclass(frozen=True, slots=True)
class Target:
    """One database to write to, as a child process can rebuild it (picklable)."""

    backend: str
    path: Path | None = None
    url: str | None = None
    sync: Synchronous = "FULL"

    @property
    def label(self) -> str:
        return f"SQLite (synchronous={self.sync})" if self.path else "PostgreSQL"

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


@dataclass(frozen=True, slots=True)
class Row:
    target: Target
    processes: int
    voters: int
    runs: list[Run]

    @property
    def latencies(self) -> list[float]:
        return [ms for run in self.runs for ms in run.latencies_ms]

    @property
    def seconds(self) -> float:
        return max(r.ended for r in self.runs) - min(r.began for r in self.runs)

    def cells(self) -> list[str]:
        votes = self.latencies
        return [
            self.target.label,
            str(self.processes),
            str(self.voters),
            str(len(votes)),
            f"{len(votes) / self.seconds:,.0f}",
            f"{statistics.median(votes):.2f}",
            f"{percentile(votes, 99):.2f}",
            f"{max(votes):.1f}",
            f"{max(r.loop_lag_ms for r in self.runs):.1f}",
            str(sum(r.failed for r in self.runs)),
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
    """Open the store, wait for the other writers, then record ``votes`` votes."""
    store = target.store()
    if not await store.wait_ready():
        raise SystemExit(f"storage_bench: cannot open {target.label}")
    latencies: list[float] = []
    counter = itertools.count()
    lag = 0.0
    running = True

    async def ticker() -> None:
        nonlocal lag
        while running:
            tick = time.perf_counter()
            await asyncio.sleep(0.005)
            lag = max(lag, time.perf_counter() - tick - 0.005)

    async def voter() -> None:
        while (i := next(counter)) < votes:
            began = time.perf_counter()
            entry = f"entry-{(i + seed) % ENTRIES}"
            await store.record_feedback(entry, 1 if i % 3 else -1, 1234567890)
            latencies.append((time.perf_counter() - began) * 1000)

    assert _start is not None
    _start.wait()  # every process connected and ready: now they write at once
    tick = asyncio.create_task(ticker())
    began = time.monotonic()
    await asyncio.gather(*(voter() for _ in range(voters)))
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


def run_row(target: Target, processes: int, voters: int, votes: int) -> Row:
    """``processes`` fresh interpreters (spawned, as shard processes are) writing at once."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(processes)
    with ProcessPoolExecutor(processes, context, _at_start, (barrier,)) as pool:
        pending = [pool.submit(writer, target, votes, voters, n * 61) for n in range(processes)]
        runs = [p.result(timeout=600) for p in pending]
    return Row(target, processes, voters, runs)


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
    parser.add_argument("--postgres-url", help="an existing database to write to")
    parser.add_argument("--dir", type=Path, help="where to put SQLite files (default: temp)")
    args = parser.parse_args(argv)
    if min(args.votes, *args.voters, *args.processes) < 1:
        parser.error("--votes, --voters and --processes must be at least 1")

    rows: list[Row] = []
    kinds = [("sqlite", sync) for sync in args.sqlite_sync if "sqlite" in args.backend]
    kinds += [("postgresql", "FULL")] if "postgresql" in args.backend else []
    with contextlib.ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(dir=args.dir)))
        if "postgresql" in args.backend:
            new_url = stack.enter_context(postgres_urls(args.postgres_url))
        for (backend, sync), processes, voters in itertools.product(
            kinds, args.processes, args.voters
        ):
            # A fresh database per row: no row starts with another's tables.
            target = (
                Target(backend, path=tmp / f"bench-{len(rows)}.sqlite3", sync=sync)
                if backend == "sqlite"
                else Target(backend, url=new_url())
            )
            migrate(target)
            rows.append(run_row(target, processes, voters, args.votes))
            print(f"  {' | '.join(rows[-1].cells())}", file=sys.stderr, flush=True)
        urls = [r.target.url for r in rows if r.target.url]
        notes = [durability(urls[-1])] if urls else []

    print(
        f"Store.record_feedback, {args.votes} votes per process, "
        f"Python {sys.version.split()[0]}, {multiprocessing.cpu_count()} CPUs"
    )
    print(*notes, sep="\n", end="\n\n")
    print(markdown(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

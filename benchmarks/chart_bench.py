"""What the charts cost: render time per chart, and start-up, first answer and memory
(RSS) of the bot with charts on and off.

    python benchmarks/chart_bench.py            # 5 start-ups per mode, 20 warm renders
    python benchmarks/chart_bench.py --runs 9 --renders 50

Each start-up is a fresh process (so matplotlib's import is really paid), running the
production bot (:func:`bot.runner.build_bot`, real engine, in-memory store) against
:class:`tests.fakediscord.FakeDiscord` on loopback, as the end-to-end tests do:

* **ready**: from the process's first line to the bot being connected and ready
  (the KB load, the imports and the gateway handshake included);
* **first answer**: ``/compare salary`` dispatched right at ready → its callback, while
  (charts on) the charts are still being drawn in the worker thread;
* **charts drawn**: from the start to the rendered charts being cached;
* **answer with chart**: ``/compare salary`` once the chart is attached (upload included);
* **RSS**: the process's resident memory at ready and after the charts are drawn
  (the fake Discord and its parsed spec are in it, in both modes alike).

"Charts off" is the bot without matplotlib: :class:`bot.charts.cache.ChartCache`
disabled, as when the ``charts`` extra is not installed. Render times are measured in
a process of their own: the first render of each chart (matplotlib's import included
in the first) and the median of warm renders. Numbers are printed, never asserted.
"""

from __future__ import annotations

import time

_STARTED = time.perf_counter()  # before any import of ours: start-up counts from here

import argparse  # noqa: E402
import asyncio  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

MODES = ("on", "off")


def rss_mb() -> float:
    """Resident memory now (Linux), in MB."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 1e6


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6  # KiB on Linux


# ------------------------------------------------------------------ one start-up


async def start_up(charts_on: bool) -> dict[str, Any]:
    from bot.charts.cache import ChartCache
    from bot.core.answering.conversation import ConversationStore
    from bot.core.answering.engine import Engine
    from bot.core.storage.base import MemoryStore
    from bot.runner import build_bot
    from bot.settings import Settings
    from tests.fakediscord import FakeDiscord, FakeDiscordConfig, load_spec
    from tests.loadgen import redirected
    from tests.shared_files import SPEC, shared_path

    workdir = Path(tempfile.mkdtemp(prefix="chart-bench-"))
    config = FakeDiscordConfig()
    settings = Settings(
        token=config.token, sync_state=workdir / "sync", db_path=workdir / "db.sqlite3"
    )
    fake = FakeDiscord(load_spec(shared_path(*SPEC)), config)
    await fake.start()
    cache = ChartCache() if charts_on else ChartCache(enabled=False)
    try:
        with redirected(fake):
            engine = Engine.load(
                settings.knowledge_dir,
                conversations=ConversationStore(ttl=settings.conversation_ttl),
            )
            bot = build_bot(
                settings,
                engine,
                MemoryStore(),
                content_intent=False,
                charts=cache,
                guild_ready_timeout=0.05,
            )
            await fake.connect(bot, token=settings.token)
            ready = time.perf_counter() - _STARTED
            rss_ready = rss_mb()
            first, first_chart = await compare_salary(fake)
            drawn = await cache.wait(engine.knowledge)
            charts_at = time.perf_counter() - _STARTED if drawn else None
            second, second_chart = await compare_salary(fake)
            result = {
                "ready_s": ready,
                "first_answer_ms": first * 1000,
                "first_has_chart": first_chart,
                "charts_drawn_s": charts_at,
                "answer_ms": second * 1000,
                "answer_has_chart": second_chart,
                "rss_ready_mb": rss_ready,
                "rss_after_charts_mb": rss_mb(),
                "peak_rss_mb": peak_rss_mb(),
                "problems": list(fake.problems),
            }
            await bot.close()
    finally:
        await fake.stop()
        cache.close()
    return result


async def compare_salary(fake: Any) -> tuple[float, bool]:
    """``/compare salary``: seconds from dispatch to callback, and whether it had a chart."""
    begun = time.perf_counter()
    interaction = await fake.dispatch_slash("compare", {"topic": "salary"})
    await fake.wait_for_callback(interaction, timeout=30)
    took = time.perf_counter() - begun
    (call,) = [r for r in fake.records if r.path.startswith(f"/interactions/{interaction.id}/")]
    return took, bool(call.files)


# ------------------------------------------------------------------ render times


def render_times(renders: int) -> dict[str, Any]:
    from bot.charts.render import KINDS, render_chart
    from bot.core.knowledge import load_knowledge

    knowledge = load_knowledge()
    out: dict[str, Any] = {}
    for kind in KINDS:
        begun = time.perf_counter()
        chart = render_chart(kind, knowledge)
        out[f"{kind} first_ms"] = (time.perf_counter() - begun) * 1000
        out[f"{kind} bytes"] = len(chart.png)
    for kind in KINDS:
        times = []
        for _ in range(renders):
            begun = time.perf_counter()
            render_chart(kind, knowledge)
            times.append((time.perf_counter() - begun) * 1000)
        out[f"{kind} warm_ms"] = statistics.median(times)
    out["peak_rss_mb"] = peak_rss_mb()  # what a drawing process needs, matplotlib loaded
    return out


# ------------------------------------------------------------------ driver


def child(argv: Sequence[str]) -> int:
    logging.disable(logging.WARNING)  # discord.py's voice warnings are not the point
    mode = argv[0]
    renders = mode == "render"
    result = render_times(int(argv[1])) if renders else asyncio.run(start_up(mode == "on"))
    print(json.dumps(result))
    return 0


def run_child(*args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", *args],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        timeout=300,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def median(rows: list[dict[str, Any]], key: str) -> float | None:
    values = [r[key] for r in rows if r.get(key) is not None]
    return statistics.median(values) if values else None


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["--child"]:
        return child(args[1:])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="start-ups per mode (default 5)")
    parser.add_argument("--renders", type=int, default=20, help="warm renders per chart")
    options = parser.parse_args(args)

    renders = run_child("render", str(options.renders))
    print("Render time per chart (own process; the first includes importing matplotlib):")
    for kind in ("salary", "career-path"):
        print(
            f"  {kind:<12} first {renders[f'{kind} first_ms']:7.0f} ms   "
            f"warm median {renders[f'{kind} warm_ms']:6.0f} ms   "
            f"PNG {renders[f'{kind} bytes'] / 1024:5.0f} KB"
        )
    print(f"  peak RSS of a process drawing both: {renders['peak_rss_mb']:.0f} MB")

    rows: dict[str, list[dict[str, Any]]] = {mode: [] for mode in MODES}
    for _ in range(options.runs):
        for mode in MODES:  # interleaved, so machine load falls on both alike
            rows[mode].append(run_child(mode))
    print(f"\nStart-up, median of {options.runs} fresh processes per mode:")
    print(f"  {'':<34}{'charts on':>12}{'charts off':>12}{'difference':>12}")
    for label, key, unit in (
        ("ready (process start → ready)", "ready_s", "s"),
        ("first /compare salary (at ready)", "first_answer_ms", "ms"),
        ("charts drawn (process start →)", "charts_drawn_s", "s"),
        ("/compare salary afterwards", "answer_ms", "ms"),
        ("RSS at ready", "rss_ready_mb", "MB"),
        ("RSS after charts drawn", "rss_after_charts_mb", "MB"),
        ("peak RSS", "peak_rss_mb", "MB"),
    ):
        on, off = median(rows["on"], key), median(rows["off"], key)
        cells = [f"{v:10.2f} {unit}" if v is not None else f"{'—':>12}" for v in (on, off)]
        diff = f"{on - off:+10.2f} {unit}" if on is not None and off is not None else ""
        print(f"  {label:<34}{cells[0]}{cells[1]}  {diff}")
    for mode in MODES:
        first = sum(r["first_has_chart"] for r in rows[mode])
        later = sum(r["answer_has_chart"] for r in rows[mode])
        problems = sum(len(r["problems"]) for r in rows[mode])
        print(
            f"  charts {mode}: first answer had the chart {first}/{options.runs}, "
            f"later answer {later}/{options.runs}; spec problems {problems}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

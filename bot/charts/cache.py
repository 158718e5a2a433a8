"""Rendering each chart once per knowledge-base load, away from the bot's process.

A :class:`ChartCache` draws every chart of a :class:`~bot.core.knowledge.Knowledge`
the first time that knowledge is seen (the bot asks at start-up and after ``/kb
reload``) and serves the PNG bytes from then on. Answers never wait for a drawing:
until it is done, or if it failed, they go out as text. A failure is logged once per
load, with its traceback, not once per answer.

Where: in a short-lived process of its own (spawned, one at a time, gone when the
drawing is done). Measured (``benchmarks/chart_bench.py``), drawing in a thread of the
bot's process held its interpreter lock long enough to delay start-up by seconds and
left matplotlib's ~50 MB in the bot's memory for good; in a process of its own it
costs the bot neither, only the PNG bytes it keeps.

The cache holds the latest load (and the one before, so answers composed just before
a reload still find theirs); it keys on the knowledge object itself, so a reload,
which builds a new one, re-renders.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import multiprocessing
import os
import weakref
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor

from bot.charts.render import INSTALL_HINT, Chart, Drawing, charts_available, render_drawing
from bot.core.knowledge import Knowledge

log = logging.getLogger(__name__)

KEPT_LOADS = 2
DRAWING_NICENESS = 10
Renderer = Callable[[Knowledge], dict[str, Chart]]


class ChartCache:
    """The charts of the knowledge bases in use, rendered in the background.

    ``render`` replaces the drawing process with a function run in a worker thread
    (tests use it to count renders or to fail on purpose).
    """

    def __init__(self, render: Renderer | None = None, *, enabled: bool | None = None) -> None:
        self._render = render
        self.enabled = charts_available() if enabled is None else enabled
        self._executor: Executor | None = None
        self._loads: list[tuple[weakref.ref[Knowledge], Future[dict[str, Chart]]]] = []

    def off_reason(self) -> str | None:
        """Why there are no charts at all (for the one start-up log line), or None."""
        return None if self.enabled else f"matplotlib is not installed ({INSTALL_HINT})"

    def start(self, knowledge: Knowledge) -> Future[dict[str, Chart]] | None:
        """Begin rendering ``knowledge``'s charts unless already begun; never blocks."""
        if not self.enabled:
            return None
        for ref, future in self._loads:
            if ref() is knowledge:
                return future
        future = self._submit(knowledge)
        future.add_done_callback(_log_failure)
        self._loads = [*self._loads, (weakref.ref(knowledge), future)][-KEPT_LOADS:]
        return future

    def _submit(self, knowledge: Knowledge) -> Future[dict[str, Chart]]:
        if self._executor is None:
            self._executor = (
                ThreadPoolExecutor(max_workers=1, thread_name_prefix="careerbot-charts")
                if self._render is not None
                # spawn, not fork: a forked copy of a running bot (its event loop, its
                # sockets, threads mid-lock) is not safe; one drawing per process, so
                # matplotlib's memory goes when the drawing is done.
                else ProcessPoolExecutor(
                    max_workers=1,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_yield_to_the_bot,
                    max_tasks_per_child=1,
                )
            )
        try:
            if self._render is not None:
                return self._executor.submit(self._render, knowledge)
            return self._executor.submit(render_drawing, Drawing.of(knowledge))
        except Exception as error:  # a process that cannot start: text answers, one log
            failed: Future[dict[str, Chart]] = Future()
            failed.set_exception(error)
            return failed

    def ready(self, knowledge: Knowledge, kind: str) -> Chart | None:
        """``kind``'s chart for ``knowledge`` if it is rendered; starts a render the
        first time it sees this knowledge, so every load gets its charts."""
        future = self.start(knowledge)
        if future is None or not future.done() or future.exception() is not None:
            return None
        return future.result().get(kind)

    async def wait(self, knowledge: Knowledge) -> bool:
        """Render ``knowledge``'s charts (if not yet) and wait; True if they exist."""
        future = self.start(knowledge)
        if future is None:
            return False
        try:
            await asyncio.wrap_future(future)
        except Exception:
            return False  # logged once by _log_failure
        return True

    def close(self) -> None:
        """Stop taking renders; one in progress finishes on its own."""
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)


@functools.cache
def shared_chart_cache() -> ChartCache:
    """The process's cache. One is enough: a process serves one KB at a time, and
    bots started one after another on the same load (tests) then share its charts."""
    return ChartCache()


def _yield_to_the_bot() -> None:
    """Draw at a lower CPU priority: on a small machine the drawing process then takes
    what the bot (starting up, answering) leaves."""
    with contextlib.suppress(AttributeError, OSError):  # no os.nice on Windows
        os.nice(DRAWING_NICENESS)


def _log_failure(future: Future[dict[str, Chart]]) -> None:
    if future.cancelled():
        return
    error = future.exception()
    if error is not None:
        log.error(
            "Charts could not be drawn; answers go out as text until the next KB load",
            exc_info=error,
        )

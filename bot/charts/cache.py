"""Rendering each chart once per knowledge-base load, off the event loop.

A :class:`ChartCache` renders every chart of a :class:`~bot.core.knowledge.Knowledge`
in one worker thread the first time that knowledge is seen (the bot asks at start-up
and after ``/kb reload``), and serves the PNG bytes from then on. Answers never wait
for a render: until it is done, or if it failed, they go out as text. A failure is
logged once per load, with its traceback, not once per answer.

The cache holds the latest load (and the one before, so answers composed just before
a reload still find theirs); it keys on the knowledge object itself, so a reload,
which builds a new one, re-renders.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import weakref
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from bot.charts.render import INSTALL_HINT, Chart, charts_available, render_all
from bot.core.knowledge import Knowledge

log = logging.getLogger(__name__)

KEPT_LOADS = 2
Renderer = Callable[[Knowledge], dict[str, Chart]]


class ChartCache:
    """The charts of the knowledge bases in use, rendered in the background."""

    def __init__(self, render: Renderer = render_all, *, enabled: bool | None = None) -> None:
        self._render = render
        self.enabled = charts_available() if enabled is None else enabled
        # One worker: matplotlib draws one figure at a time anyway, and a second
        # render must never compete with answering for both cores.
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="careerbot-charts")
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
        future = self._executor.submit(self._render, knowledge)
        future.add_done_callback(_log_failure)
        self._loads = [*self._loads, (weakref.ref(knowledge), future)][-KEPT_LOADS:]
        return future

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
        """Stop taking renders; one in progress finishes in its thread."""
        self._executor.shutdown(wait=False, cancel_futures=True)


@functools.cache
def shared_chart_cache() -> ChartCache:
    """The process's cache. One is enough: a process serves one KB at a time, and
    bots started one after another on the same load (tests) then share its charts."""
    return ChartCache()


def _log_failure(future: Future[dict[str, Chart]]) -> None:
    if future.cancelled():
        return
    error = future.exception()
    if error is not None:
        log.error(
            "Charts could not be drawn; answers go out as text until the next KB load",
            exc_info=error,
        )

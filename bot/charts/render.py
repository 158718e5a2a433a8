"""Drawing a chart to PNG bytes, importing matplotlib only when a chart is drawn.

matplotlib is an optional extra (``pip install 'careerbot[charts]'``) and takes about
half a second to import, so nothing imports it at start-up: :func:`charts_available`
only asks whether it is installed, and the drawing modules are imported on the first
render. Renders are serialised by a lock because matplotlib's font cache and text
layout are not thread-safe.
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.charts.describe import ladder_description, salary_description
from bot.core.knowledge import Figures, Knowledge, Role, Source

if TYPE_CHECKING:
    from matplotlib.figure import Figure

SALARY, CAREER_PATH = "salary", "career-path"
KINDS = (SALARY, CAREER_PATH)
"""Every chart, named as ``careerbot chart`` names them."""
FILENAMES = {SALARY: "salary-ranges.png", CAREER_PATH: "career-ladders.png"}
MAX_PNG_BYTES = 200 * 1024
"""A chart bigger than this is a bug in the drawing (ours are well under 100 KB)."""
INSTALL_HINT = "pip install 'careerbot[charts]'"

_lock = threading.Lock()


class ChartsUnavailableError(Exception):
    """matplotlib is not installed: charts are off, answers go out as text."""


class NoFiguresError(Exception):
    """The knowledge base has no figures for this chart (no ``figures.yaml`` entry)."""


@dataclass(frozen=True, slots=True)
class Chart:
    """One rendered chart: the PNG and the words that say what it shows."""

    kind: str
    filename: str
    png: bytes
    description: str
    """Alt text: every figure in words, and the source."""


def charts_available() -> bool:
    """Whether matplotlib is installed, without importing it."""
    return importlib.util.find_spec("matplotlib") is not None


def has_figures(kind: str, knowledge: Knowledge) -> bool:
    figures = knowledge.figures
    return figures.salary is not None if kind == SALARY else bool(figures.ladders)


def build_figure(kind: str, knowledge: Knowledge) -> Figure:
    """The matplotlib figure for ``kind`` (imports matplotlib on first use)."""
    if kind not in KINDS:
        raise ValueError(f"unknown chart {kind!r}; known: {', '.join(KINDS)}")
    if not charts_available():
        raise ChartsUnavailableError(f"charts need matplotlib: {INSTALL_HINT}")
    if not has_figures(kind, knowledge):
        raise NoFiguresError(f"the knowledge base in {knowledge.directory} has no {kind} figures")
    if kind == SALARY:
        from bot.charts.salary import salary_figure

        return salary_figure(knowledge)
    from bot.charts.ladder import ladder_figure

    return ladder_figure(knowledge)


_DESCRIBE: dict[str, Callable[[Knowledge], str]] = {
    SALARY: salary_description,
    CAREER_PATH: ladder_description,
}


def render_chart(kind: str, knowledge: Knowledge) -> Chart:
    """Draw ``kind`` for ``knowledge``; the slow part, so never on the event loop."""
    with _lock:
        figure = build_figure(kind, knowledge)
        from bot.charts.canvas import png_of

        png = png_of(figure)
    if len(png) > MAX_PNG_BYTES:
        raise ValueError(f"the {kind} chart is {len(png):,} bytes; the limit is {MAX_PNG_BYTES:,}")
    return Chart(kind, FILENAMES[kind], png, _DESCRIBE[kind](knowledge))


def render_all(knowledge: Knowledge) -> dict[str, Chart]:
    """Every chart ``knowledge`` has figures for, by kind."""
    return {kind: render_chart(kind, knowledge) for kind in KINDS if has_figures(kind, knowledge)}


@dataclass(frozen=True, slots=True)
class Drawing:
    """What a chart is drawn from, and nothing else: small, and picklable (a whole
    :class:`Knowledge` is neither), so another process can draw it."""

    source: Source
    roles: tuple[Role, ...]
    figures: Figures
    directory: Path

    @classmethod
    def of(cls, knowledge: Knowledge) -> Drawing:
        return cls(knowledge.source, knowledge.roles, knowledge.figures, knowledge.directory)


def render_drawing(drawing: Drawing) -> dict[str, Chart]:
    """:func:`render_all` for a :class:`Drawing`: what a rendering process runs."""
    knowledge = Knowledge(
        source=drawing.source,
        roles=drawing.roles,
        topics=(),
        entries=(),
        smalltalk=(),
        directory=drawing.directory,
        figures=drawing.figures,
    )
    return render_all(knowledge)

"""A card to draw on in Discord's own units: display pixels from the top-left corner.

Why display pixels: what matters is how big the text looks once Discord has scaled the
image into an embed (:data:`DISPLAY_WIDTH` wide at most), not its size in the file. A
chart is laid out in those pixels at body-text size and saved at :data:`SCALE` times
that, so it stays sharp on high-density screens and no text ever ends up smaller than
Discord's own.

Looks: an opaque, light neutral card with a thin grey border reads the same on
Discord's dark theme (a light card on a dark background) and on its light theme (the
border and the tint set it off from white). Colours are Okabe and Ito's palette, safe
for the common kinds of colour blindness; the second role's bars are also hatched, so
the roles stay apart in greyscale.

This module imports matplotlib, so only :mod:`bot.charts.render` imports it, lazily.
"""

from __future__ import annotations

import io
from functools import cache

import matplotlib

matplotlib.use("Agg")  # no display: draw to memory only

from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Polygon, Rectangle

DISPLAY_WIDTH = 400
"""Display pixels: how wide Discord shows an embed's image on desktop, at most."""
DISPLAY_MAX_HEIGHT = 300
"""...and how tall: a taller image is shrunk, and its text with it."""
BODY_TEXT_PX = 16
"""Discord's message text at the default zoom; no text on a chart is smaller."""
SCALE = 2
"""Image pixels per display pixel (sharp on high-density screens)."""
_DISPLAY_PPI = 100
DPI = _DISPLAY_PPI * SCALE
TEXT_PT = 12.0
"""Body text on a chart: 12 pt is 16.7 display pixels, just above Discord's 16."""
TITLE_PT = 13.5
LINE_PX = 20.0
"""Baseline to baseline at :data:`TEXT_PT`."""
PAD = 12.0

CARD = "#F6F7F8"
BORDER = "#B9BEC6"
INK = "#1F2328"
MUTED = "#474D55"  # source lines: still 8:1 against the card
GRID = "#D5D9DE"
WHITE = "#FFFFFF"
ROLE_COLOURS = ("#0072B2", "#D55E00")
"""Okabe–Ito blue and vermillion: the first and second role in ``roles.yaml`` order."""
ROLE_HATCHES = (None, "///")


def points_to_px(points: float) -> float:
    """A font size in points as display pixels."""
    return points * _DISPLAY_PPI / 72


@cache
def _measurer() -> RendererAgg:
    return FigureCanvasAgg(Figure(dpi=DPI)).get_renderer()


def text_width(text: str, size: float = TEXT_PT, weight: str = "normal") -> float:
    """How wide ``text`` is drawn, in display pixels."""
    prop = FontProperties(size=size, weight=weight)
    width, _, _ = _measurer().get_text_width_height_descent(text, prop, ismath=False)
    return float(width) / SCALE


def wrap(text: str, width: float, size: float = TEXT_PT, weight: str = "normal") -> list[str]:
    """``text`` in lines no wider than ``width`` display pixels, broken between words."""
    lines: list[str] = []
    for word in text.split():
        joined = f"{lines[-1]} {word}" if lines else word
        if lines and text_width(joined, size, weight) <= width:
            lines[-1] = joined
        else:
            lines.append(word)
    return lines


class Canvas:
    """A chart card ``height`` display pixels tall; every position is in display
    pixels from the top-left corner."""

    def __init__(self, height: float) -> None:
        self.width = float(DISPLAY_WIDTH)
        self.height = float(height)
        self.figure = Figure(
            figsize=(self.width / _DISPLAY_PPI, self.height / _DISPLAY_PPI),
            dpi=DPI,
            facecolor=CARD,
            edgecolor=BORDER,
            linewidth=1.5,
        )
        FigureCanvasAgg(self.figure)

    def _xy(self, x: float, y: float) -> tuple[float, float]:
        return x / self.width, 1 - y / self.height

    def text(
        self,
        x: float,
        y: float,
        text: str,
        *,
        size: float = TEXT_PT,
        weight: str = "normal",
        colour: str = INK,
        ha: str = "left",
        va: str = "top",
    ) -> None:
        # parse_math=False: "$95k–$130k" is money, not TeX between two dollar signs.
        self.figure.text(
            *self._xy(x, y),
            text,
            fontsize=size,
            fontweight=weight,
            color=colour,
            ha=ha,
            va=va,
            parse_math=False,
        )

    def lines(
        self, x: float, y: float, lines: list[str], *, colour: str = INK, weight: str = "normal"
    ) -> float:
        """Draw ``lines`` one under another from ``y``; return the y below the last."""
        for line in lines:
            self.text(x, y, line, colour=colour, weight=weight)
            y += LINE_PX
        return y

    def rect(
        self,
        x: float,
        y: float,
        width: float,
        height: float,
        colour: str,
        *,
        hatch: str | None = None,
        alpha: float = 1.0,
        edge: str | None = None,
        z: float = 1,
    ) -> None:
        patch = Rectangle(
            self._xy(x, y + height),
            width / self.width,
            height / self.height,
            transform=self.figure.transFigure,
            facecolor=colour,
            edgecolor=edge or (WHITE if hatch else "none"),
            hatch=hatch,
            linewidth=0.0 if hatch is None and edge is None else 0.8,
            alpha=alpha,
            zorder=z,
        )
        self.figure.patches.append(patch)

    def polygon(self, points: list[tuple[float, float]], colour: str, z: float = 2) -> None:
        patch = Polygon(
            [self._xy(x, y) for x, y in points],
            closed=True,
            transform=self.figure.transFigure,
            facecolor=colour,
            edgecolor="none",
            zorder=z,
        )
        self.figure.patches.append(patch)


def png_of(figure: Figure) -> bytes:
    """The figure as PNG bytes, card and border included, no metadata."""
    out = io.BytesIO()
    figure.savefig(
        out,
        format="png",
        dpi=DPI,
        facecolor=CARD,
        edgecolor=BORDER,
        metadata={"Software": None},
    )
    return out.getvalue()

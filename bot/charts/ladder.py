"""The career-ladder chart: both roles' ladders side by side, first rung at the bottom.

Each rung is a box with the level's name and its one short line from ``figures.yaml``;
arrows between the boxes point up the ladder. Rungs of the two roles share a row
height, so the levels line up and can be compared across. Everything is sized to fit
Discord's 400 × 300 embed image box at body-text size, which is why a rung's line is
a few words: the answer next to the chart and its description say the rest.
"""

from __future__ import annotations

from matplotlib.figure import Figure

from bot.charts.canvas import (
    DISPLAY_WIDTH,
    LINE_PX,
    MUTED,
    ROLE_COLOURS,
    TITLE_PT,
    WHITE,
    Canvas,
    wrap,
)
from bot.charts.describe import ladder_source
from bot.core.knowledge import Knowledge

PAD_PX = 10.0
COLUMN_GAP_PX = 10.0
HEADER_PX = 30.0
STRIPE_PX = 5.0
INSET_PX = 6.0
"""Space between a box's stripe, top and bottom and its text."""
RIGHT_INSET_PX = 3.0
ARROW_GAP_PX = 12.0
BOX_EDGE = "#C3C8CF"


def ladder_figure(knowledge: Knowledge) -> Figure:
    """The ladder chart for ``knowledge`` (which must have ladders)."""
    ladders = knowledge.figures.ladders
    if not ladders:
        raise ValueError("this knowledge base has no career ladders")
    column = (DISPLAY_WIDTH - 2 * PAD_PX - COLUMN_GAP_PX * (len(ladders) - 1)) / len(ladders)
    room = column - STRIPE_PX - INSET_PX - RIGHT_INSET_PX
    cells = [
        [(wrap(r.name, room, weight="bold"), wrap(r.does, room)) for r in ladder.rungs]
        for ladder in ladders
    ]
    heights = [
        max(len(name) + len(does) for name, does in row) * LINE_PX + 2 * INSET_PX
        for row in zip(*cells, strict=True)
    ]
    source = wrap(ladder_source(knowledge), DISPLAY_WIDTH - 2 * PAD_PX)
    top = PAD_PX + HEADER_PX
    bottom = top + sum(heights) + ARROW_GAP_PX * (len(heights) - 1)
    canvas = Canvas(bottom + 6 + len(source) * LINE_PX + PAD_PX)

    for i, ladder in enumerate(ladders):
        x = PAD_PX + i * (column + COLUMN_GAP_PX)
        colour = ROLE_COLOURS[i]
        canvas.text(x, PAD_PX - 2, knowledge.role(ladder.role).name, size=TITLE_PT, weight="bold")
        canvas.rect(x, PAD_PX + 22, column, 3, colour)
        y = top
        # Top rung first on the page: the ladder is climbed upwards.
        for level in reversed(range(len(heights))):
            name, does = cells[i][level]
            height = heights[level]
            canvas.rect(x, y, column, height, WHITE, edge=BOX_EDGE)
            canvas.rect(x, y, STRIPE_PX, height, colour, z=2)
            below = canvas.lines(x + STRIPE_PX + INSET_PX, y + INSET_PX - 2, name, weight="bold")
            canvas.lines(x + STRIPE_PX + INSET_PX, below, does)
            y += height
            if level:
                middle = x + column / 2
                base = y + ARROW_GAP_PX - 2
                canvas.polygon([(middle - 7, base), (middle + 7, base), (middle, y + 2)], colour)
                y += ARROW_GAP_PX
    canvas.lines(PAD_PX, bottom + 6, source, colour=MUTED)
    return canvas.figure

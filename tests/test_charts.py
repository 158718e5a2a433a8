"""The charts: what a person sees in the PNG, what a screen reader reads, and when
each reply gets one.

The pictures are opened with Pillow as any viewer would; readability is checked on
the drawn figure itself: every text is at least Discord's body size once the image is
scaled into an embed, inside the card, and clear of every other text.
"""

from __future__ import annotations

import io
import itertools
import logging
import subprocess
import sys
from collections import Counter

import pytest
from PIL import Image

from bot.charts import render
from bot.charts.cache import ChartCache
from bot.charts.canvas import (
    BODY_TEXT_PX,
    DISPLAY_MAX_HEIGHT,
    DISPLAY_WIDTH,
    ROLE_COLOURS,
    SCALE,
    points_to_px,
)
from bot.charts.choice import chart_kind
from bot.charts.render import CAREER_PATH, KINDS, SALARY, Chart, render_chart
from bot.core.answering.engine import Engine
from bot.core.knowledge import load_knowledge
from tests.kb_builder import make_kb

MAX_BYTES = 200 * 1024


@pytest.fixture(scope="module")
def knowledge():
    return load_knowledge()


@pytest.fixture(scope="module")
def charts(knowledge) -> dict[str, Chart]:
    return {kind: render_chart(kind, knowledge) for kind in KINDS}


def texts(kind: str, knowledge) -> list:
    figure = render.build_figure(kind, knowledge)
    figure.canvas.draw()
    return [t for t in figure.texts if t.get_text().strip()]


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


# ------------------------------------------------------------------ the pictures


@pytest.mark.parametrize("kind", KINDS)
def test_each_chart_is_a_small_png_that_is_not_blank(charts, kind):
    chart = charts[kind]
    assert len(chart.png) <= MAX_BYTES
    image = Image.open(io.BytesIO(chart.png))
    assert image.format == "PNG"
    pixels = Counter({rgb: n for n, rgb in image.convert("RGB").getcolors(1 << 24)})
    _, count = pixels.most_common(1)[0]
    assert count < 0.85 * image.width * image.height, "mostly one colour: nothing drawn"
    assert len(pixels) > 50, "a handful of colours: no text or bars"
    dark = sum(n for rgb, n in pixels.items() if sum(rgb) < 200)
    assert dark > 0.01 * image.width * image.height, "no dark text on the card"
    for role_colour in ROLE_COLOURS:
        assert pixels[_rgb(role_colour)] > 200, f"no {role_colour} (the role's colour)"


@pytest.mark.parametrize("kind", KINDS)
def test_the_card_is_opaque_and_fits_discords_embed_box(charts, kind):
    """Opaque, so it reads on dark and light themes alike; at most 4:3, so Discord
    shows it the full 400 px wide and does not shrink it to fit 300 px of height."""
    image = Image.open(io.BytesIO(charts[kind].png))
    assert image.mode in ("RGB", "RGBA", "P")
    if "A" in image.getbands():
        assert image.getextrema()[-1] == (255, 255)
    assert image.width == DISPLAY_WIDTH * SCALE
    assert image.height <= DISPLAY_MAX_HEIGHT * SCALE


@pytest.mark.parametrize("kind", KINDS)
def test_text_is_at_least_discords_body_size_inside_the_card_and_never_overlaps(knowledge, kind):
    drawn = texts(kind, knowledge)
    figure = drawn[0].figure
    renderer = figure.canvas.get_renderer()
    card = figure.bbox
    boxes = []
    for text in drawn:
        assert points_to_px(text.get_fontsize()) >= BODY_TEXT_PX, text.get_text()
        box = text.get_window_extent(renderer)
        assert card.x0 <= box.x0 and box.x1 <= card.x1, f"{text.get_text()!r} is cut off"
        assert card.y0 <= box.y0 and box.y1 <= card.y1, f"{text.get_text()!r} is cut off"
        boxes.append((text.get_text(), box))
    for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2):
        assert not box_a.overlaps(box_b), f"{a!r} overlaps {b!r}"


def test_salary_chart_says_the_year_place_source_and_every_range(knowledge):
    words = [t.get_text() for t in texts(SALARY, knowledge)]
    assert "Salary ranges: 2024 figures, US" in words
    assert 'Source: "Salary Expectations and Market' in " ".join(words)
    for label in ("$95k–$130k", "$110k–$145k", "$140k–$200k", "$160k–$220k"):
        assert label in words
    # The open-ended top is "and above", never a maximum the article does not give.
    assert "$250k and above" in words and "$300k and above" in words
    assert not any(w.startswith(("$250k–", "$300k–")) for w in words)


def test_ladder_chart_names_both_roles_and_every_rung(knowledge):
    words = " ".join(t.get_text() for t in texts(CAREER_PATH, knowledge))
    for ladder in knowledge.figures.ladders:
        assert knowledge.role(ladder.role).name in words
        for rung in ladder.rungs:
            assert rung.name in words and rung.does.split()[0] in words
    assert "Source:" in words and "Career Progression" in words


# ------------------------------------------------------------------ the words


def test_salary_description_states_every_figure_in_words(charts, knowledge):
    description = charts[SALARY].description
    assert len(description) <= 1024, "Discord's limit for an attachment description"
    for found in knowledge.figures.salary.ranges:
        role = knowledge.role(found.role).name
        if found.maximum is None:
            assert f"{role} ${found.minimum:,} and above" in description
        else:
            assert f"{role} ${found.minimum:,} to ${found.maximum:,}" in description
    assert "2024 figures, US" in description and "Source:" in description


def test_ladder_description_names_every_rung_and_title(charts, knowledge):
    description = charts[CAREER_PATH].description
    assert len(description) <= 1024
    for ladder in knowledge.figures.ladders:
        for rung in ladder.rungs:
            assert f"{rung.name}: {rung.does}" in description
            assert all(title in description for title in rung.titles)


# ------------------------------------------------------------------ failure modes


def test_without_matplotlib_there_is_a_clear_error_not_an_import_crash(monkeypatch, knowledge):
    monkeypatch.setattr(render, "charts_available", lambda: False)
    with pytest.raises(render.ChartsUnavailableError, match=r"careerbot\[charts\]"):
        render_chart(SALARY, knowledge)
    cache = ChartCache(enabled=False)
    assert "matplotlib is not installed" in (cache.off_reason() or "")
    assert cache.ready(knowledge, SALARY) is None


def test_a_kb_without_figures_has_no_charts(tmp_path):
    bare = load_knowledge(make_kb(tmp_path))
    assert render.render_all(bare) == {}
    with pytest.raises(render.NoFiguresError):
        render_chart(SALARY, bare)


def test_the_bot_draws_in_another_process_and_never_imports_matplotlib():
    """The bot's own process keeps only the PNG bytes: matplotlib's import time and
    memory are paid by a short-lived drawing process."""
    code = (
        "import asyncio, sys\n"
        "import bot.runner, bot.cli\n"
        "from bot.charts.cache import ChartCache\n"
        "from bot.core.knowledge import load_knowledge\n"
        "k = load_knowledge(); cache = ChartCache()\n"
        "assert asyncio.run(cache.wait(k))\n"
        "print(len(cache.ready(k, 'salary').png), 'matplotlib' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    size, imported = done.stdout.split()
    assert 0 < int(size) <= MAX_BYTES and imported == "False"


async def test_the_cache_renders_once_per_kb_load(knowledge, tmp_path):
    calls = []

    def fake(k):
        calls.append(k)
        return {SALARY: Chart(SALARY, "s.png", b"png", "words")}

    cache = ChartCache(fake, enabled=True)
    assert await cache.wait(knowledge)
    assert cache.ready(knowledge, SALARY).png == b"png"
    assert cache.ready(knowledge, CAREER_PATH) is None
    assert await cache.wait(knowledge)
    reloaded = load_knowledge()
    assert await cache.wait(reloaded)
    assert calls == [knowledge, reloaded], "a new load renders again, the same one does not"
    cache.close()


async def test_a_failed_render_is_logged_once_and_answers_go_on(knowledge, caplog):
    def broken(k):
        raise RuntimeError("font cache is corrupt")

    cache = ChartCache(broken, enabled=True)
    with caplog.at_level(logging.ERROR, logger="bot.charts.cache"):
        assert not await cache.wait(knowledge)
        for _ in range(3):
            assert cache.ready(knowledge, SALARY) is None
            assert not await cache.wait(knowledge)
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1 and "answers go out as text" in errors[0].getMessage()
    assert "font cache is corrupt" in caplog.text
    cache.close()


# ------------------------------------------------------------------ which reply gets which


@pytest.fixture(scope="module")
def engine():
    return Engine.load()


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("how much do data scientists make?", SALARY),
        ("mle salary", SALARY),
        ("who earns more, ds or mle?", SALARY),
        ("how much does a senior data scientist earn", SALARY),
        ("ds career ladder", CAREER_PATH),
        ("what do senior ML engineers do?", CAREER_PATH),
        ("what skills does an mle need?", None),
        ("how do I bake bread?", None),
    ],
)
def test_which_answers_get_which_chart(engine, question, kind):
    assert chart_kind(engine.ask(question), engine.knowledge) == kind


def test_a_salary_answer_stating_no_figure_gets_no_chart(engine):
    reply = engine.answer_entry("compare-salary-why-mle-earns-more")
    assert reply.topic == "salary" and chart_kind(reply, engine.knowledge) is None


def test_compare_salary_and_career_path_get_their_charts(engine):
    assert chart_kind(engine.compare("salary"), engine.knowledge) == SALARY
    assert chart_kind(engine.compare("career-path"), engine.knowledge) == CAREER_PATH
    assert chart_kind(engine.compare("skills"), engine.knowledge) is None

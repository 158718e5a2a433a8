"""``careerbot chart`` and the chart hint of ``careerbot compare``."""

from __future__ import annotations

import io
import json
from collections import Counter
from pathlib import Path

import pytest
from PIL import Image

from bot.charts import render
from bot.cli import CHARTS, main
from bot.core.answering.reply import JSON_KEYS

MAX_BYTES = 200 * 1024


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_real_png(path: Path) -> None:
    """At most 200 KB, opens as a PNG, and shows something: bars, text, colour."""
    data = path.read_bytes()
    assert 0 < len(data) <= MAX_BYTES
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG" and image.width == 800
    colours = Counter({rgb: n for n, rgb in image.convert("RGB").getcolors(1 << 24)})
    assert len(colours) > 50
    assert colours.most_common(1)[0][1] < 0.85 * image.width * image.height


@pytest.mark.parametrize(("kind", "name"), [("salary", "s.png"), ("career-path", "c.png")])
def test_chart_writes_a_png_where_asked(tmp_path, capsys, kind, name):
    target = tmp_path / name
    code, out, err = run(capsys, "chart", kind, "-o", str(target))
    assert (code, err) == (0, "")
    assert_real_png(target)
    assert str(target.resolve()) in out.splitlines()[0]
    assert "Source:" in out, "the description, with its source, is printed too"


def test_chart_defaults_to_a_named_file_in_the_current_directory(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "chart", "salary")
    assert code == 0
    assert_real_png(tmp_path / "salary-ranges.png")
    assert str(tmp_path / "salary-ranges.png") in out
    assert "$300,000 and above" in out


def test_a_directory_as_output_is_a_usage_error(tmp_path, capsys):
    code, out, err = run(capsys, "chart", "salary", "-o", str(tmp_path))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "is a directory" in err


def test_an_unwritable_output_is_one_line(tmp_path, capsys):
    code, _, err = run(capsys, "chart", "career-path", "-o", str(tmp_path / "no" / "c.png"))
    assert code == 1 and err.count("\n") == 1 and "cannot write" in err


def test_an_unknown_chart_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as info:
        main(["chart", "pay"])
    assert info.value.code == 2
    assert "invalid choice: 'pay'" in capsys.readouterr().err


def test_without_matplotlib_chart_says_how_to_get_it(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(render, "charts_available", lambda: False)
    code, _, err = run(capsys, "chart", "salary", "-o", str(tmp_path / "s.png"))
    assert code == 1 and err.count("\n") == 1
    assert "pip install 'careerbot[charts]'" in err
    assert not (tmp_path / "s.png").exists()


def test_the_cli_offers_exactly_the_charts_there_are():
    assert CHARTS == render.KINDS


def test_compare_salary_says_where_the_chart_is(capsys):
    code, out, _ = run(capsys, "compare", "salary")
    assert code == 0
    assert out.rstrip().splitlines()[-1] == (
        "Chart: `careerbot chart salary` writes it to ./salary-ranges.png"
    )
    code, out, _ = run(capsys, "compare", "career", "path")
    assert "`careerbot chart career-path`" in out
    code, out, _ = run(capsys, "compare", "skills")
    assert "Chart:" not in out


def test_compare_json_is_unchanged_by_charts(capsys):
    code, out, _ = run(capsys, "compare", "salary", "--json")
    assert code == 0
    (line,) = out.splitlines()
    assert tuple(json.loads(line)) == JSON_KEYS

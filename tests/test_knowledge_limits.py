"""Reading KB files (``yaml_reader``): a hostile or broken file is a problem on the
list, found quickly and in bounded memory, never a hang or a traceback.

The limit cases run ``careerbot kb validate --kb DIR`` in a subprocess with a timeout and a
memory cap, so a regression fails the test instead of hanging it or eating the machine.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from bot.core.knowledge import MAX_DEPTH, MAX_FILE_BYTES, MAX_NODES
from bot.core.knowledge.yaml_reader import YamlError, item_line, key_line, line_of, read_yaml
from tests.kb_builder import GOOD_ENTRY, REPO, make_kb, problems_of

pytestmark = pytest.mark.skipif(os.name != "posix", reason="FIFOs, devices and rlimits")

MEMORY_CAP = 1 << 30  # the alias bomb below needs billions of bytes if it is expanded


def validate(kb: Path) -> subprocess.CompletedProcess[str]:
    """``careerbot kb validate --kb kb`` under a timeout and a 1 GiB address-space cap."""
    import resource

    def cap_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))

    env = {k: v for k, v in os.environ.items() if not k.startswith("CAREERBOT_")}
    env["PYTHONPATH"] = str(REPO)
    return subprocess.run(
        [sys.executable, "-m", "bot", "kb", "validate", "--kb", str(kb)],
        capture_output=True,
        text=True,
        cwd=kb.parent,
        env=env,
        timeout=60,
        preexec_fn=cap_memory,
    )


def refused(kb: Path, file: str, message: str) -> str:
    """Assert ``kb`` is refused with one clean problem line about ``file``; return it."""
    result = validate(kb)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if f"kb/{file}" in line]
    assert any(message in line for line in lines), result.stderr
    return next(line for line in lines if message in line)


def line_of_text(text: str, needle: str) -> int:
    (index,) = [i for i, line in enumerate(text.splitlines(), 1) if needle in line]
    return index


# ---------------------------------------------------------------- limits


def test_an_alias_bomb_is_refused_without_expanding_it(tmp_path):
    """Nine levels of nine aliases name 9**9 strings: over 1.5 GB once expanded, which is
    what an error message quoting the citation used to do."""
    levels = ['  x0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    levels += [f"  x{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    qa = GOOD_ENTRY + "\n".join(
        [
            "- id: mle-salary-bomb",
            "  question: q",
            "  answer: a",
            "  roles: [ml_engineer]",
            "  topic: salary",
            "  alternates: [a b, c d, e f]",
            *levels,
            "  cite: [{section: *a9, paragraph: 1}]",
        ]
    )
    line = refused(make_kb(tmp_path, qa), "qa/salary.yaml", "once aliases are expanded")
    assert f"more than {MAX_NODES:,} values" in line
    assert re.search(r"qa/salary\.yaml:\d+", line)


def test_an_alias_to_itself_is_refused(tmp_path):
    qa = GOOD_ENTRY.replace("related: [ds-salary-entry]", "related: &loop [*loop]")
    problems = problems_of(make_kb(tmp_path, qa))
    line = line_of_text(qa, "&loop")
    assert f"kb/qa/salary.yaml:{line}: alias *loop refers to itself" in problems


@pytest.mark.parametrize(
    ("key", "kind"), [("[junior, pay]", "list"), ("{pay: 1}", "mapping")], ids=["list", "mapping"]
)
def test_a_list_or_mapping_as_a_key_is_refused(tmp_path, key, kind):
    """Was a TypeError traceback: an unhashable key reached the duplicate-key check."""
    qa = GOOD_ENTRY.replace(
        "  level: entry\n  cite:\n    - {section: Salary Expectations "
        "and Market Demand, paragraph: 2}",
        f"  level: entry\n  ? {key}\n  : 1\n  cite:\n    - {{section: Salary "
        "Expectations and Market Demand, paragraph: 2}",
    )
    assert qa != GOOD_ENTRY
    line = refused(make_kb(tmp_path, qa), "qa/salary.yaml", f"a {kind} cannot be a mapping key")
    assert f"qa/salary.yaml:{line_of_text(qa, '? ')}:" in line


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path):
    kb = make_kb(tmp_path)
    with (kb / "qa" / "salary.yaml").open("r+b") as file:
        file.truncate(MAX_FILE_BYTES + 1)  # sparse: costs no disk and no time to write
    line = refused(kb, "qa/salary.yaml", f"the limit is {MAX_FILE_BYTES:,} (5 MB)")
    assert f"is {MAX_FILE_BYTES + 1:,} bytes" in line


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_dev_zero_in_place_of_a_file_is_refused(tmp_path):
    """Was a hang: reading /dev/zero never ends."""
    kb = make_kb(tmp_path)
    (kb / "qa" / "salary.yaml").unlink()
    (kb / "qa" / "salary.yaml").symlink_to("/dev/zero")
    refused(kb, "qa/salary.yaml", "is not a regular file but a character device")


def test_a_fifo_in_place_of_a_file_is_refused(tmp_path):
    """Was a hang: opening a FIFO waits for a writer that never comes."""
    kb = make_kb(tmp_path)
    (kb / "roles.yaml").unlink()
    os.mkfifo(kb / "roles.yaml")
    refused(kb, "roles.yaml", "is not a regular file but a FIFO")


def test_a_directory_named_like_a_file_is_refused(tmp_path):
    kb = make_kb(tmp_path)
    (kb / "qa" / "tools.yaml").mkdir()
    refused(kb, "qa/tools.yaml", "is not a regular file but a directory")


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="no /dev/null")
def test_a_symlink_to_a_device_is_refused(tmp_path):
    kb = make_kb(tmp_path)
    (kb / "lexicon.yaml").unlink()
    (kb / "lexicon.yaml").symlink_to("/dev/null")
    refused(kb, "lexicon.yaml", "is not a regular file but a character device")


def test_a_file_swapped_for_a_fifo_after_the_check_does_not_block(tmp_path, monkeypatch):
    """The stat happens before the open; if the file changes in between, the open is
    non-blocking and the file is checked again on the open descriptor."""
    fifo = tmp_path / "late.yaml"
    os.mkfifo(fifo)
    regular = (REPO / "knowledge" / "roles.yaml").stat()
    monkeypatch.setattr(Path, "stat", lambda self, **kw: regular)
    outcome: list[BaseException] = []

    def read() -> None:
        try:
            read_yaml(fifo)
        except BaseException as exc:
            outcome.append(exc)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout=10)
    if reader.is_alive():  # regression: the open is waiting for a writer; release it
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        reader.join(timeout=10)
        pytest.fail("opening a FIFO blocked")
    assert len(outcome) == 1 and isinstance(outcome[0], YamlError), outcome
    assert "a FIFO" in outcome[0].message


def test_nesting_deeper_than_the_limit_is_refused(tmp_path):
    deep = "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)
    qa = GOOD_ENTRY.replace("related: [ds-salary-entry]", f"related: {deep}")
    problems = problems_of(make_kb(tmp_path, qa))
    assert any(f"deeper than {MAX_DEPTH} levels" in p for p in problems), problems


@pytest.mark.parametrize(
    ("value", "message"),
    [("9" * 5000, "Exceeds the limit"), ("2024-13-45", "month must be in 1..12")],
    ids=["huge-integer", "impossible-date"],
)
def test_a_scalar_python_cannot_convert_is_a_problem_on_its_line(tmp_path, value, message):
    """Were ValueError tracebacks from int() and date()."""
    qa = GOOD_ENTRY.replace(
        "  level: entry\n  cite:\n    - {section: Salary Expectations "
        "and Market Demand, paragraph: 2}",
        f"  level: entry\n  extra: {value}\n  cite:\n    - {{section: Salary "
        "Expectations and Market Demand, paragraph: 2}",
    )
    problems = problems_of(make_kb(tmp_path, qa))
    line = line_of_text(qa, "extra:")
    assert any(
        p.startswith(f"kb/qa/salary.yaml:{line}: is not valid YAML") and message in p
        for p in problems
    ), problems


# ---------------------------------------------------------------- YAML as such


def test_invalid_yaml_names_file_and_line(tmp_path):
    found = problems_of(make_kb(tmp_path, GOOD_ENTRY + "- id: [unclosed\n"))
    assert any(
        "qa/salary.yaml" in p and "not valid YAML" in p and re.search(r":\d+", p) for p in found
    )


def test_python_objects_in_yaml_are_refused(tmp_path):
    evil = GOOD_ENTRY.replace(
        "answer: Entry-level Data",
        "answer: !!python/object/apply:os.system ['true']\n  x: Entry-level Data",
    )
    found = problems_of(make_kb(tmp_path, evil))
    assert any("not valid YAML" in p for p in found)


def test_a_missing_file_is_reported_as_missing(tmp_path):
    with pytest.raises(YamlError, match="file is missing"):
        read_yaml(tmp_path / "nope.yaml")


def test_values_remember_the_lines_of_their_keys_and_items(tmp_path):
    path = tmp_path / "lines.yaml"
    path.write_text("# comment\ntop:\n  a: 1\n  b:\n    - x\n    - y\nlast: [p, q]\n")
    data = read_yaml(path)
    assert data == {"top": {"a": 1, "b": ["x", "y"]}, "last": ["p", "q"]}
    assert line_of(data) == 2 and key_line(data, "last") == 7
    assert line_of(data["top"]) == 3 and key_line(data["top"], "b") == 4
    assert [item_line(data["top"]["b"], i) for i in range(2)] == [5, 6]
    assert item_line(data["last"], 1) == 7
    assert key_line(data, "absent") == 2  # falls back to the mapping's own line


def test_a_duplicate_key_is_refused_on_its_line(tmp_path):
    path = tmp_path / "dup.yaml"
    path.write_text("a: 1\nb: 2\na: 3\n")
    with pytest.raises(YamlError, match="duplicate key 'a'") as info:
        read_yaml(path)
    assert info.value.line == 3

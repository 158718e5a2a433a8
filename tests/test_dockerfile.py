"""The Dockerfile, checked without Docker: statically, and by running its install steps.

No Docker engine runs on our machines or in CI, so the static tests hold the image to
its promises (pinned base, non-root, healthcheck, no secrets) and the ``install`` tests
replay the Dockerfile's own COPY/RUN pip steps in a fresh virtual environment, then
prove the installed package finds its KB without the source tree.

The install tests download every dependency from PyPI into a new venv: a minute or
more, and a network a developer's machine may not have. So they are opt-in: they run
only with ``CAREERBOT_INSTALL_TESTS=1``, which ``.ci/run`` exports, so CI always runs
them and a plain ``pytest`` skips them with the reason.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
CI_RUN = ROOT / ".ci" / "run"
README_TEST_COMMAND = (
    "python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && .venv/bin/python -m pytest"
)
INSTALL_TESTS_ENV = "CAREERBOT_INSTALL_TESTS"
opt_in_install = pytest.mark.skipif(
    os.environ.get(INSTALL_TESTS_ENV) != "1",
    reason=f"pip-installs into a fresh venv from PyPI (slow); set {INSTALL_TESTS_ENV}=1 "
    "to run it (.ci/run does)",
)
SECRET_WORDS = ("TOKEN", "SECRET", "PASSWORD", "PASSWD", "KEY", "CREDENTIAL")


@dataclass(frozen=True, slots=True)
class Instruction:
    keyword: str
    args: str


def parse(text: str) -> list[Instruction]:
    """Dockerfile instructions with continuation lines joined and comments dropped."""
    instructions: list[Instruction] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if pending and line.startswith("#"):
            continue  # comments inside a continued instruction are ignored by Docker
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        full = (pending + line).strip()
        pending = ""
        if full:
            keyword, _, args = full.partition(" ")
            instructions.append(Instruction(keyword.upper(), args.strip()))
    assert not pending, "the Dockerfile ends inside a continued line"
    return instructions


@pytest.fixture(scope="module")
def instructions() -> list[Instruction]:
    return parse(DOCKERFILE.read_text(encoding="utf-8"))


def keywords(instructions: list[Instruction], keyword: str) -> list[Instruction]:
    return [i for i in instructions if i.keyword == keyword]


def env_pairs(args: str) -> dict[str, str]:
    """ENV/ARG ``a=b c=d`` (or legacy ``ENV a b``) → dict."""
    parts = shlex.split(args)
    if parts and "=" not in parts[0]:
        return {parts[0]: " ".join(parts[1:])}
    return dict(p.split("=", 1) if "=" in p else (p, "") for p in parts)


# ---------------------------------------------------------------------------- static


def test_base_image_is_slim_python_pinned_by_version_and_digest(
    instructions: list[Instruction],
) -> None:
    froms = keywords(instructions, "FROM")
    assert froms, "no FROM"
    for instruction in froms:
        image = instruction.args.split()[0]
        assert "latest" not in image
        match = re.fullmatch(
            r"python:(\d+)\.(\d+)\.(\d+)-slim(-[a-z]+)?@sha256:[0-9a-f]{64}", image
        )
        assert match, f"base image {image!r} is not pinned by exact version and digest"
        assert (int(match[1]), int(match[2])) >= (3, 11)


def test_runs_as_a_non_root_user_set_before_cmd(instructions: list[Instruction]) -> None:
    names = [i.keyword for i in instructions]
    users = [i for i in instructions if i.keyword == "USER"]
    assert users, "no USER: the container would run as root"
    last = users[-1].args.split(":")[0]
    assert last not in ("root", "0")
    assert max(k for k, n in enumerate(names) if n == "USER") < names.index("CMD")
    assert names.index("HEALTHCHECK") > max(k for k, n in enumerate(names) if n == "USER")


def test_cmd_runs_the_bot(instructions: list[Instruction]) -> None:
    (cmd,) = keywords(instructions, "CMD")
    assert json.loads(cmd.args) == ["careerbot", "run"]
    assert not keywords(instructions, "ENTRYPOINT")


def test_healthcheck_runs_careerbot_health(instructions: list[Instruction]) -> None:
    (check,) = keywords(instructions, "HEALTHCHECK")
    options, _, command = check.args.partition("CMD")
    assert json.loads(command.strip()) == ["careerbot", "health"]
    assert "--interval=" in options and "--start-period=" in options


def test_database_lives_on_the_data_volume(instructions: list[Instruction]) -> None:
    assert [i.args for i in keywords(instructions, "VOLUME")] == ["/data"]
    env: dict[str, str] = {}
    for instruction in keywords(instructions, "ENV"):
        env.update(env_pairs(instruction.args))
    assert env["CAREERBOT_DB"] == "/data/careerbot.sqlite3"


def test_no_secrets_in_env_or_arg(instructions: list[Instruction]) -> None:
    for instruction in keywords(instructions, "ENV") + keywords(instructions, "ARG"):
        for name, value in env_pairs(instruction.args).items():
            assert not any(w in name.upper() for w in SECRET_WORDS), f"{name} in {instruction}"
            assert not re.search(r"[\w-]{24,}\.[\w-]{6,}\.[\w-]{27,}", value), "a token?"
    assert "DISCORD_TOKEN=" not in DOCKERFILE.read_text(encoding="utf-8").replace(
        "-e DISCORD_TOKEN=", ""
    )


def test_installs_from_project_metadata(instructions: list[Instruction]) -> None:
    installs = [i.args for i in keywords(instructions, "RUN") if "pip install" in i.args]
    assert installs, "no pip install step"
    commands = [c.strip() for i in installs for c in i.split("&&") if "pip install" in c]
    # With the postgres extra: compose.yaml runs this image against PostgreSQL; and the
    # charts extra: the image draws the salary and career-ladder charts.
    assert commands == ['pip install --no-cache-dir ".[postgres,charts]"']
    copied = {i.args.split()[0] for i in keywords(instructions, "COPY")} | {
        s for i in keywords(instructions, "COPY") for s in i.args.split()[:-1]
    }
    assert {"pyproject.toml", "README.md", "bot", "knowledge"} <= copied


def test_matplotlibs_cache_is_built_into_the_image_for_the_bots_user(
    instructions: list[Instruction],
) -> None:
    """Else the first chart rebuilds the font cache, in a temporary directory, with a
    warning, every time the container starts."""
    env: dict[str, str] = {}
    for instruction in keywords(instructions, "ENV"):
        env.update(env_pairs(instruction.args))
    cache = env["MPLCONFIGDIR"]
    (install,) = [i.args for i in keywords(instructions, "RUN") if "pip install" in i.args]
    assert "import matplotlib.font_manager" in install
    assert f"chown -R careerbot:careerbot {cache}" in install


def test_copied_paths_exist_and_are_not_ignored(instructions: list[Instruction]) -> None:
    ignored = dockerignore_patterns()
    for instruction in keywords(instructions, "COPY"):
        *sources, _ = instruction.args.split()
        for source in sources:
            assert (ROOT / source).exists(), source
            assert not is_ignored(source, ignored), f"{source} is excluded by .dockerignore"


def test_dockerignore_keeps_junk_and_secrets_out() -> None:
    ignored = dockerignore_patterns()
    for path in (
        ".venv/bin/python",
        ".git/HEAD",
        ".pytest_cache/v",
        ".ruff_cache/x",
        "bot/__pycache__/x.pyc",
        ".env",
        "careerbot.sqlite3",
        "careerbot.sqlite3-wal",
        "tests/test_x.py",
    ):
        assert is_ignored(path, ignored), path


def dockerignore_patterns() -> list[str]:
    lines = DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def _glob(pattern: str) -> re.Pattern[str]:
    """Docker's (Go's) glob: ``*`` and ``?`` stay within a path segment, ``**`` does not."""
    out = ""
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        elif pattern[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif pattern[i] == "?":
            out, i = out + "[^/]", i + 1
        elif pattern[i] == "[":
            end = pattern.index("]", i)
            out, i = out + pattern[i : end + 1], end + 1
        else:
            out, i = out + re.escape(pattern[i]), i + 1
    return re.compile(out)


def is_ignored(path: str, patterns: list[str]) -> bool:
    """Whether Docker leaves ``path`` out of the build context. A pattern that matches a
    directory excludes everything below it; the last matching pattern wins (``!``)."""
    parts = path.strip("/").split("/")
    prefixes = ["/".join(parts[:k]) for k in range(1, len(parts) + 1)]
    ignored = False
    for pattern in patterns:
        negate = pattern.startswith("!")
        regex = _glob(pattern.lstrip("!").strip("/"))
        if any(regex.fullmatch(prefix) for prefix in prefixes):
            ignored = not negate
    return ignored


# ---------------------------------------------------------------------------- replay


def replay(instructions: list[Instruction], context: Path, root: Path, python: Path) -> Path:
    """Run the Dockerfile's WORKDIR/COPY/ENV/RUN-pip steps with ``root`` standing in for
    the image's ``/``; return the last WORKDIR used by a pip install."""
    workdir = root
    env = dict(os.environ)
    for key in [k for k in env if k.startswith(("PIP_", "PYTHON"))]:
        del env[key]
    install_dir = workdir
    for instruction in instructions:
        if instruction.keyword == "WORKDIR":
            workdir = root / instruction.args.lstrip("/")
            workdir.mkdir(parents=True, exist_ok=True)
        elif instruction.keyword == "ENV":
            env.update(env_pairs(instruction.args))
        elif instruction.keyword == "COPY":
            assert not instruction.args.startswith("--"), "COPY flags are not replayed"
            *sources, dest = instruction.args.split()
            target = root / dest.lstrip("/") if dest.startswith("/") else workdir / dest
            for source in sources:
                _copy(context, source, target, into=dest.endswith("/") or len(sources) > 1)
        elif instruction.keyword == "RUN" and "pip install" in instruction.args:
            for command in instruction.args.split("&&"):
                argv = shlex.split(command)
                if argv[:2] == ["pip", "install"]:
                    subprocess.run(
                        [str(python), "-m", *argv],
                        cwd=workdir,
                        env=env,
                        check=True,
                        capture_output=True,
                        text=True,
                        timeout=600,
                    )
                    install_dir = workdir
    return install_dir


def _copy(context: Path, source: str, target: Path, *, into: bool) -> None:
    """``COPY source target`` from the build context, honouring .dockerignore."""
    patterns = dockerignore_patterns()
    origin = context / source
    if origin.is_dir():

        def ignore(directory: str, names: list[str]) -> set[str]:
            relative = Path(directory).relative_to(context)
            return {n for n in names if is_ignored(f"{relative.as_posix()}/{n}", patterns)}

        shutil.copytree(origin, target, dirs_exist_ok=True, ignore=ignore)
    elif into:
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy2(origin, target / origin.name)
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(origin, target)


@pytest.fixture(scope="module")
def installed(instructions: list[Instruction], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv holding exactly what the Dockerfile's install steps produce."""
    base = tmp_path_factory.mktemp("docker-replay")
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    try:
        source = replay(instructions, ROOT, base / "rootfs", python)
    except subprocess.CalledProcessError as exc:
        pytest.fail(f"pip install failed:\n{exc.stdout}\n{exc.stderr}")
    # The Dockerfile deletes the source tree after installing; so do we, so nothing
    # below can be satisfied by the checkout instead of the installed package.
    shutil.rmtree(source)
    return python


def run_in(python: Path, code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "CAREERBOT_"))}
    return subprocess.run(
        [str(python), "-c", code], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.install
@opt_in_install
def test_install_steps_ship_the_package_and_its_kb(installed: Path, tmp_path: Path) -> None:
    result = run_in(
        installed,
        "import bot, json; from bot.core.knowledge import default_knowledge_dir as d;"
        "p = d(); print(json.dumps([bot.__file__, str(p),"
        " sorted(str(f.relative_to(p)) for f in p.rglob('*.yaml'))]))",
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    module, kb_dir, files = json.loads(result.stdout)
    assert "site-packages" in module and str(ROOT) not in module
    assert kb_dir.endswith("bot/_knowledge") and "site-packages" in kb_dir
    expected = sorted(
        str(f.relative_to(ROOT / "knowledge")) for f in (ROOT / "knowledge").rglob("*.yaml")
    )
    assert files == expected
    assert (installed.parent / "careerbot").exists(), "the console script is missing"


@pytest.mark.install
@opt_in_install
def test_installed_bot_loads_its_kb(installed: Path, tmp_path: Path) -> None:
    """What the image's HEALTHCHECK needs first: the shipped KB loads."""
    result = run_in(
        installed,
        "from bot.core.knowledge import load_knowledge; k = load_knowledge();"
        " print(len(k.entries))",
        tmp_path,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert int(result.stdout) > 0


def test_ci_runs_the_readme_command_with_the_install_tests() -> None:
    """CI must not lose the opt-in tests, nor drift from the command the README gives."""
    script = CI_RUN.read_text(encoding="utf-8")
    lines = [line.strip() for line in script.splitlines()]
    assert f"export {INSTALL_TESTS_ENV}=1" in lines
    command = lines[-1].replace(" -q ", " ")  # pip's -q only quiets the CI log
    assert command == README_TEST_COMMAND
    assert README_TEST_COMMAND in (ROOT / "README.md").read_text(encoding="utf-8")

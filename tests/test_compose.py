"""compose.yaml, checked without Docker: what an operator relies on when running it.

No Docker engine runs in CI, so these tests read the file with pyyaml (which resolves
its anchors and ``<<`` merges the way Compose does) and hold it to its promises:
every shard served exactly once by processes that agree on the shard count and the
database, health checks that run real ``careerbot`` commands, PostgreSQL's data on a
named volume, no secret written in the file, and only settings the bot really reads.

Each bot service's environment, with the image's own ``ENV`` underneath it, is fed to
:meth:`Settings.from_env`, so the values are checked by the code the bot starts with.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

import bot.settings as settings_module
from bot.cli import build_parser
from bot.settings import TOKEN_ENV, Settings
from tests.test_dockerfile import DOCKERFILE, env_pairs, keywords, parse

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "compose.yaml"
SECRETS = {TOKEN_ENV: "a-discord-token", "POSTGRES_PASSWORD": "letters0and0digits"}
"""Stand-ins for what the operator puts in .env: the only variables the file may use."""
_INTERPOLATION = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?P<rule>:?[?-][^}]*)?\}")
POSTGRES_DATA = "/var/lib/postgresql/data"
"""Where the official image keeps its data up to PostgreSQL 17 (18 moved it)."""


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return dict(compose["services"])


@pytest.fixture(scope="module")
def bots(services: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The services that run the bot: built from this repository's Dockerfile."""
    found = {name: s for name, s in services.items() if "build" in s}
    assert found, "no service builds the bot"
    return found


def interpolate(value: str) -> str:
    """Compose's ``${NAME}``, ``${NAME:?message}`` and ``${NAME:-default}``, from .env."""

    def substitute(match: re.Match[str]) -> str:
        name = match["name"]
        assert name in SECRETS, f"compose.yaml reads ${{{name}}}, which the README never asks for"
        return SECRETS[name]

    return _INTERPOLATION.sub(substitute, value)


def image_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for instruction in keywords(parse(DOCKERFILE.read_text(encoding="utf-8")), "ENV"):
        env.update(env_pairs(instruction.args))
    return env


def environment(service: Mapping[str, Any]) -> dict[str, str]:
    """The service's environment as a mapping, interpolated (lists of KEY=VALUE too)."""
    raw = service.get("environment") or {}
    if isinstance(raw, list):
        raw = dict(item.split("=", 1) for item in raw)
    return {str(k): interpolate(str(v)) for k, v in raw.items()}


def settings_of(service: Mapping[str, Any]) -> Settings:
    """What the bot in this service starts with: the image's ENV, then the service's."""
    return Settings.from_env({**image_env(), **environment(service)}, env_file=None)


def test_every_shard_is_served_exactly_once_with_one_shard_count(
    bots: dict[str, dict[str, Any]],
) -> None:
    settings = [settings_of(service) for service in bots.values()]
    counts = {s.shard_count for s in settings}
    assert len(counts) == 1 and None not in counts, f"shard counts differ: {counts}"
    (count,) = counts
    served = [shard for s in settings for shard in s.shard_ids or ()]
    assert sorted(served) == list(range(count)), f"shards {served} of {count}"
    assert len(bots) == count == 2


def test_every_process_uses_the_same_postgresql_database(
    services: dict[str, dict[str, Any]], bots: dict[str, dict[str, Any]]
) -> None:
    urls = {environment(service)["CAREERBOT_DATABASE_URL"] for service in bots.values()}
    assert len(urls) == 1, "the shard processes would not share votes, settings and the report"
    url = urlsplit(urls.pop())
    assert url.scheme == "postgresql"
    # The host is the postgres service, on the project network; user, password and
    # database are the ones that service creates.
    postgres = environment(services[url.hostname or ""])
    assert url.username == postgres["POSTGRES_USER"]
    assert url.password == postgres["POSTGRES_PASSWORD"] == SECRETS["POSTGRES_PASSWORD"]
    assert url.path == "/" + postgres["POSTGRES_DB"]
    assert url.port == 5432
    for name, service in bots.items():
        assert service["depends_on"] == {url.hostname: {"condition": "service_healthy"}}, name


def test_postgres_is_the_official_image_with_its_data_on_a_named_volume(
    compose: dict[str, Any], services: dict[str, dict[str, Any]]
) -> None:
    postgres = services["postgres"]
    match = re.fullmatch(r"postgres:(\d+)(?:\.\d+)?(?:-[a-z]+)?", postgres["image"])
    assert match, f"{postgres['image']}: the official image, pinned to a major version"
    # PostgreSQL 18's image keeps its data below /var/lib/postgresql/18: a volume on
    # the old path would silently stay empty.
    assert int(match[1]) < 18, "move the volume to /var/lib/postgresql for PostgreSQL 18+"
    mounts = dict(volume.split(":")[::-1] for volume in postgres["volumes"])
    volume = mounts[POSTGRES_DATA]
    assert volume in compose["volumes"], f"{volume} is a bind mount, not a named volume"
    assert "ports" not in postgres, "the database is only for the bot processes"


def test_healthchecks_run_pg_isready_and_careerbot_health(
    services: dict[str, dict[str, Any]], bots: dict[str, dict[str, Any]]
) -> None:
    check = services["postgres"]["healthcheck"]
    assert check["test"][:2] == ["CMD", "pg_isready"]
    assert {"interval", "retries"} <= set(check)
    for name, service in bots.items():
        check = service["healthcheck"]
        assert check["test"] == ["CMD", "careerbot", "health"], name
        assert {"interval", "timeout", "start_period", "retries"} <= set(check), name


def careerbot_commands(services: dict[str, dict[str, Any]]) -> Iterator[list[str]]:
    for service in services.values():
        if "command" in service:
            yield list(service["command"])
        test = (service.get("healthcheck") or {}).get("test") or []
        if test[1:2] == ["careerbot"]:
            yield test[1:]


def test_every_careerbot_command_is_one_the_cli_accepts(
    services: dict[str, dict[str, Any]], bots: dict[str, dict[str, Any]]
) -> None:
    commands = list(careerbot_commands(services))
    assert {tuple(c[:2]) for c in commands} == {("careerbot", "run"), ("careerbot", "health")}
    for command in commands:
        args = build_parser().parse_args(command[1:])  # argparse exits on anything else
        assert args.command == command[1]
    assert all(service["command"] == ["careerbot", "run"] for service in bots.values())


def test_no_secret_is_written_in_the_file(services: dict[str, dict[str, Any]]) -> None:
    text = COMPOSE.read_text(encoding="utf-8")
    assert not re.search(r"[\w-]{24,}\.[\w-]{6,}\.[\w-]{27,}", text), "a Discord token?"
    for name, service in services.items():
        raw = service.get("environment") or {}
        for key in (TOKEN_ENV, "POSTGRES_PASSWORD"):
            if key in raw:
                # Required, from the environment or .env: `up` stops if it is missing.
                assert re.fullmatch(rf"\$\{{{key}:\?[^}}]+\}}", str(raw[key])), (name, key)
        url = str(raw.get("CAREERBOT_DATABASE_URL", ""))
        if url:
            assert "${POSTGRES_PASSWORD:?" in url, "the database password is written in the URL"
    for value in re.findall(r"\$\{[^}]*\}", text):
        interpolate(value)  # only the variables the README tells operators to set


@pytest.fixture
def names_the_bot_reads(monkeypatch: pytest.MonkeyPatch) -> set[str]:
    """Every variable name :meth:`Settings.from_env` looks up, recorded as it runs."""
    read: set[str] = set()
    original = settings_module._Reader.text

    def recording(self: Any, name: str) -> str:
        read.add(name)
        return original(self, name)

    monkeypatch.setattr(settings_module._Reader, "text", recording)
    Settings.from_env({}, env_file=None)
    return read


def test_bot_services_set_only_variables_the_bot_reads(
    bots: dict[str, dict[str, Any]], names_the_bot_reads: set[str]
) -> None:
    for name, service in bots.items():
        unknown = set(environment(service)) - names_the_bot_reads
        assert not unknown, f"{name}: the bot never reads {sorted(unknown)} (a typo?)"
    # The image's own settings (CAREERBOT_DB, CAREERBOT_METRICS_HOST...) are real too.
    ours = {name for name in image_env() if name.startswith("CAREERBOT_")}
    assert ours and ours <= names_the_bot_reads, sorted(ours - names_the_bot_reads)


def test_each_process_serves_metrics_on_its_own_host_port(
    bots: dict[str, dict[str, Any]],
) -> None:
    published: list[str] = []
    for name, service in bots.items():
        settings = settings_of(service)
        assert settings.metrics_port is not None, f"{name} serves no metrics"
        # Reachable from outside the container (the image's default).
        assert settings.metrics_host == "0.0.0.0", name
        (mapping,) = service["ports"]
        *host, container = str(mapping).split(":")
        assert int(container) == settings.metrics_port, name
        assert host[0] == "127.0.0.1", f"{name}: metrics published beyond this host"
        published.append(host[1])
    assert len(set(published)) == len(published), f"two processes on one port: {published}"


def test_every_service_restarts_by_itself(services: dict[str, dict[str, Any]]) -> None:
    for name, service in services.items():
        assert service.get("restart") in ("always", "unless-stopped", "on-failure"), name


def test_the_bot_is_built_from_this_repository(bots: dict[str, dict[str, Any]]) -> None:
    for service in bots.values():
        build = service["build"]
        context = build if isinstance(build, str) else build["context"]
        assert (ROOT / context / "Dockerfile").is_file()

"""In-process fake of Discord's REST API and gateway for end-to-end bot tests.

See ``plugin.py`` (fixtures), ``harness.py`` (``start_client``) and ``server.py``
(:class:`FakeDiscord`).
"""

from .harness import spec_or_skip, start_client
from .payloads import FakeChannel, FakeGuild, FakeMember, FakeRole, FakeUser
from .records import CallbackRecord, FakeInteraction, FakeMessage, GatewayFrame, RequestRecord
from .server import FakeDiscord, FakeDiscordConfig
from .spec import ApiSpec, SpecNotFoundError, load_spec, spec_path

__all__ = [
    "ApiSpec",
    "CallbackRecord",
    "FakeChannel",
    "FakeDiscord",
    "FakeDiscordConfig",
    "FakeGuild",
    "FakeInteraction",
    "FakeMember",
    "FakeMessage",
    "FakeRole",
    "FakeUser",
    "GatewayFrame",
    "RequestRecord",
    "SpecNotFoundError",
    "load_spec",
    "spec_or_skip",
    "spec_path",
    "start_client",
]

"""One in-process fake Discord (REST and gateway) that the bot's tests run against.

``server.py`` is the fake (:class:`FakeDiscord`), ``plugin.py`` its pytest fixtures;
``spec.py`` judges every REST body against Discord's OpenAPI spec, ``rest.py`` and
``gateway.py`` answer like Discord, ``world.py`` and ``users.py`` build what Discord
and its users send, and ``records.py`` is what tests read back.
"""

from .records import CallbackRecord, FakeInteraction, FakeMessage, RequestRecord
from .server import FakeDiscord, FakeDiscordConfig
from .spec import ApiSpec, load_spec
from .world import FakeChannel, FakeGuild, FakeUser

__all__ = [
    "ApiSpec",
    "CallbackRecord",
    "FakeChannel",
    "FakeDiscord",
    "FakeDiscordConfig",
    "FakeGuild",
    "FakeInteraction",
    "FakeMessage",
    "FakeUser",
    "RequestRecord",
    "load_spec",
]

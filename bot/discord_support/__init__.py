"""Discord helpers shared by the client class and its extensions.

``bot.discord_bot`` (the client) and ``bot.exts`` (the cogs it loads) both import
from here and never from each other: the client needs the error reporter, the rate
limit and best-effort storage calls before any extension is loaded, and every cog
answers through the same path. Nothing here is an extension; ``bot.exts`` holds only
modules that end in ``async def setup(bot)``.
"""

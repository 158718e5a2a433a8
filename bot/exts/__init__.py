"""discord.py cogs."""

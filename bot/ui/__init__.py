"""Embeds and views: the only place that knows Discord limits."""

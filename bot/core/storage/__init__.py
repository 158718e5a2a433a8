"""Where votes, questions and per-server settings are kept (the store protocol and SQLite)."""

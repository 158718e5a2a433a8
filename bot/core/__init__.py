"""Discord-free core: knowledge, matching, conversation, answers."""

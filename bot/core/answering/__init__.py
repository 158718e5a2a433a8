"""Answering a question: prepare → analyse → resolve context → retrieve → decide → compose."""

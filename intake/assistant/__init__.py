"""The intake assistant: rule questions answered from the scheme's text, and an
interview that asks only what is still undefined. One engine behind the terminal,
the web chat panel and the JSON API (see `intake.assistant.engine.Assistant`). Its verdicts come
from the one pre-check (intake.precheck), handed in as an evaluator; it imports no other room."""

from .engine import Assistant, Reply  # noqa: E402,F401

__all__ = ["Assistant", "Reply"]

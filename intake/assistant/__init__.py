"""The intake assistant: rule questions answered from the scheme's text, and an
interview that asks only what is still undefined. One engine behind the terminal,
the web chat panel and the JSON API (see `intake.assistant.engine.Assistant`)."""

from .engine import Assistant, Reply  # noqa: E402,F401

__all__ = ["Assistant", "Reply"]

"""No secret in a log line: case links (/c/TOKEN), signed links to originals (…?sig=…) and passwords
in URLs (the broker's redis://:PASSWORD@host) are replaced before any handler writes a record, whoever logged it (our request log, the web server,
the HTTP client a reading worker fetches originals with).

    protect_logs()          # after logging is configured: every handler of the loggers below filters"""

from __future__ import annotations

import logging
import re

# a case link's token (secrets.token_urlsafe: letters, digits, - and _), a link signature, a
# case token sent in a header or a query
_SECRETS = [
    (re.compile(r"(/c/)[A-Za-z0-9_\-]{8,}"), r"\1…"),
    (re.compile(r"(\bsig=)[^&\s\"'<>]+"), r"\1…"),
    (re.compile(r"((?:x-case-token|token)[\"']?\s*[:=]\s*[\"']?)[A-Za-z0-9_\-]{16,}", re.I), r"\1…"),
    (re.compile(r"(://[^/\s:@]*:)[^@\s/]+@"), r"\1…@"),  # a password in a URL (redis://:PASSWORD@host)
]
LOGGERS = ("", "intake", "uvicorn", "uvicorn.error", "uvicorn.access", "httpx", "httpcore")


def redact(text: str) -> str:
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


class RedactSecrets(logging.Filter):
    """A handler filter: the record's message (arguments applied) with every secret replaced."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is the logging module's to report
            return True
        clean = redact(message)
        if clean != message or record.args:
            record.msg, record.args = clean, None
        return True


def protect_logs(loggers: tuple[str, ...] = LOGGERS) -> None:
    """Every handler of `loggers` (configured by now) gets the filter, once."""
    for name in loggers:
        for handler in logging.getLogger(name).handlers:
            if not any(isinstance(f, RedactSecrets) for f in handler.filters):
                handler.addFilter(RedactSecrets())

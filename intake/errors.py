"""The application's errors, one class per kind of answer a face gives. Each carries a sentence
in Chinese for the person; the web maps them to status codes in one place (web/errors.py), the
command line to its exit codes.

    NotFound     → 404   the thing does not exist, or this visitor may not know it exists
    NotAllowed   → 403   the visitor is known and may not do this
    Conflict     → 409   the thing exists but is not in a state that allows it (a submitted case)
    BadInput     → 400   what was sent must be corrected
    Unavailable  → 503   the service cannot do it now (a template, LibreOffice, the OCR engine)
    StorageFull  → 507   the disk is (nearly) full: nothing more is accepted until space is freed
    OverQuota    → 429   an anonymous visitor's allowance (cases per day, bytes per case) is used up
"""

from __future__ import annotations


class IntakeError(Exception):
    """Base of the application's errors; `str(e)` is the sentence for a person."""


class NotFound(IntakeError, LookupError):
    pass


class NotAllowed(IntakeError, PermissionError):
    pass


class Conflict(IntakeError):
    pass


class BadInput(IntakeError, ValueError):
    pass


class Unavailable(IntakeError, RuntimeError):
    pass


class StorageFull(Unavailable):
    def __init__(self, message: str = "存储空间不足，暂时无法接收文件，请稍后再试"):
        super().__init__(message)


class OverQuota(IntakeError):
    pass

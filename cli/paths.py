"""Paths named on the command line: a FIFO or a device given where a file belongs is refused
(exit 3, one line naming it) before anything reads it — a plain read would block or never end."""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click

from extractors.facts import DocumentFacts
from intake.reading.files import NotRegularFile, check_regular


def refuse_special(*paths: str | None) -> None:
    for path in paths:
        if not path:
            continue
        try:
            check_regular(path)
        except NotRegularFile as e:
            click.echo(f"error: {e}", err=True)
            sys.exit(3)
        except OSError:
            pass  # a missing file: the command's own reading names it


def read_files(files: Sequence[str]) -> list[DocumentFacts]:
    """The command line's FILE... as the pre-check takes documents: each read once, in the
    time-limited workers (an unreadable one keeps its error and the others are still read)."""
    from intake.reading.pipeline import extract_files  # the readers' stack, only when there are files

    return extract_files(list(files)) if files else []

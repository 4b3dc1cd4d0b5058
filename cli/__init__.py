"""The `intake` command: a face of the application beside `web/`. Each area registers its
subcommands from its own module (`cli/<area>.py`), so the CLI mirrors the Python API one module per
job. May import the application (intake), extractors, checklists, forms and, to serve, web; nothing
imports it.

Start-up is kept to a bare Python start: this module imports nothing (the click group lives in
`cli.group`), `intake --help` is written from the table below, and a command's module is imported
only when that command runs."""

from __future__ import annotations

import sys

# Every subcommand: name -> (module, one line of help). The module defines `register(group)`, which
# adds its commands; it is imported only when one of its commands runs (or its own --help is asked),
# so `intake --help` and `intake schemes` load no document reader, engine or web stack.
# A new command: a module with `register(group)` and a line here.
COMMANDS: dict[str, tuple[str, str]] = {
    "extract": ("cli.extract", "Classify each FILE and read its facts."),
    "schemes": ("cli.schemes", "List the schemes a bundle can be checked against."),
    "check": ("cli.check", "Check FILE... against a scheme: a verdict per checklist item …"),
    "form": ("cli.form", "Write the scheme's application form, pre-filled …"),
    "comments": ("cli.comments", "Comment sheets on a draft standard: parse, register …"),
    "chat": ("cli.chat", "Talk an applicant through a scheme."),
    "serve": ("cli.serve", "Start the web service."),
    "users": ("cli.users", "Staff and applicant accounts of the web service."),
    "worker": ("cli.worker", "Read uploaded documents for the web service via a broker …"),
    "queue": ("cli.queue", "The secretariat's queue: bring every case's outcome summary …"),
    "backup": ("cli.backup", "Back up the database and the stored files into DEST, safely while …"),
    "restore": ("cli.backup", "Restore a backup made by `intake backup` into a data directory …"),
    "verify": ("cli.backup", "Re-hash every stored original and report damaged or missing files."),
}


DESCRIPTION = "intake: pre-check applications for quality-brand schemes, collect comments on drafts."


def __getattr__(name: str):
    if name == "cli":  # `from cli import cli`: the click group, built on first use
        from cli.group import cli

        return cli
    raise AttributeError(name)


def _help_width() -> int:
    """click's: the terminal's columns (COLUMNS, else the terminal, else 80), at most 80, less 2."""
    import os

    try:
        columns = int(os.environ.get("COLUMNS", "0")) or os.get_terminal_size(sys.__stdout__.fileno()).columns
    except (AttributeError, ValueError, OSError):
        columns = 80
    return max(min(columns or 80, 80) - 2, 50)


def top_help(width: int | None = None) -> str:
    """`intake --help` as click writes it, without importing click (cli.group renders the same)."""
    import textwrap

    width = width or _help_width()

    def para(text: str, indent: int) -> list[str]:
        return textwrap.wrap(text, width, initial_indent=" " * indent, subsequent_indent=" " * indent)

    lines = ["Usage: intake [OPTIONS] COMMAND [ARGS]...", "", *para(DESCRIPTION, 2), "", "Options:"]
    options = [("--version", "Show the version and exit."), ("-h, --help", "Show this message and exit.")]
    for block, rows in (("Options:", options), ("Commands:", sorted((n, h) for n, (_, h) in COMMANDS.items()))):
        if block == "Commands:":
            lines += ["", block]
        first = max(len(k) for k, _ in rows) + 4
        for key, text in rows:
            wrapped = textwrap.wrap(text, max(10, width - first)) or [""]
            lines.append(f"  {key.ljust(first - 2)}{wrapped[0]}")
            lines += [" " * first + w for w in wrapped[1:]]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args in (["--help"], ["-h"]):
        sys.stdout.write(top_help())
        return 0
    if args[:1] == ["schemes"]:
        from cli import schemes

        if args in schemes.FAST_ARGS:  # a light command: no click group
            return schemes.run(as_json="--json" in args)
    from cli.group import cli

    try:
        cli.main(args=argv, prog_name="intake", standalone_mode=True)
    except SystemExit as e:
        return int(e.code or 0)
    return 0


if __name__ == "__main__":
    sys.exit(main())

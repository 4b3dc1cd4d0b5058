"""The `intake` command: a face of the application beside `web/`. Each area registers its
subcommands from its own module (`cli/<area>.py`), so the CLI mirrors the Python API one module per
job. May import the application (intake), extractors, checklists, forms and, to serve, web; nothing
imports it."""
from __future__ import annotations

import importlib
import sys

import click

# Modules that define `register(group)`.
COMMAND_MODULES = [
    "cli.extract",
    "cli.check",
    "cli.comments",
    "cli.form",
    "cli.chat",
    "cli.serve",
    "cli.users",
    "cli.backup",
]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="intake")
def cli() -> None:
    """intake: pre-check applications for quality-brand schemes, collect comments on drafts."""


def _register_all() -> None:
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(cli)


_register_all()


def main(argv: list[str] | None = None) -> int:
    try:
        cli.main(args=argv, prog_name="intake", standalone_mode=True)
    except SystemExit as e:
        return int(e.code or 0)
    return 0


if __name__ == "__main__":
    sys.exit(main())

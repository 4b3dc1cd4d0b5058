"""The click group behind `intake`: knows every command's name and help from `cli.COMMANDS` and
imports a command's module only when that command is looked up to run."""

from __future__ import annotations

import importlib

import click

from cli import COMMANDS, DESCRIPTION


class LazyGroup(click.Group):
    """A group that knows its commands' names and help from COMMANDS and imports a command's
    module only when that command is looked up to run."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(COMMANDS) | set(self.commands))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.commands and name in COMMANDS:
            importlib.import_module(COMMANDS[name][0]).register(self)
        return self.commands.get(name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [
            (name, COMMANDS[name][1] if name in COMMANDS else self.commands[name].get_short_help_str())
            for name in self.list_commands(ctx)
        ]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="intake")
def cli() -> None:
    pass


cli.help = DESCRIPTION

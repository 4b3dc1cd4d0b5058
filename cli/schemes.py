"""`intake schemes [--json]`: the schemes a bundle can be checked against (the scheme data only:
no engine, no reader)."""

from __future__ import annotations

import json
import sys

import click

from checklists.scheme import SchemeError, list_schemes


def _fail(message: str, code: int = 2) -> None:
    click.echo(f"intake: {message}", err=True)
    sys.exit(code)


def register(cli: click.Group) -> None:
    @cli.command("schemes")
    @click.option("--json", "as_json", is_flag=True, help="the contract's JSON: a list of {id, name, source, levels}")
    def schemes(as_json: bool) -> None:
        """List the schemes a bundle can be checked against."""
        try:
            found = list_schemes()
        except SchemeError as e:
            _fail(str(e))
        if as_json:
            click.echo(json.dumps([s.to_summary() for s in found], ensure_ascii=False, indent=2))
            return
        for s in found:
            levels = " < ".join(s.level_names) if s.level_names else "（无级别）"
            click.echo(f"{s.id:<11} {s.name}\n            级别：{levels}\n            依据：{s.source}")

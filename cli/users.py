"""`intake users add NAME --role ROLE [--password P]`, `intake users list`."""
from __future__ import annotations

import json

import click

from intake.store.accounts import ROLES, AccountError, add_user, list_users
from intake.store.db import open_db


def register(cli: click.Group) -> None:
    @cli.group()
    def users() -> None:
        """Staff and applicant accounts of the web service."""

    @users.command("add")
    @click.argument("name")
    @click.option("--role", type=click.Choice(ROLES), required=True)
    @click.option("--password", help="at least 8 characters; generated and printed when omitted")
    @click.option("--data", "data", type=click.Path(file_okay=False), help="data directory (default ./var)")
    def add(name: str, role: str, password: str | None, data: str | None) -> None:
        """Create an account; prints the password when it was generated."""
        try:
            user, pw = add_user(open_db(data), name, role, password)
        except AccountError as e:
            raise click.UsageError(str(e))
        click.echo(f"added {user.name} ({user.role})" + ("" if password else f" password: {pw}"))

    @users.command("list")
    @click.option("--data", "data", type=click.Path(file_okay=False))
    @click.option("--json", "as_json", is_flag=True)
    def list_(data: str | None, as_json: bool) -> None:
        """List accounts (name, role; never passwords)."""
        rows = [{"id": u.id, "name": u.name, "role": u.role} for u in list_users(open_db(data))]
        if as_json:
            click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        else:
            for r in rows:
                click.echo(f"{r['id']:>4}  {r['name']:<24} {r['role']}")

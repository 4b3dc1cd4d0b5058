"""`intake users add NAME --role ROLE [--password P]`, `intake users list`,
`intake users disable|enable|reset-password|delete NAME` (each of the last four except enable ends
the account's sessions at once: a copied cookie stops working)."""

from __future__ import annotations

import json

import click

from intake.store.accounts import (
    ROLES,
    AccountError,
    add_user,
    delete_user,
    disabled_names,
    list_users,
    set_disabled,
    set_password,
)
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
            raise click.UsageError(str(e)) from None
        click.echo(f"added {user.name} ({user.role})" + ("" if password else f" password: {pw}"))

    @users.command("list")
    @click.option("--data", "data", type=click.Path(file_okay=False))
    @click.option("--json", "as_json", is_flag=True)
    def list_(data: str | None, as_json: bool) -> None:
        """List accounts (name, role; never passwords)."""
        db = open_db(data)
        off = disabled_names(db)
        rows = [{"id": u.id, "name": u.name, "role": u.role, "disabled": u.name in off} for u in list_users(db)]
        if as_json:
            click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        else:
            for r in rows:
                click.echo(f"{r['id']:>4}  {r['name']:<24} {r['role']}" + ("  (disabled)" if r["disabled"] else ""))

    def _account(action):
        try:
            return action()
        except AccountError as e:
            click.echo(f"error: {e}", err=True)
            raise SystemExit(2) from None

    @users.command("disable")
    @click.argument("name")
    @click.option("--data", "data", type=click.Path(file_okay=False))
    def disable(name: str, data: str | None) -> None:
        """The account can no longer sign in; its sessions end now."""
        _account(lambda: set_disabled(open_db(data), name, True))
        click.echo(f"disabled {name}; signed out everywhere")

    @users.command("enable")
    @click.argument("name")
    @click.option("--data", "data", type=click.Path(file_okay=False))
    def enable(name: str, data: str | None) -> None:
        """Let a disabled account sign in again."""
        _account(lambda: set_disabled(open_db(data), name, False))
        click.echo(f"enabled {name}")

    @users.command("reset-password")
    @click.argument("name")
    @click.option("--password", help="at least 8 characters; generated and printed when omitted")
    @click.option("--data", "data", type=click.Path(file_okay=False))
    def reset_password(name: str, password: str | None, data: str | None) -> None:
        """Set a new password; every session of the account ends."""
        _, pw = _account(lambda: set_password(open_db(data), name, password))
        click.echo(f"password of {name} reset; signed out everywhere" + ("" if password else f" password: {pw}"))

    @users.command("delete")
    @click.argument("name")
    @click.option("--yes", is_flag=True, help="do not ask")
    @click.option("--data", "data", type=click.Path(file_okay=False))
    def delete(name: str, yes: bool, data: str | None) -> None:
        """Delete the account (its cases stay, without an owner; their links still work)."""
        if not yes:
            click.confirm(f"delete account {name}?", abort=True)
        _account(lambda: delete_user(open_db(data), name))
        click.echo(f"deleted {name}")

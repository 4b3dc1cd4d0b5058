"""`intake backup DEST [--data DIR]`, `intake restore SRC [--data DIR] [--force]` and
`intake verify [--data DIR]`.

Exit codes: 0 done and checked, 3 done but a check found a problem (named on stderr), 2 refused
(no database to back up, a non-empty target for restore, not a backup)."""

from __future__ import annotations

import json
import sys

import click

from intake.errors import BadInput


def _copied(summary, verb: str) -> str:
    rows = sum(summary.tables.values())
    return (
        f"{verb} {summary.folder}: {rows} rows in {len(summary.tables)} tables, "
        f"{summary.files_copied} files copied ({summary.files_present} already there)"
    )


def _finish(summary, as_json: bool, line: str) -> None:
    """The summary (JSON, or its one line), each problem on stderr; exit 3 when there is one."""
    click.echo(json.dumps(summary.to_json(), ensure_ascii=False, indent=2) if as_json else line)
    for p in summary.problems:
        click.echo(f"error: {p}", err=True)
    sys.exit(3 if summary.problems else 0)


def register(cli: click.Group) -> None:
    @cli.command("backup")
    @click.argument("dest", type=click.Path(file_okay=False))
    @click.option(
        "--data", "data", type=click.Path(file_okay=False), help="data directory (default $INTAKE_DATA or ./var)"
    )
    @click.option("--json", "as_json", is_flag=True)
    def backup_cmd(dest: str, data: str | None, as_json: bool) -> None:
        """Back up the database and the stored files into DEST, safely while the service runs.

        Run it again into the same DEST: only new files are copied."""
        from intake.store.backup import backup

        try:
            summary = backup(data, dest)
        except BadInput as e:
            click.echo(f"error: {e}", err=True)
            sys.exit(2)
        _finish(summary, as_json, _copied(summary, "backed up to"))

    @cli.command("restore")
    @click.argument("src", type=click.Path(exists=True, file_okay=False))
    @click.option("--data", "data", type=click.Path(file_okay=False), help="data directory to restore into")
    @click.option("--force", is_flag=True, help="replace an existing database (stop the service first)")
    @click.option("--json", "as_json", is_flag=True)
    def restore_cmd(src: str, data: str | None, force: bool, as_json: bool) -> None:
        """Restore a backup made by `intake backup` into a data directory (checked file by file)."""
        from intake.store.backup import restore

        try:
            summary = restore(src, data, force)
        except BadInput as e:
            click.echo(f"error: {e}", err=True)
            sys.exit(2)
        _finish(summary, as_json, _copied(summary, "restored into"))

    @cli.command("verify")
    @click.option(
        "--data", "data", type=click.Path(file_okay=False), help="data directory (default $INTAKE_DATA or ./var)"
    )
    @click.option("--json", "as_json", is_flag=True)
    def verify_cmd(data: str | None, as_json: bool) -> None:
        """Re-hash every stored original and report damaged or missing files.

        Safe while the service runs. A damaged file is refused when asked for and shown on /healthz
        until a good copy is put back (from a backup) and `intake verify` runs again."""
        from intake.store.backup import verify_store

        result = verify_store(data)
        line = (
            f"verified {result.folder}: {result.files_checked} files, "
            f"{len(result.damaged)} damaged, {len(result.missing)} missing"
        )
        _finish(result, as_json, line)

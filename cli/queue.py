"""`intake queue refresh [--data DIR] [--as-of DATE]`: the daily pass over the secretariat's queue, for
cron when the web service is not running (the service runs the same pass in the background)."""

from __future__ import annotations

import click


def register(cli: click.Group) -> None:
    @cli.group()
    def queue() -> None:
        """The secretariat's queue: bring every case's outcome summary up to date."""

    @queue.command("refresh")
    @click.option("--data", "data", type=click.Path(file_okay=False), help="data directory (default ./var)")
    @click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), help="the date to compute for (default today)")
    def refresh(data: str | None, as_of) -> None:
        """Recompute every submitted case whose outcome summary is not for today or not for its current version."""
        from intake.cases.queue import refresh_stale
        from intake.store.db import open_db

        db = open_db(data)
        n = refresh_stale(db, as_of.date() if as_of else None)
        click.echo(f"{n} case(s) brought up to date")

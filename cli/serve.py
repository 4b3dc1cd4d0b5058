"""`intake serve [--host 127.0.0.1] [--port 8000] [--data DIR]`: the web service under uvicorn."""
from __future__ import annotations

import click


def register(cli: click.Group) -> None:
    @cli.command()
    @click.option("--host", default="127.0.0.1", show_default=True)
    @click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
    @click.option("--data", "data", type=click.Path(file_okay=False),
                  help="data directory: SQLite database and stored files (default $INTAKE_DATA or ./var)")
    @click.option("--no-demo", is_flag=True, help="do not create demo accounts and data on first start")
    def serve(host: str, port: int, data: str | None, no_demo: bool) -> None:
        """Start the web service; creates the database (and demo data) on first start."""
        import uvicorn

        from intake.config import Limits, data_dir
        from intake.store.db import open_db
        from intake.demo import create_demo, needs_demo
        from web.app import create_app

        import os

        os.umask(0o077)  # every file the service writes (database, uploads, caches) is its owner's alone
        path = data_dir(data).resolve()
        limits = Limits.from_env()
        db = open_db(path)
        if not no_demo and needs_demo(db):
            create_demo(db, path, limits, echo=lambda s: click.echo(s, err=False))
        db.conn.close()
        app = create_app(path, limits)

        class Server(uvicorn.Server):
            async def startup(self, sockets=None):
                await super().startup(sockets)
                if self.started:
                    click.echo(f"intake: serving at http://{host}:{port}/  (data: {path})", err=False)

        Server(uvicorn.Config(app, host=host, port=port, log_level="info")).run()

"""`intake serve [--host 127.0.0.1] [--port 8000] [--data DIR]`: the web service under uvicorn."""

from __future__ import annotations

import click


def register(cli: click.Group) -> None:
    @cli.command()
    @click.option("--host", default="127.0.0.1", show_default=True)
    @click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
    @click.option(
        "--data",
        "data",
        type=click.Path(file_okay=False),
        help="data directory: SQLite database and stored files (default $INTAKE_DATA or ./var)",
    )
    @click.option("--demo", is_flag=True, help="on first start, create demo accounts (passwords printed) and data")
    @click.option("--no-demo", is_flag=True, hidden=True, help="the default now; kept so old scripts still run")
    @click.option(
        "--broker",
        envvar="INTAKE_BROKER",
        default=None,
        help="send documents to `intake worker`s through this broker (redis://…); default: read here",
    )
    @click.option(
        "--public-url",
        envvar="INTAKE_PUBLIC_URL",
        default=None,
        help="this service's address as workers reach it (default http://HOST:PORT)",
    )
    def serve(
        host: str, port: int, data: str | None, demo: bool, no_demo: bool, broker: str | None, public_url: str | None
    ) -> None:
        """Start the web service; creates the database on first start (demo data only with --demo)."""
        import logging
        import os

        import uvicorn

        from intake.config import Limits, data_dir
        from intake.demo import create_demo, needs_demo
        from intake.logsafety import protect_logs
        from intake.store.db import open_db
        from web.app import create_app

        os.umask(0o077)  # every file the service writes (database, uploads, caches) is its owner's alone
        handler = logging.StreamHandler()  # one JSON line per request (intake.requests), reader events
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        logging.getLogger("intake").addHandler(handler)
        logging.getLogger("intake").setLevel(logging.INFO)
        path = data_dir(data).resolve()
        limits = Limits.from_env()
        db = open_db(path)
        if needs_demo(db):
            if demo and not no_demo:
                create_demo(db, path, limits, echo=lambda s: click.echo(s, err=False))
            else:
                click.echo(
                    "intake: 还没有任何账号。创建管理员：intake users add NAME --role admin"
                    f"{'' if data is None else f' --data {path}'}（演示数据：intake serve --demo）"
                )
        db.conn.close()
        app = create_app(path, limits, broker=broker, public_url=public_url or f"http://{host}:{port}")

        class Server(uvicorn.Server):
            async def startup(self, sockets=None):
                await super().startup(sockets)
                if self.started:
                    click.echo(f"intake: serving at http://{host}:{port}/  (data: {path})", err=False)

        # proxy headers are the app's (web.session.ForwardedFrom, INTAKE_TRUSTED_PROXIES); no access log:
        # its request line carries case links and signed links, and intake.requests logs every request
        # by its route pattern instead
        config = uvicorn.Config(app, host=host, port=port, log_level="info", proxy_headers=False, access_log=False)
        protect_logs()  # uvicorn's handlers exist once its Config is made
        Server(config).run()

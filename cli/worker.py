"""`intake worker --broker URL [--threads N] [--data DIR]`: read uploaded documents for the web service
on this machine, taking jobs from the broker (Redis); run as many as the reading load needs."""

from __future__ import annotations

import click


def register(cli: click.Group) -> None:
    @cli.command("worker")
    @click.option(
        "--broker",
        "broker",
        envvar="INTAKE_BROKER",
        required=True,
        help="the broker the web service sends jobs to, e.g. redis://host:6379/0 (or $INTAKE_BROKER)",
    )
    @click.option(
        "--threads",
        default=1,
        show_default=True,
        type=click.IntRange(1, 64),
        help="jobs read at once by this process (each in its own time-limited child process)",
    )
    @click.option(
        "--data",
        "data",
        type=click.Path(file_okay=False),
        help="local working directory: the OCR cache (default $INTAKE_DATA or ./var)",
    )
    def worker(broker: str, threads: int, data: str | None) -> None:
        """Read uploaded documents for the web service via a broker; stops on Ctrl-C or SIGTERM."""
        import logging

        from intake.config import data_dir
        from intake.logsafety import protect_logs
        from intake.reading.broker import serve_worker

        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
        protect_logs()  # the HTTP client logs each original it fetches: its link's signature is replaced
        data_dir(data)  # the OCR cache lives under it
        try:
            serve_worker(broker, threads)
        except Exception as e:  # the broker unreachable, a bad URL: say so, not a traceback
            raise click.ClickException(f"无法连接任务队列 {broker}：{e}") from None

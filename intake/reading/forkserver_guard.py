"""Imported first by the fork server (worker.PRELOAD): it dies with the server that started it.

The server puts its pid in INTAKE_SERVER_PID before starting the fork server; only a process whose
parent is that server (the fork server itself) asks for the parent-death signal."""

from __future__ import annotations

import os

from extractors.limits import die_with_parent

_server = os.environ.get("INTAKE_SERVER_PID", "")
if _server.isdigit() and int(_server) != os.getpid() and os.getppid() == int(_server):
    die_with_parent()
    if os.getppid() != int(_server):  # the server died before the signal was asked for
        os._exit(0)

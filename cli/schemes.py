"""`intake schemes [--json]`: the schemes a bundle can be checked against (the scheme data only:
no engine, no reader). A light command: `run` needs no click either (cli.main calls it directly)."""

from __future__ import annotations

import json
import sys

FAST_ARGS = (["schemes"], ["schemes", "--json"])  # cli.main runs these without building the click group


def run(as_json: bool) -> int:
    from checklists.registry import SchemeError, summaries

    try:
        found = summaries()
    except SchemeError as e:
        sys.stderr.write(f"intake: {e}\n")
        return 2
    if as_json:
        sys.stdout.write(json.dumps(found, ensure_ascii=False, indent=2) + "\n")
        return 0
    for s in found:
        levels = " < ".join(s["levels"]) if s["levels"] else "（无级别）"
        sys.stdout.write(f"{s['id']:<11} {s['name']}\n            级别：{levels}\n            依据：{s['source']}\n")
    return 0


def register(cli) -> None:
    import click

    @cli.command("schemes")
    @click.option("--json", "as_json", is_flag=True, help="the contract's JSON: a list of {id, name, source, levels}")
    def schemes(as_json: bool) -> None:
        """List the schemes a bundle can be checked against."""
        code = run(as_json)
        if code:
            sys.exit(code)

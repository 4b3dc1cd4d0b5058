"""`intake chat --scheme ID [--facts FACTS.json] [--state STATE.json] [FILE...]`: the assistant in a terminal.

Interactive on a terminal. When standard input is not a terminal it reads one message
per line and writes each reply followed by a blank line (the contract), so a
conversation can be scripted:

    printf '满意度测评要达到多少分？\\n' | intake chat --scheme nonferrous

FILE arguments are read first, as uploads (in pipe mode what was recognised goes to
standard error, so standard output holds exactly one reply per message). A message
`上传 PATH` uploads a file during the conversation. `--state` keeps the conversation
in a JSON file, so a phone triage can be continued later.

Exit codes: 0 ok, 2 bad arguments (unknown scheme, bad facts file), 3 a FILE could not be read.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .paths import refuse_special

UPLOAD_PREFIXES = ("上传 ", "上传：", "上传:", "/upload ")


def _load_json(path: str, what: str) -> dict:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise click.BadParameter(f"{path}: 文件不存在", param_hint=what) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise click.BadParameter(f"{path}: 不是有效的 JSON（{e}）", param_hint=what) from None
    if not isinstance(data, dict):
        raise click.BadParameter(f"{path}: 应为一个 JSON 对象", param_hint=what)
    return data


def _extract(paths: list[str]):
    from intake.reading.pipeline import extract_files

    return extract_files(paths)


def register(cli: click.Group) -> None:
    @cli.command("chat")
    @click.option("--scheme", "scheme_id", required=True, help="jinzhi / credit / nonferrous / jiangsu / trace")
    @click.option("--facts", "facts_file", type=click.Path(dir_okay=False), help="a facts file (contract keys)")
    @click.option(
        "--state",
        "state_file",
        type=click.Path(dir_okay=False),
        help="keep the conversation in this JSON file (read if it exists, written after each turn)",
    )
    @click.option("--as-of", "as_of", help="evaluation date YYYY-MM-DD (default today)")
    @click.option(
        "--json", "as_json", is_flag=True, help="each reply as a JSON object (text, quotes, question, changes, outcome)"
    )
    @click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
    def chat(scheme_id, facts_file, state_file, as_of, as_json, files):
        """Talk an applicant through a scheme: rule questions answered from the scheme's text, and
        an interview that asks only what is still missing."""
        from checklists.factsfile import FactsError
        from intake.assistant.engine import Assistant

        refuse_special(facts_file, state_file)
        facts = _load_json(facts_file, "--facts") if facts_file else None
        state = None
        if state_file and Path(state_file).exists():
            state = _load_json(state_file, "--state")
        if as_of:
            from datetime import date

            try:
                date.fromisoformat(as_of)
            except ValueError:
                raise click.BadParameter(f"{as_of!r} 不是 YYYY-MM-DD 日期", param_hint="--as-of") from None
        try:
            assistant = Assistant(scheme_id, state, as_of=as_of, facts=facts)
            assistant.evaluate()  # a bad facts file fails here, before the conversation
        except FactsError as e:
            raise click.BadParameter(str(e), param_hint="--facts") from None
        except (KeyError, ValueError) as e:
            raise click.BadParameter(str(e).strip("'\""), param_hint="--scheme/--state") from None

        interactive = sys.stdin.isatty()
        unreadable = False

        def emit(reply, *, err: bool = False) -> None:
            out = json.dumps(reply.to_json(), ensure_ascii=False) if as_json else reply.text
            click.echo(out + "\n", err=err)
            (sys.stderr if err else sys.stdout).flush()  # a script reading replies must not wait on a buffer
            if state_file:
                Path(state_file).write_text(json.dumps(reply.state, ensure_ascii=False), encoding="utf-8")

        def upload(paths: list[str], err: bool) -> bool:
            """One reply for the batch: the last upload's reply sums up every file of it."""
            bad, last = False, None
            for doc in _extract(paths):
                bad |= bool(doc.error)
                last = assistant.on_upload(doc)
            if last is not None:
                emit(last, err=err)
            return bad

        if files:
            unreadable = upload(list(files), err=not interactive)

        if interactive:
            emit(assistant.reply(""))
            while True:
                try:
                    line = input("> ")
                except (EOFError, KeyboardInterrupt):
                    click.echo()
                    break
                if line.strip() in ("exit", "quit", "退出"):
                    break
                _turn(line, assistant, emit, upload)
        else:
            for line in sys.stdin:
                line = line.rstrip("\r\n")
                if not line.strip():
                    continue
                _turn(line, assistant, emit, upload)
        sys.exit(3 if unreadable else 0)


def _turn(line: str, assistant, emit, upload) -> None:
    for p in UPLOAD_PREFIXES:
        if line.startswith(p):
            path = line[len(p) :].strip()
            if not Path(path).is_file():
                from intake.assistant.engine import Reply

                emit(
                    Reply(
                        text=f"找不到文件“{path}”，请检查路径。",
                        question=assistant.state.get("pending"),
                        state=assistant.state,
                    )
                )
                return
            upload([path], err=False)
            return
    emit(assistant.reply(line))

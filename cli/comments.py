"""`intake comments …`: comment sheets in, the consolidated register out.

    intake comments parse SHEET... [--draft DRAFT] [--json]
    intake comments register --draft DRAFT SHEET|FOLDER... --out REGISTER.docx [--csv REGISTER.csv] [--deadline DATE] [--json]
    intake comments list --draft DRAFT [--pending] [--clause 8.2] [--json]
    intake comments dispose --draft DRAFT ID... --decision 部分采纳 --reason "…" [--group]
    intake comments sheets --draft DRAFT [--json]
    intake comments clauses --draft DRAFT [--json]
    intake comments template --draft DRAFT --out 征求意见表.docx

Exit codes (contract): 0 ok, 2 bad arguments, 3 some input file could not be read
(every file is still listed in the JSON with its `error`).
"""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import click

from forms.comment_template import write_comment_template
from forms.register import write_register_csv, write_register_docx
from intake.comments import imports, reading, store
from intake.comments.register import group_of, register_data
from intake.reading.files import NotRegularFile, read_regular
from intake.store.blobs import BlobStore
from intake.store.db import open_db

SKIP = (".", "~$")  # hidden files, Word's lock files


def _files(paths: tuple[str, ...]) -> list[Path]:
    """FILE or FOLDER arguments → files (a folder is walked, sorted, hidden and lock files skipped)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and not f.name.startswith(SKIP)))
        else:
            out.append(p)
    return out


def _echo_json(obj) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False, indent=2))


def _die(msg: str, code: int) -> None:
    click.echo(f"error: {msg}", err=True)
    sys.exit(code)


def _read_bytes(path: Path) -> bytes:
    """A regular file's bytes, or exit 3 naming it (a FIFO or a device would block or never end)."""
    try:
        return read_regular(path)
    except NotRegularFile as e:
        _die(str(e), 3)
    except OSError as e:
        _die(f"{path}: 无法打开文件（{e.strerror or e}）", 3)


def _read_draft(path: str):
    """The draft's clause tree, or exit 3 naming the file and the problem."""
    try:
        return reading.read_draft_bytes(_read_bytes(Path(path)), Path(path).name)
    except store.CommentsError as e:
        _die(str(e), 3)


@dataclass
class DraftSettings:
    """What the committee gives on the command line; None keeps what is stored or read."""

    deadline: str | None = None
    title: str | None = None
    handler: str | None = None
    drafting_unit: str | None = None


def _draft(db, blobs, draft: str, settings: DraftSettings | None = None) -> store.Draft:
    """DRAFT is the draft's file (DOCX/PDF/Markdown/text) or the number of a draft already stored."""
    s = settings or DraftSettings()
    path = Path(draft)
    if path.exists():
        return _publish(db, blobs, path, s)
    if not draft.isdigit():
        _die(f"{draft}: 找不到草案文件", 3)
    try:
        return store.update_draft(
            db,
            int(draft),
            title=s.title or None,
            deadline=s.deadline or None,
            drafting_unit=s.drafting_unit or None,
            handler=s.handler or None,
        )
    except store.CommentsError as e:
        _die(str(e), 2)


def _publish(db, blobs, path: Path, s: DraftSettings) -> store.Draft:
    try:
        return imports.publish_draft(
            db,
            blobs,
            _read_bytes(path),
            path.name,
            title=s.title,
            deadline=s.deadline,
            handler=s.handler,
            drafting_unit=s.drafting_unit,
        )
    except store.CommentsError as e:
        _die(f"{path.name}: {e}", 3)


def _date(ctx, param, value):
    if value is None:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


def _mtime(p: Path) -> str | None:
    try:
        return datetime.fromtimestamp(p.stat().st_mtime).date().isoformat()
    except OSError:
        return None


data_option = click.option(
    "--data",
    type=click.Path(file_okay=False),
    default=None,
    help="data directory (SQLite + stored originals); default $INTAKE_DATA or ./var",
)


@click.group("comments")
def comments_group() -> None:
    """Comment sheets on a draft standard: parse, register, dispose, blank sheet."""


def register(cli: click.Group) -> None:
    cli.add_command(comments_group)


# --- parse --------------------------------------------------------------------------------


@comments_group.command("parse")
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option(
    "--draft",
    "draft_path",
    type=click.Path(exists=True, dir_okay=False),
    help="the draft: check each reference against its clauses and the sheet's title against its title",
)
@click.option("--json", "as_json", is_flag=True, help="the contract's JSON: a list, one object per sheet")
def parse_cmd(files, draft_path, as_json) -> None:
    """Read each comment sheet (DOCX, .doc/.wps, PDF): header, signature, every comment."""
    standard = _read_draft(draft_path) if draft_path else None
    paths = _files(files)
    docs = reading.read_sheets([str(p) for p in paths])
    out = [
        _parsed_json(reading.sheet_from(doc, p.name, expected_title=standard and standard.title), standard)
        for p, doc in zip(paths, docs)
    ]
    if as_json:
        _echo_json(out)
    else:
        for obj in out:
            click.echo(_render_sheet(obj))
    for obj in out:
        if obj["error"]:
            click.echo(f"error: {obj['error']}", err=True)
    sys.exit(3 if any(o["error"] for o in out) else 0)


def _parsed_json(sheet, standard) -> dict:
    """A sheet's contract JSON; with the draft, each reference checked against its clauses."""
    obj = sheet.to_json()
    if standard:
        for c in obj["comments"]:
            c["valid"], c["nearest"] = store.check_clause(standard, c["clauses"], c["clause_raw"])
    return obj


# --- register -----------------------------------------------------------------------------


DRAFT_ITSELF = "这是征求意见稿本身，不是意见表，已跳过"


@dataclass
class RegisterRun:
    """One `comments register` invocation: what to read and where to write."""

    draft: str
    sheets: tuple[str, ...]
    out: str
    csv_out: str | None
    received: str | None
    settings: DraftSettings
    as_json: bool
    keep: bool


@comments_group.command("register")
@click.option(
    "--draft", "draft", required=True, help="the draft standard (DOCX/PDF/Markdown/text) or a stored draft's number"
)
@click.argument("sheets", nargs=-1, type=click.Path())
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False), help="the register, .docx")
@click.option(
    "--csv", "csv_out", type=click.Path(dir_okay=False), help="also write the rows as CSV (UTF-8, Excel-ready)"
)
@click.option("--deadline", callback=_date, help="YYYY-MM-DD; default: the date the draft's notice names")
@click.option(
    "--received",
    callback=_date,
    help="YYYY-MM-DD the sheets were received (e.g. by e-mail), for sheets without a date of their own; "
    "default: each file's modification time",
)
@click.option("--title", help="standard title, when the draft's own cannot be read")
@click.option("--handler", help="承办人")
@click.option("--drafting-unit", help="负责起草单位")
@click.option(
    "--data",
    type=click.Path(file_okay=False),
    default=None,
    help="keep the register in this data directory (SQLite + stored originals): re-runs add sheets "
    "and `dispose` records decisions; without it nothing is kept between runs",
)
@click.option("--json", "as_json", is_flag=True, help="the contract's summary JSON")
def register_cmd(draft, sheets, out, csv_out, deadline, received, title, handler, drafting_unit, data, as_json) -> None:
    """Import SHEETs (files or folders) and write the 征求意见汇总处理表.

    With --data the sheets are stored there, so re-running with more sheets adds them,
    the same file twice is counted once, and dispositions recorded with `dispose`
    appear in the regenerated register. Without --data the command works in a
    temporary store it removes afterwards: the same inputs always give the same answer.
    """
    settings = DraftSettings(deadline=deadline, title=title, handler=handler, drafting_unit=drafting_unit)
    run = RegisterRun(draft, sheets, out, csv_out, received, settings, as_json, keep=data is not None)
    if data is None:
        with tempfile.TemporaryDirectory(prefix="intake-register-") as tmp:
            code = _register_in(tmp, run)
    else:
        code = _register_in(data, run)
    sys.exit(code)


def _register_in(data: str, run: RegisterRun) -> int:
    db, blobs = open_db(data), BlobStore(data)
    try:
        d = _draft(db, blobs, run.draft, run.settings)
        items, problems = _sheet_files(_files(run.sheets), d, run.received)
        results = imports.import_sheets(db, blobs, d.id, items, source="given" if run.received else "file")
        reg = register_data(db, d.id)
        _write_register(reg, run)
        summary = _register_summary(reg, d, run, [_import_json(r) for r in results] + problems)
    finally:
        db.close()
    if run.as_json:
        _echo_json(summary)
    else:
        click.echo(_render_register(summary))
    errors = [f["error"] for f in summary["files"] if f.get("error")]
    for e in errors:
        click.echo(f"error: {e}", err=True)
    return 3 if errors else 0


def _sheet_files(paths: list[Path], d: store.Draft, received: str | None) -> tuple[list, list[dict]]:
    """[(name, bytes, received)] to import, and what is listed without importing: files that cannot be
    opened, then the draft itself (a folder often holds it beside the sheets)."""
    items, problems, skipped = [], [], []
    for p in paths:
        try:
            data = read_regular(p)
        except NotRegularFile as e:
            problems.append({"file": p.name, "error": str(e)})
            continue
        except OSError as e:
            problems.append({"file": p.name, "error": f"{p.name}: 无法打开文件（{e.strerror or e}）"})
            continue
        if hashlib.sha256(data).hexdigest() == d.sha256:
            skipped.append({"file": p.name, "status": "skipped", "error": None, "warnings": [DRAFT_ITSELF]})
        else:
            items.append((p.name, data, received or _mtime(p)))
    return items, problems + skipped


def _write_register(reg, run: RegisterRun) -> None:
    for target, write in ((run.out, write_register_docx), (run.csv_out, write_register_csv)):
        if not target:
            continue
        try:
            write(reg, target)
        except OSError as e:  # name the file that failed: /dev/full as --csv is not the .docx
            _die(f"{target}: 无法写入（{e.strerror or e}）", 2)


def _register_summary(reg, d: store.Draft, run: RegisterRun, files: list[dict]) -> dict:
    summary = dict(reg.summary)
    summary.update(
        {
            "draft_id": d.id if run.keep else None,
            "deadline": d.deadline,
            "out": str(run.out),
            "csv": run.csv_out,
            "summary_text": reg.summary_text,
            "groups": reg.groups,
            "files": files,
        }
    )
    return summary


# --- list, dispose, sheets ----------------------------------------------------------------

LIST_KEYS = (
    "id",
    "file",
    "receipt",
    "seq",
    "clause",
    "clause_raw",
    "comment",
    "reason",
    "comment_raw",
    "reason_raw",
    "submitter",
    "valid",
    "nearest",
    "late",
    "decision",
    "decision_reason",
    "decided_by",
    "confidence",
    "to_check",
)


@comments_group.command("list")
@click.option("--draft", "draft", required=True, help="the draft file or a stored draft's number")
@click.option("--pending", is_flag=True, help="only comments without a disposition")
@click.option("--clause", help="only comments on this clause (as in the register, e.g. 8.2)")
@data_option
@click.option("--json", "as_json", is_flag=True)
def list_cmd(draft, pending, clause, data, as_json) -> None:
    """The current comments with their numbers (for `dispose`), clause, submitter and disposition."""
    db, blobs = open_db(data), BlobStore(data)
    d = _draft(db, blobs, draft)
    rows = store.comments(db, d.id)
    if pending:
        rows = [r for r in rows if not r["decision"]]
    if clause:
        rows = [r for r in rows if clause in r["clauses"] or r["clause"] == clause]
    if as_json:
        _echo_json([{k: r[k] for k in LIST_KEYS} for r in rows])
        return
    for r in rows:
        click.echo(_comment_line(r))


def _comment_line(r: dict) -> str:
    flag = ("" if r["valid"] else "  [章条无效]") + ("  [请核对：扫描件识别]" if r.get("to_check") else "")
    dec = (
        f"  → {r['decision']}" + (f"：{r['decision_reason']}" if r["decision_reason"] else "") if r["decision"] else ""
    )
    return (
        f"#{r['id']:<5} {r['clause'] or '—':<8} {r['submitter'][:20]:<20} "
        f"{(r.get('comment_raw') or r['comment'])[:40]}{flag}{dec}"
    )


@comments_group.command("dispose")
@click.option("--draft", "draft", required=True, help="the draft file or a stored draft's number")
@click.argument("ids", nargs=-1, type=int)
@click.option("--file", "file_", help="address a comment by its sheet's file name … ")
@click.option("--seq", type=int, help="… and its number in that sheet")
@click.option("--decision", required=True, type=click.Choice(list(store.DECISIONS)), help="采纳 / 部分采纳 / 未采纳")
@click.option("--reason", default="", help="required for 部分采纳 and 未采纳")
@click.option("--by", "by", default="", help="who decided (recorded with the time)")
@click.option("--group", is_flag=True, help="apply to every comment in the same duplicate/campaign group")
@data_option
@click.option("--json", "as_json", is_flag=True)
def dispose_cmd(draft, ids, file_, seq, decision, reason, by, group, data, as_json) -> None:
    """Record the committee's disposition of comments ID... (numbers from `list` or the CSV's 意见编号)."""
    db, blobs = open_db(data), BlobStore(data)
    d = _draft(db, blobs, draft)
    targets = _dispose_targets(db, d.id, list(ids), file_, seq)
    if group:
        targets = sorted({m for t in targets for m in group_of(db, d.id, t)})
    try:
        n = store.dispose(db, targets, decision, reason, by)
    except store.CommentsError as e:
        raise click.BadParameter(str(e)) from None
    if as_json:
        _echo_json({"disposed": targets, "decision": decision, "reason": reason})
    else:
        click.echo(f"{n} 条意见记为“{decision}”：{', '.join(map(str, targets))}")


def _dispose_targets(db, draft_id: int, targets: list[int], file_: str | None, seq: int | None) -> list[int]:
    """The comments named by number, or by sheet file (and number in it); each must be current."""
    rows = store.comments(db, draft_id)
    if file_:
        hit = [r["id"] for r in rows if r["file"] == file_ and (seq is None or r["seq"] == seq)]
        if not hit:
            raise click.BadParameter(f"{file_} 中没有" + (f"第 {seq} 条" if seq else "") + "现行意见")
        targets += hit
    if not targets:
        raise click.UsageError("name the comments: ID... or --file FILE [--seq N]")
    known = {r["id"] for r in rows}
    unknown = [i for i in targets if i not in known]
    if unknown:
        raise click.BadParameter(f"第 {draft_id} 号征求意见稿没有意见 {', '.join(map(str, unknown))}")
    return targets


@comments_group.command("sheets")
@click.option("--draft", "draft", required=True, help="the draft file or a stored draft's number")
@data_option
@click.option("--json", "as_json", is_flag=True)
def sheets_cmd(draft, data, as_json) -> None:
    """Every sheet received: receipt, submitter, date, version, superseded, late, errors."""
    db, blobs = open_db(data), BlobStore(data)
    d = _draft(db, blobs, draft)
    rows = store.sheets(db, d.id)
    if as_json:
        _echo_json(rows)
        return
    for r in rows:
        late = " 逾期" if r["late"] else ""
        click.echo(
            f"{r['receipt']}  {r['received']}{late}  {r['submitter'] or '—'}  {r['file']}  "
            f"{r['comments']} 条意见  {_sheet_state(r)}"
        )


def _sheet_state(r: dict) -> str:
    if r["error"]:
        return "无法读取：" + r["error"]
    if r["superseded_by"]:
        return f"已被 #{r['superseded_by']} 替代"
    if r.get("review"):
        return f"待人工核对：{r['review']}"
    return f"第 {r['version']} 版"


# --- the draft's clauses, the blank sheet -------------------------------------------------


@comments_group.command("clauses")
@click.option("--draft", "draft_path", required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True)
def clauses_cmd(draft_path, as_json) -> None:
    """The draft's clause tree as read (what references are checked against)."""
    standard = _read_draft(draft_path)
    if as_json:
        _echo_json(standard.to_json())
        return
    click.echo(f"{standard.title}  (deadline {standard.deadline or '—'})")
    for cid in standard.ids():
        c = standard.clauses[cid]
        depth = cid.count(".") + (1 if c.kind == "item" else 0)
        click.echo(f"{'  ' * depth}{cid}  {c.title or c.text[:30]}")
    for w in standard.warnings:
        click.echo(f"warning: {w}", err=True)


@comments_group.command("template")
@click.option(
    "--draft", "draft_path", type=click.Path(exists=True, dir_okay=False), help="the draft (its title is filled in)"
)
@click.option("--title", help="the standard's title (instead of, or overriding, --draft)")
@click.option("--out", required=True, type=click.Path(dir_okay=False))
@click.option("--rows", default=10, show_default=True, type=click.IntRange(1, 200), help="blank comment rows")
def template_cmd(draft_path, title, out, rows) -> None:
    """Write the blank 征求意见表 for a draft (layout of seed 000's 附件2)."""
    deadline = None
    if draft_path:
        standard = _read_draft(draft_path)
        title = title or standard.title
        deadline = standard.deadline
    if not title:
        raise click.UsageError("give --draft (with a readable title) or --title")
    write_comment_template(out, title, rows=rows, deadline=_cn_date(deadline) if deadline else None)
    click.echo(f"wrote {out}: 征求意见表 for 《{title}》")


def _cn_date(iso: str) -> str:
    d = date.fromisoformat(iso)
    return f"{d.year}年{d.month}月{d.day}日"


def _import_json(r: store.SheetImport) -> dict:
    s = r.sheet
    return {
        "file": r.file,
        "sha256": r.sha256,
        "receipt": r.receipt,
        "status": r.status,
        "late": r.late,
        "received": r.received,
        "received_from": r.received_from,
        "error": r.error,
        "review": s.review if s else None,
        "submitter": s.submitter if s else "",
        "comments": len(s.comments) if s else 0,
        "warnings": s.warnings if s else [],
        "supersedes": r.supersedes,
    }


def _render_sheet(o: dict) -> str:
    if o["error"]:
        return f"{o['file']}\n  无法读取：{o['error']}\n"
    head = (
        f"{o['file']} — {o['submitter'] or '（未填单位）'} ({'专家' if o['submitter_kind'] == 'expert' else '单位'})"
        f"{'，已盖章/签名' if o['signed'] else '，未盖章/签名'}{'，' + o['date'] if o['date'] else ''}\n"
        f"  标准：{o['standard_title'] or '—'}；联系人：{o['contact_person'] or '—'} {o['contact']}"
    )
    lines = [head]
    for c in o["comments"]:
        bad = "" if c.get("valid", True) else f"  [章条无效{'，最接近 ' + c['nearest'] if c.get('nearest') else ''}]"
        lines.append(
            f"  {c['seq']:>3}. [{c['clause'] or '—'}] {(c.get('comment_raw') or c['comment'])[:60]}{bad}{_scanned(c)}"
        )
    if o.get("review"):
        lines.append(f"  待人工核对：{o['review']}")
    for w in o["warnings"]:
        lines.append(f"  注意：{w}")
    return "\n".join(lines) + "\n"


def _scanned(c: dict) -> str:
    """Read from a scan: said, and 请核对 below the OCR review threshold."""
    conf = c.get("confidence")
    if conf is None:
        return ""
    return f"  [扫描识别 {conf:.2f}{'，请核对' if conf < store.review_below() else ''}]"


def _render_register(s: dict) -> str:
    lines = [
        f"《{s['standard_title']}》 → {s['out']}" + (f" and {s['csv']}" if s.get("csv") else ""),
        s["summary_text"],
    ]
    for f in s["files"]:
        status = f"无法读取：{f['error']}" if f.get("error") else f"{f.get('status')} {f.get('receipt') or ''}"
        if f.get("review"):
            status += f"  待人工核对：{f['review']}"
        if f.get("status") == "skipped":
            status += "(" + "; ".join(f["warnings"]) + ")"
        lines.append(f"  {f['file']}: {status}")
    return "\n".join(lines)

"""`intake check`: the pre-check of a bundle of documents against a scheme.

    intake check --scheme ID [--as-of DATE] [--facts FACTS.json] [--overrides OVERRIDES.json]
                 FILE... [--json] [--explain ITEM] [--out DIR]

Exit codes (contract): 0 success whatever the verdict; 2 bad arguments (unknown scheme, bad facts
file, a date that is not a date, an unknown item for --explain); 3 some input file could not be
read — every file is still listed, the unreadable ones with `error`, and the others evaluated.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import NoReturn

import click

from checklists.clauses import UnknownScheme
from checklists.engine import OUTCOME_ZH, STATUS_ZH, Evaluation
from checklists.factsfile import FactsError, load_facts_file, parse_as_of
from checklists.scheme import SchemeError, load_scheme
from forms.gap_report import write_gap_report
from intake.precheck import checked_facts, precheck

from .paths import read_files, refuse_special

ALL = "all"  # --scheme all: every registered scheme, compared
GROUPS = ["not_met", "missing", "review", "met", "not_applicable"]
MARK = {"not_met": "✗", "missing": "?", "review": "!", "met": "✓", "not_applicable": "-"}


def _fail(message: str, code: int = 2) -> NoReturn:
    click.echo(f"intake: {message}", err=True)
    sys.exit(code)


def register(cli: click.Group) -> None:
    @cli.command("check")
    @click.option(
        "--scheme",
        "scheme_id",
        required=True,
        metavar="ID",
        help="a scheme id (see `intake schemes`), or `all` to compare every scheme",
    )
    @click.option("--as-of", "as_of", metavar="DATE", help="evaluation date YYYY-MM-DD (default: today)")
    @click.option("--facts", "facts_path", metavar="FACTS.json", help="what documents cannot show (see docs/check.md)")
    @click.option(
        "--overrides",
        "overrides_path",
        metavar="FILE.json",
        help="a reviewer's verdicts: {item id: {status, note, by}}; they win and are shown in the reason",
    )
    @click.option("--json", "as_json", is_flag=True, help="the contract's JSON object")
    @click.option("--explain", "explain", metavar="ITEM", help="why ITEM got its verdict: the rule, facts and values")
    @click.option(
        "--out",
        "out_dir",
        metavar="DIR",
        type=click.Path(file_okay=False),
        help="also write the gap report (HTML and DOCX) into DIR",
    )
    @click.argument("files", nargs=-1, type=click.Path())
    def check(scheme_id, as_of, facts_path, overrides_path, as_json, explain, out_dir, files) -> None:
        """Check FILE... against a scheme: a verdict per checklist item with its clause, reason and evidence
        (`--scheme all`: every scheme, compared)."""
        if scheme_id == ALL:
            from .compare import check_all  # the comparison's face (it uses this module's helpers)

            check_all(as_of, facts_path, overrides_path, as_json, explain, out_dir, files)
        try:
            scheme = load_scheme(scheme_id)
        except UnknownScheme as e:
            _fail(str(e))
        except SchemeError as e:
            _fail(f"方案数据文件有误：{e}")
        refuse_special(facts_path, overrides_path)
        try:
            day = parse_as_of(as_of)
            stated = load_facts_file(facts_path) if facts_path else {}
            overrides = load_facts_file(overrides_path) if overrides_path else None
            if explain and explain not in {it.id for it in scheme.items}:
                raise FactsError(f"--explain: 方案 {scheme.id} 没有条目 {explain!r}；条目 id 形如 {scheme.items[0].id}")
            checked_facts(scheme, stated, facts_path or "facts")  # a bad facts file before any reading
            result = precheck(scheme, read_files(files), stated, day, overrides, origin=facts_path or "facts")
            ev, form_warnings = result.evaluation, result.warnings
        except FactsError as e:
            _fail(str(e))
        written = _write_report(ev, out_dir) if out_dir else []
        if as_json:
            out = ev.to_json()
            if explain:
                out["explain"] = ev.trace(explain)
            if form_warnings:
                out["warnings"] = form_warnings
            if written:
                out["written"] = [str(p) for p in written]
            click.echo(json.dumps(out, ensure_ascii=False, indent=2))
        elif explain:
            click.echo(ev.explain(explain))
        else:
            click.echo(render(ev))
            for p in written:
                click.echo(f"已写入 {p}")
        for w in form_warnings:
            click.echo(f"warning: {w}", err=True)
        bad = [d for d in ev.documents if d.error]
        for d in bad:
            click.echo(f"error: {d.error}", err=True)
        sys.exit(3 if bad else 0)


def out_folder(out_dir: str) -> Path:
    """The --out folder, made if need be; one that cannot be made is a bad argument (exit 2)."""
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        _fail(f"--out {out_dir}: 无法创建目录（{e.strerror or e}）")
    return out


def _write_report(ev: Evaluation, out_dir: str) -> list[Path]:
    out = out_folder(out_dir)
    facts = ev.facts
    applicant = {"org_name": facts["applicant"]} if facts.get("applicant") else None
    return write_gap_report(ev.to_json(), out, applicant)


def _evidence(e) -> str:
    where = f"{e.file} 第{e.page}页" if e.page else e.file
    return f"{where}：“{e.text}”" if e.text else where


def render(ev: Evaluation) -> str:
    """Outcome first, then the items grouped 不满足 / 缺少材料 / 需人工审核 / 满足 / 不适用."""
    o = ev.outcome
    lines = [
        f"{ev.scheme.name}（{ev.scheme.id}）  评价日 {ev.as_of}",
        f"结论：{OUTCOME_ZH.get(o['status'], o['status'])}（{o['status']}）",
    ]
    if ev.scheme.level_names:
        lines[-1] += f"  可达级别：{o['level'] or '—'}"
        if o.get("target_level"):
            lines[-1] += f"（申报 {o['target_level']}）"
    if ev.scheme.scoring:
        score = "—" if o["score"] is None else f"{o['score']:g}"
        lines.append(
            f"得分：{score} / {o.get('score_total', 100):g}  现有材料最高可得：{o['score_max']:g}"
            f"  等级：{o['grade'] or '—'}"
        )
        if o.get("grade_withheld"):
            lines.append(f"  （{o['grade_withheld']}）")
        if o.get("best_grade"):
            lines.append(f"  可争取的最高等级：{o['best_grade']}（按现有材料，非评定结果）")
    for n in o.get("notes") or []:
        lines.append(f"注：{n}")
    groups = ev.by_status()
    lines.append("  ".join(f"{STATUS_ZH[s]} {len(groups[s])}" for s in GROUPS))
    for status in GROUPS:
        rs = groups[status]
        if not rs:
            continue
        lines.append("")
        lines.append(f"{STATUS_ZH[status]}（{len(rs)}）")
        for r in rs:
            gate = "" if r.item.is_gate else "（非必备）"
            lines.append(f"  {MARK[status]} {r.item.clause}  {r.item.title}{gate}  [{r.item.id}]")
            lines.append(f"      {r.reason}")
            for e in r.evidence[:4]:
                lines.append(f"      证据：{_evidence(e)}")
            for w in r.warnings:
                lines.append(f"      注意：{w}")
            if status in ("missing", "not_met") and r.item.satisfy:
                lines.append(f"      如何满足：{r.item.satisfy}")
    bad = [d for d in ev.documents if d.error]
    if bad:
        lines.append("")
        lines.append(f"无法读取的文件（{len(bad)}）")
        lines += [f"  {d.error}" for d in bad]
    return "\n".join(lines)

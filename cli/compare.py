"""`intake check --scheme all`: the same documents and facts against every scheme, compared.

Each scheme's entry of `--json` is what `intake check --scheme ID --json` gives for the same inputs;
the text lists the schemes closest to applying first, each with its outcome, counts, level or score
and the three next actions. Exit codes as for one scheme.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from checklists.factsfile import FactsError, load_facts_file, parse_as_of
from checklists.vocabulary import STATUS_ZH
from forms.comparison_report import write_comparison_report
from intake.comparison import Comparison, compare

from .check import GROUPS, _fail, out_folder
from .paths import read_files, refuse_special


def check_all(as_of, facts_path, overrides_path, as_json, explain, out_dir, files) -> None:
    if overrides_path or explain:
        _fail("--overrides 和 --explain 只用于单个方案：请用 --scheme ID")
    refuse_special(facts_path)
    try:
        day = parse_as_of(as_of)
        stated = load_facts_file(facts_path) if facts_path else {}
        result = compare(read_files(files), stated, day, origin=facts_path or "facts")
    except FactsError as e:
        _fail(str(e))
    data = result.to_json()
    written = _write(data, out_dir) if out_dir else []
    if as_json:
        if written:
            data["written"] = [str(p) for p in written]
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        click.echo(render_comparison(result))
        for p in written:
            click.echo(f"已写入 {p}")
    for sid, message in result.errors.items():
        click.echo(f"warning: {sid}: {message}（此方案未评价）", err=True)
    warned: set[str] = set()
    for r in result.results.values():
        for w in r.warnings:
            if w not in warned:
                warned.add(w)
                click.echo(f"warning: {w}", err=True)
    bad = [d for d in result.documents if d.error]
    for d in bad:
        click.echo(f"error: {d.error}", err=True)
    sys.exit(3 if bad else 0)


def _write(data: dict, out_dir: str) -> list[Path]:
    return write_comparison_report(data, out_folder(out_dir))


def render_comparison(result: Comparison) -> str:
    """The schemes closest to applying first; each its outcome, counts, level or score, caveats, next steps."""
    docs = result.documents
    bad = [d for d in docs if d.error]
    lines = [f"各方案对照  评价日 {result.as_of}  材料 {len(docs)} 份" + (f"（{len(bad)} 份无法读取）" if bad else "")]
    for n, s in enumerate(result.summaries(), 1):
        lines.append("")
        if "error" in s:
            lines.append(f"{n}. {s['name']}（{s['scheme']}）：未评价 — {s['error']}")
            continue
        flags = f"  [{'；'.join(s['flags'])}]" if s["flags"] else ""
        lines.append(f"{n}. {s['name']}（{s['scheme']}）：{s['status_zh']}{flags}")
        lines.append("   " + "  ".join(f"{STATUS_ZH[k]} {s['counts'][k]}" for k in GROUPS))
        if s["levels"]:
            per = "，".join(f"{lv['name']} {'可达' if lv['reached'] else '未达'}" for lv in s["levels"])
            lines.append(f"   可达级别：{s['level'] or '—'}（{per}）")
        if "score" in s:
            sc = s["score"]
            score = "尚未全部评分" if sc["score"] is None else f"{sc['score']:g}"
            lines.append(
                f"   得分：{score}  现有材料最高可得 {sc['score_max']:g} / {sc['score_total']:g}"
                + (f"  达标线 {sc['threshold']:g}" if sc["threshold"] is not None else "")
                + (f"  可争取的最高等级：{sc['best_grade']}" if sc["best_grade"] else "")
            )
        for note in s["notes"]:
            lines.append(f"   注：{note}")
        for a in s["next_actions"]:
            lines.append(f"   下一步：{a['text']}")
    if bad:
        lines.append("")
        lines.append(f"无法读取的文件（{len(bad)}）")
        lines += [f"  {d.error}" for d in bad]
    return "\n".join(lines)

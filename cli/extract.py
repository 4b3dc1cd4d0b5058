"""`intake extract FILE... [--json]`: the facts in each file, with the page and line each was read from.

Exit codes (contract): 0 every file read, 3 some file could not be read (a missing path included;
every file is still listed, the unreadable ones with `error`), 2 bad arguments (no FILE at all).
"""

from __future__ import annotations

import json
import sys
import unicodedata

import click

from extractors.facts import DocumentFacts
from intake.reading.pipeline import extract_files


def register(cli: click.Group) -> None:
    @cli.command("extract")
    @click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True))
    @click.option("--json", "as_json", is_flag=True, help="the contract's JSON: a list, one object per file")
    def extract(files: tuple[str, ...], as_json: bool) -> None:
        """Classify each FILE and read its facts (holder, USCC, dates, numbers, standard, indicators …)."""
        results = extract_files(list(files))
        if as_json:
            click.echo(json.dumps([r.to_json() for r in results], ensure_ascii=False, indent=2))
        else:
            click.echo("\n\n".join(render(r) for r in results))
        for r in results:
            if r.error:
                click.echo(f"error: {r.error}", err=True)
        sys.exit(3 if any(r.error for r in results) else 0)


# -- the readable output -------------------------------------------------------------


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _pad(s: str, n: int) -> str:
    return s + " " * max(0, n - _width(s))


def _clip(s: str, n: int) -> str:
    out, w = "", 0
    for c in s:
        cw = 2 if unicodedata.east_asian_width(c) in "WF" else 1
        if w + cw > n - 1:
            return out + "…"
        out, w = out + c, w + cw
    return out


def _money(v: dict) -> str:
    return "; ".join(f"{y}: {n:,.0f} 元" if float(n).is_integer() else f"{y}: {n:,.2f} 元" for y, n in v.items())


def _value(name: str, v) -> str:
    if name in ("revenue", "net_profit") and isinstance(v, dict):
        return _money(v)
    if name == "indicators" and isinstance(v, list):
        return f"{len(v)} indicators (below)"
    return str(v)


def _num(v) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def render(r: DocumentFacts) -> str:
    """A table per file: type, then each field with its value, page, confidence and the line it came from."""
    head = f"{r.file}"
    if r.error:
        return f"{head}\n  ERROR: {r.error}"
    lines = [
        f"{head}  —  {r.type} (confidence {r.type_confidence:.2f}), {r.pages} page(s)" + (", OCR" if r.ocr else "")
    ]
    if not r.fields:
        lines.append("  (no fields found)")
    else:
        rows = [
            (name, _clip(_value(name, f.value), 40), str(f.page or ""), f"{f.confidence:.2f}", _clip(f.text, 50))
            for name, f in r.fields.items()
        ]
        header = ("field", "value", "page", "conf", "line")
        widths = [max(_width(x[i]) for x in rows + [header]) for i in range(5)]
        for row in [header] + rows:
            lines.append("  " + "  ".join(_pad(c, widths[i]) for i, c in enumerate(row)).rstrip())
    ind = r.fields.get("indicators")
    if ind and isinstance(ind.value, list):
        lines.append("  indicators:")
        header = ("name", "requirement", "measured", "unit", "verdict", "margin")
        rows = [
            (
                str(i.get("name", "")),
                str(i.get("requirement", "")),
                _num(i.get("measured", "")),
                str(i.get("unit", "") or ""),
                str(i.get("verdict") or ""),
                "" if i.get("margin") is None else f"{i['margin']:+.1%}",
            )
            for i in ind.value
        ]
        widths = [max(_width(_clip(x[k], 24)) for x in rows + [header]) for k in range(6)]
        for row in [header] + rows:
            lines.append("    " + "  ".join(_pad(_clip(c, 24), widths[k]) for k, c in enumerate(row)).rstrip())
    for name, f in r.fields.items():
        if f.check:
            lines.append(f"  {name}: {f.check}")
    for w in r.warnings:
        lines.append(f"  warning: {w}")
    return "\n".join(lines)

"""`intake form --scheme ID [--facts FILE] [--as-of DATE] FILE... --out FORM.docx [--pdf] [--json]`:
the scheme's application form, pre-filled from the files and the declared facts.

Exit codes (contract): 0 written, 2 bad arguments (unknown scheme, bad facts file or date),
3 some input file could not be read (the form is still written from the others).
"""

from __future__ import annotations

import json
import sys

import click

from checklists.factsfile import FactsError, load_facts_file
from checklists.scheme import load_scheme
from intake.precheck import checked_facts, precheck

from .paths import read_files, refuse_special


def register(cli: click.Group) -> None:
    @cli.command("form")
    @click.option("--scheme", required=True, help="jinzhi / credit / nonferrous / jiangsu / trace")
    @click.option("--facts", "facts_file", type=click.Path(dir_okay=False), help="declared facts (JSON)")
    @click.option("--as-of", "as_of", help="evaluation date YYYY-MM-DD (default today)")
    @click.option("--out", "out", required=True, type=click.Path(dir_okay=False), help="the form to write (.docx)")
    @click.option("--pdf", is_flag=True, help="also write a PDF beside it (needs LibreOffice)")
    @click.option("--json", "as_json", is_flag=True, help="print what was filled and what is missing as JSON")
    @click.argument("files", nargs=-1, type=click.Path(dir_okay=True))
    def form(
        scheme: str,
        facts_file: str | None,
        as_of: str | None,
        out: str,
        pdf: bool,
        as_json: bool,
        files: tuple[str, ...],
    ) -> None:
        """Write the scheme's application form, pre-filled from FILE... and --facts; gaps shaded."""
        from forms.application import FormError, build_form
        from forms.specs import UnknownScheme, scheme_spec

        try:
            scheme_spec(scheme)
        except UnknownScheme as e:
            raise click.BadParameter(str(e), param_hint="--scheme") from None
        if not out.lower().endswith(".docx"):
            raise click.BadParameter("应以 .docx 结尾", param_hint="--out")
        try:
            refuse_special(facts_file)
            facts = load_facts_file(facts_file) if facts_file else {}
            checked_facts(load_scheme(scheme), facts, facts_file or "facts")  # a bad facts file before any reading
            result = precheck(scheme, read_files(files), facts, as_of, origin=facts_file or "facts")
        except FactsError as e:  # bad facts, a bad date
            raise click.BadParameter(str(e), param_hint="--facts" if facts_file else "--as-of") from None
        for w in result.warnings:
            click.echo(f"warning: {w}", err=True)
        evaluation = result.evaluation.to_json()
        results = result.evaluation.documents
        documents = [r.to_json() for r in results]
        try:
            filled = build_form(scheme, documents, facts, evaluation, out)
            pdf_path = None
            if pdf:
                from forms.pdf import docx_to_pdf

                try:
                    pdf_path = docx_to_pdf(filled.path)
                except FormError as e:
                    click.echo(f"warning: {e}", err=True)
        except FormError as e:
            click.echo(f"error: {e}", err=True)
            sys.exit(1)
        for r in results:
            if r.error:
                click.echo(f"error: {r.error}", err=True)
        if as_json:
            click.echo(
                json.dumps(
                    {
                        "scheme": scheme,
                        "form": str(filled.path),
                        "pdf": str(pdf_path) if pdf_path else None,
                        "outcome": (evaluation or {}).get("outcome"),
                        "filled": filled.filled,
                        "missing": filled.missing,
                        "to_check": filled.to_check,
                        "documents": [{"file": d["file"], "type": d["type"], "error": d["error"]} for d in documents],
                    },
                    ensure_ascii=False,
                    indent=2,
                )
            )
        else:
            click.echo(f"wrote {filled.path}" + (f" and {pdf_path}" if pdf_path else ""))
            click.echo(
                f"  预填 {len(filled.filled)} 项；待补 {len(filled.missing)} 项；待核对 {len(filled.to_check)} 项"
            )
            for line in filled.missing:
                click.echo(f"  缺 {line}")
            for line in filled.to_check:
                click.echo(f"  核对 {line}")
        sys.exit(3 if any(r.error for r in results) else 0)

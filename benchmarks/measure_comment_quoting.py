"""How many comments the register quotes exactly as written (whitespace aside), per sheet format.

    python -m benchmarks.measure_comment_quoting [--held-out-only]

Sheets from tests/comment_written.py: the test sheets (seed 1, the marks the parser was checked on)
and a held-out set (seeds 1001-1004 with marks kept apart, HELD_OUT_INSERTS) nobody tunes on. Each
set is written as DOCX, as a text PDF (reportlab), as a PDF exported by LibreOffice from the DOCX
(western-font runs, as Word/WPS write them) and as legacy .doc (DOCX → ODT → DOC), imported through
intake.comments and written out as the register DOCX and CSV; every comment and reason of the sheets
is looked for in the register's 意见内容 / 修改建议或理由 columns.
"""

from __future__ import annotations

import csv
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from comment_sheets import HEAD, TITLE, draft_markdown, seed_sheet  # noqa: E402
from comment_written import exact_rate, sheets  # noqa: E402
from docgen import Grid, pdf_bytes  # noqa: E402


def _write(tmp: Path, batch) -> dict[str, list[Path]]:
    from extractors.readers import office

    d = tmp / "docx"
    d.mkdir()
    out: dict[str, list[Path]] = {"docx": [], "pdf (reportlab)": []}
    for i, (unit, rows) in enumerate(batch):
        p = d / f"sheet{i}.docx"
        p.write_bytes(seed_sheet(rows, unit=unit, stamp=unit, date=None))
        out["docx"].append(p)
        top = [
            ["单位名称或专家姓名", unit, "单位盖章或专家签名", unit],
            ["联系人", "张三", "联系方式", "13800000000"],
            ["标准名称", TITLE, "", ""],
            list(HEAD),
        ]
        q = tmp / f"sheet{i}.pdf"
        q.write_bytes(pdf_bytes([["团体标准制定征求意见表", Grid(top + rows, merges=[(2, 1, 2, 3)])]]))
        out["pdf (reportlab)"].append(q)
    binary = office.soffice()
    if binary:

        def convert(paths, target, outdir):
            subprocess.run(
                [
                    binary,
                    f"-env:UserInstallation={(tmp / 'profile').as_uri()}",
                    "--headless",
                    "--convert-to",
                    target,
                    "--outdir",
                    str(outdir),
                ]
                + [str(p) for p in paths],
                check=True,
                capture_output=True,
                timeout=600,
            )
            return sorted(outdir.glob(f"*.{target}"))

        out["pdf (LibreOffice)"] = convert(out["docx"], "pdf", tmp / "lo-pdf")
        out["doc"] = convert(convert(out["docx"], "odt", tmp / "odt"), "doc", tmp / "doc")
    return out


def _register_columns(files: list[Path], tmp: Path) -> tuple[list[str], list[str], list[str], list[str]]:
    import docx

    from forms.register import write_register_csv, write_register_docx
    from intake import comments as C
    from intake.store.blobs import BlobStore
    from intake.store.db import open_db

    db, blobs = open_db(tmp), BlobStore(tmp)
    d = C.publish_draft(db, blobs, draft_markdown(), "draft.md")
    C.import_sheets(db, blobs, d.id, [(p.name, p.read_bytes(), "2026-01-05") for p in files])
    reg = C.register_data(db, d.id)
    write_register_docx(reg, tmp / "r.docx")
    write_register_csv(reg, tmp / "r.csv")
    rows = [[c.text for c in r.cells] for r in docx.Document(str(tmp / "r.docx")).tables[0].rows[1:]]
    with open(tmp / "r.csv", encoding="utf-8-sig", newline="") as f:
        csv_rows = list(csv.reader(f))[1:]
    db.close()
    return [r[2] for r in rows], [r[3] for r in rows], [r[2] for r in csv_rows], [r[3] for r in csv_rows]


def measure(name: str, batch) -> None:
    comments = [r[2] for _, rows in batch for r in rows]
    reasons = [r[3] for _, rows in batch for r in rows if r[3]]
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        for fmt, files in _write(tmp, batch).items():
            work = tmp / ("register-" + fmt.replace(" ", "_").replace("(", "").replace(")", ""))
            work.mkdir()
            dc, dr, cc, cr = _register_columns(files, work)
            hits = [
                exact_rate(comments, dc),
                exact_rate(reasons, [x for x in dr if x]),
                exact_rate(comments, cc),
                exact_rate(reasons, [x for x in cr if x]),
            ]
            n = sum(h for h, _ in hits[:2]), sum(k for _, k in hits[:2])
            m = sum(h for h, _ in hits[2:]), sum(k for _, k in hits[2:])
            print(
                f"{name:9} {fmt:18} DOCX {n[0]}/{n[1]} ({100 * n[0] / n[1]:.1f} %)   "
                f"CSV {m[0]}/{m[1]} ({100 * m[0] / m[1]:.1f} %)"
            )


def main() -> None:
    if "--held-out-only" not in sys.argv:
        measure("test", sheets(1))
    held = [s for seed in (1001, 1002, 1003, 1004) for s in sheets(seed, count=6, held_out=True)]
    measure("held-out", held)


if __name__ == "__main__":
    main()

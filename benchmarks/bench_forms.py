"""Generated documents: pre-filled forms, gap reports, and the application-form reader.

Reports, per scheme, over a 20-document bundle with its evaluation:
- build_form (context + strict docxtpl render + reopen check + atomic write), beside the
  baseline of opening and saving the same template with python-docx (the bare DOCX cost);
- write_gap_report (HTML + DOCX);
- reading a filled form back (read_document + read_application_form), beside read_document alone.
`python -m benchmarks forms`.
"""

from __future__ import annotations

import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from benchmarks.common import peak_rss_mb, report  # noqa: E402

REPEAT = 5


def _bundle(scheme: str) -> list[dict]:
    from formbundles import BUNDLES, doc

    extra = [doc(f"附件{i:02d}.pdf", "other", pages=3) for i in range(20 - len(BUNDLES[scheme]))]
    return BUNDLES[scheme] + extra


def _evaluation(scheme: str, docs: list[dict]) -> dict:
    from forms.specs import scheme_spec

    items = [
        {
            "id": it["id"],
            "clause": it["clause"],
            "title": it["title"],
            "status": ("met", "missing", "review", "not_met")[i % 4],
            "reason": "理由" * 20,
            "evidence": [{"file": docs[0]["file"], "page": 1, "text": "原文"}],
        }
        for i, it in enumerate(scheme_spec(scheme)["items"])
    ]
    return {
        "scheme": scheme,
        "as_of": "2025-06-01",
        "items": items,
        "documents": docs,
        "outcome": {"status": "not_eligible", "level": None, "score": None, "grade": None},
    }


def _median(fn) -> float:
    times = []
    for _ in range(REPEAT):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> int:
    import docx

    from extractors.application_form import read_application_form
    from extractors.read import read_document
    from forms.application import build_form
    from forms.gap_report import write_gap_report
    from forms.specs import SCHEMES, template_path

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for scheme in SCHEMES:
            docs = _bundle(scheme)
            ev = _evaluation(scheme, docs)
            out = Path(tmp) / f"{scheme}.docx"

            def baseline():
                buf = io.BytesIO()
                docx.Document(str(template_path(scheme))).save(buf)

            base = _median(baseline)
            form = _median(lambda: build_form(scheme, docs, {}, ev, out))
            gap = _median(lambda: write_gap_report(ev, Path(tmp) / "gap"))
            data = out.read_bytes()
            read = _median(lambda: read_document(data, "f.docx"))
            back = _median(lambda: read_application_form(read_document(data, "f.docx")))
            rows.append(
                (
                    f"{scheme}: build_form",
                    f"{form * 1000:6.1f} ms  ({form / base:4.1f}× open+save template {base * 1000:.1f} ms)",
                )
            )
            rows.append((f"{scheme}: gap report", f"{gap * 1000:6.1f} ms  (HTML + DOCX)"))
            rows.append(
                (
                    f"{scheme}: read back",
                    f"{back * 1000:6.1f} ms  ({back / read:4.2f}× read_document {read * 1000:.1f} ms)",
                )
            )
    rows.append(("peak memory", f"{peak_rss_mb():.0f} MB"))
    report(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())

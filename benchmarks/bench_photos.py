"""Photographed and scanned pages (tests/photo_corpus.py): fields right, seconds per page, peak memory.

For every page, two child processes in turn (each its own peak memory, models loaded before the clock):
- "intake": what the service does with an uploaded photo — read, OCR with the shipped settings
  (seal/stamp suppression, retries), rebuild lines/columns/tables, extract the facts;
- "bare RapidOCR": `RapidOCR()(image)` (rapidocr 3.x) with the engine's defaults on the same JPEG — the yardstick.
The ratio intake / bare is taken page by page (CPU seconds; wall seconds too, noisier on a shared
machine). Fields right are reported for the held-out part (and the tuned part beside it): the
held-out pages are only ever seen as these totals.

    python -m benchmarks bench_photos           # held-out + tuned
    python -m benchmarks.bench_photos --held-out  # the held-out part only (faster)
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]


def _pages(part: str):
    import photo_corpus as pc

    return pc.held_out_pages() if part == "held-out" else pc.tuned()


def child(mode: str, part: str, index: int, image: str) -> dict:
    from benchmarks.common import peak_rss_mb

    data = Path(image).read_bytes()
    if mode == "bare":
        from rapidocr import RapidOCR

        eng = RapidOCR(params={"Global.log_level": "warning"})
        t0, c0 = time.perf_counter(), time.process_time()
        eng(data)
        return {"seconds": time.perf_counter() - t0, "cpu": time.process_time() - c0, "peak_mb": peak_rss_mb()}
    import photo_corpus as pc

    from extractors import ocr
    from extractors.extract import extract_facts
    from extractors.read import read_document

    page = _pages(part)[index]
    ocr.engine(ocr.load_settings())  # model loading is once per worker process, not per page
    t0, c0 = time.perf_counter(), time.process_time()
    with ocr.deferred():
        doc = read_document(data, f"{page.name}.jpg")
    ocr.ocr_document(doc, data, cache_dir=None)
    facts = extract_facts(doc)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    s = pc.score(page, facts)
    return {
        "seconds": seconds,
        "cpu": cpu,
        "peak_mb": peak_rss_mb(),
        "right": s["right"],
        "total": s["total"],
        "type_right": int(s["type_right"]),
        "silent": len(s["silent"]),
    }


def _run_child(*args: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_photos", "--child", *args], capture_output=True, text=True, cwd=ROOT
    )
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-2000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(part: str) -> dict:
    pages = _pages(part)
    acc = {
        "pages": 0,
        "right": 0,
        "total": 0,
        "type_right": 0,
        "silent": 0,
        "peak_ours": 0.0,
        "peak_bare": 0.0,
        "cpu_ratio": [],
        "wall_ratio": [],
        "cpu_ours": [],
        "cpu_bare": [],
    }
    with tempfile.TemporaryDirectory() as tmp:
        for i, page in enumerate(pages):
            image = Path(tmp) / f"{i}.jpg"
            image.write_bytes(page.bytes())
            ours = _run_child("ours", part, str(i), str(image))
            bare = _run_child("bare", part, str(i), str(image))
            acc["pages"] += 1
            for k in ("right", "total", "type_right", "silent"):
                acc[k] += ours[k]
            acc["peak_ours"] = max(acc["peak_ours"], ours["peak_mb"])
            acc["peak_bare"] = max(acc["peak_bare"], bare["peak_mb"])
            acc["cpu_ours"].append(ours["cpu"])
            acc["cpu_bare"].append(bare["cpu"])
            acc["cpu_ratio"].append(ours["cpu"] / max(bare["cpu"], 1e-6))
            acc["wall_ratio"].append(ours["seconds"] / max(bare["seconds"], 1e-6))
    return acc


def main(argv: list[str]) -> int:
    if argv[:1] == ["--child"]:
        print(json.dumps(child(argv[1], argv[2], int(argv[3]), argv[4])))
        return 0
    from extractors import ocr

    if not ocr.available():
        print(f"  skipped: {ocr.INSTALL_HINT}")
        return 0
    parts = ["held-out"] if "--held-out" in argv else ["held-out", "tuned"]
    print(
        "  generated photos and scans of licences (one/two columns, spaced labels), certificates (Chinese, "
        "English, bilingual), a test report; perspective, rotation, shade, blur, JPEG, seal, 副本 stamp, watermark"
    )
    print(
        f"  {'part':9} {'pages':>5} {'type':>7} {'fields':>14} {'silent':>6} {'CPU s/page':>10} "
        f"{'bare':>6} {'ratio':>6} {'wall ratio':>10} {'peak MB':>8} {'bare MB':>8}"
    )
    for part in parts:
        a = measure(part)
        print(
            f"  {part:9} {a['pages']:>5} {a['type_right']:>3}/{a['pages']:<3} "
            f"{a['right']:>4}/{a['total']:<4}{a['right'] / max(a['total'], 1):>6.1%} {a['silent']:>6} "
            f"{statistics.mean(a['cpu_ours']):>10.2f} {statistics.mean(a['cpu_bare']):>6.2f} "
            f"{statistics.median(a['cpu_ratio']):>5.2f}x {statistics.median(a['wall_ratio']):>9.2f}x "
            f"{a['peak_ours']:>8.0f} {a['peak_bare']:>8.0f}"
        )
    print(
        "  ratio: median over pages of intake's CPU seconds (read + OCR + layout + extract) / bare RapidOCR's; "
        "silent: values read wrong without 请核对"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

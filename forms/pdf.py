"""DOCX → PDF through LibreOffice, when it is installed (detected at run time)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from .application import FormError

INSTALL_HINT = "PDF 输出需要 LibreOffice：apt-get install libreoffice-writer-nogui（或 scripts/system-deps.sh）"


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(docx_path, out_path=None, timeout: int = 120) -> Path:
    """Convert `docx_path` to PDF beside it (or at `out_path`); FormError with a clear message otherwise."""
    exe = soffice()
    if exe is None:
        raise FormError(INSTALL_HINT)
    src = Path(docx_path)
    target = Path(out_path) if out_path else src.with_suffix(".pdf")
    with tempfile.TemporaryDirectory(prefix="intake-pdf-") as tmp:
        # a private profile: concurrent conversions (and a user's open LibreOffice) do not collide
        cmd = [
            exe,
            f"-env:UserInstallation=file://{tmp}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            tmp,
            str(src),
        ]
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise FormError(f"{src.name}: LibreOffice 转换 PDF 超时（{timeout} 秒）") from None
        produced = Path(tmp) / (src.stem + ".pdf")
        if proc.returncode != 0 or not produced.exists():
            err = (proc.stderr or b"").decode("utf-8", "replace").strip()[:300]
            raise FormError(f"{src.name}: LibreOffice 未能转换为 PDF（{err or proc.returncode}）")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(produced), target)
    return target

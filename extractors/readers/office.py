"""Legacy and other word-processor formats (.doc, .wps, .odt, .rtf) → DOCX through a
headless LibreOffice, then the DOCX reader. LibreOffice is optional: without it the
file gets one clear message saying what to install."""

from __future__ import annotations

import functools
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from ..limits import ReadLimits, UnreadableDocument, die_with_parent
from ..model import Document
from .docx import read_docx

INSTALL_HINT = "apt-get install libreoffice-writer-nogui"

_RUNNING: set[int] = set()  # process groups of conversions under way


def kill_conversions() -> None:
    """Kill running LibreOffice conversions (a worker being stopped calls this)."""
    for pgid in list(_RUNNING):
        try:
            os.killpg(pgid, signal.SIGKILL)
        except OSError:
            pass


@functools.lru_cache(maxsize=1)
def offline_prefix() -> tuple[str, ...]:
    """`unshare -rn` where this machine allows it: LibreOffice then converts with no network, so a
    document's linked images or OLE links cannot make the server fetch URLs. Empty where not allowed."""
    if not shutil.which("unshare"):
        return ()
    try:
        ok = subprocess.run(["unshare", "-rn", "true"], capture_output=True, timeout=5).returncode == 0
    except (OSError, subprocess.SubprocessError):
        ok = False
    return ("unshare", "-rn") if ok else ()


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def read_via_libreoffice(data: bytes, doc: Document, limits: ReadLimits, kind: str) -> Document:
    binary = soffice()
    if not binary:
        raise UnreadableDocument(f"需要 LibreOffice 才能读取 .{kind}：{INSTALL_HINT}")
    docx_data = convert_to_docx(binary, data, kind, limits.convert_seconds)
    read_docx(docx_data, doc, limits)
    doc.metadata["converted_by"] = "libreoffice"
    doc.metadata["conversion_network"] = "off" if offline_prefix() else "on"
    return doc


def convert_to_docx(binary: str, data: bytes, kind: str, seconds: int) -> bytes:
    with tempfile.TemporaryDirectory(prefix="intake-lo-") as tmp:
        src = Path(tmp) / f"input.{kind}"
        src.write_bytes(data)
        out_dir = Path(tmp) / "out"
        # A private profile: concurrent conversions must not share (and lock) one.
        profile = Path(tmp) / "profile"
        cmd = [
            *offline_prefix(),
            binary,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(out_dir),
            str(src),
        ]
        proc = subprocess.Popen(
            cmd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            env={**os.environ, "HOME": tmp},
            preexec_fn=die_with_parent,
        )
        _RUNNING.add(proc.pid)
        try:
            _, err = proc.communicate(timeout=seconds)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise UnreadableDocument(f"LibreOffice 转换 .{kind} 超时（{seconds} 秒），无法读取") from None
        finally:
            _RUNNING.discard(proc.pid)
        result = out_dir / "input.docx"
        if proc.returncode != 0 or not result.exists():
            detail = err.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"exit {proc.returncode}"]
            raise UnreadableDocument(f".{kind} 文件已损坏、加密或无法转换（LibreOffice：{detail[0][:160]}）")
        return result.read_bytes()

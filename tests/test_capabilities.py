"""One list per capability, declared by its owner: what the web accepts is what `intake extract` reads."""

from __future__ import annotations

import io
import json
import zipfile

from click.testing import CliRunner
from docgen import image_bytes, pdf_bytes
from web_helpers import make_client, open_case, upload

from cli import cli

MHT = (
    b'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="b1"\r\n\r\n--b1\r\n'
    b'Content-Type: text/html; charset="utf-8"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n'
    b"<html><body><p>=E8=90=A5=E4=B8=9A=E6=89=A7=E7=85=A7</p></body></html>\r\n--b1--\r\n"
)


def _xlsx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
    return buf.getvalue()


SAMPLES = {
    "营业执照.doc": "<html><body><table><tr><td>名称</td><td>天津某某科技有限公司</td></tr></table></body></html>".encode(),
    "申请表.doc": MHT,
    "说明.html": "<!DOCTYPE html><html><body><p>质量管理体系认证证书</p></body></html>".encode(),
    "执照.pdf": pdf_bytes(["营业执照", "名称 天津某某科技有限公司"]),
    "照片.png": image_bytes(),
    "说明.txt": "营业执照 名称 天津某某科技有限公司".encode(),
    "财务.xlsx": _xlsx(),
    "tool.exe": b"MZ\x90\x00" + b"\0" * 100,
}


def test_the_web_accepts_a_file_exactly_when_intake_extract_reads_it(tmp_path):
    for name, data in SAMPLES.items():
        (tmp_path / name).write_bytes(data)
    r = CliRunner().invoke(cli, ["extract", "--json", *(str(tmp_path / n) for n in SAMPLES)])
    read = {d["file"].rsplit("/", 1)[-1]: d["error"] is None for d in json.loads(r.stdout)}
    assert read["营业执照.doc"] and read["申请表.doc"] and not read["财务.xlsx"]  # the samples span both sides

    client = make_client(tmp_path)
    case = open_case(client)
    answer = upload(client, case["id"], list(SAMPLES.items()))
    accepted = {f["file"]: f["error"] is None for f in answer.json()["files"]}
    assert accepted == read

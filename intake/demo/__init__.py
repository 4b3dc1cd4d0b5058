"""Demo data made on a fresh data directory (first start of `intake serve`): the three staff
accounts (passwords printed once, and kept in <data>/demo-accounts.txt, mode 600), a demo case
with two documents submitted to the secretariat, and the 津质精品 draft of seed 000 published
for comment."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from intake.cases.case import open_case, set_facts, submit
from intake.comments import imports as comments
from intake.reading.uploads import accept_upload
from intake.store.accounts import add_user, list_users
from intake.store.blobs import BlobStore

HERE = Path(__file__).parent
STAFF = [
    ("secretariat", "secretariat", "秘书处（演示）"),
    ("committee", "committee", "标准委员会（演示）"),
    ("admin", "admin", "管理员（演示）"),
]
DRAFT_FILE = HERE / "jinzhi_draft_000.md"
DRAFT_TITLE = "“津质精品”产品质量等级评价通则（征求意见稿）"
DRAFT_DEADLINE = "2026-01-08"
DRAFT_UNIT = "中国质量检验协会 团体标准编制工作组"

log = logging.getLogger("intake.demo")


def needs_demo(db) -> bool:
    return not list_users(db)


def create_demo(db, data: Path, limits, echo=print) -> dict:
    accounts = []
    for name, role, display in STAFF:
        user, pw = add_user(db, name, role, display=display)
        accounts.append((name, role, pw))
    lines = ["演示账号（首次启动时生成）:"] + [f"  {n:<12} 角色 {r:<12} 密码 {p}" for n, r, p in accounts]
    path = data / "demo-accounts.txt"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    for line in lines:
        echo(line)
    echo(f"  （也保存在 {path}）")

    store = BlobStore(data)
    case = open_case(db, "jinzhi", "天津津品示范精密机械有限公司", "精密齿轮箱")
    doc_ids = []
    for name in ("营业执照.txt", "质量管理体系认证证书.txt"):
        with open(HERE / name, "rb") as f:
            doc_ids.append(accept_upload(db, store, case, f, name, limits).document_id)
    set_facts(
        db,
        case,
        {
            "sector": "manufacturing",
            "product_kind": "production_material",
            "declarations": {"jinzhi.4.3": True, "jinzhi.4.4": True},
        },
        "演示申请人",
    )
    submit(db, case, "演示申请人")
    echo(f"演示申请：#{case.id}（已提交，秘书处队列中可见）")
    draft = publish_demo_draft(db, data, echo, limits)
    return {"accounts": accounts, "case_id": case.id, "documents": doc_ids, "draft": draft}


def publish_demo_draft(db, data: Path, echo=print, limits=None):
    draft = comments.publish_draft(
        db,
        BlobStore(data),
        DRAFT_FILE.read_bytes(),
        DRAFT_FILE.name,
        title=DRAFT_TITLE,
        deadline=DRAFT_DEADLINE,
        drafting_unit=DRAFT_UNIT,
        handler="标准委员会（演示）",
        limits=limits,
    )
    echo(f"演示征求意见稿已发布：{DRAFT_TITLE}（/drafts/{draft.id}）")
    return draft.id

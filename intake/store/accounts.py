"""Accounts: staff (secretariat, committee, admin) and registered applicants.

Passwords are hashed with argon2 (argon2-cffi); nothing else about a password is stored. A disabled
account cannot sign in; disabling, deleting or changing the password ends its sessions
(intake.store.sessions)."""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass

import sqlite_utils
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from intake.clock import now
from intake.errors import BadInput

STAFF_ROLES = ("secretariat", "committee", "admin")
ROLES = STAFF_ROLES + ("applicant",)

_hasher = PasswordHasher()


class AccountError(BadInput):
    pass


class NameTaken(AccountError):
    """The name (as normalised) belongs to an account already: the operator is told so; a public
    registration page answers as for any other name it cannot take (web.routes.auth)."""


# characters that show as nothing (or as a space) but make a different string: format characters
# (zero-width space and joiners, BOM, soft hyphen, direction marks), controls, spaces of any width,
# fillers that render blank
_BLANK_LOOKING = {"\u115f", "\u1160", "\u3164", "\uffa0", "\u034f", "\u17b4", "\u17b5", "\u180e"}


def _invisible(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cf", "Cc", "Zs", "Zl", "Zp") or ch in _BLANK_LOOKING


def clean_text(text: str) -> str:
    """NFKC (full-width letters are letters), invisible characters removed: how a name is shown."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text or "") if not _invisible(ch))


def account_name(name: str) -> str:
    """The one form of an account name, for uniqueness, sign-in and display: NFKC, case-folded,
    invisible characters removed. `ｂａｒｓｅｃ`, `BarSec` and `bar\u200bsec` are all `barsec`."""
    return unicodedata.normalize("NFKC", clean_text(name).casefold())


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str
    display: str = ""

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    def can_review_cases(self) -> bool:
        return self.role in ("secretariat", "admin")

    def can_manage_drafts(self) -> bool:
        return self.role in ("committee", "admin")


def add_user(
    db: sqlite_utils.Database, name: str, role: str, password: str | None = None, display: str = ""
) -> tuple[User, str]:
    """Create an account under its normalised name (account_name); returns it with the password
    (generated when none is given). NameTaken when an account has that name already."""
    name = account_name(name)
    if not name or len(name) > 64:
        raise AccountError("用户名不能为空，且不超过64个字符")
    if role not in ROLES:
        raise AccountError(f"未知角色 {role!r}，可选：{', '.join(ROLES)}")
    password = password or secrets.token_urlsafe(9)
    if len(password) < 8:
        raise AccountError("密码至少8个字符")
    row = {
        "name": name,
        "name_key": name,
        "role": role,
        "display": clean_text(display)[:100] or name,
        "password_hash": _hasher.hash(password),  # before the name is looked up: the same time either way
        "created": now(),
    }
    if db.conn.in_transaction:
        db.conn.commit()
    with db.conn:  # the check and the insert in one write transaction: two registrations cannot both pass
        db.execute("begin immediate")
        if db.execute("select 1 from users where name_key = ? or name = ?", [name, name]).fetchone():
            raise NameTaken(f"用户名 {name} 已存在")
        uid = _insert_user(db, row)
    return User(id=uid, name=name, role=role, display=row["display"]), password


def _insert_user(db: sqlite_utils.Database, row: dict) -> int:
    columns = ", ".join(row)
    return int(
        db.execute(f"insert into users ({columns}) values ({', '.join('?' * len(row))})", list(row.values())).lastrowid
        or 0
    )


def _user(row: dict) -> User:
    return User(id=row["id"], name=row["name"], role=row["role"], display=row.get("display") or row["name"])


def _row_by_name(db: sqlite_utils.Database, name: str) -> dict | None:
    """The account `name` names: exactly as stored, else by its normalised form."""
    row = next(db["users"].rows_where("name = ?", [name or ""], limit=1), None)
    return row or next(db["users"].rows_where("name_key = ?", [account_name(name or "")], order_by="id", limit=1), None)


def get_by_name(db: sqlite_utils.Database, name: str) -> User | None:
    row = _row_by_name(db, name)
    return _user(row) if row else None


def get_user(db: sqlite_utils.Database, uid: int) -> User | None:
    """The account with this id, None when there is none or it is disabled."""
    rows = list(db["users"].rows_where("id = ? and not coalesce(disabled, 0)", [uid], limit=1))
    return _user(rows[0]) if rows else None


def _existing(db: sqlite_utils.Database, name: str) -> dict:
    row = _row_by_name(db, name)
    if row is None:
        raise AccountError(f"没有用户 {name}")
    return row


def set_disabled(db: sqlite_utils.Database, name: str, disabled: bool) -> User:
    """Disable (signs the account out everywhere) or enable an account."""
    from intake.store.sessions import end_all_sessions

    row = _existing(db, name)
    db.table("users").update(row["id"], {"disabled": 1 if disabled else 0})
    if disabled:
        end_all_sessions(db, row["id"])
    return _user(row)


def set_password(db: sqlite_utils.Database, name: str, password: str | None = None) -> tuple[User, str]:
    """A new password (generated when none is given); every session of the account ends."""
    from intake.store.sessions import end_all_sessions

    row = _existing(db, name)
    password = password or secrets.token_urlsafe(9)
    if len(password) < 8:
        raise AccountError("密码至少8个字符")
    db.table("users").update(row["id"], {"password_hash": _hasher.hash(password)})
    end_all_sessions(db, row["id"])
    return _user(row), password


def delete_user(db: sqlite_utils.Database, name: str) -> User:
    """Delete the account and its sessions. Its cases stay (reachable by their links and by the
    secretariat) but lose their owner, so an account made later with the same id cannot see them."""
    from intake.store.sessions import end_all_sessions

    row = _existing(db, name)
    end_all_sessions(db, row["id"])
    if "cases" in db.table_names():
        db.execute("update cases set owner_id = null where owner_id = ?", [row["id"]])
    db.table("users").delete(row["id"])
    db.conn.commit()
    return _user(row)


def authenticate(db: sqlite_utils.Database, name: str, password: str) -> User | None:
    """The account when name and password match and it is not disabled; None otherwise, after the
    same work whichever it was (an unknown name costs a hash too)."""
    row = _row_by_name(db, name)
    if row is None:
        _hasher.hash(password or "x")  # same cost whether or not the name exists
        return None
    try:
        _hasher.verify(row["password_hash"], password or "")
    except (VerificationError, InvalidHashError):
        return None
    if row.get("disabled"):
        return None
    if _hasher.check_needs_rehash(row["password_hash"]):
        db.table("users").update(row["id"], {"password_hash": _hasher.hash(password)})
    return _user(row)


def list_users(db: sqlite_utils.Database) -> list[User]:
    return [_user(r) for r in db["users"].rows_where(order_by="id")]


def disabled_names(db: sqlite_utils.Database) -> set[str]:
    return {r["name"] for r in db["users"].rows_where("coalesce(disabled, 0)", select="name")}

"""A compiled cache of the scheme files, so a light command (`intake schemes`) does not parse YAML.

A parsed scheme is kept as a pickle (a summary as JSON) under the user's cache directory (INTAKE_CACHE_DIR, else
$XDG_CACHE_HOME/intake, else ~/.cache/intake), keyed by the file's path, modification time and size
and by the parser's own files (this package's code and data), so an edited scheme or a changed
parser is parsed again. A pickle runs code when loaded: the directory and the file are used only
when they belong to this user and nobody else may write to them; anything odd is a miss, never an
error.
"""

from __future__ import annotations

import os
import stat
import zlib
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
PACKAGE = Path(__file__).resolve().parent


def cache_dir() -> Path:
    explicit = os.environ.get("INTAKE_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "intake"


@cache
def _parser_stamp() -> str:
    """The parser's own files: a change to the code or data that shapes a parsed scheme is a miss."""
    files = sorted(p for p in PACKAGE.iterdir() if p.suffix in (".py", ".yaml"))
    return ";".join(f"{p.name}:{p.stat().st_mtime_ns}:{p.stat().st_size}" for p in files)


def _private(path: Path, is_dir: bool) -> bool:
    try:
        st = os.lstat(path)
    except OSError:
        return False
    kind_ok = stat.S_ISDIR(st.st_mode) if is_dir else stat.S_ISREG(st.st_mode)
    return kind_ok and st.st_uid == os.getuid() and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _key(kind: str, source: Path) -> str:
    st = source.stat()
    return f"{kind}|{source.resolve()}|{st.st_mtime_ns}|{st.st_size}|{_parser_stamp()}"


def compiled(kind: str, source: Path, build: Callable[[], T], as_json: bool = False) -> T:
    """`build()`'s result for `source`, from the cache when it holds one for this very file (the entry
    repeats its key, so a name shared by two keys is a miss). `as_json` for plain data."""
    key = _key(kind, source)
    try:
        directory = cache_dir()
    except (RuntimeError, KeyError):  # no home directory to find: no cache
        return build()
    entry = directory / f"{_prefix(kind, source)}{zlib.crc32(key.encode()):08x}{'.json' if as_json else '.pickle'}"
    if _private(entry.parent, True) and _private(entry, False):
        try:
            stored_key, value = _load(entry, as_json)
            if stored_key == key:
                return value
        except Exception:  # a damaged or foreign entry: parse again
            pass
    value = build()
    _store(entry, key, value, as_json)
    return value


def _prefix(kind: str, source: Path) -> str:
    """Entries of one file share it: a new one replaces the file's older ones (the cache stays small)."""
    return f"{kind}-{zlib.crc32(str(source.resolve()).encode()):08x}-"


def _load(entry: Path, as_json: bool):
    if as_json:
        import json

        return json.loads(entry.read_text(encoding="utf-8"))
    import pickle

    with open(entry, "rb") as f:
        return pickle.load(f)


def _store(entry: Path, key: str, value: object, as_json: bool) -> None:
    import tempfile

    try:
        entry.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private(entry.parent, True):
            return
        fd, tmp = tempfile.mkstemp(dir=entry.parent, suffix=".tmp")  # 0600
        with os.fdopen(fd, "wb") as f:
            if as_json:
                import json

                f.write(json.dumps([key, value], ensure_ascii=False).encode("utf-8"))
            else:
                import pickle

                pickle.dump((key, value), f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, entry)
        for old in entry.parent.glob(entry.name[: entry.name.rindex("-") + 1] + "*"):
            if old != entry:
                old.unlink(missing_ok=True)
    except OSError:  # a read-only home, a full disk: the cache is only a shortcut
        pass

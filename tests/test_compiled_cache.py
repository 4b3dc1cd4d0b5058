"""The compiled cache of the scheme files (checklists.compiled): `intake schemes` does not parse YAML
while the files are unchanged, shows an edit at once, and never loads an entry someone else could
have written."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from checklists import compiled
from checklists.registry import summaries

SAMPLE = Path(__file__).parent / "schemes" / "sample"


@pytest.fixture
def sample(tmp_path, monkeypatch):
    shutil.copytree(SAMPLE, tmp_path / "schemes" / "sample")
    monkeypatch.setenv("INTAKE_SCHEMES_PATH", str(tmp_path / "schemes"))
    monkeypatch.setenv("INTAKE_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "schemes" / "sample" / "checklist.yaml"


def _sample_name() -> str:
    return next(s["name"] for s in summaries() if s["id"] == "sample")


def _entries(tmp_path: Path, kind: str) -> list[Path]:
    return sorted((tmp_path / "cache").glob(f"{kind}-*"))


def test_an_edited_scheme_is_read_again(sample, tmp_path):
    first = _sample_name()
    assert _entries(tmp_path, "summary")
    sample.write_text(sample.read_text(encoding="utf-8").replace(first, first + "（修订）"), encoding="utf-8")
    assert _sample_name() == first + "（修订）"


def test_an_unchanged_scheme_is_not_parsed_again(sample, monkeypatch):
    _sample_name()
    import checklists.scheme

    def no_parsing(*a, **k):
        raise AssertionError("parsed again")

    monkeypatch.setattr(checklists.scheme, "parse_scheme", no_parsing)
    checklists.scheme._load_cached.cache_clear()
    assert _sample_name()


def _forge(entry: Path, mode: int) -> None:
    key, value = json.loads(entry.read_text(encoding="utf-8"))
    entry.write_text(json.dumps([key, {**value, "name": "伪造的方案"}], ensure_ascii=False), encoding="utf-8")
    os.chmod(entry, mode)


def test_an_entry_others_may_write_is_never_used(sample, tmp_path):
    real = _sample_name()
    [entry] = [e for e in _entries(tmp_path, "summary") if json.loads(e.read_text())[1]["id"] == "sample"]
    _forge(entry, 0o666)
    assert _sample_name() == real
    _forge(entry, 0o600)  # the same forgery, private: it is what this user stored
    assert _sample_name() == "伪造的方案"
    os.chmod(tmp_path / "cache", 0o777)  # a directory others may write to is not trusted either
    assert _sample_name() == real


def test_a_damaged_entry_is_parsed_again(sample, tmp_path):
    real = _sample_name()
    for entry in _entries(tmp_path, "summary"):
        entry.write_bytes(b"\x00not json")
    assert _sample_name() == real


def test_an_unwritable_cache_only_costs_time(sample, tmp_path, monkeypatch):
    monkeypatch.setenv("INTAKE_CACHE_DIR", "/proc/no-such-place")
    assert _sample_name()
    assert compiled.cache_dir() == Path("/proc/no-such-place")

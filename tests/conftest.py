"""Shared fixtures and settings for every test.

- `tmp_path`: a private temporary directory. pytest's own lives under /tmp/pytest-of-USER, and a
  concurrent pytest run (several people share this machine) prunes all but its 3 newest base
  directories — a server's data directory vanished mid-test that way.
- Password hashing with cheap argon2 parameters in this process: the accounts the tests create are
  throwaway, and production parameters cost about a second per hash. Servers the tests start as
  separate processes (`intake serve`) keep the production parameters.
- Markers: `slow` (starts processes or browsers), `browser` (headless Chromium), `libreoffice`
  (soffice), `ocr` (the OCR engine). `pytest -m "not slow"` is the fast inner loop.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import pytest
from argon2 import PasswordHasher

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # the helper modules (docgen, web_helpers …) import by their plain names
    sys.path.insert(0, str(HERE))


@pytest.fixture
def tmp_path():
    with tempfile.TemporaryDirectory(prefix="intake-test-") as d:
        yield Path(d)


@pytest.fixture(autouse=True, scope="session")
def compiled_schemes_in_a_temporary_cache():
    """The compiled scheme cache (checklists.compiled) of a test run stays out of the user's own."""
    import os

    with tempfile.TemporaryDirectory(prefix="intake-cache-") as d:
        before = os.environ.get("INTAKE_CACHE_DIR")
        os.environ["INTAKE_CACHE_DIR"] = str(Path(d) / "cache")
        yield
        if before is None:
            os.environ.pop("INTAKE_CACHE_DIR", None)
        else:
            os.environ["INTAKE_CACHE_DIR"] = before


@pytest.fixture(autouse=True, scope="session")
def cheap_password_hashing():
    from intake.store import accounts

    production = accounts._hasher
    accounts._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    accounts._hasher = production

"""checklists/settings.yaml: engine settings shared by every scheme (data, not code)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml


@lru_cache(maxsize=1)
def settings() -> dict:
    return yaml.safe_load((Path(__file__).parent / "settings.yaml").read_text(encoding="utf-8"))

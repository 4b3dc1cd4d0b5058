"""The form specifications (forms/specs/*.yaml): one per scheme plus common.yaml."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

SPEC_DIR = Path(__file__).parent / "specs"
TEMPLATE_DIR = Path(__file__).parent / "templates"
SCHEMES = ("jinzhi", "credit", "nonferrous", "jiangsu", "trace")


class UnknownScheme(ValueError):
    pass


@lru_cache(maxsize=None)
def common() -> dict:
    return yaml.safe_load((SPEC_DIR / "common.yaml").read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def scheme_spec(scheme_id: str) -> dict:
    path = SPEC_DIR / f"{scheme_id}.yaml"
    if scheme_id not in SCHEMES or not path.exists():
        raise UnknownScheme(f"unknown scheme {scheme_id!r}: expected one of {', '.join(SCHEMES)}")
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    ids = [it["id"] for it in spec["items"]]
    if len(ids) != len(set(ids)):
        raise ValueError(f"{path}: duplicate item id")
    return spec


def all_fields(spec: dict) -> list[dict]:
    """Applicant, product and the scheme's extra fields, in form order."""
    c = common()
    return list(c["applicant_fields"]) + list(c["product_fields"]) + list(spec.get("extra_fields") or [])


def template_path(scheme_id: str) -> Path:
    return TEMPLATE_DIR / f"application_{scheme_id}.docx"

"""The service's name, the body that runs it and its logo, so an association can run the service
under its own name. Configuration from the environment (read on each page, so cheap it needs no cache):

    INTAKE_SERVICE_NAME   the name in the header and page titles   (default 质量品牌申报预审服务)
    INTAKE_OPERATOR       the operating body, shown in the footer  (default: not shown)
    INTAKE_LOGO           path to a PNG, JPEG or SVG logo          (default web/static/logo.svg)
    INTAKE_CONTACT        a contact line for applicants (phone, e-mail), shown in the footer
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_LOGO = Path(__file__).parent / "static" / "logo.svg"
LOGO_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".svg": "image/svg+xml"}


@dataclass(frozen=True)
class Branding:
    service_name: str
    operator: str
    contact: str
    logo: Path

    @property
    def logo_type(self) -> str:
        return LOGO_TYPES.get(self.logo.suffix.lower(), "application/octet-stream")


def branding() -> Branding:
    logo = Path(os.environ.get("INTAKE_LOGO") or DEFAULT_LOGO)
    if logo.suffix.lower() not in LOGO_TYPES or not logo.is_file():
        logo = DEFAULT_LOGO
    return Branding(
        service_name=(os.environ.get("INTAKE_SERVICE_NAME") or "质量品牌申报预审服务").strip()[:60],
        operator=(os.environ.get("INTAKE_OPERATOR") or "").strip()[:100],
        contact=(os.environ.get("INTAKE_CONTACT") or "").strip()[:200],
        logo=logo,
    )

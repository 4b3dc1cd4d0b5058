"""Settings: everything has an embedded default; environment variables override.

INTAKE_DATA            data directory (SQLite database + stored files), default ./var
INTAKE_MAX_UPLOAD_MB   largest accepted file, default 50
INTAKE_MAX_PAGES       pages read per file; the rest are skipped with a warning, default 300
INTAKE_FILE_SECONDS    time limit for reading one file, default 60
INTAKE_OCR_CACHE       OCR results per file sha256 + page, default <data directory>/ocr-cache
INTAKE_BROKER          redis://… : uploaded documents are read by `intake worker`s (intake.reading.broker)
INTAKE_PUBLIC_URL      the web service's address as workers reach it (signed download links)
INTAKE_MAX_INFLATED_MB largest size one compressed PDF stream may inflate to, default 200
INTAKE_MIN_FREE_MB     uploads are refused (507) while the data directory's disk has less free, default 500
INTAKE_CASE_MB         all the files of one case together, default 500
INTAKE_CASES_PER_ADDRESS_DAY  cases an anonymous visitor (one address) may open in a day, default 20
INTAKE_CASES_PER_ACCOUNT_DAY  cases one applicant account may open in a day, default 20
INTAKE_REGISTRATIONS_PER_ADDRESS_HOUR  applicant accounts one address may register in an hour, default 5
INTAKE_WORKER_MEMORY_MB memory of one reading worker (its own pages, LibreOffice included) before
                       it is stopped, default 1024
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


def _int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 50 * 1024 * 1024
    max_pages: int = 300
    file_seconds: int = 60
    max_zip_entries: int = 2000
    max_unzipped_bytes: int = 200 * 1024 * 1024
    max_inflated_bytes: int = 200 * 1024 * 1024
    worker_memory_bytes: int = 1024 * 1024 * 1024
    min_free_bytes: int = 500 * 1024 * 1024
    case_max_bytes: int = 500 * 1024 * 1024
    cases_per_address_day: int = 20
    cases_per_account_day: int = 20
    registrations_per_address_hour: int = 5

    @classmethod
    def from_env(cls) -> Limits:
        return cls(
            max_bytes=_int("INTAKE_MAX_UPLOAD_MB", 50) * 1024 * 1024,
            max_pages=_int("INTAKE_MAX_PAGES", 300),
            file_seconds=_int("INTAKE_FILE_SECONDS", 60),
            max_inflated_bytes=_int("INTAKE_MAX_INFLATED_MB", 200) * 1024 * 1024,
            worker_memory_bytes=_int("INTAKE_WORKER_MEMORY_MB", 1024) * 1024 * 1024,
            min_free_bytes=_int("INTAKE_MIN_FREE_MB", 500) * 1024 * 1024,
            case_max_bytes=_int("INTAKE_CASE_MB", 500) * 1024 * 1024,
            cases_per_address_day=_int("INTAKE_CASES_PER_ADDRESS_DAY", 20),
            cases_per_account_day=_int("INTAKE_CASES_PER_ACCOUNT_DAY", 20),
            registrations_per_address_hour=_int("INTAKE_REGISTRATIONS_PER_ADDRESS_HOUR", 5),
        )


def data_dir(override: str | os.PathLike | None = None) -> Path:
    """The data directory, created private to its owner (700): it holds every case link, password
    hash and upload. A folder made wider by hand is narrowed again when it is ours."""
    path = Path(override or os.environ.get("INTAKE_DATA", "var"))
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    private(path, 0o700)
    # OCR results are cached per file and page under the data directory; reading workers inherit this
    os.environ.setdefault("INTAKE_OCR_CACHE", str((path / "ocr-cache").resolve()))
    return path


def private(path: Path, mode: int = 0o600) -> None:
    """chmod to `mode` when group/other may read it and this process owns it (best effort)."""
    try:
        st = path.stat()
        if st.st_mode & 0o077 and st.st_uid == os.getuid():
            path.chmod(mode)
    except OSError:
        pass

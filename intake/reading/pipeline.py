"""Files in, facts out, each file read in its own time-limited worker process.

    extract_files(["license.pdf", ("report.docx", data)]) -> [DocumentFacts, ...]
    extract_tracked([...]) -> [Extraction(facts, ocr_pending), ...]   # for the web's re-queueing
    read_file_safely("draft.docx") -> Document | ReadError

A file that cannot be read gets `error` (naming the file and the problem); the
others are still processed, in the order given. A file given by its path (alone, or as
(name, path) to show another name) is read by the worker itself: the server never holds its bytes.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from extractors import ocr, stages
from extractors.extract import extract_facts
from extractors.facts import DocumentFacts
from extractors.limits import ReadLimits
from extractors.model import Document
from extractors.read import read_document
from intake.config import Limits
from intake.reading.files import NotRegularFile, check_regular, read_regular
from intake.reading.worker import run_each

Item = str | os.PathLike | tuple[str, bytes] | tuple[str, os.PathLike]
HASH_CHUNK = 1024 * 1024
_nothing = contextlib.nullcontext


@dataclass(frozen=True)
class OnDisk:
    """A file the worker reads itself (read_regular: never a FIFO or a device)."""

    path: str

    def read(self, max_bytes: int) -> bytes:
        return read_regular(self.path, max_bytes)


@dataclass
class ReadError:
    file: str
    sha256: str
    error: str  # "<file>: <problem>"

    def __bool__(self) -> bool:  # so `if doc:` reads naturally
        return False


def read_limits(limits: Limits) -> ReadLimits:
    return ReadLimits(
        max_pages=limits.max_pages,
        max_zip_entries=limits.max_zip_entries,
        max_unzipped_bytes=limits.max_unzipped_bytes,
        max_inflated_bytes=limits.max_inflated_bytes,
        convert_seconds=max(5, limits.file_seconds - 5),
    )


def _workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def _load(item: Item, limits: Limits) -> tuple[str, bytes | OnDisk | None, str | None, str]:
    """(name, bytes or OnDisk, problem, sha256): a path is checked (exists, regular, size) and hashed
    here in pieces, and read only by the worker."""
    if isinstance(item, tuple) and isinstance(item[1], (bytes, bytearray)):
        name, data = str(item[0]), item[1]
        if len(data) > limits.max_bytes:
            return name, None, _too_large(len(data), limits), hashlib.sha256(data).hexdigest()
        return name, data, None, hashlib.sha256(data).hexdigest()
    name, path = (str(item[0]), Path(item[1])) if isinstance(item, tuple) else (Path(item).name, Path(item))
    try:
        check_regular(path)
        size = path.stat().st_size
        if size > limits.max_bytes:
            return name, None, _too_large(size, limits), ""
        return name, OnDisk(str(path)), None, _sha256_of(path)
    except NotRegularFile as e:
        return name, None, str(e).split(": ", 1)[-1], ""
    except FileNotFoundError:
        return name, None, "找不到文件", ""
    except IsADirectoryError:
        return name, None, "这是一个目录，不是文件", ""
    except OSError as e:
        return name, None, f"无法打开文件（{e.strerror or e}）", ""


def _sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(HASH_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def _in_worker(fn, source, name: str, rlimits: ReadLimits, max_bytes: int, *extra):
    """Runs in the worker: the file's bytes (read here when given by path), then `fn`."""
    data = source.read(max_bytes) if isinstance(source, OnDisk) else source
    if len(data) > max_bytes:
        from extractors.limits import UnreadableDocument

        raise UnreadableDocument(f"文件大小超过上限 {max_bytes // 1048576} MB")
    return fn(data, name, rlimits, *extra)


def _too_large(size: int, limits: Limits) -> str:
    return f"文件大小 {size / 1048576:.1f} MB，超过上限 {limits.max_bytes // 1048576} MB"


_warm = False


def _prewarm() -> None:
    """Load the recognisers' data files and compile their patterns once in this process, so
    every forked worker inherits them instead of redoing it per file."""
    global _warm
    if _warm:
        return
    _warm = True
    try:
        extract_facts(Document.from_text("营业执照\n名称：预热有限公司\n有效期至：2027年5月31日", file="warm.txt"))
    except Exception:  # a recogniser bug shows up on the real file, with its name
        pass


def _facts_of(doc: Document) -> DocumentFacts:
    facts = extract_facts(doc)
    facts.file, facts.sha256 = doc.file, doc.sha256
    facts.warnings[:0] = [w for w in doc.warnings if w not in facts.warnings]
    return facts


@dataclass
class Extraction:
    """A file's facts, and the pages still waiting for OCR: the file's time ran out first
    (extractors.ocr `metadata["ocr_pending"]`); reading it again continues from the OCR cache."""

    facts: DocumentFacts
    ocr_pending: list[int]
    timings: dict[str, float] = field(default_factory=dict)  # stage -> seconds (extractors.stages)


def _ocr_cache() -> tuple[str | None]:
    return (os.environ.get("INTAKE_OCR_CACHE"),)


def _use_ocr_cache(cache: str | None) -> None:
    """In the worker: the OCR cache of the process that asked, or none when it has none. A
    fork-server worker inherits the environment of the moment the fork server started, which may
    predate the data directory, and is kept for later files, perhaps of another directory."""
    if cache:
        os.environ["INTAKE_OCR_CACHE"] = cache
    else:
        os.environ.pop("INTAKE_OCR_CACHE", None)


def _extract_one(
    data: bytes, name: str, rlimits: ReadLimits, ocr_cache: str | None = None, defer_ocr: bool = False
) -> Extraction:
    _use_ocr_cache(ocr_cache)
    with stages.collecting() as spent:
        with stages.stage("read"), ocr.deferred() if defer_ocr else _nothing():
            doc = read_document(data, name, rlimits)
        with stages.stage("facts"):
            facts = _facts_of(doc)
    return Extraction(facts, list(doc.metadata.get("ocr_pending") or []), spent)


def _read_one(data: bytes, name: str, rlimits: ReadLimits, ocr_cache: str | None = None) -> Document:
    _use_ocr_cache(ocr_cache)
    return read_document(data, name, rlimits)


def _run(fn, items: Iterable[Item], limits: Limits | None, workers: int | None, extra: tuple = (), ocr_seconds=None):
    """[(name, sha256, Outcome-or-problem)] in input order; `fn(data, name, read_limits, *extra)`."""
    limits = limits or Limits.from_env()
    rlimits = _with_ocr_seconds(read_limits(limits), ocr_seconds)
    loaded = [_load(item, limits) for item in items]
    jobs = [(fn, data, name, rlimits, limits.max_bytes, *extra) for name, data, problem, _ in loaded if problem is None]
    outcomes = iter(
        run_each(
            _in_worker,
            jobs,
            seconds=limits.file_seconds,
            workers=workers or _workers(),
            max_memory=limits.worker_memory_bytes,
        )
    )
    return [(name, sha, problem if problem is not None else next(outcomes)) for name, _, problem, sha in loaded]


def extract_files(
    items: Iterable[Item], limits: Limits | None = None, workers: int | None = None
) -> list[DocumentFacts]:
    """Read each file (a path, or (name, bytes)) in a worker and extract its facts."""
    return [e.facts for e in extract_tracked(items, limits, workers)]


def extract_tracked(
    items: Iterable[Item],
    limits: Limits | None = None,
    workers: int | None = None,
    defer_ocr: bool = False,
    ocr_seconds: float | None = None,
) -> list[Extraction]:
    """extract_files, each result with the page numbers whose OCR is still to do (empty when none).
    `defer_ocr`: text layers only, every page that needs OCR left pending; `ocr_seconds`: OCR starts
    no new page past this many seconds of the file's read (the rest pending, for the next read)."""
    _prewarm()
    return [
        value if problem is None else Extraction(DocumentFacts(file=name, sha256=sha, error=f"{name}: {problem}"), [])
        for name, sha, value, problem in _results(
            _extract_one, items, limits, workers, (*_ocr_cache(), defer_ocr), ocr_seconds
        )
    ]


def read_files_safely(
    items: Iterable[Item], limits: Limits | None = None, workers: int | None = None
) -> list[Document | ReadError]:
    """The Document of each file, read in a time-limited worker; a ReadError where it cannot be read."""
    return read_files_with(_read_one, items, limits, workers, _ocr_cache())


def read_files_with(
    reader, items: Iterable[Item], limits: Limits | None = None, workers: int | None = None, extra: tuple = ()
) -> list[Document | ReadError]:
    """Like read_files_safely with a reader of one's own, `reader(data, name, read_limits, *extra) ->
    Document` (a module-level function: it runs in the worker), e.g. to note what only the bytes show."""
    return [
        value if problem is None else ReadError(name, sha, f"{name}: {problem}")
        for name, sha, value, problem in _results(reader, items, limits, workers, extra)
    ]


def _results(fn, items, limits, workers, extra, ocr_seconds=None):
    """[(name, sha256, value, None) or (name, sha256, None, problem)] in input order."""
    for name, sha, outcome in _run(fn, items, limits, workers, extra, ocr_seconds):
        if isinstance(outcome, str):
            yield name, sha, None, outcome
        elif not outcome.ok:
            yield name, sha, None, outcome.error
        else:
            if isinstance(outcome.value, Extraction):
                outcome.value.timings["worker_start"] = outcome.start_seconds
            yield name, sha, outcome.value, None


def _with_ocr_seconds(rlimits: ReadLimits, seconds: float | None) -> ReadLimits:
    """The limits with OCR's time per read at most `seconds` (a tighter one already set stays)."""
    if seconds is None or (rlimits.ocr_seconds is not None and rlimits.ocr_seconds <= seconds):
        return rlimits
    return dataclasses.replace(rlimits, ocr_seconds=seconds)


def read_file_safely(item: Item, limits: Limits | None = None) -> Document | ReadError:
    return read_files_safely([item], limits, workers=1)[0]

"""The package boundaries: data flows extractors → checklists → forms; intake orchestrates; web and
cli are faces nothing else imports. Read from the source (every import statement, also the ones
inside functions), so a late import cannot slip past."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FACES = {"web", "cli"}
FORBIDDEN = {
    "extractors": FACES | {"intake", "checklists", "forms"},
    "checklists": FACES | {"intake", "forms"},
    "forms": FACES | {"intake"},
    "intake": FACES,
}


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_import_runs_against_the_flow(package):
    wrong = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        bad = imported_packages(path) & FORBIDDEN[package]
        if bad:
            wrong[str(path.relative_to(ROOT))] = sorted(bad)
    assert wrong == {}


def test_the_application_is_in_rooms_each_saying_what_it_owns():
    top = [p.name for p in (ROOT / "intake").glob("*.py")]
    assert len(top) <= 8, top
    for pkg in (ROOT / "intake").iterdir():
        if pkg.is_dir() and (pkg / "__init__.py").exists():
            doc = ast.get_docstring(ast.parse((pkg / "__init__.py").read_text(encoding="utf-8")))
            assert doc and len(doc) > 80, f"intake/{pkg.name} has no docstring saying what it owns"


# The rooms inside intake/ and which other rooms each may import (besides the base modules every room
# may use: intake.errors, intake.config, intake.clock). The data flows one way: the store under
# everything; reading records into cases; the assistant gets its verdicts from the one pre-check and
# knows nothing of cases, storage or reading; comments stand beside cases; the demo fills them all;
# the comparison is the pre-check per scheme; the 证照库 keeps documents and starts cases from them.
BASE = {"errors", "config", "clock"}
ROOMS = {
    "errors": set(),
    "config": set(),
    "clock": set(),
    "logsafety": set(),
    "store": set(),
    "precheck": {"reading"},
    "reading": {"store", "cases"},
    "assistant": {"precheck"},
    "cases": {"store", "precheck", "assistant"},
    "comments": {"store", "reading"},
    "demo": {"store", "reading", "cases", "comments"},
    "comparison": {"precheck"},
    "library": {"store", "reading", "cases", "comparison"},
}


def _room(path: Path) -> str:
    rel = path.relative_to(ROOT / "intake").parts
    return rel[0] if len(rel) > 1 else rel[0].removesuffix(".py")


def _intake_imports(path: Path) -> set[str]:
    """The rooms of intake that a file imports by absolute name (intake.X…), late imports included."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return {n.split(".")[1] for n in names if n.startswith("intake.") and n.count(".") >= 1}


def test_every_module_of_the_application_is_in_a_known_room():
    rooms = {_room(p) for p in (ROOT / "intake").rglob("*.py") if p.name != "__init__.py" or p.parent.name != "intake"}
    assert rooms <= set(ROOMS), rooms - set(ROOMS)


def test_each_room_imports_only_the_rooms_it_may():
    wrong = {}
    for path in sorted((ROOT / "intake").rglob("*.py")):
        if path == ROOT / "intake" / "__init__.py":
            continue
        room = _room(path)
        bad = _intake_imports(path) - {room} - BASE - ROOMS[room]
        if bad:
            wrong[str(path.relative_to(ROOT))] = sorted(bad)
    assert wrong == {}


def test_only_the_pre_check_runs_the_checklist_engine():
    """One evaluation: nothing in the application or its faces calls `checklists.evaluate` but intake.precheck."""
    callers = []
    for pkg in ("intake", "web", "cli"):
        for path in sorted((ROOT / pkg).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (
                    isinstance(node, ast.ImportFrom)
                    and node.module in ("checklists", "checklists.engine")
                    and any(a.name == "evaluate" for a in node.names)
                ) or (isinstance(node, ast.Attribute) and node.attr == "evaluate" and _is_engine(node.value)):
                    callers.append(str(path.relative_to(ROOT)))
    assert callers == ["intake/precheck.py"]


def _is_engine(node: ast.AST) -> bool:
    return isinstance(node, ast.Name) and node.id in ("engine", "checklists", "ck")

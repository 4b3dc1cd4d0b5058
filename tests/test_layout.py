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

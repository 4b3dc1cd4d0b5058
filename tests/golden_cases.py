"""Golden cases as data (tests/golden/<scheme>/*.yaml), in the spirit of OpenFisca's YAML tests.

A file gives a base bundle (as_of, facts, documents, overrides) and a list of cases; a case changes
the bundle (documents with the same `file` replace the base one, `remove` drops files, facts are
merged, a null fact deletes) and states what it expects: item statuses, outcome keys, and
substrings the reason must contain. Documents are written as the contract's `intake extract`
objects; a field may be given as a bare value (page 1, text "<field>: <value>", confidence 1).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import yaml

from extractors.facts import DocumentFacts, Field

GOLDEN = Path(__file__).parent / "golden"


def document(d: dict) -> DocumentFacts:
    fields = {}
    for name, v in (d.get("fields") or {}).items():
        if isinstance(v, dict) and "value" in v:
            fields[name] = Field(
                value=_plain(v["value"]),
                page=v.get("page", 1),
                text=v.get("text", f"{name}: {v['value']}"),
                confidence=v.get("confidence", 1.0),
                ocr=v.get("ocr", False),
                ocr_confidence=v.get("ocr_confidence"),
            )
        else:
            fields[name] = Field(value=_plain(v), page=1, text=f"{name}: {_plain(v)}")
    return DocumentFacts(
        file=d["file"],
        sha256=d.get("sha256", "0" * 64),
        type=d["type"],
        type_confidence=1.0,
        pages=d.get("pages", 1),
        ocr=d.get("ocr", False),
        error=d.get("error"),
        fields=fields,
    )


def _plain(v):
    """YAML dates → ISO strings, as the extractors give them; year keys → strings."""
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_plain(x) for x in v]
    return v


def load_cases() -> list[tuple[str, dict]]:
    out = []
    for path in sorted(GOLDEN.glob("*/*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for i, case in enumerate(data["cases"]):
            out.append((f"{path.parent.name}/{path.stem}#{i + 1} {case['name']}", _merge(data, case)))
    return out


def _merge(base: dict, case: dict) -> dict:
    docs = {d["file"]: d for d in base.get("documents") or []}
    for f in case.get("remove") or []:
        docs.pop(f, None)
    for d in case.get("documents") or []:
        docs[d["file"]] = d
    facts = dict(base.get("facts") or {})
    for k, v in (case.get("facts") or {}).items():
        if v is None:
            facts.pop(k, None)
        elif isinstance(v, dict) and isinstance(facts.get(k), dict) and k == "declarations":
            facts[k] = {**facts[k], **v}
        else:
            facts[k] = v
    overrides = dict(base.get("overrides") or {})
    for k, v in (case.get("overrides") or {}).items():
        if v is None:
            overrides.pop(k, None)
        else:
            overrides[k] = v
    return {
        "scheme": base["scheme"],
        "as_of": _plain(case.get("as_of", base.get("as_of"))),
        "documents": [document(d) for d in docs.values()],
        "facts": _plain(facts),
        "overrides": overrides,
        "expect": _plain(case["expect"]),
    }

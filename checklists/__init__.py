"""The schemes as checklists: one folder per scheme (checklists/schemes/<id>/: checklist.yaml, its source
text split by clause in clauses.yaml, procedure.yaml, form.yaml — see registry.py), the shared vocabulary
and facts schema, and the engine that turns documents + facts + a date into a verdict per item.

    from checklists import load_scheme, evaluate, load_clauses
    ev = evaluate(load_scheme("jinzhi"), documents, facts, as_of="2026-03-01")
    ev.to_json(); ev.trace("jinzhi.4.2"); ev.explain("jinzhi.4.2")
"""

from importlib import import_module

# name -> the module that defines it; imported on first use, so that reading a scheme's summary
# (`intake schemes`) does not load the engine and its rules
_HOME = {
    "Clause": "clauses",
    "UnknownScheme": "clauses",
    "find_clause": "clauses",
    "load_clauses": "clauses",
    "Evaluation": "engine",
    "ItemResult": "engine",
    "evaluate": "engine",
    "FACT_KEYS": "factsfile",
    "FactsError": "factsfile",
    "load_facts_file": "factsfile",
    "validate_facts": "factsfile",
    "Scheme": "scheme",
    "SchemeError": "scheme",
    "list_schemes": "scheme",
    "load_scheme": "scheme",
}
__all__ = list(_HOME)


def __getattr__(name: str):
    if name not in _HOME:
        raise AttributeError(f"module 'checklists' has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{_HOME[name]}"), name)

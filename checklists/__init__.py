"""The schemes as checklists: one folder per scheme (checklists/schemes/<id>/: checklist.yaml, its source
text split by clause in clauses.yaml, procedure.yaml, form.yaml — see registry.py), the shared vocabulary
and facts schema, and the engine that turns documents + facts + a date into a verdict per item.

    from checklists import load_scheme, evaluate, load_clauses
    ev = evaluate(load_scheme("jinzhi"), documents, facts, as_of="2026-03-01")
    ev.to_json(); ev.trace("jinzhi.4.2"); ev.explain("jinzhi.4.2")
"""

from .clauses import Clause, UnknownScheme, find_clause, load_clauses
from .engine import Evaluation, ItemResult, evaluate
from .factsfile import FACT_KEYS, FactsError, load_facts_file, validate_facts
from .scheme import Scheme, SchemeError, list_schemes, load_scheme

__all__ = [
    "Clause",
    "UnknownScheme",
    "find_clause",
    "load_clauses",
    "Evaluation",
    "ItemResult",
    "evaluate",
    "FACT_KEYS",
    "FactsError",
    "load_facts_file",
    "validate_facts",
    "Scheme",
    "SchemeError",
    "list_schemes",
    "load_scheme",
]

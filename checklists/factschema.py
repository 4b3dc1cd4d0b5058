"""The facts schema (checklists/facts.yaml) and which facts each scheme uses.

One description of every fact key — type, allowed values, Chinese labels — from which the
facts-file validation (factsfile.FACT_KEYS), the API's request model and the web facts form are
derived. Which schemes use a key is read from the schemes' data: an ask's key, a rule's
parameter naming a fact, applies_when / not_applicable_when, a bar, a level's min_facts, and the
facts a rule reads by itself (rules.py `@rule(..., reads=...)`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

TYPES = (
    "choice",
    "bool",
    "fraction",
    "level",
    "declarations",
    "scores",
    "scale",
    "exemptions",
    "date",
    "text",
    "by_year",
    "object",
)
FACT_PARAMS = ("fact", "or_fact", "by", "covers")  # rule parameters whose value names a fact


@dataclass(frozen=True)
class FactSpec:
    key: str
    type: str
    label: str
    description: str
    choices: tuple[tuple[str, str], ...] = ()  # (value, label)
    form: bool = True  # offered in the web facts form
    all: bool = False  # every scheme accepts it
    question: str = ""  # how an applicant is asked for it, in their words ("" → the label)
    not_asked_when: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (fact, values) that make it moot
    company: bool = False  # about the company or its product, not one application (`of: company`)

    def asked_given(self, facts: dict) -> bool:
        """Whether the form asks it, given the facts already stated."""
        return not any(facts.get(fact) in values for fact, values in self.not_asked_when)

    @property
    def values(self) -> list[str]:
        return [v for v, _ in self.choices]

    def value_label(self, value) -> str:
        return dict(self.choices).get(value, str(value))


class SchemaError(ValueError):
    pass


@lru_cache(maxsize=1)
def schema() -> dict[str, FactSpec]:
    path = Path(__file__).parent / "facts.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))["facts"]
    out = {}
    for key, d in data.items():
        if d.get("type") not in TYPES:
            raise SchemaError(f"{path}: fact {key!r}: type {d.get('type')!r} is not one of {', '.join(TYPES)}")
        choices = tuple((str(c["value"]), str(c["label"])) for c in d.get("choices") or ())
        if (d["type"] == "choice") != bool(choices):
            raise SchemaError(f"{path}: fact {key!r}: a choice lists its `choices`, nothing else does")
        out[key] = FactSpec(
            key,
            d["type"],
            str(d["label"]),
            str(d["description"]),
            choices,
            form=d.get("form", True) is not False,
            all=bool(d.get("all")),
            question=str(d.get("question") or ""),
            not_asked_when=tuple((k, tuple(v)) for k, v in (d.get("not_asked_when") or {}).items()),
            company=d.get("of") == "company",
        )
    return out


def facts_file_kinds() -> dict[str, tuple[str, str]]:
    """key → (kind, description) as the facts-file validation reads them."""
    kinds = {"fraction": "number01"}
    return {
        k: (f"choice:{'|'.join(f.values)}" if f.type == "choice" else kinds.get(f.type, f.type), f.description)
        for k, f in schema().items()
    }


def _fact_of(key: str) -> str | None:
    """The fact key an ask's key names: "declarations.x" → declarations, "net_profit.{year}" → net_profit."""
    head = key.split(".", 1)[0]
    return head if head in schema() else None


def used_facts(scheme) -> list[str]:
    """The fact keys `scheme` reads, in the schema's order."""
    from .rules import RULES

    used: set[str] = {k for k, f in schema().items() if f.all}
    if scheme.level_names and not scheme.stages:
        used.add("target_level")
    for lv in scheme.levels:
        used.update(lv.min_facts)
    for it in scheme.items:
        used.update(RULES[it.rule].reads)
        for p in FACT_PARAMS:
            if isinstance(it.params.get(p), str):
                used.add(it.params[p])
        used.update(it.params.get("requires_facts") or ())
        if it.rule == "registered" and it.params.get("inactive_words"):
            used.add("business_status")
        if it.rule in ("min_revenue",) and it.params.get("branch"):
            used.add("exemptions")
        used.update(it.applies_when)
        used.update(it.not_applicable_when)
        used.update(b["fact"] for b in it.bars)
        for a in it.asks:
            if a.kind != "upload" and _fact_of(a.key):
                used.add(_fact_of(a.key))
    return [k for k in schema() if k in used]


def form_facts(scheme) -> list[FactSpec]:
    """The facts the web form offers for `scheme`."""
    return [schema()[k] for k in used_facts(scheme) if schema()[k].form]


def company_facts(schemes) -> list[FactSpec]:
    """The facts about the company that any of `schemes` uses and the web form asks: asked once per
    company, in the schema's order."""
    used = {k for s in schemes for k in used_facts(s)}
    return [f for k, f in schema().items() if f.company and f.form and k in used]

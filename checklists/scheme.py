"""A scheme's checklist (`checklists/schemes/<id>/checklist.yaml`) loaded and checked.

A mistake in a data file (duplicate item id, unknown rule or parameter, a level
or item that does not exist) is rejected when the file is loaded, naming the
file and the line, so the secretariat can fix the YAML without reading code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from .registry import SchemeError, part_path, scheme_ids

ID_RE = re.compile(r"[a-z][a-z0-9_]*")
STATUSES = ("met", "not_met", "missing", "review", "not_applicable")
ASK_KINDS = ("yes_no", "number", "date", "choice", "upload", "text")


class _LineDict(dict):
    line: int = 0
    key_lines: dict = {}

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class _LineList(list):
    line: int = 0


@cache
def _line_loader():
    """A SafeLoader (libyaml's when installed) that remembers the line of every mapping and sequence
    and refuses duplicate keys. Built on first use: a cached scheme needs no YAML at all."""
    import yaml

    class _LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
        def construct_mapping(self, node, deep=False):
            seen: dict = {}
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=deep)
                if key in seen:
                    raise SchemeError(
                        f"line {key_node.start_mark.line + 1}: key {key!r} appears twice (first on line {seen[key]})"
                    )
                seen[key] = key_node.start_mark.line + 1
            d = _LineDict(super().construct_mapping(node, deep=True))
            d.line = node.start_mark.line + 1
            d.key_lines = seen
            return d

        def construct_sequence(self, node, deep=False):
            s = _LineList(super().construct_sequence(node, deep=True))
            s.line = node.start_mark.line + 1
            return s

    _LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _LineLoader.construct_mapping)
    _LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _LineLoader.construct_sequence)
    return _LineLoader


@dataclass(frozen=True)
class Ask:
    """One thing the applicant can answer or upload for an item (the assistant interviews with these)."""

    key: str  # facts-file path ("declarations.jinzhi.4.3", "satisfaction_score") or a document type
    kind: str  # yes_no | number | date | choice | upload | text
    question: str  # in Chinese
    unit: str | None = None
    choices: tuple[str, ...] = ()
    doc_type: str | None = None  # for kind == upload

    def to_json(self) -> dict:
        out: dict[str, object] = {"key": self.key, "kind": self.kind, "question": self.question}
        if self.unit:
            out["unit"] = self.unit
        if self.choices:
            out["choices"] = list(self.choices)
        if self.doc_type:
            out["doc_type"] = self.doc_type
        return out


@dataclass
class Item:
    id: str
    clause: str
    title: str
    quote: str
    gates: tuple[str, ...]  # level names this item gates; ("*",) = gates eligibility of a scheme without levels
    evidence: tuple[str, ...]  # document types that can satisfy it
    rule: str
    params: dict
    asks: tuple[Ask, ...] = ()
    satisfy: str = ""  # in Chinese: what would satisfy it
    applies_when: dict = field(default_factory=dict)  # fact -> allowed values; unknown fact -> missing
    not_applicable_when: dict = field(default_factory=dict)  # fact -> values that make it not_applicable
    bars: tuple[dict, ...] = ()  # [{fact, years, clause, reason}]: a dated fact within `years` before as_of → not_met
    points: float | None = None  # scored schemes
    note: str = ""
    line: int = 0

    @property
    def is_gate(self) -> bool:
        return bool(self.gates)


@dataclass
class Level:
    name: str
    requires: tuple[str, ...] = ()  # extra item ids, beside the items' own `gates`
    min_facts: dict = field(default_factory=dict)  # fact -> minimum (trace: code_coverage per level)
    note: str = ""


@dataclass
class Scheme:
    id: str
    name: str
    source: str
    path: Path
    levels: list[Level]
    items: list[Item]
    campaign: dict = field(default_factory=dict)
    scoring: dict = field(default_factory=dict)
    tables: dict = field(default_factory=dict)  # scale tables, thresholds … read by rules
    exemptions: list[dict] = field(default_factory=list)
    provisional: dict = field(default_factory=dict)  # {"levels": True, "note": "…"}
    shared_levels_note: str = ""
    notes: list[str] = field(default_factory=list)
    stages: bool = False  # the levels are the procedure's stages (jiangsu: 培育库 → 认证), not a grade one applies for

    @property
    def level_names(self) -> list[str]:
        return [l.name for l in self.levels]

    def item(self, item_id: str) -> Item:
        for it in self.items:
            if it.id == item_id:
                return it
        raise KeyError(item_id)

    def gating_ids(self, level: str | None) -> list[str]:
        """Items that must all be met for `level` (None: eligibility of a scheme without levels)."""
        if level is None:
            return [it.id for it in self.items if "*" in it.gates]
        lv = next(l for l in self.levels if l.name == level)
        ids = [it.id for it in self.items if level in it.gates or "*" in it.gates]
        return ids + [i for i in lv.requires if i not in ids]

    def to_summary(self) -> dict:
        return {"id": self.id, "name": self.name, "source": self.source, "levels": self.level_names}


def _known_ask_key(key: str, kind: str, scheme_id: str) -> bool:
    from .factsfile import FACT_KEYS
    from .rules import DOC_TYPES

    if kind == "upload":
        return key in DOC_TYPES
    if key.endswith(".{year}"):  # one ask per financial year the rule needs, e.g. net_profit.{year}
        return FACT_KEYS.get(key[: -len(".{year}")], ("",))[0] == "by_year"
    return key in FACT_KEYS or key in DOC_TYPES or key.startswith(f"declarations.{scheme_id}.")


def _line(d: Any, key: str) -> int:
    return d.line_of(key) if isinstance(d, _LineDict) else getattr(d, "line", 0)


def _err(path: Path, line: int, msg: str) -> SchemeError:
    return SchemeError(f"{path}:{line}: {msg}")


def _str(d: dict, key: str, path: Path, required: bool = True) -> str:
    v = d.get(key)
    if v is None:
        if required:
            raise _err(path, getattr(d, "line", 0), f"missing `{key}`")
        return ""
    if not isinstance(v, (str, int, float)):
        raise _err(path, getattr(d, "line", 0), f"`{key}` should be text, got {type(v).__name__}")
    return str(v).strip()


def _bars(raw: dict, iid: str, path: Path) -> tuple[dict, ...]:
    """An item's bars: a date fact (a certificate revoked on …) that shuts the applicant out for `years`."""
    from .factsfile import FACT_KEYS

    out = []
    for b in raw.get("bars") or []:
        if not isinstance(b, dict) or not {"fact", "years", "clause"} <= set(b):
            raise _err(path, getattr(b, "line", 0), f"item {iid}: a bar needs `fact`, `years` and `clause`")
        if FACT_KEYS.get(b["fact"], ("",))[0] != "date":
            raise _err(path, getattr(b, "line", 0), f"item {iid}: bar fact {b['fact']!r} is not a date fact")
        out.append(dict(b))
    return tuple(out)


def parse_scheme(text: str, path: Path) -> Scheme:
    import yaml

    from .rules import DOC_TYPES, RULES  # late: rules import scheme types

    try:
        data = yaml.load(text, Loader=_line_loader())
    except SchemeError as e:
        raise SchemeError(f"{path}:{str(e)[len('line ') :]}") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = mark.line + 1 if mark else 0
        raise _err(path, line, f"not valid YAML: {getattr(e, 'problem', e)}") from None
    if not isinstance(data, _LineDict):
        raise _err(path, 1, "a scheme file is a mapping with `id`, `name`, `levels`, `items`")
    sid = _str(data, "id", path)
    if not ID_RE.fullmatch(sid):
        raise _err(path, data.line, f"scheme id {sid!r} should be lower-case letters/digits")

    levels: list[Level] = []
    for lv in data.get("levels") or []:
        if isinstance(lv, str):
            lv = _LineDict(name=lv)
            lv.line = data.line
        name = _str(lv, "name", path)
        if name in [l.name for l in levels]:
            raise _err(path, lv.line, f"level {name!r} is listed twice")
        levels.append(
            Level(
                name=name,
                requires=tuple(lv.get("requires") or ()),
                min_facts=dict(lv.get("min_facts") or {}),
                note=_str(lv, "note", path, False),
            )
        )
    level_names = [l.name for l in levels]

    items: list[Item] = []
    seen: dict[str, int] = {}
    raw_items = data.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        raise _err(path, data.line, "`items` should be a non-empty list")
    for raw in raw_items:
        line = getattr(raw, "line", 0)
        if not isinstance(raw, dict):
            raise _err(path, line, "each item is a mapping (id, clause, title, quote, gates, evidence, rule …)")
        iid = _str(raw, "id", path)
        if iid in seen:
            raise _err(path, _line(raw, "id"), f"duplicate item id {iid!r} (first on line {seen[iid]})")
        seen[iid] = line
        if not iid.startswith(sid + "."):
            raise _err(path, line, f"item id {iid!r} should start with {sid + '.'!r}")
        gates_raw = raw.get("gates", "none")
        if gates_raw in ("all", True):
            gates = tuple(level_names) if level_names else ("*",)
        elif gates_raw in ("none", False, None, []):
            gates = ()
        elif isinstance(gates_raw, list):
            for g in gates_raw:
                if g not in level_names:
                    raise _err(
                        path,
                        _line(raw, "gates"),
                        f"item {iid}: gates names level {g!r}, but the scheme's levels are {level_names or '[]'}",
                    )
            gates = tuple(gates_raw)
        else:
            raise _err(path, _line(raw, "gates"), f"item {iid}: `gates` should be all, none or a list of level names")
        rule = _str(raw, "rule", path)
        if rule not in RULES:
            raise _err(
                path, _line(raw, "rule"), f"item {iid}: unknown rule {rule!r}; known rules: {', '.join(sorted(RULES))}"
            )
        params = dict(raw.get("params") or {})
        problem = RULES[rule].check_params(params)
        if problem:
            raise _err(path, _line(raw, "params"), f"item {iid}: rule {rule}: {problem}")
        evidence = tuple(raw.get("evidence") or ())
        for t in evidence:
            if t not in DOC_TYPES:
                raise _err(path, _line(raw, "evidence"), f"item {iid}: unknown evidence type {t!r}")
        asks = []
        for a in raw.get("asks") or []:
            kind = _str(a, "kind", path)
            if kind not in ASK_KINDS:
                raise _err(path, a.line, f"item {iid}: ask kind {kind!r} is not one of {', '.join(ASK_KINDS)}")
            doc_type = a.get("doc_type")
            if kind == "upload" and doc_type not in DOC_TYPES:
                raise _err(path, a.line, f"item {iid}: upload ask needs a known doc_type, got {doc_type!r}")
            key = _str(a, "key", path)
            if not _known_ask_key(key, kind, sid):
                raise _err(
                    path,
                    a.line,
                    f"item {iid}: ask key {key!r} is neither a facts-file key, "
                    f"declarations.<item id> nor a document type",
                )
            asks.append(
                Ask(
                    key=key,
                    kind=kind,
                    question=_str(a, "question", path),
                    unit=a.get("unit"),
                    choices=tuple(a.get("choices") or ()),
                    doc_type=doc_type,
                )
            )
        items.append(
            Item(
                id=iid,
                clause=_str(raw, "clause", path),
                title=_str(raw, "title", path),
                quote=_str(raw, "quote", path),
                gates=gates,
                evidence=evidence,
                rule=rule,
                params=params,
                asks=tuple(asks),
                satisfy=_str(raw, "satisfy", path, False),
                applies_when=dict(raw.get("applies_when") or {}),
                not_applicable_when=dict(raw.get("not_applicable_when") or {}),
                bars=_bars(raw, iid, path),
                points=raw.get("points"),
                note=_str(raw, "note", path, False),
                line=line,
            )
        )

    ids = set(seen)
    for it in items:
        for a in it.asks:
            if a.key.startswith("declarations.") and a.key[len("declarations.") :] not in ids:
                raise _err(path, it.line, f"item {it.id}: ask {a.key!r} names an item the file does not define")
    for lv, raw_lv in zip(levels, data.get("levels") or []):
        for r in lv.requires:
            if r not in ids:
                raise _err(
                    path,
                    _line(raw_lv, "requires"),
                    f"level {lv.name!r} requires item {r!r}, which the file does not define",
                )
    scoring = dict(data.get("scoring") or {})
    if scoring:
        for g in scoring.get("grades") or []:
            if not {"name", "min"} <= set(g):
                raise _err(path, getattr(g, "line", 0), "each grade needs `name` and `min`")
        for it in items:
            if it.rule == "scored" and not isinstance(it.points, (int, float)):
                raise _err(path, it.line, f"item {it.id}: a scored item needs `points`")
    exemptions = list(data.get("exemptions") or [])
    for ex in exemptions:
        if ex.get("item") and ex["item"] not in ids:
            raise _err(path, getattr(ex, "line", 0), f"exemption {ex.get('name')!r} names unknown item {ex['item']!r}")
    campaign = dict(data.get("campaign") or {})
    if campaign.get("deadline") is not None and not isinstance(campaign["deadline"], date):
        raise _err(path, getattr(data.get("campaign"), "line", 0), "campaign deadline should be a date YYYY-MM-DD")
    return Scheme(
        id=sid,
        name=_str(data, "name", path),
        source=_str(data, "source", path),
        path=path,
        levels=levels,
        items=items,
        campaign=campaign,
        scoring=scoring,
        tables=dict(data.get("tables") or {}),
        exemptions=exemptions,
        provisional=dict(data.get("provisional") or {}),
        shared_levels_note=_str(data, "shared_levels_note", path, False),
        notes=list(data.get("notes") or []),
        stages=data.get("level_kind") == "stages",
    )


def scheme_path(scheme_id: str) -> Path:
    """The scheme's checklist (checklists/schemes/<id>/checklist.yaml, or a folder on INTAKE_SCHEMES_PATH)."""
    return part_path(scheme_id, "checklist")


@cache
def _load_cached(path: str, mtime: float) -> Scheme:
    from .compiled import compiled

    p = Path(path)
    return compiled("scheme", p, lambda: parse_scheme(p.read_text(encoding="utf-8"), p))


def load_scheme(scheme_id_or_path: str | Path) -> Scheme:
    """A shipped scheme by id (`"nonferrous"`), or any scheme file by path."""
    s = str(scheme_id_or_path)
    path = Path(s) if s.endswith((".yaml", ".yml")) else scheme_path(s)
    return _load_cached(str(path), path.stat().st_mtime)


def list_schemes() -> list[Scheme]:
    return [load_scheme(s) for s in scheme_ids()]

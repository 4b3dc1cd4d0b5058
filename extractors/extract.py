"""Document → typed facts with provenance: classify, then run the recognisers the type calls for.

facts = extract_facts(doc)
facts.type, facts.value("valid_until"), facts.fields["org_name"].page
"""

from __future__ import annotations

import re
from functools import lru_cache

from .classify import classify, page_types, type_title
from .facts import DocumentFacts, Field
from .fields import indicators as _indicators
from .fields import money as _money
from .fields import uscc as _uscc
from .fields.dates import chinese_day, find_dates
from .fields.labels import MAX_HITS, DocIndex, Finder, Hit, LabelIndex, best, lines_at, load_spec
from .fields.province import province_of, province_of_uscc
from .fields.values import CHECKERS, split_issuer
from .model import Document

OWN_FINDERS = ("uscc",)  # fields whose labels in fields.yaml a finder of its own reads (the code's check digit)
# what an unlabelled line needs to be taken for an address: a street and a number
_STREET = re.compile(r"\d+\s*(?:号|弄|栋|幢|室)|[路街巷]|\d+\s+[A-Za-z]|[A-Za-z]\s+\d+")
_BRACKETED = re.compile(r"^\s*[(（].*[)）]\s*$")
_CJK = re.compile(r"[\u4e00-\u9fff]")
# words of a sentence, never of an address line
_SENTENCE = re.compile(r"符合|兹|证明|认可|要求|具备|accredit|certif|conformity|requirement", re.I)
# a licence's term (营业期限 2010年03月15日至长期) starts at its founding, not at the issue date
_TERM_LABELS = {"营业期限", "合伙期限", "经营期限"}
# families of management-system standards, so a QMS certificate's standard is its 19001 line
_FAMILY = {
    "qms_certificate": r"19001|9001",
    "ems_certificate": r"24001|14001",
    "ohsms_certificate": r"45001|28001|18001",
}


@lru_cache(maxsize=1)
def label_fields() -> tuple[str, ...]:
    """The fields read by their labels: those extractors/data/fields.yaml gives labels to."""
    return tuple(k for k in load_spec()["fields"] if k not in OWN_FINDERS)


@lru_cache(maxsize=1)
def _label_index() -> LabelIndex:
    return LabelIndex(load_spec())


@lru_cache(maxsize=1)
def _patterns() -> dict[str, list[tuple[re.Pattern, float]]]:
    out = {}
    for name, pats in (load_spec().get("patterns") or {}).items():
        out[name] = [(re.compile(p["re"]), float(p["weight"])) for p in pats]
    return out


def recognisers_for(doctype: str) -> list[str]:
    spec = load_spec()["recognisers"]
    return list(spec["common"]) + list(spec["by_type"].get(doctype, []))


def _to_field(h: Hit) -> Field:
    return Field(
        value=h.value,
        page=h.page,
        text=h.text,
        confidence=round(h.confidence, 3),
        raw=h.raw if h.raw != h.text else None,
        ocr=h.ocr,
        ocr_confidence=_ocr_confidence(h.ocr, h.ocr_confidence),
    )


def _ocr_confidence(ocr: bool, line_confidence: float | None) -> float | None:
    """What a field read by OCR carries as `ocr_confidence`: its lines' OCR confidence, never missing."""
    if not ocr:
        return None
    return round(float(line_confidence if line_confidence is not None else 0.0), 3)


def _pattern_hits(dix: DocIndex, name: str) -> list[Hit]:
    """Prose patterns of fields.yaml: anchored ones (`^…$`) line by line, the others over each
    page's text with wrapped lines joined, so a sentence broken at the margin still matches."""
    spec = load_spec()["fields"].get(name)
    checker = CHECKERS[spec.get("value", "text")] if spec else None
    window = load_spec().get("pattern_pages", {})
    first, last = window.get(name, window.get("default", [10, 2]))
    numbers = [p.number for p in dix.doc.pages]
    pages = (
        set(numbers)
        if first is None or len(numbers) <= first + last
        else set(numbers[:first]) | set(numbers[len(numbers) - last :])
    )
    hits: list[Hit] = []
    order = 100_000

    def add(raw_value: str, lines: list, page: int, w: float) -> None:
        nonlocal order
        order += 1
        value, factor, extra = raw_value, 1.0, {}
        if checker is not None:
            c = checker(raw_value, field_name=name)
            if c is None:
                return
            value, factor, extra = c.value, c.factor, c.extra
        conf = min(l.confidence for l in lines)
        ocr = page in dix.ocr_pages
        hits.append(
            Hit(
                name,
                value,
                page,
                " ".join(l.text for l in lines),
                " ".join(l.raw for l in lines),
                w * factor * conf,
                ocr,
                "",
                "pattern",
                order,
                extra=extra,
                ocr_confidence=conf if ocr else None,
            )
        )

    for rx, w in _patterns().get(name, []):
        anchored = rx.pattern.startswith("^") or rx.pattern.endswith("$")
        start = len(hits)
        if anchored:
            for e in dix.all_entries():
                if len(hits) - start >= MAX_HITS:
                    break
                if e.page not in pages:
                    continue
                m = rx.search(e.line.text)
                if m:
                    add(m.group("v") if "v" in rx.groupindex else e.line.text, [e.line], e.page, w)
            continue
        for page, text, spans in dix.streams():
            if len(hits) - start >= MAX_HITS:
                break
            if page not in pages:
                continue
            for m in rx.finditer(text):
                lines = lines_at(spans, m.start(), m.end())
                add(m.group("v") if "v" in rx.groupindex else "".join(l.text for l in lines), lines, page, w)
        for e in dix.cells:
            if e.page not in pages:
                continue
            m = rx.search(e.line.text)
            if m:
                add(m.group("v") if "v" in rx.groupindex else e.line.text, [e.line], e.page, w)
    return hits


class _Extraction:
    def __init__(self, doc: Document):
        self.doc = doc
        first, last = load_spec().get("label_pages", [None, 0])
        self.dix = DocIndex(_label_index(), doc, (first, last))
        self.finder = Finder(self.dix)
        self.doctype, self.type_conf = classify(doc)
        self.facts = DocumentFacts(
            file=doc.file,
            sha256=doc.sha256,
            type=self.doctype,
            type_confidence=self.type_conf,
            pages=len(doc.pages),
            ocr=doc.ocr,
        )
        self.hits: dict[str, Hit] = {}

    def run(self) -> DocumentFacts:
        wanted = recognisers_for(self.doctype)
        for name in label_fields():
            if name in wanted:
                self._guarded(name, self._label_field, name)
        if "uscc" in wanted:
            self._guarded("uscc", self._uscc)
        self._guarded("issued", self._dates)
        self._guarded("org_name", self._org_and_issuer)
        if "province" in wanted:
            self._guarded("province", self._province)
        if "satisfaction_score" in wanted:
            self._guarded("satisfaction_score", self._satisfaction)
        if "revenue" in wanted or "net_profit" in wanted:
            self._guarded("revenue", self._money, wanted)
        if "indicators" in wanted:
            self._guarded("indicators", self._indicators)
        for name, h in self.hits.items():
            if h.value is not None:
                self.facts.fields[name] = _to_field(h)
        self._warnings()
        order = {n: i for i, n in enumerate(recognisers_for(self.doctype) + ["validity"])}
        self.facts.fields = dict(sorted(self.facts.fields.items(), key=lambda kv: order.get(kv[0], 99)))
        return self.facts

    def _guarded(self, name: str, fn, *args) -> None:
        """One recogniser failing on a document nobody foresaw costs that field, not the file."""
        try:
            fn(*args)
        except Exception as e:  # noqa: BLE001 — reported, never silent
            self.facts.warnings.append(f"{self.doc.file}：读取“{name}”时出错（{type(e).__name__}），已跳过")

    def _uscc(self) -> None:
        h, warnings = _uscc.find(self.finder, self.doc)
        self.facts.warnings.extend(warnings)
        if h:
            self.hits["uscc"] = h

    def _money(self, wanted: list[str]) -> None:
        for name, d in _money.find(self.doc).items():
            if name in wanted:
                ocr = d["page"] in self.dix.ocr_pages
                self.facts.fields[name] = Field(
                    d["value"],
                    d["page"],
                    d["text"],
                    round(d["confidence"], 3),
                    ocr=ocr,
                    ocr_confidence=_ocr_confidence(ocr, d["line_confidence"]),
                )

    def _indicators(self) -> None:
        tables: list = []
        rows, page, header = _indicators.find(self.doc, tables)
        if rows:
            scanned = [
                c.confidence for t in tables if t.page in self.dix.ocr_pages for r in t.rows for c in r if c.text
            ]
            self.facts.fields["indicators"] = Field(
                rows,
                page,
                header,
                0.9,
                ocr=bool(scanned),
                ocr_confidence=_ocr_confidence(bool(scanned), min(scanned, default=None)),
            )

    def _label_field(self, name: str) -> None:
        hits = self.finder.find(name, self.doctype)
        if name == "standard":
            hits += self._standard_fallback()
        elif name not in ("org_name", "issuer"):
            hits += _pattern_hits(self.dix, name)
        h = best([x for x in hits if x.value is not None or x.extra.get("long_term") or x.extra.get("end_unreadable")])
        if h:
            self.hits[name] = h

    def _standard_fallback(self) -> list[Hit]:
        family = _FAMILY.get(self.doctype)
        hits = _pattern_hits(self.dix, "standard")
        if family:
            preferred = [h for h in hits if re.search(family, h.value)]
            for h in preferred:
                h.confidence = min(1.0, h.confidence / 0.6 * 0.85)
            checker = CHECKERS["standard"]
            for e in self.dix.all_entries():
                if len(preferred) >= MAX_HITS:
                    break
                c = checker(e.line.text)
                if c and re.search(family, c.value) and not any(h.value == c.value for h in preferred):
                    ocr = e.page in self.dix.ocr_pages
                    preferred.append(
                        Hit(
                            "standard",
                            c.value,
                            e.page,
                            e.line.text,
                            e.line.raw,
                            0.8 * e.line.confidence,
                            ocr,
                            "",
                            "pattern",
                            ocr_confidence=e.line.confidence if ocr else None,
                        )
                    )
            # a label naming another family (a QMS certificate that also cites 14001) loses to its own
            return preferred or hits
        return hits

    def _dates(self) -> None:
        iss = self.hits.get("issued")
        if (
            "valid_until" not in self.hits
            and iss is not None
            and iss.extra.get("range_end")
            and "valid_until" in recognisers_for(self.doctype)
        ):
            # `有效期自2021年04月15日至2026年04月15日` read under 有效期自: its end is the expiry
            self.hits["valid_until"] = _derived(iss, "valid_until", iss.extra["range_end"], iss.confidence, "range end")
        vu = self.hits.get("valid_until")
        if vu is not None and vu.extra.get("end_unreadable"):
            self.facts.warnings.append(
                f"{self.doc.file}：有效期的截止日期无法识别（“{vu.raw or vu.text}”），请核对原件后填写"
            )
        if vu is not None and vu.extra.get("long_term"):
            self.facts.fields["validity"] = Field(
                "长期",
                vu.page,
                vu.text,
                round(vu.confidence, 3),
                raw=vu.raw if vu.raw != vu.text else None,
                ocr=vu.ocr,
                ocr_confidence=_ocr_confidence(vu.ocr, vu.ocr_confidence),
            )
        if (
            "issued" not in self.hits
            and vu is not None
            and vu.extra.get("range_start")
            and vu.label not in _TERM_LABELS
            and "issued" in recognisers_for(self.doctype)
        ):
            self.hits["issued"] = _derived(vu, "issued", vu.extra["range_start"], vu.confidence * 0.85, "range start")
        if "issued" not in self.hits and "issued" in recognisers_for(self.doctype):
            h = self._date_beside_issuer() or self._bare_date()
            if h:
                self.hits["issued"] = h

    def _date_beside_issuer(self) -> Hit | None:
        """The date printed after the issuer, on its line (`登记机关 某某行政审批局 2024年01月12日`): the
        day it signed — a licence's foot, a certificate's seal."""
        iss = self.hits.get("issuer")
        if iss is not None and isinstance(iss.value, str) and iss.value in iss.text:
            h = self._lone_date(iss.text[iss.text.index(iss.value) + len(iss.value) :], iss.text, iss.raw, iss.page)
            if h:
                return h
        # `登记机关 | 2019年11月19日` in a table cell: the label, the seal, then only the date
        labels = self.finder.labels_for("issuer", self.doctype)
        for e in self.dix.all_entries():
            for m in e.matches:
                if m.label in labels:
                    h = self._lone_date(e.s[m.end :], e.line.text, e.line.raw, e.page, e.line.confidence)
                    if h:
                        return h
        return None

    def _lone_date(self, after: str, text: str, raw: str, page: int, conf: float = 1.0) -> Hit | None:
        ds = find_dates(after)
        if len(ds) != 1 or len(re.sub(r"\s", "", after)) - len(re.sub(r"\s", "", after[ds[0].start : ds[0].end])) > 2:
            return None
        ocr = page in self.dix.ocr_pages
        return Hit(
            "issued",
            ds[0].value.isoformat(),
            page,
            text,
            raw,
            0.7 * conf,
            ocr,
            "",
            "beside the issuer",
            ocr_confidence=conf if ocr else None,
        )

    def _bare_date(self) -> Hit | None:
        """A line that is only a date (the date under a certificate's seal) — the last one on page 1."""
        used = {(h.page, h.text) for h in self.hits.values()}
        first = self.dix.pages.get(self.doc.pages[0].number, []) if self.doc.pages else []
        for e in reversed(first):
            ds = find_dates(e.line.text)
            if (
                len(ds) == 1
                and len(re.sub(r"\s", "", e.line.text)) - (ds[0].end - ds[0].start) <= 4
                and (e.page, e.line.text) not in used
            ):
                return _unlabelled("issued", ds[0].value.isoformat(), e.page, e.line, self.dix, "date line")
        return None

    def _org_and_issuer(self) -> None:
        wanted = recognisers_for(self.doctype)
        if "issuer" in wanted and "issuer" not in self.hits:
            hits = _pattern_hits(self.dix, "issuer")
            # the issuer signs at the end: prefer the last such line
            if hits:
                h = max(hits, key=lambda x: (round(x.confidence, 2), x.page, x.order))
                self.hits["issuer"] = h
        issuer = self.hits.get("issuer")
        org = self.hits.get("org_name")
        if "org_name" in wanted and (org is None or org.confidence < 0.6):
            hits = [
                h
                for h in _pattern_hits(self.dix, "org_name")
                if not (issuer and h.value == issuer.value) and not self._looks_like_issuer(h.value)
            ]
            h = best(hits + ([org] if org else []))
            if h:
                self.hits["org_name"] = h
        org = self.hits.get("org_name")
        beside = self._issuer_beside(org) if org is not None else None
        if "issuer" in wanted and beside and (self.hits.get("issuer") is None or self.hits["issuer"].confidence < 0.6):
            # the issuer printed beside the holder's name, split from it
            self.hits["issuer"] = Hit(
                "issuer",
                beside,
                org.page,
                org.text,
                org.raw,
                0.8 * org.confidence,
                org.ocr,
                org.label,
                "beside the holder",
                ocr_confidence=org.ocr_confidence,
            )
        if "address" in wanted and "address" not in self.hits and self.hits.get("org_name"):
            h = self._address_under_holder(self.hits["org_name"])
            if h:
                self.hits["address"] = h

    @staticmethod
    def _issuer_beside(org: Hit) -> str | None:
        if org.extra.get("issuer_beside"):
            return org.extra["issuer_beside"]
        if not isinstance(org.value, str) or org.value not in org.text:
            return None
        line = org.text[org.text.index(org.value) :].split(" ")[0]
        return split_issuer(line)[1]

    def _address_under_holder(self, org: Hit) -> Hit | None:
        """A certificate prints the holder's address, unlabelled, on the line under its name."""
        lines = self.dix.pages.get(org.page, [])
        for i, e in enumerate(lines[:-1]):
            if e.line.text.endswith(str(org.value).replace(" ", "")) or e.s.endswith(str(org.value)):
                j = i + 1
                while j < len(lines) - 1 and _BRACKETED.match(lines[j].s):
                    j += 1  # `(法人:…)`, `(Legal Entity: …)` between the name and its address
                below = lines[j]
                if any(m.sep == "colon" for m in below.matches):
                    return None  # a labelled line (`No. 88 Longyang Avenue` is an address, not a number)
                used = [below]
                c = CHECKERS["address"](below.s)
                if c is None or c.factor < 1.0 or self._looks_like_issuer(c.value) or not _STREET.search(c.value):
                    return None
                more = lines[j + 1] if j + 1 < len(lines) else None
                if more is not None and self._continues_address(below, more):
                    c2 = CHECKERS["address"](f"{below.s} {more.s}" if not _CJK.search(more.s) else below.s + more.s)
                    if c2 is not None:
                        c, used = c2, [below, more]
                ocr = org.page in self.dix.ocr_pages
                conf = min(x.line.confidence for x in used)
                return Hit(
                    "address",
                    c.value,
                    org.page,
                    " ".join(x.line.text for x in used),
                    " ".join(x.line.raw for x in used),
                    0.6 * conf,
                    ocr,
                    "",
                    "under the holder",
                    ocr_confidence=conf if ocr else None,
                )
        return None

    def _continues_address(self, line, nxt) -> bool:
        """The address's second line: short, unlabelled, no sentence and no name — `3号楼1层、2层,215101`."""
        if nxt.matches or len(nxt.s) > 30 or _SENTENCE.search(nxt.s) or self._looks_like_issuer(nxt.s):
            return False
        if bool(_CJK.search(line.s)) != bool(_CJK.search(nxt.s)):
            return False
        ends_open = line.s.rstrip().endswith((",", "，")) or bool(_CJK.search(line.s))
        return ends_open and bool(re.search(r"\d|[楼层室号栋幢]|China|Province|City", nxt.s))

    def _looks_like_issuer(self, name: str) -> bool:
        return any(rx.search(name) for rx, _ in _patterns().get("issuer", []))

    def _province(self) -> None:
        sources: list[tuple[str, float]] = [("address", 0.98), ("org_name", 0.8)]
        if self.doctype in load_spec().get("issuer_gives_province", []):
            sources.append(("issuer", 0.8))
        for name, factor in sources:
            h = self.hits.get(name)
            if h and isinstance(h.value, str):
                p = province_of(h.value)
                if p:
                    self.hits["province"] = _derived(h, "province", p, h.confidence * factor, f"from {name}")
                    return
        h = self.hits.get("uscc")
        if h:
            p = province_of_uscc(h.value)
            if p:
                self.hits["province"] = _derived(h, "province", p, 0.6 * h.confidence, "from uscc region code")

    def _satisfaction(self) -> None:
        hits = []
        for h in _pattern_hits(self.dix, "satisfaction_score"):
            try:
                v = float(h.value)
            except (TypeError, ValueError):
                continue
            if 0 < v <= 100:
                h.value = int(v) if v == int(v) and "." not in str(h.value) else v
                h.confidence = min(1.0, h.confidence * _satisfaction_weight(h.text) / 0.9)
                hits.append(h)
        # a table row: 综合满意度指数 | 86.5
        for e in self.dix.cells:
            if re.search(r"满意度(?:指数|得分)?$|CSI", e.line.text) and e.cell is not None:
                row = e.table.rows[e.cell.row]
                right = [c for c in row if c.col > e.cell.col and c.text]
                if right:
                    m = re.match(r"^(\d{2,3}(?:\.\d+)?)\s*分?$", right[0].text)
                    if m and 0 < float(m.group(1)) <= 100:
                        v = float(m.group(1))
                        w = _satisfaction_weight(e.line.text)
                        ocr = e.page in self.dix.ocr_pages
                        conf = min(e.line.confidence, right[0].confidence)
                        hits.append(
                            Hit(
                                "satisfaction_score",
                                int(v) if v == int(v) else v,
                                e.page,
                                f"{e.line.text} {right[0].text}",
                                f"{e.line.raw} {right[0].raw}",
                                w * conf,
                                ocr,
                                "",
                                "next cell",
                                ocr_confidence=conf if ocr else None,
                            )
                        )
        h = best(hits)
        if h:
            self.hits["satisfaction_score"] = h

    def _warnings(self) -> None:
        w = self.facts.warnings
        for x in self.doc.warnings:
            if x not in w:
                w.insert(0, x)
        ocr_pages = [p.number for p in self.doc.pages if p.needs_ocr and not p.ocr]
        name = self.doc.file
        if ocr_pages:
            w.append(f"{name}：第 {_ranges(ocr_pages)} 页没有文字层，需要识别图片上的文字")
        if not self.doc.pages or not any(p.lines or p.tables for p in self.doc.pages):
            w.append(f"{name}：没有读到文字")
        titled = page_types(self.doc)
        if len(set(titled.values())) > 1:
            listing = "；".join(f"第 {n} 页 {type_title(t)}" for n, t in titled.items())
            w.append(f"{name}：一个文件里有几份材料（{listing}），已按一份{type_title(self.doctype)}读取，请分开上传")
        issued, until = self.facts.value("issued"), self.facts.value("valid_until")
        if isinstance(issued, str) and isinstance(until, str) and issued > until:
            w.append(f"{name}：发证日期 {chinese_day(issued)} 晚于有效期至 {chinese_day(until)}，请核对这两个日期")
        if self.doctype == "other" and self.doc.pages:
            w.append(f"{name}：没有识别出是哪一种材料")


def _satisfaction_weight(text: str) -> float:
    """The overall index outranks a dimension's score (产品质量满意度 83.4 < 顾客满意度指数 82.3)."""
    if re.search(r"综合|总体|整体|CSI|满意度指数", text):
        return 0.95
    if re.search(r"(?:顾客|用户|客户)满意度(?:得分|评分)?", text):
        return 0.9
    return 0.75


def _ranges(nums: list[int]) -> str:
    out, start, prev = [], None, None
    for n in nums:
        if start is None:
            start = prev = n
        elif n == prev + 1:
            prev = n
        else:
            out.append(f"{start}" if start == prev else f"{start}-{prev}")
            start = prev = n
    if start is not None:
        out.append(f"{start}" if start == prev else f"{start}-{prev}")
    return "、".join(out)


def extract_facts(doc: Document) -> DocumentFacts:
    """Classify `doc` and read every field its type calls for, each with page, line and confidence."""
    facts = _Extraction(doc).run()
    if facts.type == "application_form":
        # the generic label search does not know the form's layout: its own reader does
        from .application_form import enrich

        facts = enrich(facts, doc)
    if facts.ocr or any(f.ocr for f in facts.fields.values()):
        from .ocr_check import flag

        flag(facts)
    return facts


def _derived(h: Hit, name: str, value, confidence: float, how: str) -> Hit:
    """A value worked out from another field's hit (a range's other end, a province): same line and provenance."""
    return Hit(name, value, h.page, h.text, h.raw, confidence, h.ocr, h.label, how, ocr_confidence=h.ocr_confidence)


def _unlabelled(name: str, value, page: int, line, dix, how: str) -> Hit:
    """A value read from a line with no label: found by its place alone, so at 0.6 of the line's confidence."""
    ocr = page in dix.ocr_pages
    return Hit(
        name,
        value,
        page,
        line.text,
        line.raw,
        0.6 * line.confidence,
        ocr,
        "",
        how,
        ocr_confidence=line.confidence if ocr else None,
    )

"""Typed facts read from one document, with provenance (the contract's `intake extract` object)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Field:
    value: Any
    page: int | None
    text: str  # the (normalised) line the value was read from
    confidence: float = 1.0
    raw: str | None = None  # the line exactly as read, when it differs
    ocr: bool = False
    # the OCR line confidence alone (weakest line the value was read from), None when not read by OCR;
    # `confidence` also weighs the label and layout, this is what an OCR review threshold compares
    ocr_confidence: float | None = None
    # what a person should check and why (`请核对：可能为 …R0M`): set on doubtful OCR readings, see ocr_check
    check: str | None = None

    def to_json(self) -> dict:
        out = {
            "value": self.value,
            "page": self.page,
            "text": self.text,
            "confidence": round(float(self.confidence), 3),
        }
        if self.raw is not None and self.raw != self.text:
            out["raw"] = self.raw
        if self.ocr:
            out["ocr"] = True
        if self.ocr_confidence is not None:
            out["ocr_confidence"] = round(float(self.ocr_confidence), 3)
        if self.check:
            out["check"] = self.check
        return out


@dataclass
class DocumentFacts:
    file: str
    sha256: str
    type: str = "other"
    type_confidence: float = 0.0
    pages: int = 0
    ocr: bool = False
    error: str | None = None
    fields: dict[str, Field] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def value(self, name: str, default: Any = None) -> Any:
        f = self.fields.get(name)
        return f.value if f is not None else default

    def to_json(self) -> dict:
        return {
            "file": self.file,
            "sha256": self.sha256,
            "type": self.type,
            "type_confidence": round(float(self.type_confidence), 3),
            "pages": self.pages,
            "ocr": self.ocr,
            "error": self.error,
            "fields": {k: v.to_json() for k, v in self.fields.items()},
            "warnings": list(self.warnings),
        }

    @classmethod
    def from_json(cls, d: dict) -> DocumentFacts:
        fields = {
            k: Field(
                value=v.get("value"),
                page=v.get("page"),
                text=v.get("text", ""),
                confidence=v.get("confidence", 1.0),
                raw=v.get("raw"),
                ocr=v.get("ocr", False),
                ocr_confidence=v.get("ocr_confidence"),
                check=v.get("check"),
            )
            for k, v in (d.get("fields") or {}).items()
        }
        return cls(
            file=d.get("file", ""),
            sha256=d.get("sha256", ""),
            type=d.get("type", "other"),
            type_confidence=d.get("type_confidence", 0.0),
            pages=d.get("pages", 0),
            ocr=d.get("ocr", False),
            error=d.get("error"),
            fields=fields,
            warnings=list(d.get("warnings") or []),
        )

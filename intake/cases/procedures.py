"""Each scheme's procedure as case states, its 公示 period and certificate validity (data: the scheme's
folder in the registry, checklists/schemes/<id>/procedure.yaml, written from the seeds). The levels an
applicant may apply for are the checklist's — a scheme without levels (credit: its grades are scored,
not applied for) or whose levels are stages (jiangsu) offers none."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

from checklists.registry import read_part, require
from checklists.scheme import load_scheme


@dataclass(frozen=True)
class State:
    id: str
    name: str
    clause: str | None = None
    publicity: bool = False
    days: int | None = None
    objection: bool = False
    final: bool = False


@dataclass(frozen=True)
class Procedure:
    scheme: str
    name: str
    source: str
    summary: str
    levels: list[str]
    deadline: str | None
    validity_years: int | None
    renewal_months: int | None
    states: list[State] = field(default_factory=list)

    def state(self, state_id: str) -> State:
        for s in self.states:
            if s.id == state_id:
                return s
        raise KeyError(f"{self.scheme}: no procedure state {state_id!r}")

    def first(self) -> State:
        return self.states[0]

    def next_states(self, state_id: str) -> list[State]:
        """Where a case can go from here: the next ordinary state, and from 公示 the
        objection review (异议复核) when the scheme has one."""
        ids = [s.id for s in self.states]
        i = ids.index(state_id)
        current = self.states[i]
        out = []
        for s in self.states[i + 1 :]:
            if s.objection and not current.publicity:
                continue
            out.append(s)
            if not s.objection:
                break
        return out


def _part(scheme: str) -> dict:
    require(scheme, "procedure")
    return read_part(scheme, "procedure")


def applicable_levels(scheme: str) -> list[str]:
    """The levels an applicant may name as target_level: the checklist's, unless they are stages."""
    s = load_scheme(scheme)
    return [] if s.stages else list(s.level_names)


def procedure(scheme: str) -> Procedure:
    d = _part(scheme)
    states = [State(**s) for s in d["states"]]
    return Procedure(
        scheme=scheme,
        name=d["name"],
        source=d["source"],
        summary=" ".join(d["summary"].split()),
        levels=applicable_levels(scheme),
        deadline=d.get("deadline"),
        validity_years=d.get("validity_years"),
        renewal_months=d.get("renewal_months"),
        states=states,
    )


def declarations(scheme: str) -> dict[str, str]:
    """Items an applicant's own statement can (partly) cover: id → wording."""
    return dict(_part(scheme).get("declarations") or {})


def add_months(d: date, months: int) -> date:
    m = d.month - 1 + months
    y, m = d.year + m // 12, m % 12 + 1
    return date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def publicity_ends(state: State, started: date) -> date | None:
    return started + timedelta(days=state.days) if state.publicity and state.days else None


def certificate_dates(proc: Procedure, issued: date) -> dict | None:
    """Validity end and renewal window for a certificate issued on `issued`."""
    if not proc.validity_years:
        return None
    valid_until = add_months(issued, 12 * proc.validity_years) - timedelta(days=1)
    out = {"issued": issued.isoformat(), "valid_until": valid_until.isoformat()}
    if proc.renewal_months:
        out["renew_by"] = add_months(valid_until, -proc.renewal_months).isoformat()
    return out

"""Scenario files: what a pathway simulation is asked to run, as TOML an analyst can edit.

A scenario is either

* an **alliance** scenario (``kind = "alliance"``): referral streams by provider and tumour
  group, the days each pathway step takes (fitted quantiles), capacity by provider and
  resource, and a list of ``[[changes]]`` (capacity by modality and month, a straight-to-test
  pathway, activity moved between trusts, demand changes); or
* a **queue** scenario (``kind = "queue"``): one stage with Poisson arrivals, ``servers``
  parallel servers and a service-time distribution, the textbook case the simulation is
  checked against (Erlang C).

``cancer-alliance simulate --baseline --out FILE`` writes the alliance's fitted baseline; a
scenario is that file with edits. Every problem in a file is reported with the file, the key
path, the value and the rule (``ScenarioError``); nothing runs on a half-read file.
The file format is documented in docs/reference/scenario-file.md.
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli_w

from cancer_alliance.dataset import codes
from cancer_alliance.dataset.capacity_codes import DIAGNOSTIC_MODALITY, TREATMENT_RESOURCE
from cancer_alliance.errors import UsageError

#: Fitted durations (days). ``first_appointment``: clock start to first seen;
#: ``diagnostics`` / ``diagnostics_cancer``: clock start to told, for referrals where cancer
#: is ruled out / diagnosed (the FDS wait itself, so the simulation keeps its shape);
#: ``decision``: told to decision to treat; ``treatment``: decision to
#: first treatment.
STEPS = ("first_appointment", "diagnostics", "diagnostics_cancer", "decision", "treatment")
FIRST_APPOINTMENT = "FIRST_APPOINTMENT"
#: Every resource a capacity entry may name.
RESOURCES = (FIRST_APPOINTMENT, *DIAGNOSTIC_MODALITY, *TREATMENT_RESOURCE)
#: Streams: the suspected cancer type of a USC referral, or the route of any other.
GROUPS = (*codes.CANCER_TYPE, "BS", "SCREEN", "UPGRADE")
FDS_GROUPS = tuple(g for g in GROUPS if g != "UPGRADE")
CHANGE_KINDS = ("capacity", "straight_to_test", "move_activity", "demand")
DAYS_PER_MONTH = 365.25 / 12  # ``per_month`` figures are per average month
ANY = "*"
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


class ScenarioError(UsageError):
    """A scenario file that cannot be run, naming file, key, value and rule."""


def month_index(text: str) -> int:
    """``YYYY-MM`` -> months since year 0 (so differences are month counts)."""
    m = _MONTH.match(text)
    if not m:
        raise ValueError(text)
    return int(m.group(1)) * 12 + int(m.group(2)) - 1


def month_text(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


@dataclass
class Stream:
    """Referrals of one tumour group (or route) first seen at one provider."""

    provider: str
    group: str
    per_month: float
    cancer_share: float
    treatment_mix: dict[str, float] = field(default_factory=dict)  # first-treatment modality
    treated_at: dict[str, float] = field(default_factory=dict)  # treating provider


@dataclass
class Change:
    """One edit a scenario makes to its baseline, from a month on (to a month, inclusive)."""

    kind: str
    start: int  # month index
    end: int | None
    provider: str = ANY
    resource: str = ""
    group: str = ANY
    scale: float = 1.0
    add_per_month: float = 0.0
    share: float = 0.0
    to_provider: str = ""

    def active(self, month: int) -> bool:
        return month >= self.start and (self.end is None or month <= self.end)


@dataclass
class Scenario:
    """An alliance scenario, fully validated."""

    name: str
    description: str
    start: int  # first reported month (index)
    warmup_months: int
    seed: int
    growth_per_year: float
    reference_month: int  # demand is per_month at this month; growth compounds from it
    seasonality: tuple[float, ...]  # Jan..Dec multipliers
    streams: list[Stream]
    diagnostic_mix: dict[str, dict[str, float]]
    quantile_probs: tuple[float, ...]
    durations: dict[tuple[str, str, str], tuple[float, ...]]  # (provider|*, group|*, step)
    capacity: dict[tuple[str, str], float]  # (provider, resource) -> slots per day
    changes: list[Change] = field(default_factory=list)
    fitted_on: tuple[str, str] | None = None
    kind: str = "alliance"
    #: month index -> forecast urgent suspected-cancer referrals for the alliance; in those
    #: months every stream is scaled so that the USC streams add up to the forecast
    forecast: dict[int, float] = field(default_factory=dict)

    @property
    def providers(self) -> list[str]:
        seen = {s.provider for s in self.streams}
        seen |= {p for s in self.streams for p in s.treated_at}
        seen |= {p for p, _ in self.capacity}
        return sorted(seen)


@dataclass
class QueueScenario:
    """One stage: Poisson arrivals, ``servers`` servers, a service-time distribution."""

    name: str
    arrivals_per_day: float
    servers: int
    service_mean_days: float
    service: str  # exponential | fixed
    days: float
    warmup_days: float
    seed: int
    kind: str = "queue"


class _Reader:
    """Typed look-ups in a parsed TOML document that fail with the file and key path."""

    def __init__(self, path: str):
        self.path = path

    def fail(self, key: str, value: Any, rule: str) -> ScenarioError:
        return ScenarioError(f"{self.path}: {key} = {value!r}: {rule}")

    def get(self, table: dict, key: str, where: str, kind: type | tuple, default: Any = ...,
            rule: str | None = None) -> Any:
        full = f"{where}.{key}" if where else key
        if key not in table:
            if default is ...:
                raise ScenarioError(f"{self.path}: {full} is missing: it is required")
            return default
        value = table[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if float in kinds and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kinds) or isinstance(value, bool) and bool not in kinds:
            names = " or ".join(k.__name__ for k in kinds)
            raise self.fail(full, value, rule or f"must be a {names}")
        return value

    def number(self, table: dict, key: str, where: str, lo: float | None = None,
               hi: float | None = None, default: Any = ...) -> float:
        value = self.get(table, key, where, float, default)
        if value is None:
            return value
        full = f"{where}.{key}" if where else key
        if not math.isfinite(value) or (lo is not None and value < lo) or (
                hi is not None and value > hi):
            bounds = f"between {lo} and {hi}" if hi is not None else f"at least {lo}"
            raise self.fail(full, value, f"must be a number {bounds}")
        return value

    def month(self, table: dict, key: str, where: str, default: Any = ...) -> int | None:
        value = self.get(table, key, where, str, default)
        if value is None:
            return None
        try:
            return month_index(value)
        except ValueError:
            raise self.fail(f"{where}.{key}", value, "must be a month written YYYY-MM") from None

    def code(self, table: dict, key: str, where: str, allowed: tuple[str, ...],
             default: Any = ...) -> str:
        value = self.get(table, key, where, str, default)
        if value not in allowed:
            raise self.fail(f"{where}.{key}", value, "must be one of " + ", ".join(allowed))
        return value

    def shares(self, table: dict, key: str, where: str, allowed: tuple[str, ...] | None,
               default: Any = ...) -> dict[str, float]:
        value = self.get(table, key, where, dict, default)
        full = f"{where}.{key}"
        out = {}
        for k, v in value.items():
            if allowed is not None and k not in allowed:
                raise self.fail(f"{full}.{k}", v, "key must be one of " + ", ".join(allowed))
            out[k] = self.number(value, k, full, 0.0, 1.0)
        if out and abs(sum(out.values()) - 1.0) > 1e-6:
            raise self.fail(full, value, "shares must add up to 1")
        return out


def load(path: str | Path) -> Scenario | QueueScenario:
    """Read and validate a scenario file (TOML)."""
    path = Path(path)
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ScenarioError(f"{path}: no such scenario file") from None
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path}: not valid TOML: {exc}") from None
    return parse(doc, str(path))


def parse(doc: dict, path: str = "<scenario>") -> Scenario | QueueScenario:
    """Validate a parsed TOML document into a scenario."""
    r = _Reader(path)
    head = r.get(doc, "scenario", "", dict)
    kind = r.code(head, "kind", "scenario", ("alliance", "queue"), "alliance")
    name = r.get(head, "name", "scenario", str)
    seed = r.get(head, "seed", "scenario", int, 2016)
    if kind == "queue":
        q = r.get(doc, "queue", "", dict)
        return QueueScenario(
            name=name, seed=seed,
            arrivals_per_day=r.number(q, "arrivals_per_day", "queue", 1e-9),
            servers=r.get(q, "servers", "queue", int),
            service_mean_days=r.number(q, "service_mean_days", "queue", 1e-9),
            service=r.code(q, "service", "queue", ("exponential", "fixed"), "exponential"),
            days=r.number(q, "days", "queue", 1.0),
            warmup_days=r.number(q, "warmup_days", "queue", 0.0, default=0.0),
        )
    return _parse_alliance(doc, r, head, name, seed)


def _parse_alliance(doc: dict, r: _Reader, head: dict, name: str, seed: int) -> Scenario:
    demand = r.get(doc, "demand", "", dict)
    season = r.get(demand, "seasonality", "demand", list, [1.0] * 12)
    if len(season) != 12 or not all(isinstance(v, int | float) and v >= 0 for v in season):
        raise r.fail("demand.seasonality", season, "must be 12 non-negative numbers, Jan-Dec")
    streams = []
    for i, s in enumerate(r.get(demand, "streams", "demand", list)):
        where = f"demand.streams[{i}]"
        streams.append(Stream(
            provider=r.get(s, "provider", where, str),
            group=r.code(s, "group", where, GROUPS),
            per_month=r.number(s, "per_month", where, 0.0),
            cancer_share=r.number(s, "cancer_share", where, 0.0, 1.0),
            treatment_mix=r.shares(s, "treatment_mix", where, codes.MODALITY, {}),
            treated_at=r.shares(s, "treated_at", where, None, {}),
        ))
    mix_doc = r.get(doc, "diagnostic_mix", "", dict, {})
    mix = {g: r.shares(mix_doc, g, "diagnostic_mix", DIAGNOSTIC_MODALITY) for g in mix_doc}
    for g in mix:
        if g not in FDS_GROUPS:
            raise r.fail(f"diagnostic_mix.{g}", mix[g], "key must be one of "
                         + ", ".join(FDS_GROUPS))
    dur_doc = r.get(doc, "durations", "", dict)
    probs = tuple(r.get(dur_doc, "quantile_probs", "durations", list))
    if len(probs) < 2 or probs[0] != 0 or probs[-1] != 1 or any(
            b <= a for a, b in zip(probs, probs[1:], strict=False)):
        raise r.fail("durations.quantile_probs", list(probs),
                     "must rise strictly from 0 to 1")
    durations = {}
    for i, d in enumerate(r.get(dur_doc, "steps", "durations", list)):
        where = f"durations.steps[{i}]"
        step = r.code(d, "step", where, STEPS)
        days = r.get(d, "days", where, list)
        if len(days) != len(probs) or any(not isinstance(v, int | float) or v < 0 for v in days) \
                or any(b < a for a, b in zip(days, days[1:], strict=False)):
            raise r.fail(f"{where}.days", days, f"must be {len(probs)} non-negative, "
                         "non-decreasing numbers of days (one per quantile_probs)")
        key = (r.get(d, "provider", where, str, ANY), r.get(d, "group", where, str, ANY), step)
        durations[key] = tuple(float(v) for v in days)
    capacity = {}
    for i, c in enumerate(r.get(doc, "capacity", "", list, [])):
        where = f"capacity[{i}]"
        key = (r.get(c, "provider", where, str), r.code(c, "resource", where, RESOURCES))
        if ("per_month" in c) == ("per_day" in c):
            raise r.fail(where, c, "give exactly one of per_month or per_day")
        capacity[key] = (r.number(c, "per_day", where, 0.0) if "per_day" in c
                         else r.number(c, "per_month", where, 0.0) / DAYS_PER_MONTH)
    changes = [_parse_change(r, c, f"changes[{i}]")
               for i, c in enumerate(r.get(doc, "changes", "", list, []))]
    fitted = head.get("fitted_on")
    forecast_doc = r.get(demand, "forecast", "demand", dict, {})
    forecast = {r.month({"m": k}, "m", f"demand.forecast.{k}"): r.number(
        forecast_doc, k, "demand.forecast", 0.0) for k in forecast_doc}
    return Scenario(
        name=name, description=r.get(head, "description", "scenario", str, ""),
        start=r.month(head, "start", "scenario"),
        warmup_months=r.get(head, "warmup_months", "scenario", int, 12),
        seed=seed,
        growth_per_year=r.number(demand, "growth_per_year", "demand", -0.5, 1.0),
        reference_month=r.month(demand, "reference_month", "demand"),
        seasonality=tuple(float(v) for v in season), streams=streams, diagnostic_mix=mix,
        quantile_probs=tuple(float(p) for p in probs), durations=durations, capacity=capacity,
        changes=changes, fitted_on=tuple(fitted) if fitted else None, forecast=forecast,
    )


def _parse_change(r: _Reader, c: dict, where: str) -> Change:
    kind = r.code(c, "kind", where, CHANGE_KINDS)
    change = Change(kind=kind, start=r.month(c, "from", where), end=r.month(c, "to", where, None),
                    provider=r.get(c, "provider", where, str, ANY),
                    group=r.code(c, "group", where, (ANY, *GROUPS), ANY))
    if change.end is not None and change.end < change.start:
        raise r.fail(f"{where}.to", month_text(change.end), "must not be before 'from'")
    if kind == "capacity":
        change.resource = r.code(c, "resource", where, RESOURCES)
        change.scale = r.number(c, "scale", where, 0.0, default=1.0)
        change.add_per_month = r.get(c, "add_per_month", where, float, 0.0)
        if "scale" not in c and "add_per_month" not in c:
            raise r.fail(where, c, "a capacity change needs scale or add_per_month")
    elif kind == "demand":
        change.scale = r.number(c, "scale", where, 0.0)
    elif kind == "straight_to_test":
        change.share = r.number(c, "share", where, 0.0, 1.0)
        if change.group in (ANY, "UPGRADE"):
            raise r.fail(f"{where}.group", change.group, "straight-to-test needs one tumour "
                         "group that has a first appointment (not * or UPGRADE)")
    else:  # move_activity
        change.share = r.number(c, "share", where, 0.0, 1.0)
        change.to_provider = r.get(c, "to_provider", where, str)
        if change.provider == ANY:
            raise r.fail(f"{where}.provider", ANY, "move_activity needs the provider the "
                         "activity moves from")
    return change


def dump(s: Scenario) -> str:
    """The scenario as TOML text (``load(dump(s))`` gives ``s`` back), sections in reading
    order: scenario, demand and its streams, diagnostic mix, capacity, changes, durations."""
    head = {"kind": "alliance", "name": s.name, "description": s.description,
            "start": month_text(s.start), "warmup_months": s.warmup_months, "seed": s.seed}
    if s.fitted_on:
        head["fitted_on"] = list(s.fitted_on)
    demand = {"growth_per_year": round(s.growth_per_year, 5),
              "reference_month": month_text(s.reference_month),
              "seasonality": [round(v, 4) for v in s.seasonality]}
    if s.forecast:
        demand["forecast"] = {month_text(m): round(v, 1) for m, v in sorted(s.forecast.items())}
    streams = [_fix_shares(
        {"provider": st.provider, "group": st.group, "per_month": round(st.per_month, 3),
         "cancer_share": round(st.cancer_share, 5),
         "treatment_mix": {k: round(v, 5) for k, v in st.treatment_mix.items()},
         "treated_at": {k: round(v, 5) for k, v in st.treated_at.items()}})
        for st in s.streams]
    capacity = [{"provider": p, "resource": res, "per_month": round(v * DAYS_PER_MONTH, 2)}
                for (p, res), v in sorted(s.capacity.items())]
    steps = [{"provider": p, "group": g, "step": st, "days": [round(v, 2) for v in d]}
             for (p, g, st), d in sorted(s.durations.items())]
    parts = [_table("scenario", head), _table("demand", demand),
             *_tables("demand.streams", streams),
             *(_table(f"diagnostic_mix.{g}", mix) for g, mix in s.diagnostic_mix.items()),
             *_tables("capacity", capacity),
             *_tables("changes", [_change_doc(c) for c in s.changes]),
             _table("durations", {"quantile_probs": list(s.quantile_probs)}),
             *_tables("durations.steps", steps)]
    return "\n".join(parts)


def _value(v: Any) -> str:
    """One TOML value on one line (inline tables and arrays included)."""
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_value(x)}" for k, x in v.items()) + " }"
    if isinstance(v, list | tuple):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    return tomli_w.dumps({"v": v}).split(" = ", 1)[1].strip()


def _key(k: str) -> str:
    return k if re.fullmatch(r"[A-Za-z0-9_-]+", k) else _value(k)


def _table(name: str, row: dict) -> str:
    return f"[{name}]\n" + "".join(f"{_key(k)} = {_value(v)}\n" for k, v in row.items())


def _tables(name: str, rows: list[dict]) -> list[str]:
    """An array of tables written ``[[name]]`` block by block (easy to read and edit)."""
    return [f"[[{name}]]\n" + "".join(f"{_key(k)} = {_value(v)}\n" for k, v in row.items())
            for row in rows]


def _fix_shares(stream: dict) -> dict:
    """Rounded shares must still add to 1: put the rounding error on the largest share."""
    for key in ("treatment_mix", "treated_at"):
        mix = stream[key]
        if mix:
            top = max(mix, key=mix.get)
            mix[top] = round(1.0 - sum(v for k, v in mix.items() if k != top), 5)
    return stream


def _change_doc(c: Change) -> dict:
    out: dict[str, Any] = {"kind": c.kind, "from": month_text(c.start)}
    if c.end is not None:
        out["to"] = month_text(c.end)
    if c.provider != ANY:
        out["provider"] = c.provider
    if c.group != ANY:
        out["group"] = c.group
    if c.kind == "capacity":
        out.update(resource=c.resource, scale=c.scale, add_per_month=c.add_per_month)
    elif c.kind == "demand":
        out["scale"] = c.scale
    else:
        out["share"] = c.share
        if c.kind == "move_activity":
            out["to_provider"] = c.to_provider
    return out


HEADER = """\
# A pathway simulation scenario for `cancer-alliance simulate --scenario FILE`.
# Format: docs/reference/scenario-file.md. Edit the numbers, or add [[changes]], e.g.
#
# [[changes]]            # an extra CT list at one trust from March
# kind = "capacity"
# provider = "R0A"
# resource = "CT"
# from = "2027-03"
# add_per_month = 120
#
# [[changes]]            # straight-to-test for lower GI referrals
# kind = "straight_to_test"
# group = "LOWER_GI"
# share = 0.6
# from = "2027-01"
"""


def write(s: Scenario, path: str | Path) -> None:
    """Write the scenario as a commented TOML file."""
    Path(path).write_text(HEADER + "\n" + dump(s), encoding="utf-8")

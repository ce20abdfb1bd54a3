"""Words for codes: the one place a code the data or the engines use becomes what a reader sees.

Pages, packs and charts show people names, not codes: a trust as "Name (RA1)", a cancer
type as "Acute leukaemia", a standard as its registered name, a trajectory status as
"Off track", a PTL step as "Decision to treat". Everything here is for display only:
behaviour follows the typed fields and codes, never these words (a label may change
without any figure changing).

The vocabularies come from where each code is defined (the standards and measures
registries, the shipped tumour-group and cancer-type reference files); a code no
vocabulary knows is written in sentence case rather than shown raw.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from zoneinfo import ZoneInfo

from cancer_alliance import metrics
from cancer_alliance.dataset.codes import SEX_LABELS
from cancer_alliance.metrics import measures

#: The alliance as a whole where an organisation code is expected (operations' ALLIANCE).
ALLIANCE = "ALLIANCE"

#: Trajectory statuses (``operations.trajectories.Comparison.status``).
STATUSES = {
    "ON_TRACK": "On track",
    "OFF_TRACK": "Off track",
    "NO_DATA": "No data yet",
    "NO_YEAR_END_PLAN": "No year-end plan",
}

#: The two phases of a transferred pathway (metrics reference, inter-provider transfers):
#: days 0-38 belong to the referring trust, the last 24 days to the treating trust.
PHASES = {
    "38_day": "Referral to transfer (first 38 days)",
    "24_day": "Transfer to treatment (last 24 days)",
}

#: The next step of an open pathway on the PTL (``metrics.ptl`` ``next_step``).
STEPS = {
    "first_seen": "First appointment",
    "diagnosis": "Diagnosis",
    "decision_to_treat": "Decision to treat",
    "treatment": "Treatment",
}

#: Referral routes (``dataset.codes.REFERRAL_ROUTE``).
ROUTES = {
    "USC": "Urgent suspected cancer",
    "BS": "Breast symptomatic",
    "SCREEN": "Screening",
    "UPGRADE": "Consultant upgrade",
    "OTHER": "Other",
}

#: Treatment modalities where sentence case would mislead.
MODALITIES = {"ANTICANCER_DRUG": "Anti-cancer drug"}

#: Submission file kinds and other snake_case words that read badly as they are.
WORDS = {
    "recovery_events": "Recovery Package events",
    "subsequent_treatments": "Subsequent treatments",
}


def _missing(v: object) -> bool:
    """None, NaN or pandas' NA (whose comparison has no truth value)."""
    if v is None:
        return True
    try:
        return bool(v != v)
    except (TypeError, ValueError):
        return True


def is_missing(v: object) -> bool:
    """None, NaN or pandas' NA: a value not there (or suppressed)."""
    return _missing(v)


def sentence(code: object) -> str:
    """A code in sentence case: ``ACUTE_LEUKAEMIA`` -> ``Acute leukaemia``."""
    text = str(code).replace("_", " ").strip()
    return text[:1].upper() + text[1:].lower() if text else ""


def _csv(name: str, key: str) -> dict[str, str]:
    folder = resources.files("cancer_alliance.reference") / "data"
    text = (folder / name).read_text(encoding="utf-8")
    return {r[key]: r["label"] for r in csv.DictReader(text.splitlines())}


@cache
def _tumour_groups() -> dict[str, str]:
    return _csv("tumour_groups.csv", "tumour_group")


@cache
def _cancer_types() -> dict[str, str]:
    return _csv("cancer_types.csv", "code")


def tumour_group(code: object) -> str:
    """A tumour group's name (shipped reference ``tumour_groups.csv``)."""
    if code is None:
        return ""
    return _tumour_groups().get(str(code)) or sentence(code)


def cancer_type(code: object) -> str:
    """A suspected cancer type's name (shipped ``cancer_types.csv``), else its tumour group's."""
    if code is None:
        return ""
    key = str(code)
    return _cancer_types().get(key) or _tumour_groups().get(key) or sentence(key)


def standard(code: object) -> str:
    """A standard's registered name, else a measure's name, else the code in words."""
    if code is None:
        return ""
    key = str(code)
    if key in metrics.STANDARDS:
        return metrics.STANDARDS[key].name
    if key in measures.MEASURES:
        return measures.MEASURES[key].name
    return sentence(key)


def standard_short(code: object) -> str:
    """A standard's short name ("62-day combined"), for chart titles; else :func:`standard`."""
    d = metrics.STANDARDS.get(str(code)) if code is not None else None
    return d.short_name if d is not None else standard(code)


def status(code: object) -> str:
    return STATUSES.get(str(code), sentence(code)) if code is not None else ""


def phase(code: object) -> str:
    return PHASES.get(str(code), sentence(code)) if code is not None else ""


def step(code: object) -> str:
    return STEPS.get(str(code), sentence(code)) if code is not None else ""


def word(code: object) -> str:
    """Any other code: a known word, else sentence case."""
    return WORDS.get(str(code), sentence(code)) if code is not None else ""


def org(code: object, names: Mapping[str, str] | None = None, *, with_code: bool = True) -> str:
    """An organisation as "Name (CODE)" (or the name alone); the code when no name is known.

    ``names`` is code -> name from the store's organisation reference data. ``ALLIANCE``
    (operations' whole-alliance code) reads "Alliance".
    """
    if _missing(code):
        return ""
    key = str(code)
    if key == ALLIANCE:
        return "Alliance"
    name = (names or {}).get(key)
    if not name:
        return key
    return f"{name} ({key})" if with_code else str(name)


#: Which vocabulary names a column's values (by the dataset's and the engines' column
#: names): a table shows a column's cells through the vocabulary its key names.
ORG_COLUMNS = frozenset({
    "provider_code", "org_code", "commissioner_code", "partner_code",
    "first_treatment_provider_code", "treatment_provider_code", "referring_provider_code",
})
_BY_COLUMN = {
    "tumour_group": tumour_group,
    "cancer_type": cancer_type,
    "suspected_cancer_type": cancer_type,
    "standard": standard,
    "standard_code": standard,
    "measure_code": standard,
    "status": status,
    "phase": phase,
    "next_step": step,
    "referral_route": lambda v: ROUTES.get(str(v), sentence(v)),
    "modality": lambda v: MODALITIES.get(str(v), sentence(v)),
    "follow_up_stratum": word,
    "sex": lambda v: SEX_LABELS.get(str(v), str(v)),
}


def for_column(key: str, value: object, names: Mapping[str, str] | None = None) -> str:
    """A cell of column ``key`` in words: organisations by name, codes by their vocabulary,
    anything else as it is."""
    if _missing(value):
        return ""
    if key in ORG_COLUMNS:
        return org(value, names)
    fn = _BY_COLUMN.get(key)
    return fn(value) if fn is not None else str(value)


# --- numbers, percentages and times, written the same way on pages and in packs ---

SUPPRESSED = "*"
#: The mark after a count that holds a transfer's half share, and what it means.
HALF = "†"
HALF_NOTE = ("† A transferred patient's wait is shared between the two trusts: the referring "
             "and the treating trust each count half a patient (0.5), so totals can end in .5.")


def _fixed(f: float, digits: int, sign: str = "") -> str:
    """``f`` to ``digits`` places, never "-0.0": a value that rounds to zero is zero."""
    text = f"{f:{sign}.{digits}f}"
    if float(text) == 0:
        text = f"{0.0:{sign}.{digits}f}"
    return text


def count(v: object) -> str:
    """A count with thousands separators; ``*`` when suppressed (missing).

    A count with a fraction is a sum of transfer shares (a transferred pathway counts half
    to each trust, metrics reference "inter-provider transfers"): it is written to one
    decimal place with :data:`HALF`, which :data:`HALF_NOTE` explains."""
    if _missing(v):
        return SUPPRESSED
    f = float(v)  # type: ignore[arg-type]
    if not math.isfinite(f):
        return SUPPRESSED
    if f != round(f):
        return f"{f:,.1f}{HALF}"
    return f"{int(round(f)):,}"


def has_half(rows: Iterable | None, *keys: str) -> bool:
    """Whether any of ``keys`` (every key when none given) of ``rows`` (mappings) holds a
    fractional count, so the page or pack must carry :data:`HALF_NOTE`."""
    for row in rows or []:
        if not hasattr(row, "get"):
            continue
        for k in keys or tuple(row.keys()):
            v = row.get(k)
            if isinstance(v, bool) or not isinstance(v, int | float) or _missing(v):
                continue
            if math.isfinite(v) and v != round(v):
                return True
    return False


def percent(v: object, digits: int = 1) -> str:
    """A percentage already in 0-100; an en dash when not calculable."""
    if _missing(v):
        return "–"
    return _fixed(float(v), digits) + "%"  # type: ignore[arg-type]


def points(v: object) -> str:
    """A difference in percentage points, signed (a gap is not a percentage of anything)."""
    if _missing(v):
        return "–"
    return _fixed(float(v), 1, "+")  # type: ignore[arg-type]


def change(v: object, unit: str = " pts") -> str:
    """A signed change with an arrow (▲ up, ▼ down, ■ none at one decimal place)."""
    if _missing(v):
        return "–"
    text = _fixed(float(v), 1, "+")  # type: ignore[arg-type]
    f = float(text)
    arrow = "▲" if f > 0 else "▼" if f < 0 else "■"
    return f"{arrow} {text}{unit}"


#: Readers are in England: times are shown in UK time (GMT or BST), stored in UTC.
LOCAL = ZoneInfo("Europe/London")


def timestamp(v: object) -> str:
    """A stored UTC timestamp in UK time as people write it, "5 Dec 2026, 14:03" (seconds
    and microseconds are noise to a reader; the store and downloads keep them)."""
    if _missing(v):
        return ""
    if isinstance(v, str):
        try:
            v = datetime.fromisoformat(v)
        except ValueError:
            return v[:16]
    if isinstance(v, datetime):
        aware = v if v.tzinfo is not None else v.replace(tzinfo=UTC)
        local = aware.astimezone(LOCAL)
        return f"{local.day} {local:%b %Y, %H:%M}"
    if hasattr(v, "strftime"):
        return f"{v.day} {v:%b %Y}"  # type: ignore[attr-defined]
    return str(v)[:16]

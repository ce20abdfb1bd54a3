"""Is the synthetic alliance as good, as bad and as busy as England? A check against the real files.

NHS England's published Cancer Waiting Times (``shared/fixtures/cwt-published/`` beside the
checkout: the national time series and the April-October 2023 ICB sub-location extract) give,
month by month, the national counts behind each figure below. The synthetic alliance is
generated for the same months (:data:`CALIBRATION_RUN`), its submitted files are counted the
same way (:func:`cancer_alliance.generate.calibration.cwt_counts`), and each figure is compared.

Each figure is a ratio of two sums of monthly counts (pooled over the months, as NHS England
pools a quarter), so the national figure and the synthetic one are computed by one function,
:func:`figure`. A figure passes when the synthetic value is within its **tolerance**:

    tolerance = national month-to-month standard deviation + 3 x synthetic standard error

* The *national month-to-month standard deviation* of the figure (over the same months) is how
  far a real month strays from the pooled figure with nothing unusual happening: a synthetic
  alliance closer than that is as close as one real month is to the next. A floor of half a
  percentage point (0.005; 0.01 for a ratio) stands in when the real months happen to agree
  more closely than that.
* The *synthetic standard error* is the figure's sampling error at the run's size (binomial for
  a share, Poisson counts for a ratio): a run of 2 trusts has far fewer treatments than one of
  8, and the same generator must pass at either size; 3 standard errors make a false failure
  about 1 in 400 per figure.

The **month spread** (standard deviation of the monthly values) is printed beside each figure.
It passes when the synthetic spread is at most the national spread plus the spread sampling
alone gives at the run's size, times two: the generator models no month-to-month shocks in
performance, so its months vary less than real ones except through sampling; a spread above
that would mean something seasonal went wrong (a warm-up too short, a month counted twice).

Run ``python -m cancer_alliance.published.calibration [--published DIR] [--data DIR]``: it
prints the table and exits 1 when a figure is out of tolerance (0 when all pass).
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from cancer_alliance.generate.calibration import cwt_counts
from cancer_alliance.generate.core import generate
from cancer_alliance.published import vocabulary as vocab
from cancer_alliance.published.readers import read_published

SERIES_FILE = "CWT-CRS-National-Time-Series-Oct-2009-Oct-2023-with-Revisions.xlsx"
ICB_FILE = "CWT-CRS-Apr-23-to-Oct-23-Data-Extract-ICB-Sub-Location.xlsx"
#: The months compared: every month of the ICB sub-location extract.
MONTHS = ("2023-04", "2023-05", "2023-06", "2023-07", "2023-08", "2023-09", "2023-10")
#: The synthetic run compared (the demo's alliance, seed and first months).
CALIBRATION_RUN = {"scale": "alliance", "start": MONTHS[0], "months": len(MONTHS), "seed": 2016}
SHARE_FLOOR, RATIO_FLOOR = 0.005, 0.01
SE_MULTIPLE = 3.0
SPREAD_MULTIPLE = 2.0

#: Monthly counts: {month: {measure: (total, within)}}, measures as in ``cwt_counts``.
Counts = Mapping[str, Mapping[str, tuple[float, float]]]
D62 = ("62_USC", "62_BS", "62_SCREEN", "62_UPGRADE")
D31 = ("31_FIRST", "31_SUBSEQUENT")


@dataclass(frozen=True)
class Figure:
    """One compared figure: numerator / denominator of summed monthly counts."""

    name: str
    words: str
    numerator: Callable[[Mapping[str, tuple[float, float]]], float]
    denominator: Callable[[Mapping[str, tuple[float, float]]], float]
    share: bool  # a share of the denominator (binomial) rather than a ratio of two counts


def _within(*measures: str) -> Callable[[Mapping[str, tuple[float, float]]], float]:
    return lambda m: sum(m.get(k, (0.0, 0.0))[1] for k in measures)


def _total(*measures: str) -> Callable[[Mapping[str, tuple[float, float]]], float]:
    return lambda m: sum(m.get(k, (0.0, 0.0))[0] for k in measures)


FIGURES: tuple[Figure, ...] = (
    Figure("fds", "28-day Faster Diagnosis Standard, share within 28 days",
           _within("FDS"), _total("FDS"), True),
    Figure("d31", "31-day combined (first and subsequent), share within 31 days",
           _within(*D31), _total(*D31), True),
    Figure("d62", "62-day combined, share within 62 days", _within(*D62), _total(*D62), True),
    Figure("d31_subsequent", "31-day subsequent treatments, share within 31 days",
           _within("31_SUBSEQUENT"), _total("31_SUBSEQUENT"), True),
    Figure("upgrade_share", "consultant upgrades, share of 62-day treatments",
           _total("62_UPGRADE"), _total(*D62), True),
    Figure("first_per_62", "31-day first treatments per 62-day treatment",
           _total("31_FIRST"), _total(*D62), False),
    Figure("subsequent_per_first", "31-day subsequent treatments per first treatment",
           _total("31_SUBSEQUENT"), _total("31_FIRST"), False),
)


def real_folder() -> Path | None:
    """``shared/fixtures/cwt-published`` beside the checkout, if it is there."""
    for parent in Path(__file__).resolve().parents:
        folder = parent / "shared" / "fixtures" / "cwt-published"
        if folder.is_dir():
            return folder
    return None


def national_counts(folder: Path) -> dict[str, dict[str, tuple[float, float]]]:
    """England's monthly counts for :data:`MONTHS` from the ICB sub-location extract.

    The extract splits 31-day into first and subsequent and 62-day by route; summed over
    every sub-ICB location (``UNKNOWN`` included) they are England's totals, which
    :func:`check_against_series` holds to the national time series.
    """
    _, rows = read_published(Path(folder) / ICB_FILE)
    rows = rows[(rows["org_code"] != vocab.ENGLAND) & rows["period"].isin(MONTHS)]
    key = {("FDS", vocab.ALL): "FDS", ("31_DAY", "FIRST"): "31_FIRST",
           ("31_DAY", "SUBSEQUENT"): "31_SUBSEQUENT", ("62_DAY", "USC"): "62_USC",
           ("62_DAY", "BS"): "62_BS", ("62_DAY", "SCREEN"): "62_SCREEN",
           ("62_DAY", "UPGRADE"): "62_UPGRADE"}
    rows = rows.assign(measure=[key.get((s, r)) for s, r in
                                zip(rows["standard"], rows["route_or_stage"], strict=True)])
    sums = rows.dropna(subset=["measure"]).groupby(["period", "measure"])[["total", "within"]]
    out: dict[str, dict[str, tuple[float, float]]] = {m: {} for m in MONTHS}
    for (month, measure), r in sums.sum().iterrows():
        out[month][measure] = (float(r["total"]), float(r["within"]))
    return out


def check_against_series(folder: Path, counts: Counts) -> list[str]:
    """Where the extract's England totals differ from the national time series (none)."""
    _, series = read_published(Path(folder) / SERIES_FILE)
    parts = {"FDS": ("FDS",), "31_DAY": D31, "62_DAY": D62}
    problems = []
    for r in series[series["period"].isin(MONTHS)].itertuples():
        month = counts[r.period]
        total = sum(month.get(k, (0.0, 0.0))[0] for k in parts[r.standard])
        within = sum(month.get(k, (0.0, 0.0))[1] for k in parts[r.standard])
        if abs(total - r.total) > 0.5 or abs(within - r.within) > 0.5:
            problems.append(f"{r.period} {r.standard}: extract {total:g}/{within:g}, "
                            f"time series {r.total:g}/{r.within:g}")
    return problems


def synthetic_counts(rows: Iterable[tuple[str, str, int, int]]) -> dict[str, dict]:
    """``cwt_counts`` rows as :data:`Counts` (every month of the run: the generator's
    performance does not depend on the calendar, so a run of other months compares too)."""
    out: dict[str, dict[str, tuple[float, float]]] = {}
    for month, measure, total, within in rows:
        out.setdefault(month, {})[measure] = (float(total), float(within))
    return out


def figure(f: Figure, counts: Counts) -> float:
    """The pooled figure over every month of ``counts``."""
    merged = {k: (sum(m.get(k, (0.0, 0.0))[0] for m in counts.values()),
                  sum(m.get(k, (0.0, 0.0))[1] for m in counts.values()))
              for k in ("FDS", *D31, *D62)}
    den = f.denominator(merged)
    return f.numerator(merged) / den if den else math.nan


def monthly(f: Figure, counts: Counts) -> list[float]:
    """The figure month by month (months with no denominator left out)."""
    return [f.numerator(m) / f.denominator(m) for m in counts.values() if f.denominator(m)]


def standard_error(f: Figure, counts: Counts) -> float:
    """Sampling standard error of the pooled figure at this many events."""
    value = figure(f, counts)
    merged_num = sum(f.numerator(m) for m in counts.values())
    merged_den = sum(f.denominator(m) for m in counts.values())
    if not merged_den or math.isnan(value):
        return math.inf
    if f.share:
        return math.sqrt(max(value * (1 - value), 1e-9) / merged_den)
    if not merged_num:
        return math.inf
    return value * math.sqrt(1 / merged_num + 1 / merged_den)  # ratio of Poisson counts


def _sd(values: list[float]) -> float:
    return float(pd.Series(values).std(ddof=1)) if len(values) > 1 else 0.0


@dataclass(frozen=True)
class Comparison:
    """One row of the calibration table."""

    name: str
    words: str
    share: bool
    national: float
    synthetic: float
    tolerance: float
    national_spread: float
    synthetic_spread: float
    spread_limit: float

    @property
    def ok(self) -> bool:
        return (abs(self.synthetic - self.national) <= self.tolerance
                and self.synthetic_spread <= self.spread_limit)


def compare(national: Counts, synthetic: Counts) -> list[Comparison]:
    """Every figure of :data:`FIGURES`, national against synthetic, with its tolerance."""
    out = []
    for f in FIGURES:
        nat_months = monthly(f, national)
        nat_sd = max(_sd(nat_months), SHARE_FLOOR if f.share else RATIO_FLOOR)
        se = standard_error(f, synthetic)
        months = max(len(synthetic), 1)
        month_se = se * math.sqrt(months)  # one month's sampling error at this size
        out.append(Comparison(
            f.name, f.words, f.share, figure(f, national), figure(f, synthetic),
            nat_sd + SE_MULTIPLE * se, _sd(nat_months), _sd(monthly(f, synthetic)),
            SPREAD_MULTIPLE * math.hypot(_sd(nat_months), month_se)))
    return out


def table(rows: list[Comparison]) -> str:
    """The comparison as a Markdown table (what the docs page shows)."""
    def fmt(share: bool, v: float, points: bool = False) -> str:
        if share:
            return f"{v * 100:.1f}" + ("" if points else "%")
        return f"{v:.2f}"

    lines = ["| figure | national | synthetic | tolerance | national month spread "
             "| synthetic month spread | |", "| --- | ---: | ---: | ---: | ---: | ---: | --- |"]
    for r in rows:
        lines.append(
            f"| {r.words} | {fmt(r.share, r.national)} | {fmt(r.share, r.synthetic)} "
            f"| ±{fmt(r.share, r.tolerance, True)} | {fmt(r.share, r.national_spread, True)} "
            f"| {fmt(r.share, r.synthetic_spread, True)} | {'ok' if r.ok else 'OUT'} |")
    return "\n".join(lines)


def calibrate(published: Path, data: Path | None = None) -> tuple[list[Comparison], list[str]]:
    """(comparisons, notes): the real files against ``data`` (generated when None)."""
    national = national_counts(published)
    notes = check_against_series(published, national)
    if data is not None:
        return compare(national, synthetic_counts(cwt_counts(data))), notes
    with tempfile.TemporaryDirectory() as tmp:
        generate(tmp, **CALIBRATION_RUN)
        return compare(national, synthetic_counts(cwt_counts(Path(tmp)))), notes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m cancer_alliance.published.calibration",
        description="Compare the synthetic alliance with NHS England's published national "
        "figures (April-October 2023); exit 1 when a figure is out of tolerance.")
    parser.add_argument("--published", type=Path, default=None,
                        help="folder of the real published files (default: "
                        "shared/fixtures/cwt-published beside the checkout)")
    parser.add_argument("--data", type=Path, default=None,
                        help="a generator output folder (clean, not --dirty) "
                        f"(default: generate {CALIBRATION_RUN})")
    args = parser.parse_args(argv)
    published = args.published or real_folder()
    if published is None:
        print("shared/fixtures/cwt-published not found beside the checkout: give --published",
              file=sys.stderr)
        return 2
    rows, notes = calibrate(published, args.data)
    print(f"National: {ICB_FILE}, {MONTHS[0]} to {MONTHS[-1]}; synthetic: "
          f"{args.data or CALIBRATION_RUN}\n")
    print(table(rows))
    for note in notes:
        print(f"note: the extract and the national time series differ: {note}")
    bad = [r.name for r in rows if not r.ok]
    print(f"\n{len(rows) - len(bad)} of {len(rows)} figures within tolerance"
          + (f"; out: {', '.join(bad)}" if bad else ""))
    return 1 if bad or notes else 0


if __name__ == "__main__":
    sys.exit(main())

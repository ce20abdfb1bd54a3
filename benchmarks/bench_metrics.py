"""Benchmark: every standard by provider by month, on DuckDB (and Spark), against pandas.

Usage::

    .venv/bin/python benchmarks/bench_metrics.py [--scale alliance|national|both]
                                                 [--rows N] [--spark] [--keep DIR]
                                                 [--generated DIR] [--phases a,b]

(a) ``alliance``: one alliance over 3 years (about 450,000 pathways, 8 providers);
(b) ``national``: national volume over 10 years (about 30 million pathways, 150 providers).
Pathways are synthesised directly in DuckDB SQL (fast, seeded shape; not the calibrated
generator; the shipped reference data is loaded so tumour groups resolve).
``--generated DIR`` measures instead on the calibrated generator's output, e.g. from
``cancer-alliance generate --scale national --start 2016-04 --months 120 --format parquet``
(loaded without validation, latest version of each row). Each measurement runs in a
fresh subprocess so its peak memory is its own (VmHWM). Prints wall time and peak
resident memory per phase, and the ratio of a straightforward pandas implementation
of the same 62-day computation to the DuckDB engine.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _memory import peak_mb

SCALES = {"alliance": (450_000, 3, 8), "national": (30_000_000, 10, 150)}

SYNTH = """
INSERT INTO pathways BY NAME
WITH base AS (
  SELECT i, random() AS r1, random() AS r2, random() AS r3, random() AS r4, random() AS r5,
         DATE '{first}' + CAST(floor(random() * {span_days}) AS INTEGER) AS start
  FROM range({rows}) t(i)
), shaped AS (
  SELECT *,
    'R' || lpad(CAST(i % {providers} AS VARCHAR), 3, '0') AS prov,
    'R' || lpad(CAST((i + 1) % {providers} AS VARCHAR), 3, '0') AS other,
    CASE WHEN r1 < 0.75 THEN 'USC' WHEN r1 < 0.83 THEN 'BS' WHEN r1 < 0.90 THEN 'SCREEN'
         WHEN r1 < 0.95 THEN 'UPGRADE' ELSE 'OTHER' END AS route,
    r2 < 0.12 AS cancer
  FROM base
), dated AS (
  SELECT *,
    start + CAST(floor(r3 * 24) AS INTEGER) AS seen,
    start + CAST(floor(r3 * 24) AS INTEGER) + CAST(floor(r4 * 30) AS INTEGER) AS told
  FROM shaped
)
SELECT
  prov AS provider_code, 'P' || i AS pathway_id, '9434765919' AS nhs_number,
  DATE '1930-01-01' + CAST(i % 25000 AS INTEGER) AS date_of_birth,
  CASE WHEN i % 2 = 0 THEN '1' ELSE '2' END AS sex,
  ['A', 'B', 'H', 'M', 'Z'][1 + i % 5] AS ethnic_category,
  'Q' || lpad(CAST(i % 40 AS VARCHAR), 2, '0') AS commissioner_code,
  route AS referral_route,
  CASE WHEN route = 'USC' THEN ['LUNG', 'BREAST', 'LOWER_GI', 'SKIN', 'UROLOGICAL',
       'ACUTE_LEUKAEMIA'][1 + i % 6] END AS suspected_cancer_type,
  CASE WHEN route <> 'UPGRADE' THEN start END AS referral_received_date,
  CASE WHEN route = 'UPGRADE' THEN start END AS upgrade_date,
  seen AS first_seen_date, prov AS first_seen_provider_code,
  CASE WHEN r5 < 0.02 THEN start + 3 END AS first_seen_clock_reset_date,
  told AS diagnosis_communicated_date,
  CASE WHEN cancer THEN 'CONFIRMED' ELSE 'RULED_OUT' END AS fds_outcome,
  CASE WHEN cancer THEN ['C34.1', 'C50.9', 'C18.7', 'C61'][1 + i % 4] END
    AS primary_diagnosis_icd10,
  CASE WHEN cancer THEN told END AS diagnosis_date,
  CASE WHEN cancer THEN ['1', '2', '3', '4', 'U'][1 + i % 5] END AS stage_group,
  CASE WHEN cancer THEN told + CAST(floor(r5 * 14) AS INTEGER) END
    AS decision_to_treat_date,
  CASE WHEN cancer THEN told + CAST(floor(r5 * 14) AS INTEGER)
       + CAST(floor(r4 * 40) AS INTEGER) END AS first_treatment_date,
  CASE WHEN cancer THEN (CASE WHEN r3 < 0.2 THEN other ELSE prov END) END
    AS first_treatment_provider_code,
  CASE WHEN cancer THEN 'SURGERY' END AS first_treatment_modality,
  CASE WHEN cancer AND r1 > 0.98 THEN 5 ELSE 0 END AS treatment_adjustment_days,
  CASE WHEN cancer AND r3 < 0.2 THEN told END AS transfer_received_date,
  CASE WHEN cancer AND r3 < 0.2 THEN prov END AS transfer_from_provider_code,
  CASE WHEN cancer THEN 'TREATED' ELSE 'RULED_OUT' END AS pathway_closed_reason,
  CASE WHEN cancer THEN told + 60 ELSE told END AS pathway_closed_date,
  1 AS submission_id
FROM dated
"""

SUBSEQUENT = """
INSERT INTO subsequent_treatments BY NAME
SELECT provider_code, pathway_id, 2 AS treatment_number,
       first_treatment_date + 20 AS decision_to_treat_date,
       first_treatment_date + 20 + CAST(floor(random() * 40) AS INTEGER) AS treatment_date,
       first_treatment_provider_code AS treatment_provider_code,
       ['SURGERY', 'ANTICANCER_DRUG', 'RADIOTHERAPY', 'PALLIATIVE']
         [1 + CAST(hash(pathway_id) % 4 AS BIGINT)]
         AS modality, 0 AS adjustment_days, 1 AS submission_id
FROM pathways WHERE first_treatment_date IS NOT NULL AND CAST(hash(pathway_id) % 3 AS BIGINT) = 0
"""


def build(db: str, rows: int, years: int, providers: int) -> None:
    from cancer_alliance.reference.loaders import load_reference_data
    from cancer_alliance.store import connect

    con = connect(db)
    # the shipped reference data (tumour groups, ICD-10 map, organisations): without it the
    # tumour-group joins would match nothing and the benchmark would flatter the engine
    load_reference_data(con)
    first = "2016-04-01" if years > 3 else "2022-04-01"
    con.execute(SYNTH.format(rows=rows, providers=providers, first=first,
                             span_days=365 * years))
    con.execute(SUBSEQUENT)
    con.close()


def pandas_62_day(db: str) -> tuple[float, float, int]:
    """A straightforward pandas version of the 62-day combined aggregate (with §4 shares)."""
    import duckdb
    import numpy as np
    import pandas as pd

    con = duckdb.connect(db, read_only=True)
    t0 = time.perf_counter()
    df = con.execute("""SELECT provider_code, referral_route, referral_received_date,
        upgrade_date, first_seen_date, first_seen_clock_reset_date, first_seen_provider_code,
        first_treatment_date, first_treatment_provider_code, treatment_adjustment_days,
        transfer_received_date, transfer_from_provider_code, primary_diagnosis_icd10,
        fds_outcome FROM pathways""").df()
    load = time.perf_counter() - t0
    t0 = time.perf_counter()
    df = df[df.referral_route.isin(["USC", "BS", "SCREEN", "UPGRADE"])
            & df.first_treatment_date.notna()]
    df = df[df.first_treatment_date >= pd.Timestamp("2023-10-01")]
    upgrade_reset = (df.referral_route == "UPGRADE") & df.first_seen_clock_reset_date.notna() \
        & df.first_seen_date.notna() & (df.upgrade_date <= df.first_seen_date)
    start = np.where(df.referral_route == "UPGRADE",
                     np.where(upgrade_reset, df.first_seen_clock_reset_date, df.upgrade_date),
                     df.first_seen_clock_reset_date.fillna(df.referral_received_date))
    start = pd.to_datetime(pd.Series(start, index=df.index))
    adj = df.treatment_adjustment_days.fillna(0)
    days = (df.first_treatment_date - start).dt.days - adj
    within = days <= 62
    treat = df.first_treatment_provider_code.fillna(df.provider_code)
    refer = df.transfer_from_provider_code.fillna(df.first_seen_provider_code)
    single = refer.isna() | (refer == treat)
    m38 = (df.transfer_received_date - start).dt.days <= 38
    m24 = (df.first_treatment_date - df.transfer_received_date).dt.days - adj <= 24
    no_date = df.transfer_received_date.isna()
    treat_share = np.select(
        [single, no_date, (~within & m38 & ~m24) | (within & ~m38 & m24),
         ~within & ~m38 & m24], [1.0, 0.5, 1.0, 0.0], 0.5)
    month = df.first_treatment_date.dt.strftime("%Y-%m")
    a = pd.DataFrame({"provider_code": treat, "month": month, "share": treat_share,
                      "within": within})
    b = pd.DataFrame({"provider_code": refer, "month": month, "share": 1.0 - treat_share,
                      "within": within})[~single & (treat_share < 1.0)]
    long = pd.concat([a[a.share > 0], b])
    long["w"] = long.share * long.within
    out = long.groupby(["provider_code", "month"]).agg(total=("share", "sum"),
                                                       within=("w", "sum"))
    return time.perf_counter() - t0, load, len(out)


def phase(name: str, db: str) -> dict:
    from cancer_alliance import metrics
    from cancer_alliance.store import connect

    t0 = time.perf_counter()
    extra: dict = {}
    if name == "pandas_62":
        secs, load, groups = pandas_62_day(db)
        extra = {"load_s": round(load, 2), "groups": groups}
        t0 = time.perf_counter() - secs
    else:
        con = connect(db)
        if name in ("duckdb_62_live", "all_live"):
            con.execute("DELETE FROM metric_refresh_meta")  # force the live path
        if name == "all_materialised" and not metrics.is_fresh(con):
            metrics.refresh(con)  # not timed: the "refresh" phase times it
            t0 = time.perf_counter()
        run = {
            "duckdb_62_live": lambda: metrics.compute_metrics(con, "62_DAY",
                                                              by="provider,month"),
            "all_live": lambda: metrics.compute_many(con, by="provider,month"),
            "all_materialised": lambda: metrics.compute_many(con, by="provider,month"),
        }.get(name)
        if run is not None:
            # Cold: first call in a fresh process, compiling the ibis definitions. Warm: the
            # same call again, as a long-running dashboard or API process sees it.
            df = run()
            cold = time.perf_counter() - t0
            t0 = time.perf_counter()
            df = run()
            extra = {"cold_s": round(cold, 2), "rows": len(df)}
        elif name == "refresh":
            extra = {"stored_rows": metrics.refresh(con)["rows"]}
        elif name in ("spark_62", "spark_all"):
            from cancer_alliance.metrics.engines import local_spark_session

            spark = local_spark_session()
            t0 = time.perf_counter()
            codes = ("62_DAY",) if name == "spark_62" else None
            df = metrics.compute_many(con, codes, by="provider,month", engine="spark",
                                      spark=spark)
            extra = {"rows": len(df)}
    secs = time.perf_counter() - t0
    peak = peak_mb()
    return {"phase": name, "seconds": round(secs, 2), "peak_mb": round(peak), **extra}


def run_phase(name: str, db: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--phase", name, "--db", db],
                         capture_output=True, text=True, check=False)
    lines = [ln for ln in out.stdout.splitlines() if ln.startswith("{")]
    if not lines:
        return {"phase": name, "error": out.stderr[-400:]}
    return json.loads(lines[-1])


def bench(scale: str, rows: int | None, spark: bool, keep: str | None,
          only: list[str] | None = None, generated: str | None = None) -> None:
    default_rows, years, providers = SCALES[scale]
    rows = rows or default_rows
    folder = keep or tempfile.mkdtemp(prefix=f"bench-{scale}-")
    db = str(Path(folder) / f"{scale}.duckdb")
    if generated:
        db = str(Path(folder) / "generated.duckdb")
        print(f"\n== generator output {generated} ==")
    else:
        print(f"\n== {scale}: {rows:,} pathways over {years} years, {providers} providers ==")
    if not Path(db).exists():
        t0 = time.perf_counter()
        if generated:
            from _generated import load_generated

            from cancer_alliance.store import connect

            con = connect(db)
            n = load_generated(con, Path(generated))
            con.close()
            print(f"loaded {n:,} pathways (latest version of each) in "
                  f"{time.perf_counter() - t0:.1f} s ({db})")
        else:
            build(db, rows, years, providers)
            print(f"synthesised store in {time.perf_counter() - t0:.1f} s ({db})")
    results = {}
    phases = ["duckdb_62_live", "pandas_62", "all_live", "refresh", "all_materialised"]
    if spark:
        phases += ["spark_62", "spark_all"]
    if only:
        phases = [p for p in phases if p in only]
    for name in phases:
        r = run_phase(name, db)
        results[name] = r
        print(json.dumps(r))
    if "seconds" in results.get("pandas_62", {}) and "seconds" in results["duckdb_62_live"]:
        ratio = results["pandas_62"]["seconds"] / max(results["duckdb_62_live"]["seconds"],
                                                      1e-9)
        print(f"pandas / DuckDB on the same 62-day computation: {ratio:.1f}x")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", default="alliance", choices=["alliance", "national", "both"])
    ap.add_argument("--rows", type=int)
    ap.add_argument("--spark", action="store_true", help="also time Spark (alliance scale)")
    ap.add_argument("--keep", help="folder for the synthesised store (reused if present)")
    ap.add_argument("--phases", help="comma-separated subset of phases to run")
    ap.add_argument("--generated", metavar="DIR",
                    help="measure on a `cancer-alliance generate` output folder instead of "
                         "the SQL-synthesised store (e.g. --scale national --months 120)")
    ap.add_argument("--phase")
    ap.add_argument("--db")
    args = ap.parse_args()
    if args.phase:
        print(json.dumps(phase(args.phase, args.db)))
        return
    scales = ["alliance", "national"] if args.scale == "both" else [args.scale]
    for scale in scales:
        bench(scale, args.rows, args.spark and scale == "alliance", args.keep,
              args.phases.split(",") if args.phases else None, args.generated)


if __name__ == "__main__":
    main()

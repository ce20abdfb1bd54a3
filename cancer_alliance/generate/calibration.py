"""How close the synthetic data come to the national figures they are calibrated to.

Reads a generator output folder the way an analyst would (the submitted files, latest version
of each pathway, deaths linked by NHS number) and computes each figure of
``parameters.NATIONAL_FIGURES`` with DuckDB, using the post-October-2023 rules of
``shared/domain/metrics-reference.md`` (clock stops attributed to their month, DNA resets and
treatment adjustments applied). These are checks of realism, not the platform's metrics engine.

Run ``python -m cancer_alliance.generate.calibration [DIR]``; without DIR it generates the
standard calibration run (one alliance, 2024-01 to 2025-12, seed 2016) in a temporary folder.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import duckdb

from cancer_alliance.generate import parameters as P
from cancer_alliance.generate.core import generate

CALIBRATION_RUN = {"scale": "alliance", "start": "2024-01", "months": 24, "seed": 2016}


def _views(con: duckdb.DuckDBPyConnection, folder: Path) -> None:
    con.execute("SET enable_progress_bar = false")
    sub = (folder / "submissions").as_posix()
    con.execute(f"""
        CREATE TEMP TABLE raw AS
        SELECT *, regexp_extract(filename, '/(\\d{{4}}-\\d{{2}})/', 1) AS period
        FROM read_csv('{sub}/*/*/pathways.csv', all_varchar=true, filename=true, header=true);
        CREATE TEMP TABLE latest AS SELECT * EXCLUDE (rn) FROM (
            SELECT *, row_number() OVER (PARTITION BY provider_code, pathway_id
                                         ORDER BY period DESC) AS rn FROM raw) WHERE rn = 1;
        CREATE TEMP TABLE p AS
        SELECT provider_code, pathway_id, nhs_number, referral_route AS route,
            suspected_cancer_type AS ctype, fds_outcome, fds_exclusion, stage_group,
            first_treatment_provider_code AS treat_provider, transfer_received_date,
            pathway_closed_reason AS closed_reason, date_of_birth::DATE AS dob,
            coalesce(referral_received_date, upgrade_date)::DATE AS start,
            -- A1: an upgrade's reset counts only when upgraded on or before first seen
            CASE WHEN referral_route <> 'UPGRADE'
                THEN coalesce(first_seen_clock_reset_date, referral_received_date)
                WHEN first_seen_clock_reset_date > upgrade_date
                    AND first_seen_date >= upgrade_date THEN first_seen_clock_reset_date
                ELSE upgrade_date END::DATE AS clock,
            first_seen_clock_reset_date IS NOT NULL AS dna,
            diagnosis_communicated_date::DATE AS told, diagnosis_date::DATE AS diagnosed,
            decision_to_treat_date::DATE AS dtt, first_treatment_date::DATE AS treated,
            coalesce(treatment_adjustment_days, '0')::INT AS adj,
            pathway_closed_date::DATE AS closed
        FROM latest;
        CREATE TEMP TABLE deaths AS SELECT nhs_number, min(date_of_death::DATE) AS died
        FROM read_csv('{sub}/*/*/deaths.csv', all_varchar=true, header=true) GROUP BY 1;
        CREATE TEMP TABLE sub AS SELECT DISTINCT provider_code, pathway_id
        FROM read_csv('{sub}/*/*/subsequent_treatments.csv', all_varchar=true, header=true);
        CREATE TEMP TABLE pop AS SELECT year::INT AS year, sum(population::BIGINT) AS people
        FROM read_csv('{(folder / 'reference' / 'populations.csv').as_posix()}',
                      all_varchar=true) GROUP BY 1;
    """)


def measure(folder: Path) -> dict[str, float]:
    """Each calibrated figure, computed from the files in ``folder``."""
    con = duckdb.connect()
    _views(con, Path(folder))
    one = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731
    first, last = con.execute("SELECT min(period), max(period) FROM raw").fetchone()
    window = f"strftime(start, '%Y-%m') BETWEEN '{first}' AND '{last}'"
    months = one(f"SELECT count(DISTINCT strftime(start, '%Y-%m')) FROM p WHERE {window}")
    out: dict[str, float] = {}
    usc = one(f"SELECT count(*) FROM p WHERE route = 'USC' AND {window}")
    people = one(f"SELECT avg(people) FROM pop WHERE year BETWEEN {first[:4]} AND {last[:4]}")
    out["usc_referrals_per_year"] = usc / months * 12 / people * 57_000_000
    # among referrals with an outcome (told): cancers take longer to close than ruled-out
    # referrals, so a share of closed pathways would undercount them at the end of a run
    out["conversion_rate"] = one(f"""SELECT avg((fds_outcome = 'CONFIRMED')::INT) FROM p
        WHERE route = 'USC' AND {window} AND fds_outcome IS NOT NULL""")
    stop_window = f"strftime(treated, '%Y-%m') BETWEEN '{first}' AND '{last}'"
    out["transfer_share"] = one(f"""SELECT avg((transfer_received_date IS NOT NULL)::INT)
        FROM p WHERE route <> 'OTHER' AND treated IS NOT NULL AND {stop_window}""")
    out["dna_share"] = one(f"SELECT avg(dna::INT) FROM p WHERE clock IS NOT NULL AND {window}"
                           " AND route IN ('USC', 'BS', 'SCREEN')")
    out["adjustment_share"] = one(f"""SELECT avg((adj > 0)::INT) FROM p
        WHERE treated IS NOT NULL AND {stop_window}""")
    out["subsequent_share"] = one(f"""SELECT avg((s.pathway_id IS NOT NULL)::INT) FROM p
        LEFT JOIN sub s USING (provider_code, pathway_id)
        WHERE treated IS NOT NULL AND strftime(treated, '%Y-%m') BETWEEN '{first}'
        AND strftime(DATE '{last}-01' - INTERVAL 6 MONTH, '%Y-%m')""")
    out["early_stage_share"] = one(f"""SELECT avg((stage_group IN ('1', '2'))::INT) FROM p
        WHERE stage_group IN ('1', '2', '3', '4') AND {window}""")
    out["one_year_survival"] = one(f"""SELECT avg((died IS NULL OR died - diagnosed > 365)::INT)
        FROM p LEFT JOIN deaths USING (nhs_number) WHERE diagnosed IS NOT NULL
        AND diagnosed + 365 <= DATE '{last}-01' + INTERVAL 1 MONTH - INTERVAL 1 DAY
        AND strftime(diagnosed, '%Y-%m') >= '{first}'""")
    if months >= 13:  # same calendar months a year apart
        counts = dict(con.execute(f"""SELECT strftime(start, '%Y-%m'), count(*) FROM p
            WHERE route = 'USC' AND {window} GROUP BY 1""").fetchall())
        ordered = [counts[k] for k in sorted(counts)]
        k = len(ordered) - 12
        out["growth_per_year"] = sum(ordered[12:12 + k]) / sum(ordered[:k]) - 1
    con.close()
    return out


#: The month-by-month counts :func:`cwt_counts` returns, one row per (month, measure): the
#: published Cancer Waiting Times breakdowns the synthetic alliance is compared with.
CWT_MEASURES = ("FDS", "31_FIRST", "31_SUBSEQUENT", "62_USC", "62_BS", "62_SCREEN", "62_UPGRADE")


def cwt_counts(folder: Path) -> list[tuple[str, str, int, int]]:
    """(month, measure, total, within) of each month's clock stops, as NHS England publishes.

    The post-October-2023 rules of ``shared/domain/metrics-reference.md`` section 2: FDS for
    USC, BS and screening (stop = told, or the decision to treat if earlier; exclusions
    left out; A1 reset); 31-day first treatments from any route and subsequent treatments
    other than active monitoring and palliative care (DTT to treatment less A2 days); 62-day
    by route (A1 reset, for an upgrade only when upgraded on or before first seen and reset
    after the upgrade). An inter-provider transfer within the alliance counts once (its two
    halves), as in an alliance total. Only months the run submitted are counted.
    """
    con = duckdb.connect()
    _views(con, Path(folder))
    sub = (Path(folder) / "submissions").as_posix()
    first, last = con.execute("SELECT min(period), max(period) FROM raw").fetchone()
    con.execute(f"""
        CREATE TEMP TABLE subs AS SELECT * EXCLUDE (rn) FROM (
            SELECT *, row_number() OVER (PARTITION BY provider_code, pathway_id,
                treatment_number ORDER BY regexp_extract(filename, '/(\\d{{4}}-\\d{{2}})/', 1)
                DESC) AS rn
            FROM read_csv('{sub}/*/*/subsequent_treatments.csv', all_varchar=true,
                          filename=true, header=true)) WHERE rn = 1""")
    rows = con.execute(f"""
        WITH stops AS (
            SELECT 'FDS' AS measure, least(told, coalesce(dtt, told)) AS stop,
                least(told, coalesce(dtt, told)) - clock <= 28 AS ok
            FROM p WHERE route IN ('USC', 'BS', 'SCREEN') AND told IS NOT NULL
                AND fds_exclusion IS NULL
            UNION ALL
            SELECT '31_FIRST', treated, treated - dtt - adj <= 31 FROM p
            WHERE treated IS NOT NULL
            UNION ALL
            SELECT '31_SUBSEQUENT', treatment_date::DATE, treatment_date::DATE
                - decision_to_treat_date::DATE - coalesce(adjustment_days, '0')::INT <= 31
            FROM subs WHERE treatment_date IS NOT NULL
                AND modality NOT IN ('ACTIVE_MONITORING', 'PALLIATIVE')
            UNION ALL
            SELECT '62_' || route, treated, treated - clock - adj <= 62
            FROM p WHERE route IN ('USC', 'BS', 'SCREEN', 'UPGRADE') AND treated IS NOT NULL)
        SELECT strftime(stop, '%Y-%m') AS month, measure, count(*), count(*) FILTER (ok)
        FROM stops WHERE strftime(stop, '%Y-%m') BETWEEN '{first}' AND '{last}'
        GROUP BY ALL ORDER BY ALL""").fetchall()
    con.close()
    return [(m, k, int(t), int(w)) for m, k, t, w in rows]


def variation(folder: Path) -> list[tuple[str, float, float]]:
    """62-day and FDS performance of each trust (62-day by treating trust)."""
    con = duckdb.connect()
    _views(con, Path(folder))
    rows = con.execute("""
        WITH d62 AS (SELECT treat_provider AS trust, avg((treated - clock - adj <= 62)::INT) AS v
            FROM p WHERE route IN ('USC', 'BS', 'SCREEN', 'UPGRADE') AND treated IS NOT NULL
            GROUP BY 1),
        fds AS (SELECT provider_code AS trust,
            avg((least(told, coalesce(dtt, told)) - clock <= 28)::INT) AS v FROM p
            WHERE route IN ('USC', 'BS', 'SCREEN') AND told IS NOT NULL
            AND fds_exclusion IS NULL GROUP BY 1)
        SELECT trust, d62.v, fds.v FROM d62 JOIN fds USING (trust) ORDER BY 1""").fetchall()
    con.close()
    return rows


def report(folder: Path) -> str:
    """The comparison as a Markdown table (what the docs page shows)."""
    got = measure(folder)
    lines = ["| figure | national target | synthetic |", "| --- | ---: | ---: |"]
    for name, (target, words) in P.NATIONAL_FIGURES.items():
        if got.get(name) is None:  # too few months for this figure
            continue
        fmt = "{:,.0f}" if target > 10 else "{:.1%}"
        lines.append(f"| {words} | {fmt.format(target)} | {fmt.format(got[name])} |")
    lines += ["", "| trust | 62-day within 62 days | FDS within 28 days |", "| --- | ---: | ---: |"]
    lines += [f"| {code} | {d62:.1%} | {fds:.1%} |" for code, d62, fds in variation(folder)]
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    if argv:
        print(report(Path(argv[0])))
        return
    with tempfile.TemporaryDirectory() as tmp:
        generate(tmp, **CALIBRATION_RUN)
        print(f"Calibration run: {CALIBRATION_RUN}\n")
        print(report(Path(tmp)))


if __name__ == "__main__":
    main(sys.argv[1:])

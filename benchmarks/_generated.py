"""Loading a generator output folder straight into a store, for benchmarks only.

Each table takes the latest submitted version of every row (the last period's file wins),
as a resubmission would leave it, without validation: this measures the engines on data of
the generator's shape without spending the benchmark's time in ingest (whose own throughput
``bench_ingest.py`` measures). Reads CSV or Parquet, whichever the generator wrote.
"""

from __future__ import annotations

from pathlib import Path


def load_generated(con, folder: Path, periods: set[str] | None = None,
                   link: bool = False) -> int:
    """Load reference data and the latest version of every row (of the submissions of
    ``periods`` only, when given); return pathways loaded. With ``link`` each row carries
    the id of the submission (provider and month) whose file it came from, as after an
    ingest (a lake then partitions it by that month), else 0."""
    from cancer_alliance.dataset import TABLES
    from cancer_alliance.reference.loaders import KINDS, load_reference_data, load_reference_file

    load_reference_data(con)
    rows = [(sub.parent.name, sub.name) for sub in sorted(folder.glob("submissions/*/*"))
            if periods is None or sub.name in periods]
    con.executemany(
        "INSERT INTO submissions VALUES (nextval('submission_id_seq'), ?, ?, 'bench', now(),"
        " 'loaded', NULL, 1, 0, 0, 0, NULL)", [list(r) for r in rows])
    for f in sorted((folder / "reference").glob("*.csv")):
        if f.stem in KINDS:
            load_reference_file(con, f.stem, f)
    for table in TABLES:
        stem = Path(table.file_name).stem
        files = sorted(folder.glob(f"submissions/*/*/{stem}.csv")) or sorted(
            folder.glob(f"submissions/*/*/{stem}.parquet"))
        if periods is not None:
            files = [f for f in files if f.parent.name in periods]
        if not files:
            continue
        names = [str(f) for f in files]
        source = (f"read_csv({names!r}, all_varchar=true, filename=true, union_by_name=true)"
                  if files[0].suffix == ".csv" else
                  f"read_parquet({names!r}, filename=true, union_by_name=true)")
        types = {c.name: c.sql_type for c in table.columns}
        select = ", ".join(
            f"TRY_CAST(NULLIF(CAST({c} AS VARCHAR), '') AS {types[c]}) AS {c}" for c in types)
        # within one provider the paths differ only in the period folder (YYYY-MM), so the
        # greatest path is the latest version
        sid = "0"
        if link:
            source = (f"(SELECT src.*, s.submission_id AS _sid FROM {source} src JOIN "
                      "submissions s ON s.provider_code = regexp_extract(src.filename, "
                      "'submissions/([^/]+)/([^/]+)/', 1) AND s.period = regexp_extract("
                      "src.filename, 'submissions/([^/]+)/([^/]+)/', 2))")
            sid = "_sid"
        con.execute(
            f"INSERT INTO {table.name} SELECT {select}, {sid} FROM {source}"
            f" QUALIFY row_number() OVER (PARTITION BY {', '.join(table.key)}"
            f" ORDER BY filename DESC) = 1")
    (n,), = con.execute("SELECT count(*) FROM pathways").fetchall()
    return n

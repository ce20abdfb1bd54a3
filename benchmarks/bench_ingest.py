"""Ingest throughput: validated rows per second and peak memory (prints figures; not a test).

Usage::

    .venv/bin/python benchmarks/bench_ingest.py                 # alliance and national month
    .venv/bin/python benchmarks/bench_ingest.py --scale alliance

For each scale the synthetic generator writes one month of submissions (CSV), then every
submission is ingested into a fresh store, as ``ingest-folder`` does. A third figure puts the
whole national month's pathways into ONE file (relabelled to one provider) to show the
validator's raw rate without the per-submission fixed cost. Each scale runs in its own
process so the peak resident memory (VmHWM) belongs to that scale alone. The goal is at
least 200,000 validated rows per second on a 2-core machine.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _memory import peak_mb


def run_scale(scale: str, single_file: bool) -> None:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    from cancer_alliance.generate import generate
    from cancer_alliance.ingest import ingest_submission
    from cancer_alliance.ingest.folder import folder_submissions, load_folder_reference
    from cancer_alliance.store import connect

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "gen"
        t0 = time.perf_counter()
        generate(out, scale=scale, start="2024-01", months=1, seed=1, file_format="csv")
        gen_s = time.perf_counter() - t0
        con = connect(Path(tmp) / "bench.duckdb")
        load_folder_reference(con, out)
        subs = folder_submissions(out)
        rows = 0
        t0 = time.perf_counter()
        for provider, period, path in subs:
            r = ingest_submission(con, path, provider=provider, period=period,
                                  submitted_by="bench", archive_dir=Path(tmp) / "archive")
            rows += r.rows_read
        took = time.perf_counter() - t0
        print(f"{scale:9s} month: {len(subs)} submissions, {rows:,} rows in {took:.2f} s = "
              f"{rows / took:,.0f} validated rows/s (generation {gen_s:.1f} s); "
              f"peak RSS {peak_mb():,.0f} MB", flush=True)
        if not single_file:
            return
        tables = [pacsv.read_csv(p / "pathways.csv",
                                 convert_options=pacsv.ConvertOptions(
                                     column_types={}, strings_can_be_null=False))
                  for _, _, p in subs]
        big = pa.concat_tables([t.cast(pa.schema([(f.name, pa.string()) for f in t.schema]))
                                for t in tables])
        n = big.num_rows
        big = big.set_column(big.schema.get_field_index("provider_code"), "provider_code",
                             pa.array(["ZZZ"] * n))
        ids = pa.array([f"B{i}" for i in range(n)])
        big = big.set_column(big.schema.get_field_index("pathway_id"), "pathway_id", ids)
        folder = Path(tmp) / "one"
        folder.mkdir()
        pacsv.write_csv(big, folder / "pathways.csv")
        t0 = time.perf_counter()
        r = ingest_submission(con, folder, provider="ZZZ", period="2024-01",
                              submitted_by="bench", archive_dir=Path(tmp) / "archive")
        took = time.perf_counter() - t0
        print(f"{scale:9s} one file: {r.rows_read:,} pathway rows in {took:.2f} s = "
              f"{r.rows_read / took:,.0f} validated rows/s ({r.rejected} rejected); "
              f"peak RSS {peak_mb():,.0f} MB", flush=True)
        con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=["alliance", "national"])
    args = parser.parse_args()
    if args.scale:
        run_scale(args.scale, single_file=args.scale == "national")
        return
    for scale in ("alliance", "national"):
        subprocess.run([sys.executable, __file__, "--scale", scale], check=True)


if __name__ == "__main__":
    main()

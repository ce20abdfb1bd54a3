"""Print how long NHS England's real published files take to load, and what they add up to.

Run: ``.venv/bin/python benchmarks/bench_published.py``. Figures only; never a test. Reads
the files in ``shared/fixtures/cwt-published/`` beside the checkout (skips if absent) into
a temporary store: each file three times (best and worst wall time, then a reload, which
replaces the same organisations' months), then prints the October 2023 totals of the
provider extract, the ICB sub-location extract and the national time series side by side.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from cancer_alliance.published import load_published, published_metrics, published_rows
from cancer_alliance.published.vocabulary import ENGLAND
from cancer_alliance.store import connect

FILES = (
    "CWT-CRS-Oct-2023-Data-Extract-Provider.xlsx",
    "CWT-CRS-Apr-23-to-Oct-23-Data-Extract-ICB-Sub-Location.xlsx",
    "CWT-CRS-National-Time-Series-Oct-2009-Oct-2023-with-Revisions.xlsx",
)


def _folder() -> Path | None:
    for parent in Path(__file__).resolve().parents:
        folder = parent / "shared" / "fixtures" / "cwt-published"
        if folder.is_dir():
            return folder
    return None


def main() -> None:
    folder = _folder()
    if folder is None:
        print("shared/fixtures/cwt-published not found beside the checkout: nothing to time")
        return
    with tempfile.TemporaryDirectory() as tmp:
        con = connect(Path(tmp) / "bench.duckdb")
        for name in FILES:
            times, summary = [], {}
            for _ in range(3):
                start = time.perf_counter()
                summary = load_published(con, folder / name)
                times.append(time.perf_counter() - start)
            print(f"{name:<68} {summary['rows_loaded']:6,} rows  best {min(times):5.2f} s"
                  f"  worst {max(times):5.2f} s  (reload replaced {summary['rows_replaced']:,})")
        print(f"rows stored after loading each file three times: {len(published_rows(con)):,}")
        print(f"{'standard':<8} {'basis':<13} {'total':>10} {'within':>10} {'breaches':>9}")
        for standard in ("FDS", "31_DAY", "62_DAY"):
            for label, by in (("providers", "provider_code"), ("ICB subloc.", "commissioner_code")):
                df = published_metrics(con, standard, by=(by, "month"), period="2023-10")
                print(f"{standard:<8} {label:<13} {df['total'].sum():10,.1f} "
                      f"{df['within'].sum():10,.1f} {df['breaches'].sum():9,.1f}")
            rows = published_rows(con, standard)
            nat = rows[(rows["org_code"] == ENGLAND) & (rows["period"] == "2023-10")].iloc[0]
            print(f"{standard:<8} {'time series':<13} {nat['total']:10,.1f} "
                  f"{nat['within']:10,.1f} {nat['breaches']:9,.1f}")
        con.close()


if __name__ == "__main__":
    main()

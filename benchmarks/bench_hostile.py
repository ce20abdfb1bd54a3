"""Hostile submissions: wall time and peak memory of a whole ingest of each (prints figures).

Usage::

    .venv/bin/python benchmarks/bench_hostile.py                      # this checkout
    .venv/bin/python benchmarks/bench_hostile.py --code /path/to/old  # another checkout's code
    .venv/bin/python benchmarks/bench_hostile.py --cap 60 --only dimension

Each file of the issue 14 attack test (built by ``tests/ingest/hostile_files.py``) is written
to disk and ingested by ``ingest_submission`` into a fresh store, in its own process, so its
peak resident memory (VmHWM) is its own. The parent watches the child's memory and stops it
after ``--cap`` seconds (the old reader ran for minutes on some of them): a stopped run
prints ``>cap`` and the peak it had reached. ``--code`` runs another checkout's
``cancer_alliance`` on the same files, for before/after figures. The ceiling to compare with
is ``MEMORY_CEILING_BYTES`` in ``cancer_alliance/ingest/limits.py`` (2 GB).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.ingest import hostile_files as hf  # noqa: E402

CASES = {
    "dimension_1048576.xlsx": ("pathways.xlsx", hf.dimension_bomb),
    "dimension_last_row_2000.xlsx": ("pathways.xlsx", lambda: hf.dimension_bomb(2000)),
    "undeclared_row_1048576.xlsx": ("pathways.xlsx",
                                    lambda: hf.dimension_bomb(declare=False)),
    "undeclared_row_2000.xlsx": ("pathways.xlsx",
                                 lambda: hf.dimension_bomb(2000, declare=False)),
    "shared_strings_8m.xlsx": ("pathways.xlsx", hf.shared_string_bomb),
    "shared_strings_8m_undeclared.xlsx": ("pathways.xlsx",
                                          lambda: hf.shared_string_bomb(declare=False)),
    "zip_bomb_600mb.xlsx": ("pathways.xlsx", hf.zip_bomb),
    "lying_zip_member.xlsx": ("pathways.xlsx", hf.lying_zip),
    "formula_no_cached_197.xlsx": ("pathways.xlsx", hf.formula_workbook),
    "header_1000031_columns.csv": ("pathways.csv", hf.wide_header_csv),
    "nul_after_64k.csv": ("pathways.csv", hf.nul_after_64k),
    "cell_10mb.csv": ("pathways.csv", hf.huge_cell_csv),
    "row_of_5m_cells_at_a2.xlsx": ("pathways.xlsx", hf.repeated_cell_bomb),
    "row_of_20m_child_elements.xlsx": ("pathways.xlsx", hf.child_element_bomb),
    "10m_elements_after_sheetdata.xlsx": ("pathways.xlsx", hf.trailing_element_bomb),
    "2m_nested_elements.xlsx": ("pathways.xlsx", hf.nested_element_bomb),
    "styles_of_20m_elements.xlsx": ("pathways.xlsx", hf.styles_element_bomb),
}

CHILD = r"""
import json, sys, time
from pathlib import Path
from cancer_alliance.ingest import ingest_submission
from cancer_alliance.store import connect
folder, db = sys.argv[1], sys.argv[2]
connect(db).close()  # the empty store's migrations are not part of the figure
t0 = time.perf_counter()
status = "loaded"
message = ""
try:
    r = ingest_submission(db, folder, provider="RAA", period="2024-05",
                          submitted_by="bench", archive_dir=folder + "-archive")
    message = f"{r.rows_read} read, {r.accepted} accepted, {r.rejected} rejected"
except Exception as exc:
    status, message = type(exc).__name__, str(exc)
peak = 0
for line in Path("/proc/self/status").read_text().splitlines():
    if line.startswith("VmHWM:"):
        peak = int(line.split()[1]) / 1024
print(json.dumps({"seconds": time.perf_counter() - t0, "peak_mb": peak, "status": status,
                  "message": message[:160]}))
"""


def _peak_of(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def run_case(name: str, file_name: str, content: bytes, code: Path, cap: float) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "sub"
        folder.mkdir()
        (folder / file_name).write_bytes(content)
        env = dict(os.environ, PYTHONPATH=str(code))
        start = time.perf_counter()
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(folder),
                                  str(Path(tmp) / "a.duckdb")], env=env, cwd=tmp,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        peak = 0.0
        while child.poll() is None:
            peak = max(peak, _peak_of(child.pid))
            if time.perf_counter() - start > cap:
                child.kill()
                child.wait()
                return {"name": name, "bytes": len(content), "seconds": None, "peak_mb": peak,
                        "status": f"stopped after {cap:.0f} s", "message": ""}
            time.sleep(0.05)
        out, err = child.communicate()
        try:
            result = json.loads(out.strip().splitlines()[-1])
        except (IndexError, json.JSONDecodeError):
            result = {"seconds": None, "peak_mb": peak, "status": "crashed",
                      "message": err.strip().splitlines()[-1][:160] if err.strip() else ""}
        return {"name": name, "bytes": len(content), **result}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--code", type=Path, default=ROOT,
                    help="checkout whose cancer_alliance package is measured")
    ap.add_argument("--cap", type=float, default=120.0, help="seconds before a run is stopped")
    ap.add_argument("--only", default="", help="run only cases whose name contains this")
    args = ap.parse_args()
    print(f"code: {args.code}  cap: {args.cap:.0f} s  (time: the ingest call alone; peak: the "
          "process's VmHWM, about 150 MB of it Python, DuckDB and Arrow loaded)")
    print(f"{'file':36} {'size':>9} {'time':>9} {'peak':>9}  outcome")
    for name, (file_name, make) in CASES.items():
        if args.only and args.only not in name:
            continue
        r = run_case(name, file_name, make(), args.code, args.cap)
        secs = f"{r['seconds']:.2f} s" if r["seconds"] is not None else f">{args.cap:.0f} s"
        print(f"{name:36} {r['bytes'] / 1e6:7.2f}MB {secs:>9} {r['peak_mb']:7.0f}MB  "
              f"{r['status']}: {r['message']}", flush=True)


if __name__ == "__main__":
    main()

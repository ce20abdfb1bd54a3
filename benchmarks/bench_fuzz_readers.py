"""Coverage-guided fuzzing of the submission readers with atheris (prints figures; not a test).

Usage::

    .venv/bin/python benchmarks/bench_fuzz_readers.py                 # 60 s
    .venv/bin/python benchmarks/bench_fuzz_readers.py --seconds 300

atheris (libFuzzer for Python) mutates bytes towards new coverage of
``cancer_alliance.ingest`` (instrumented), starting from a corpus of real and hostile
files: a valid CSV, a workbook with formulas, the issue 14 hostile workbooks in small form.
The first byte of each input chooses the reader (CSV, .xlsx or Parquet). Reading must end in
rows or a :class:`SubmissionRejected`; anything else is a *finding*, recorded (type, message
and the line that raised it, once each) and fuzzing goes on. Each input also has a time
budget (``--budget`` seconds; libFuzzer's ``-timeout``) and libFuzzer's memory limit
(``-rss_limit_mb``): exceeding either stops the run and is reported as a finding too.

The run happens in a child process (libFuzzer ends its process when done); the parent prints
executions, executions per second, coverage and the findings. atheris 3.1 has no wheel for
this platform; 3.0.0 (manylinux, CPython 3.11) installs with the ``test`` extra.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
READERS = ("pathways.csv", "pathways.xlsx", "pathways.parquet")


def seeds(folder: Path) -> None:
    """A starting corpus: one valid file of each kind and small hostile workbooks.

    Imported here, not at the top: the fuzzing child must import ``cancer_alliance.ingest``
    only inside ``atheris.instrument_imports``, or nothing is instrumented."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from tests.ingest import hostile_files as hf
    from tests.ingest.ingest_helpers import VALID_PATHWAY, csv_bytes

    buf = pa.BufferOutputStream()
    pq.write_table(pa.Table.from_pylist([VALID_PATHWAY]), buf)
    corpus = {
        "csv": b"\x00" + csv_bytes([VALID_PATHWAY]),
        "xlsx_formula": b"\x01" + hf.formula_workbook(3),
        "xlsx_cached": b"\x01" + hf.formula_workbook(3, cached=True),
        "xlsx_dimension": b"\x01" + hf.dimension_bomb(),
        "xlsx_row_2000": b"\x01" + hf.dimension_bomb(2000, declare=False),
        "xlsx_strings": b"\x01" + hf.shared_string_bomb(50),
        "parquet": b"\x02" + buf.getvalue().to_pybytes(),
    }
    for name, data in corpus.items():
        (folder / name).write_bytes(data)


def child(findings: Path, argv: list[str]) -> None:
    """The fuzzing process: instrument the ingest package and run libFuzzer."""
    import atheris

    with atheris.instrument_imports(include=["cancer_alliance.ingest"]):
        from cancer_alliance.errors import SubmissionRejected
        from cancer_alliance.ingest.readers import read_submission

    seen: set[str] = set()

    def one_input(data: bytes) -> None:
        if not data:
            return
        name = READERS[data[0] % len(READERS)]
        try:
            read_submission(files={name: data[1:]})
        except SubmissionRejected:
            pass
        except Exception as exc:  # a finding: record it once, keep fuzzing
            where = traceback.extract_tb(exc.__traceback__)[-1]
            key = f"{type(exc).__name__} at {Path(where.filename).name}:{where.lineno}"
            if key not in seen:
                seen.add(key)
                with findings.open("a") as f:
                    f.write(json.dumps({"finding": key, "reader": name,
                                        "message": str(exc)[:200]}) + "\n")

    atheris.Setup(argv, one_input)
    atheris.Fuzz()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--budget", type=int, default=10, help="seconds allowed for one input")
    ap.add_argument("--rss-mb", type=int, default=2048, help="memory limit of the run")
    ap.add_argument("--child", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child is not None:
        child(Path(args.child[0]), [sys.argv[0]] + args.child[1:])
        return
    try:
        import atheris  # noqa: F401
    except ImportError:
        print("atheris is not installed (pip install atheris: wheels exist for Linux x86_64 "
              "and CPython up to 3.11); nothing measured")
        return
    with tempfile.TemporaryDirectory() as tmp:
        corpus, findings = Path(tmp) / "corpus", Path(tmp) / "findings.jsonl"
        corpus.mkdir()
        seeds(corpus)
        started = len(list(corpus.iterdir()))
        proc = subprocess.run(
            [sys.executable, __file__, "--child", str(findings), str(corpus),
             f"-max_total_time={args.seconds}", f"-timeout={args.budget}",
             f"-rss_limit_mb={args.rss_mb}", "-max_len=65536", "-print_final_stats=1"],
            capture_output=True, text=True, cwd=tmp)
        log = proc.stderr + proc.stdout
        grown = len(list(corpus.iterdir())) - started
        stats = dict(re.findall(r"stat::(\w+):\s+(\d+)", log))
        runs = int(stats.get("number_of_executed_units", 0))
        seconds = max(int(stats.get("total_run_time", args.seconds)), 1)
        cov = re.findall(r"cov: (\d+) ft: (\d+)", log)
        listed = [json.loads(line) for line in findings.read_text().splitlines()] \
            if findings.exists() else []
        crashed = [line for line in log.splitlines()
                   if "ERROR: libFuzzer" in line or "==ERROR" in line]
    print(f"atheris run of {args.seconds} s on cancer_alliance.ingest readers "
          f"(budget {args.budget} s per input, {args.rss_mb} MB)")
    print(f"executions: {runs:,}  ({runs / seconds:,.0f}/s)")
    if cov:
        print(f"coverage: {cov[-1][0]} edges, {cov[-1][1]} features; corpus grew by {grown}")
    print(f"peak memory: {stats.get('peak_rss_mb', '?')} MB")
    print(f"findings: {len(listed) + len(crashed)}")
    for f in listed:
        print(f"  {f['finding']} ({f['reader']}): {f['message']}")
    for line in crashed:
        print(f"  libFuzzer: {line.strip()}")
    if proc.returncode not in (0,) and not crashed:
        print(f"  (fuzzer exit code {proc.returncode}; last lines: "
              f"{' | '.join(log.strip().splitlines()[-3:])})")


if __name__ == "__main__":
    main()

"""``generate()``: write a seeded synthetic alliance (or nation) in the submission format.

Layout of ``out_dir``::

    reference/alliances.csv, organisations.csv, lsoa_imd.csv, populations.csv
    submissions/<PROVIDER>/<YYYY-MM>/pathways.csv (+ subsequent_treatments, recovery_events,
                                                   deaths; or .parquet)
    capacity/<PROVIDER>/<YYYY-MM>/capacity.csv, workforce.csv (the capacity dataset)
    manifest.json

Alliances are simulated one at a time (each from its own child seed), so a national run needs
the memory of one alliance, not of the nation. Same seed, same arguments: byte-identical files.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from contextlib import nullcontext
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from cancer_alliance.errors import UsageError
from cancer_alliance.generate.calendar import (
    date_of,
    latest_complete_month,
    month_end,
    month_label,
    month_start,
    parse_month,
)
from cancer_alliance.generate.capacity import CapacityPlan, write_capacity
from cancer_alliance.generate.dirty import Corrupter, child_pathways
from cancer_alliance.generate.events import recovery_events, subsequent_treatments
from cancer_alliance.generate.nhs import NhsNumberPool
from cancer_alliance.generate.organisations import SCALES, build_alliances
from cancer_alliance.generate.pathways import simulate
from cancer_alliance.generate.reference import write_reference
from cancer_alliance.generate.snapshot import FILES, AllianceTruth, cut_month

FORMATS = ("csv", "parquet")
DEMO_START = "2023-04"
DEMO_SEED = 2016


@dataclass
class GenerationSummary:
    """What a run wrote: counts per file, submissions, injected corruptions, time taken."""

    out_dir: str
    scale: str
    seed: int
    start: str
    months: int
    dirty: float
    file_format: str
    alliances: int = 0
    providers: int = 0
    commissioners: int = 0
    pathways_simulated: int = 0
    submissions: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    injected: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return asdict(self)


def _check(scale: str, start: str, months: int, dirty: float, file_format: str) -> int:
    if scale not in SCALES:
        raise UsageError(f"scale {scale!r} is not one of {', '.join(SCALES)}")
    if file_format not in FORMATS:
        raise UsageError(f"format {file_format!r} is not one of {', '.join(FORMATS)}")
    if months < 1:
        raise UsageError(f"months must be 1 or more, not {months}")
    if not 0.0 <= dirty < 0.5:
        raise UsageError(f"dirty must be a fraction from 0 to below 0.5, not {dirty}")
    try:
        return parse_month(start)
    except ValueError as exc:
        raise UsageError(f"start {start!r} is not a month written YYYY-MM") from exc


def generate(out_dir, *, scale: str = "alliance", start: str = "2023-01", months: int = 36,
             seed: int = 2016, dirty: float = 0.0, file_format: str = "csv",
             progress: bool = False) -> GenerationSummary:
    """Write a synthetic alliance's monthly submissions, reference files and manifest.

    ``scale``: ``small`` (2 trusts, ~300 urgent referrals a month, for tests), ``alliance``
    (8 trusts, 10 commissioners, ~13-15k a month) or ``national`` (21 alliances, ~3 million
    a year). ``dirty`` is the share of pathways rows to corrupt (each breaking one rule).
    """
    first = _check(scale, start, months, dirty, file_format)
    last = first + months - 1
    began = time.perf_counter()
    out = Path(out_dir)
    _prepare(out)
    seeds = np.random.SeedSequence(seed)
    # the fifth child is the capacity story's (spawning it leaves the first four unchanged)
    org_seed, nhs_seed, dirty_seed, alliance_seed, capacity_seed = seeds.spawn(5)
    alliances = build_alliances(SCALES[scale], np.random.default_rng(org_seed))
    write_reference(out / "reference", alliances,
                    range(first // 12, last // 12 + 1))
    summary = GenerationSummary(str(out), scale, seed, start, months, dirty, file_format,
                                alliances=len(alliances),
                                providers=sum(len(a.provider_codes) for a in alliances),
                                commissioners=sum(len(a.commissioner_codes) for a in alliances))
    nhs_pool = NhsNumberPool(np.random.default_rng(nhs_seed))
    corrupter = Corrupter(dirty, np.random.default_rng(dirty_seed))
    entries: list[dict] = []
    capacity_entries: list[dict] = []
    injected: list[dict] = []
    rows = {name: 0 for name in FILES}
    bar = _progress(progress)
    with bar or nullcontext():
        task = bar.add_task("Generating submissions", total=len(alliances) * months) if bar \
            else None
        for alliance, child, cap_child in zip(alliances, alliance_seed.spawn(len(alliances)),
                                              capacity_seed.spawn(len(alliances)), strict=True):
            rng = np.random.default_rng(child)
            plan = CapacityPlan(alliance, np.random.default_rng(cap_child))
            pw = simulate(alliance, first, last, rng, after_diagnostics=plan.queue)
            capacity_entries += write_capacity(out, plan, pw, first, last, file_format)
            sub = subsequent_treatments(pw, rng)
            rec = recovery_events(pw, alliance, sub, rng)
            truth = AllianceTruth(alliance, pw, sub, rec, nhs_pool.take(pw.n))
            summary.pathways_simulated += pw.n
            for month in range(first, last + 1):
                start_day, end_day = int(month_start(month)), int(month_end(month))
                cut = cut_month(truth, start_day, end_day)
                for p, code in enumerate(alliance.provider_codes):
                    tables = {name: cut.slice(name, p)[0] for name in FILES}
                    if dirty > 0:
                        ctx = {"provider": str(code),
                               "other_provider": _other(alliance.provider_codes, p),
                               "period_start": date_of(start_day).isoformat(),
                               "period_end": date_of(end_day).isoformat()}
                        tables, bad = corrupter.corrupt(
                            tables, cut.slice("pathways", p)[1], child_pathways(cut, p), ctx)
                        for item in bad:
                            item["file"] = f"{item['file']}.{file_format}"
                            injected.append({"provider": str(code), "period": month_label(month),
                                             **item})
                    rel = Path("submissions") / str(code) / month_label(month)
                    counts = _write_submission(out / rel, tables, file_format)
                    for name in FILES:
                        rows[name] += counts[f"{name}.{file_format}"]
                    entries.append({"provider": str(code), "period": month_label(month),
                                    "path": rel.as_posix(), "rows": counts})
                if task is not None:
                    bar.advance(task)
            del truth, pw, sub, rec
    entries.sort(key=lambda e: (e["period"], e["provider"]))
    capacity_entries.sort(key=lambda e: (e["period"], e["provider"]))
    injected.sort(key=lambda e: (e["period"], e["provider"], e["file"], e["row"]))
    manifest = {"seed": seed, "scale": scale, "start": start, "months": months, "dirty": dirty,
                "format": file_format, "submissions": entries, "injected": injected,
                "capacity": capacity_entries}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    summary.submissions = len(entries)
    summary.rows = rows
    summary.injected = len(injected)
    summary.seconds = round(time.perf_counter() - began, 2)
    return summary


def _prepare(out: Path) -> None:
    """Make ``out`` ready: empty, or an earlier generator output whose files are replaced.

    Stale month folders from a longer earlier run would otherwise be loaded by anyone reading
    the folders rather than the manifest, so an earlier output is cleared first. A folder that
    holds other things is refused rather than emptied.
    """
    import shutil

    if out.exists() and any(out.iterdir()):
        if not (out / "manifest.json").exists():
            raise UsageError(f"{out} is not empty and is not an earlier generator output; "
                             "choose an empty or new folder")
        for name in ("submissions", "reference", "capacity"):
            shutil.rmtree(out / name, ignore_errors=True)
        (out / "manifest.json").unlink()
    out.mkdir(parents=True, exist_ok=True)


def _other(codes: np.ndarray, p: int) -> str:
    """A provider code that is not the submitting one (for ``wrong_provider``)."""
    return str(codes[(p + 1) % len(codes)]) if len(codes) > 1 else "RZ9"


def _write_submission(folder: Path, tables: dict[str, pa.Table], file_format: str) -> dict:
    folder.mkdir(parents=True, exist_ok=True)
    counts = {}
    for name in FILES:
        table = tables[name]
        path = folder / f"{name}.{file_format}"
        if file_format == "csv":
            # A plain header line, then the rows (pyarrow would quote the header names).
            with open(path, "wb") as f:
                f.write((",".join(table.column_names) + "\n").encode())
                pacsv.write_csv(table, f, pacsv.WriteOptions(include_header=False,
                                                             quoting_style="none"))
        else:
            pq.write_table(table, path, compression="zstd")
        counts[path.name] = table.num_rows
    return counts


def _progress(enabled: bool):
    if not enabled:
        return None
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    return Progress("[progress.description]{task.description}", BarColumn(),
                    MofNCompleteColumn(), TimeElapsedColumn())


def demo_months(today: dt.date | None = None) -> int:
    """Months from April 2023 to the latest complete month before ``today``."""
    return latest_complete_month(today or dt.date.today()) - parse_month(DEMO_START) + 1


def demo_folder(out_dir, *, progress: bool = False) -> GenerationSummary:
    """The standard demo: one alliance from April 2023 (old and new standards) to last month."""
    return generate(out_dir, scale="alliance", start=DEMO_START, months=demo_months(),
                    seed=DEMO_SEED, progress=progress)

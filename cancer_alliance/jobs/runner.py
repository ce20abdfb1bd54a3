"""Worker threads in the serving process that run queued jobs on the shared store.

One worker by default: the store takes one writer at a time, and a second worker would
only compete with page requests for the two cores. Each kind of job has one handler here.
The web layer adds ``after_change`` callbacks (for example, forgetting cached figures).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

from cancer_alliance.errors import AllianceError, SubmissionRejected
from cancer_alliance.jobs import queue, spool
from cancer_alliance.store.served import ServedStore

log = logging.getLogger("cancer_alliance.jobs")
POLL_S = 2.0  # also picks up jobs queued by another process


class JobRunner:
    """Runs the store's queued jobs, in order, on ``workers`` daemon threads."""

    def __init__(self, store: ServedStore, workers: int = 1):
        self.store = store
        self.workers = workers
        self.spool_root = spool.spool_root(store.path)
        self.after_change: list[Callable[[], None]] = []
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._idle = threading.Condition()
        self._busy = 0

    # -- life cycle -------------------------------------------------------------------
    def start(self) -> None:
        """Start the workers (idempotent)."""
        if self._threads:
            return
        for i in range(self.workers):
            t = threading.Thread(target=self._loop, name=f"job-worker-{i}", daemon=True)
            t.start()
            self._threads.append(t)

    def recover(self) -> list[tuple[int, str]]:
        """Settle jobs a stopped service left running; drop spool folders nobody needs."""
        with self.store.using() as con:
            settled = queue.recover(con)
            spool.prune(self.spool_root, queue.pending_spools(con))
        for job_id, state in settled:
            log.warning("job %s was interrupted by a restart: now %s", job_id, state)
        return settled

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    @property
    def busy(self) -> bool:
        """Whether a job is running now (or its after-change callbacks are)."""
        return self._busy > 0

    def notify(self) -> None:
        """A job was queued: wake a worker (starting them if needed)."""
        self.start()
        self._wake.set()

    def wait_idle(self, timeout: float = 120.0) -> bool:
        """Wait until no job is queued or running (tests, benchmarks)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.store.using() as con:
                pending = con.execute("SELECT count(*) FROM jobs WHERE state IN "
                                      "('queued', 'running')").fetchall()[0][0]
            if not pending and not self._busy:
                return True
            self.notify()
            time.sleep(0.05)
        return False

    # -- the loop ---------------------------------------------------------------------
    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                ran = self._run_one()
            except duckdb.ConnectionException:  # the store was closed for good: stop
                return
            except Exception as exc:  # noqa: BLE001 - a worker must survive anything
                log.warning("job worker: %s", type(exc).__name__)
                ran = False
            if not ran:
                self._wake.wait(POLL_S)
                self._wake.clear()

    def _run_one(self) -> bool:
        with self.store.using() as con:
            job = queue.claim_next(con)
            if job is None:
                return False
            self._busy += 1
            try:
                self._execute(con, job)
            except BaseException:
                self._busy -= 1
                raise
        try:
            for callback in self.after_change:
                try:
                    callback()
                except Exception as exc:  # noqa: BLE001
                    log.warning("after a job: %s", type(exc).__name__)
        finally:
            # busy until its callbacks have run, so wait_idle never returns between a job
            # and what it asks for after it (forgetting figures, preparing the pages)
            self._busy -= 1
        return True

    def _execute(self, con, job: queue.Job) -> None:
        handler = HANDLERS.get(job.kind)
        if handler is None:
            queue.fail(con, job.job_id, f"Unknown kind of job {job.kind!r}.")
            return

        def say(stage: str, fraction: float) -> None:
            queue.progress(con, job.job_id, stage, fraction)

        try:
            result = handler(con, job, self.spool_root, say)
        except AllianceError as exc:
            queue.fail(con, job.job_id, str(exc))
        except Exception as exc:  # noqa: BLE001 - recorded, never a traceback to the user
            log.warning("job %s (%s) failed: %s", job.job_id, job.kind, type(exc).__name__)
            queue.fail(con, job.job_id, "The job failed with an internal error "
                       f"({type(exc).__name__}); nothing from it was changed. Tell the "
                       "alliance's data team.")
        else:
            queue.finish(con, job.job_id, result)
        if job.spool:
            spool.remove(self.spool_root, job.spool)


Say = Callable[[str, float], None]


def _uploaded_folder(job: queue.Job, root: Path) -> Path:
    """The folder holding the job's uploaded files; rejected when they are gone."""
    folder = root / (job.spool or "")
    if not job.spool or not folder.is_dir():
        raise SubmissionRejected("The uploaded files are no longer on the server (removed "
                                 "after a restart): submit them again.")
    return folder


def _job_summary(summary: dict[str, Any]) -> dict[str, Any]:
    """What an ingest job keeps of a submission's summary: counts and codes only, so file
    names and the archive's path stay out of the job row."""
    keep = ("submission_id", "provider", "period", "rows_read", "accepted", "rejected")
    return {**{k: summary[k] for k in keep}, "warnings": len(summary.get("warnings") or [])}


def run_ingest(con, job: queue.Job, root: Path, say: Say) -> dict[str, Any]:
    """Validate and load an uploaded month exactly as ``cancer-alliance ingest`` does, then
    refresh the materialised outcomes it touched."""
    from cancer_alliance import metrics
    from cancer_alliance.ingest import ingest_submission

    folder = _uploaded_folder(job, root)
    say("reading and validating the files", 0.2)
    result = ingest_submission(con, folder, provider=job.org_code, period=job.period,
                               submitted_by=job.created_by)
    summary = result.as_dict() if hasattr(result, "as_dict") else dict(result)
    say("refreshing the standards' figures", 0.8)
    metrics.refresh(con, summary["submission_id"])
    return _job_summary(summary)


def run_capacity(con, job: queue.Job, root: Path, say: Say) -> dict[str, Any]:
    """Validate and load an uploaded capacity return exactly as ``cancer-alliance
    ingest-capacity`` does (the pathway ingest's code, told the capacity dataset)."""
    from cancer_alliance.ingest.capacity import ingest_capacity

    folder = _uploaded_folder(job, root)
    say("reading and validating the files", 0.2)
    result = ingest_capacity(con, folder, provider=job.org_code, period=job.period,
                             submitted_by=job.created_by)
    return _job_summary(result.as_dict())


def run_pack(con, job: queue.Job, root: Path, say: Say) -> dict[str, Any]:
    """Build, render and archive a provider or board pack."""
    from cancer_alliance import reports

    p = job.params
    say("building the pack", 0.3)
    if p.get("kind") == "PROVIDER":
        _, meta = reports.generate_provider_pack(con, job.org_code, job.period,
                                                 p.get("fmt", "pdf"), job.created_by)
    else:
        _, meta = reports.generate_board_pack(con, job.period, p.get("fmt", "pdf"),
                                              job.created_by)
    return {"report_id": int(meta["report_id"]), "kind": p.get("kind"),
            "format": p.get("fmt", "pdf")}


def run_scenarios(con, job: queue.Job, root: Path, say: Say) -> dict[str, Any]:
    """Fit the alliance's baseline and simulate it beside the chosen ready-made scenarios
    (:mod:`cancer_alliance.outlook.scenario_presets`); the result is the comparison's rows."""
    from cancer_alliance.outlook.scenario_presets import compare
    from cancer_alliance.outlook.simulation_fit import fit_baseline

    p = job.params
    months, replications = int(p["months"]), int(p["replications"])
    say("fitting the baseline to the alliance's pathways", 0.05)
    baseline = fit_baseline(con, forecast_months=months)
    df = compare(baseline, list(p["presets"]), months, replications, say)
    return {"presets": list(p["presets"]), "months": months, "replications": replications,
            "fitted_on": list(baseline.fitted_on or ()),
            "rows": [[r.scenario, r.month, r.measure, _figure(r.mean), _figure(r.lower),
                      _figure(r.upper)] for r in df.itertuples()]}


def _figure(value: float) -> float | None:
    """A simulated figure for JSON: rounded, or None where there is none (no pathway in
    the month's denominator gives no percentage)."""
    v = float(value)
    return None if v != v else round(v, 3)


HANDLERS: dict[str, Callable[..., dict[str, Any]]] = {
    "ingest": run_ingest, "capacity": run_capacity, "pack": run_pack,
    "scenarios": run_scenarios}

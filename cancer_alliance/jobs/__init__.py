"""Long work off the request path: a queue of jobs kept in the store, run by worker threads
in the serving process.

An upload (browser or API) is saved to a spool folder and queued; the request answers at
once (202 with the job's address, or a redirect to its status page). A worker thread takes
jobs in order, runs them on the shared store (:class:`~cancer_alliance.store.served.ServedStore`)
and records its stage and progress, so the status page can show them. States survive a
restart: a job found ``running`` when the service starts was interrupted, and is re-queued
or marked failed truthfully (:func:`queue.recover`).
"""

from cancer_alliance.jobs.queue import Job, get_job, recover
from cancer_alliance.jobs.runner import JobRunner

__all__ = ["Job", "JobRunner", "get_job", "recover"]

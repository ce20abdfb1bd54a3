"""Spark services on this machine, bound to 127.0.0.1: a standalone cluster (one master and
N workers) and a Spark Connect server.

For the cluster and Connect tests, the benchmarks, and trying ``--spark-master`` or
``--spark-remote`` without a real cluster. They use the installed PySpark's own launchers
(``bin/spark-class``, ``bin/spark-submit`` with the Connect server class whose JAR PySpark
ships in ``jars/``; nothing is downloaded), start each daemon in its own process group,
wait until it is ready (every worker alive; the Connect port accepting connections), and
on exit stop every process they started, by its process-group id.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyspark

from cancer_alliance.errors import UsageError

SPARK_HOME = Path(pyspark.__file__).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Cluster:
    """A running standalone cluster: its master URL and the processes behind it."""

    url: str
    ui: str
    processes: list[subprocess.Popen] = field(default_factory=list)

    def alive_workers(self) -> int:
        try:
            with urllib.request.urlopen(self.ui + "/json/", timeout=2) as r:
                return int(json.load(r).get("aliveworkers", 0))
        except OSError:
            return 0

    def pids(self) -> list[int]:
        return [p.pid for p in self.processes]


def _spawn(args: list[str], log: Path, env: dict[str, str],
           launcher: str = "spark-class") -> subprocess.Popen:
    with open(log, "ab") as out:
        return subprocess.Popen([str(SPARK_HOME / "bin" / launcher), *args], env=env,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


@contextlib.contextmanager
def standalone_cluster(workdir: str | os.PathLike, workers: int = 2, cores: int = 1,
                       memory: str = "1g", timeout: float = 90.0) -> Iterator[Cluster]:
    """Start a master and ``workers`` workers; yield the cluster; stop them all."""
    work = Path(workdir)
    work.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, SPARK_HOME=str(SPARK_HOME), SPARK_LOCAL_IP="127.0.0.1",
               SPARK_NO_DAEMONIZE="1", SPARK_WORKER_DIR=str(work / "work"))
    port, ui_port = free_port(), free_port()
    cluster = Cluster(f"spark://127.0.0.1:{port}", f"http://127.0.0.1:{ui_port}")
    try:
        cluster.processes.append(_spawn(
            ["org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port",
             str(port), "--webui-port", str(ui_port)], work / "master.log", env))
        for i in range(workers):
            cluster.processes.append(_spawn(
                ["org.apache.spark.deploy.worker.Worker", cluster.url, "--host", "127.0.0.1",
                 "--cores", str(cores), "--memory", memory, "--webui-port", str(free_port()),
                 "--work-dir", str(work / f"worker-{i}")], work / f"worker-{i}.log", env))
        deadline = time.monotonic() + timeout
        while cluster.alive_workers() < workers:
            dead = [p for p in cluster.processes if p.poll() is not None]
            if dead or time.monotonic() > deadline:
                raise UsageError(f"the local Spark cluster did not start ({workers} workers "
                                 f"wanted, {cluster.alive_workers()} alive); logs in {work}")
            time.sleep(0.5)
        yield cluster
    finally:
        for proc in reversed(cluster.processes):
            _stop(proc)


CONNECT_SERVER_CLASS = "org.apache.spark.sql.connect.service.SparkConnectServer"


@dataclass
class ConnectServer:
    """A running Spark Connect server: the ``sc://`` URL clients use, and its process."""

    url: str
    port: int
    process: subprocess.Popen


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


@contextlib.contextmanager
def connect_server(workdir: str | os.PathLike, master: str = "local[2]",
                   conf: tuple[tuple[str, str], ...] = (), memory: str = "1g",
                   timeout: float = 120.0) -> Iterator[ConnectServer]:
    """Start a Spark Connect server on a free port of 127.0.0.1, its driver on ``master``
    (``local[2]``, or a standalone cluster's URL); yield it; stop it."""
    work = Path(workdir)
    work.mkdir(parents=True, exist_ok=True)
    # Python the server's executors run for Python functions: this interpreter
    env = dict(os.environ, SPARK_HOME=str(SPARK_HOME), SPARK_LOCAL_IP="127.0.0.1",
               PYSPARK_PYTHON=os.environ.get("PYSPARK_PYTHON", sys.executable))
    port = free_port()
    settings = {"spark.connect.grpc.binding.address": "127.0.0.1",
                "spark.connect.grpc.binding.port": str(port),
                "spark.driver.host": "127.0.0.1", "spark.driver.bindAddress": "127.0.0.1",
                "spark.ui.enabled": "false",
                "spark.local.dir": str(work / "tmp"), **dict(conf)}
    args = ["--class", CONNECT_SERVER_CLASS, "--master", master, "--driver-memory", memory,
            "--name", "cancer-alliance Spark Connect"]
    for key, value in settings.items():
        args += ["--conf", f"{key}={value}"]
    proc = _spawn(args, work / "connect.log", env, launcher="spark-submit")
    try:
        deadline = time.monotonic() + timeout
        while not _accepts(port):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise UsageError(f"the Spark Connect server did not start on port {port} "
                                 f"within {timeout:g} s; log in {work / 'connect.log'}")
            time.sleep(0.5)
        yield ConnectServer(f"sc://127.0.0.1:{port}", port, proc)
    finally:
        _stop(proc)

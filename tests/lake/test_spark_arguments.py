"""--spark-master, --spark-remote and --spark-conf: parsed once, and a cluster that cannot be
reached is a clear error naming its URL, raised before any Spark driver starts (no hang)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from cancer_alliance.errors import UsageError
from cancer_alliance.metrics.engines import SparkSettings, parse_spark_conf, probe
from cancer_alliance.metrics.standalone import free_port


def test_spark_conf_pairs_and_file(tmp_path, monkeypatch):
    conf = tmp_path / "spark-defaults.conf"
    conf.write_text("# cluster\nspark.executor.memory 4g\nspark.executor.cores=2\n\n")
    assert dict(parse_spark_conf(["spark.executor.memory=8g"], conf)) == {
        "spark.executor.memory": "8g", "spark.executor.cores": "2"}  # the option wins
    with pytest.raises(UsageError, match="expected key=value"):
        parse_spark_conf(["spark.executor.memory"])
    conf.write_text("spark.executor.memory\n")
    with pytest.raises(UsageError, match="line 1"):
        parse_spark_conf([], conf)
    monkeypatch.setenv("CANCER_ALLIANCE_SPARK_MASTER", "spark://example:7077")
    assert SparkSettings().resolved_master == "spark://example:7077"
    assert SparkSettings("local[3]").resolved_master == "local[3]"
    monkeypatch.delenv("CANCER_ALLIANCE_SPARK_MASTER")
    assert SparkSettings().resolved_master == "local[*]"


def test_probe_names_the_unreachable_url():
    url = f"spark://127.0.0.1:{free_port()}"  # nothing listens there
    with pytest.raises(UsageError, match=url.replace(".", r"\.")):
        probe(url, timeout=2)
    probe("local[*]", timeout=2)  # nothing to reach: no error
    probe("yarn", timeout=2)


@pytest.mark.parametrize("option", ["--spark-master", "--spark-remote"])
def test_command_line_fails_clearly_and_quickly(option, tmp_path):
    scheme = "spark" if option == "--spark-master" else "sc"
    url = f"{scheme}://127.0.0.1:{free_port()}"
    run = subprocess.run(
        [sys.executable, "-m", "cancer_alliance", "metrics", "--standard", "FDS",
         "--engine", "spark", option, url, "--lake", str(tmp_path / "lake"),
         "--spark-timeout", "5"], capture_output=True, text=True, timeout=120)
    assert run.returncode == 2, run.stderr
    # the master's URL (or Spark Connect's missing client libraries) is named
    assert url in run.stderr.replace("\n", "")
    assert "Traceback" not in run.stderr


def test_spark_options_need_the_spark_engine(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "cancer_alliance", "metrics", "--standard", "FDS",
         "--spark-master", "spark://127.0.0.1:7077", "--lake", str(tmp_path)],
        capture_output=True, text=True, timeout=120)
    assert run.returncode == 2 and "--engine spark" in run.stderr

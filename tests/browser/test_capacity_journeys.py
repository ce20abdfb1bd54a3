"""Demand and capacity, and the scenario comparison, in real Chromium on the demo alliance.

Reuses the operations journeys' live server (the generated demo alliance, whose second trust
is short of CT) and logged-in analyst page; axe-core checks each page.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

HERE = Path(__file__).parent


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, HERE / f"test_{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_ops = _load("operations_journeys")
_dash = _load("dashboard_journeys")
ops_server = _ops.ops_server
shots = _ops.shots
page = _ops.page


def _accessible(page) -> None:
    violations = _dash.axe_violations(page)
    assert not violations, [(v["id"], v["help"]) for v in violations]


def test_capacity_page_charts_each_trust_and_switches_resource(page, ops_server, shots):
    server, _ = ops_server
    page.goto(f"{server}/looking-ahead")
    page.click("text=demand and capacity by trust")
    page.wait_for_url(f"{server}/looking-ahead/capacity")
    assert page.locator("section h2").all_inner_texts() == ["RA1", "RA2"]
    assert page.locator("figure.forecast svg").count() == 2
    page.select_option("#resource", "MRI")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**/looking-ahead/capacity?resource=MRI")
    assert "Magnetic resonance imaging" in page.locator("figure.forecast").first.inner_text()
    page.screenshot(path=str(shots / "capacity.png"), full_page=True)
    _accessible(page)


def test_scenario_comparison_runs_as_a_job_and_shows_the_charts(page, ops_server, shots):
    server, _ = ops_server
    page.goto(f"{server}/looking-ahead/scenarios")
    _accessible(page)
    page.check("#preset-extra_ct")
    page.check("#preset-straight_to_test")
    page.click("#scenario-form button[type=submit]")
    page.wait_for_url("**/jobs/*")
    page.locator("#job-report").wait_for(timeout=240_000)  # the status page refreshes itself
    page.click("#job-report")
    page.wait_for_url("**/looking-ahead/scenarios?job=*")
    assert page.locator("figure.scenario svg").count() == 3
    assert page.locator("#scenario-table tbody tr").count() == 3
    page.screenshot(path=str(shots / "scenarios.png"), full_page=True)
    _accessible(page)


def test_capacity_return_uploads_as_a_job_and_shows_its_rejections(page, ops_server, shots,
                                                                   tmp_path):
    """From the submissions page to a capacity return's row-level report (issue 17)."""
    server, con = ops_server
    provider, period = con.execute(
        "SELECT provider_code, max(period) FROM capacity_submissions GROUP BY 1 ORDER BY 1 "
        "LIMIT 1").fetchall()[0]
    upload = tmp_path / "capacity.csv"
    upload.write_text("provider_code,period,resource,capacity,activity,cancer_activity\n"
                      f"{provider},{period},CT,1200,1150,300\n"
                      f"{provider},{period},PET,10,5,\n")
    page.goto(f"{server}/submissions")
    page.click("text=capacity returns")
    page.wait_for_url(f"{server}/capacity/submissions")
    _accessible(page)
    page.select_option("#c-provider", provider)
    page.fill("#c-period", period)
    page.set_input_files("#c-files", str(upload))
    page.click("form.stack button[type=submit]")
    page.wait_for_url("**/jobs/*")
    page.locator("#job-report").wait_for(timeout=120_000)  # the status page refreshes itself
    page.click("#job-report")
    page.wait_for_url("**/capacity/submissions/*")
    cells = page.locator("table.data tbody tr").first.locator("td").all_inner_texts()
    assert cells[:5] == ["capacity.csv", "3", "resource", "PET", "invalid_code"]
    page.screenshot(path=str(shots / "capacity-return.png"), full_page=True)
    _accessible(page)

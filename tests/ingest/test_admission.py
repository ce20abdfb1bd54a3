"""Issue 14 cases 7 and 11: what a submission may be for (its month and its provider).

A zero-row submission for 9998-01 once became the alliance's latest month; ``0000-01`` gave a
traceback on the command line and a 500 on the web; ``--provider`` and token codes were not
checked against the reference data. See :mod:`cancer_alliance.ingest.admission`.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from cancer_alliance.auth import tokens, users
from cancer_alliance.errors import UsageError
from cancer_alliance.ingest.admission import (
    DATA_START_ENV,
    check_period,
    check_provider,
    data_start,
    open_month,
)

from .ingest_helpers import VALID_PATHWAY, csv_bytes

TODAY = dt.date(2026, 12, 5)
HEADER_ONLY = csv_bytes([VALID_PATHWAY]).split(b"\n", 1)[0] + b"\n"


@pytest.mark.parametrize(("period", "message"), [
    ("0000-01", "period '0000-01' is not a month written YYYY-MM: there is no year 0000"),
    ("2024-13", "period '2024-13' is not a month written YYYY-MM: month 13 is not 01 to 12"),
    ("2024-05-31", "period '2024-05-31' is not a month written YYYY-MM: it is a date"),
    ("9998-01", "period '9998-01' has not begun: submissions are open up to the current "
                "month, 2026-12"),
    ("2027-01", "period '2027-01' has not begun: submissions are open up to the current "
                "month, 2026-12"),
    ("2008-12", "period '2008-12' is before the platform's data start, 2009-01 (set "
                "CANCER_ALLIANCE_DATA_START to change it)"),
])
def test_periods_outside_the_open_window_are_refused(period, message, monkeypatch):
    monkeypatch.delenv(DATA_START_ENV, raising=False)
    with pytest.raises(UsageError) as info:
        check_period(period, TODAY)
    assert str(info.value).startswith(message)


def test_the_open_month_and_the_data_start_are_accepted(monkeypatch):
    monkeypatch.delenv(DATA_START_ENV, raising=False)
    assert open_month(TODAY) == "2026-12" and data_start() == "2009-01"
    assert check_period("2026-12", TODAY) == dt.date(2026, 12, 31)
    assert check_period("2009-01", TODAY) == dt.date(2009, 1, 31)
    monkeypatch.setenv(DATA_START_ENV, "2020-04")
    with pytest.raises(UsageError, match="before the platform's data start, 2020-04"):
        check_period("2020-03", TODAY)


def test_a_zero_row_submission_for_9998_01_changes_nothing(store):
    store.ingest({"pathways.csv": [VALID_PATHWAY]})
    before = store.snapshot()
    with pytest.raises(UsageError, match="has not begun"):
        store.ingest({"pathways.csv": HEADER_ONLY}, period="9998-01")
    assert store.snapshot() == before


def _with_organisations(store) -> None:
    store.con.execute("INSERT INTO organisations (org_code, org_name, org_type) VALUES "
                      "('RAA', 'Trust A', 'PROVIDER'), ('QAA', 'ICB A', 'COMMISSIONER')")


@pytest.mark.parametrize(("provider", "message"), [
    ("RZZ", 'provider "RZZ" is not an organisation of the reference data'),
    ("QAA", 'provider "QAA" is a commissioner in the reference data, not a provider'),
    ("0123456789", 'provider "0123456789" is not an ODS code of 3 or 5 letters or digits'),
])
def test_providers_are_checked_against_the_reference_data(store, provider, message):
    _with_organisations(store)
    before = store.snapshot()
    with pytest.raises(UsageError) as info:
        store.ingest({"pathways.csv": [dict(VALID_PATHWAY, provider_code=provider)]},
                     provider=provider)
    assert str(info.value).startswith(message)
    assert store.snapshot() == before
    assert store.ingest({"pathways.csv": [VALID_PATHWAY]}).accepted == 1


def test_a_store_without_organisations_checks_the_shape_only():
    check_provider("RZZ", {})
    with pytest.raises(UsageError, match="not an ODS code"):
        check_provider("R" * 300, {})


def test_tokens_and_users_are_for_known_organisations(store):
    _with_organisations(store)
    with pytest.raises(UsageError, match='provider "0123456789" is not an ODS code'):
        tokens.create_token(store.con, "0123456789", "test")
    with pytest.raises(UsageError, match="not an organisation of the reference data"):
        tokens.create_token(store.con, "RZZ", "test")
    assert tokens.create_token(store.con, "RAA", "test").startswith("cat_")
    with pytest.raises(UsageError, match="is a provider in the reference data, not a "
                                         "commissioner"):
        users.add_user(store.con, "c1", "commissioner", "RAA", "a-long-password-1")
    assert store.rows("SELECT count(*) FROM api_tokens WHERE provider_code <> 'RAA'") == [(0,)]
    assert store.rows("SELECT count(*) FROM users WHERE username = 'c1'") == [(0,)]


@pytest.mark.parametrize(("period", "message"), [
    ("0000-01", "there is no year 0000"),
    ("9998-01", "has not begun"),
])
def test_cli_refuses_bad_periods_without_a_traceback(tmp_path, period, message):
    folder = tmp_path / "sub"
    folder.mkdir()
    (folder / "pathways.csv").write_bytes(HEADER_ONLY)
    p = subprocess.run([sys.executable, "-m", "cancer_alliance", "ingest", str(folder),
                        "--provider", "RAA", "--period", period, "--db",
                        str(tmp_path / "a.duckdb")], capture_output=True, text=True, timeout=120)
    assert p.returncode == UsageError.exit_code
    assert message in p.stderr and "Traceback" not in p.stderr


def test_a_long_file_name_is_refused_before_anything_is_written(store):
    name = "p" * 296 + ".csv"
    before = store.snapshot()
    with pytest.raises(Exception) as info:
        store.ingest({name: csv_bytes([VALID_PATHWAY]), "pathways.csv": [VALID_PATHWAY]})
    assert "the length of the file's name (bytes) is 300, above the limit of 200" in str(
        info.value)
    assert name not in str(info.value)
    assert store.snapshot() == before
    assert not store.archive.exists() or not any(store.archive.iterdir())

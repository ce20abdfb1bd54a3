"""The fitted breach risks are kept per census and store content (``outlook.risk_cache``):
reused while the pathways are unchanged, fitted again after a submission changes them, and
the risks a tracking list gets from the cache are the ones a fit of its own would give."""

from __future__ import annotations

import shutil
import threading
from datetime import date

import pandas as pd
import pytest

from cancer_alliance import metrics
from cancer_alliance.outlook import breach_risk as br
from cancer_alliance.outlook import risk_cache
from cancer_alliance.outlook import tracking_list as tl
from cancer_alliance.store import connect
from tests.outlook.conftest import insert_pathways

CENSUS = date(2025, 2, 28)


@pytest.fixture
def con(small_store, tmp_path):
    path = tmp_path / "copy.duckdb"
    shutil.copyfile(small_store, path)
    c = connect(path)
    yield c
    c.close()


def _fresh_fit(con, census: date) -> pd.DataFrame:
    """The tracking list with risks as computed before the cache: fit, then score its rows."""
    ptl = metrics.ptl(con, census)
    pathways = tl.load_pathways(con, census)
    model = br.fit(pathways, census)
    rows = ptl[tl.KEYS].merge(pathways, on=tl.KEYS, how="left")
    rows.index = ptl.index
    risks = br.score(model, rows, census)
    out = ptl.copy()
    for col in br.RISK_COLUMNS:
        out[col] = risks[col]
    return out


def test_cached_risks_equal_a_fit_of_its_own(con):
    cache = risk_cache.RiskCache()
    ptl = metrics.ptl(con, CENSUS)
    first = tl.with_breach_risk(con, ptl, CENSUS, cache=cache)
    again = tl.with_breach_risk(con, ptl, CENSUS, cache=cache)
    expected = _fresh_fit(con, CENSUS)
    assert len(first) > 0 and first["breach_risk_28"].notna().any()
    pd.testing.assert_frame_equal(first, expected)
    pd.testing.assert_frame_equal(again, expected)
    # a subset of the list (one trust's rows) gets the same risks as in the whole list
    mine = ptl[ptl["provider_code"] == "RBB"]
    scoped = tl.with_breach_risk(con, mine, CENSUS, cache=cache)
    pd.testing.assert_frame_equal(scoped, expected.loc[mine.index])
    assert cache.fits == 1


def test_reused_within_a_data_version_and_refitted_after_a_submission(con):
    cache = risk_cache.RiskCache()
    ptl = metrics.ptl(con, CENSUS)
    tl.with_breach_risk(con, ptl, CENSUS, cache=cache)
    tl.with_breach_risk(con, ptl, CENSUS, cache=cache)
    assert cache.fits == 1
    # a rejected submission changes no pathway: the model still stands
    con.execute("INSERT INTO submissions (submission_id, provider_code, period, submitted_by,"
                " submitted_at, status, dataset_version, rows_read, accepted, rejected) "
                "VALUES (900, 'RAA', '2025-02', 'test', now(), 'rejected', 1, 1, 0, 1)")
    tl.with_breach_risk(con, ptl, CENSUS, cache=cache)
    assert cache.fits == 1
    # a submission that adds a pathway: fitted again, and the new pathway is scored
    insert_pathways(con, [{"provider_code": "RAA", "pathway_id": "NEW-1",
                           "suspected_cancer_type": "LUNG",
                           "referral_received_date": "2025-02-20"}])
    after = tl.with_breach_risk(con, metrics.ptl(con, CENSUS), CENSUS, cache=cache)
    assert cache.fits == 2
    new = after[after["pathway_id"] == "NEW-1"]
    assert len(new) == 1 and new["breach_risk_28"].notna().all()
    # another census is another fit; going back to the first census is not
    tl.with_breach_risk(con, metrics.ptl(con, date(2025, 1, 31)), date(2025, 1, 31),
                        cache=cache)
    tl.with_breach_risk(con, metrics.ptl(con, CENSUS), CENSUS, cache=cache)
    assert cache.fits == 3


def test_a_changed_row_changes_the_key(con):
    before = risk_cache.content_key(con, CENSUS)
    assert risk_cache.content_key(con, CENSUS) == before
    con.execute("UPDATE pathways SET diagnosis_communicated_date = NULL"
                " WHERE pathway_id = (SELECT min(pathway_id) FROM pathways)")
    assert risk_cache.content_key(con, CENSUS) != before
    assert risk_cache.content_key(con, date(2025, 1, 31))[0] == "2025-01-31"


def test_single_flight_and_bounded():
    cache = risk_cache.RiskCache(maxsize=2)
    release = threading.Event()
    calls = []

    def slow():
        calls.append(1)
        release.wait(5)
        return risk_cache.FittedRisks(census=CENSUS, model=br.BreachRiskModel(census=CENSUS),
                                      risks=pd.DataFrame())

    got = []
    together = threading.Barrier(4)

    def ask():
        together.wait(5)
        got.append(cache.get("k", slow))

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for t in threads:
        t.start()
    while not calls:  # the first fit has started: the others are asking meanwhile
        threading.Event().wait(0.01)
    threading.Event().wait(0.2)
    release.set()
    for t in threads:
        t.join(10)
    assert len(calls) == 1 and len(got) == 4 and all(g is got[0] for g in got)
    cache.get("a", slow)
    cache.get("b", slow)
    assert not cache.contains("k") and cache.contains("a") and cache.contains("b")
    assert cache.fits == 3


def test_a_failed_fit_is_not_kept():
    cache = risk_cache.RiskCache()

    def boom():
        raise RuntimeError("no")

    with pytest.raises(RuntimeError):
        cache.get("k", boom)
    assert not cache.contains("k") and cache.fits == 0

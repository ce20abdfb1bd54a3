"""The validator's SQL rewriting works on parsed SQL (sqlglot), not on the text."""

from __future__ import annotations

import duckdb
import pytest

from cancer_alliance.ingest.validate import _typed_refs, qualify


@pytest.mark.parametrize(("predicate", "expected"), [
    ("x is not null", "NOT t.x IS NULL"),  # the regex gave "t.x t.is t.not t.null"
    ("first_seen_date IS NOT NULL", "NOT t.first_seen_date IS NULL"),
    ("coalesce(a, b) = 'A b'", "COALESCE(t.a, t.b) = 'A b'"),  # not "t.coalesce("
    ("referral_route IN ('USC', 'BS')", "t.referral_route IN ('USC', 'BS')"),
    ("event = 'first_seen_date is x'", "t.event = 'first_seen_date is x'"),
])
def test_qualify_prefixes_columns_only(predicate, expected):
    assert qualify(predicate, "t") == expected


def test_qualified_predicates_mean_the_same_in_duckdb():
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT * FROM (VALUES (1, NULL, 'USC'), (NULL, 2, 'BS'),"
                " (NULL, NULL, 'OTHER')) v(x, b, referral_route)")
    for predicate in ("x is not null", "coalesce(x, b) = 2", "referral_route in ('USC')"):
        got = con.execute(f"SELECT count(*) FROM t WHERE {qualify(predicate, 't')}").fetchall()
        want = con.execute(f"SELECT count(*) FROM t WHERE {predicate}").fetchall()
        assert got == want, predicate


def test_typed_refs_rewrite_typed_columns_and_leave_literals():
    sql = "t.a IS NOT NULL AND printf('%s in t.csv', r.a) = 'x' AND t.b > r._period_end"
    assert _typed_refs(sql) == ("NOT r.t__a IS NULL AND PRINTF('%s in t.csv', r.a) = 'x' "
                                "AND r.t__b > r._period_end")

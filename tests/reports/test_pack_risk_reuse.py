"""A provider pack's high-risk list reads the breach risks it is given (the web passes the
ones it keeps per data version) and lists the same rows as when it fits them itself."""

from __future__ import annotations

from cancer_alliance import metrics
from cancer_alliance.dataset.periods import month_end
from cancer_alliance.outlook.tracking_list import with_breach_risk
from cancer_alliance.reports.patients import high_risk_section


def test_given_risks_are_used_and_match_the_fitted_ones(ops_con):
    period = ops_con.execute("SELECT max(period) FROM submissions").fetchall()[0][0]
    provider = ops_con.execute("SELECT min(provider_code) FROM submissions").fetchall()[0][0]
    census = month_end(period)
    risks = with_breach_risk(ops_con, metrics.ptl(ops_con, census), census)
    fitted = high_risk_section(ops_con, period, provider)
    given = high_risk_section(ops_con, period, provider, risk_ptl=risks)
    assert given == fitted and fitted["rows"]
    # risks turned upside down: the list follows what it was given, not a fit of its own
    flipped = risks.assign(breach_risk_62=1.0 - risks["breach_risk_62"])
    upside = high_risk_section(ops_con, period, provider, risk_ptl=flipped)
    assert upside["rows"][0]["pathway_id"] != fitted["rows"][0]["pathway_id"]

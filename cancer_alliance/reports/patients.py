"""The one patient-level part of a provider pack: its highest-risk open pathways.

Kept apart from :mod:`.sections` (aggregates only) on purpose. The list is added only when
the caller has decided, through ``auth.policy``, that the reader may see this provider's
patients, and has audited it (the web's live pack view); archived and command-line packs
never carry it, since they can be opened later by readers who may not. Rows carry the
provider's own pathway reference (never an NHS number or date of birth).
"""

from __future__ import annotations

import pandas as pd

from cancer_alliance import metrics
from cancer_alliance.dataset import periods
from cancer_alliance.outlook import breach_risk as br
from cancer_alliance.outlook.tracking_list import with_breach_risk

HIGH_RISK_ROWS = 20
COLUMNS = ["pathway_id", "referral_route", "suspected_cancer_type", "tumour_group",
           "days_waited", "next_step", "breach_risk_62", "breach_risk_28"]


def high_risk_section(con, period: str, provider: str, limit: int = HIGH_RISK_ROWS,
                      risk_ptl: pd.DataFrame | None = None) -> dict:
    """The ``limit`` open pathways of ``provider`` at the month-end census most likely to
    breach 62 days, among those not yet past day 62. ``risk_ptl``: that census's tracking
    list with breach risks, if the caller has it (fitting the model is the slow part)."""
    census = periods.month_end(period)
    ptl = risk_ptl
    if ptl is None:
        ptl = with_breach_risk(con, metrics.ptl(con, census), census)
    mine = ptl[(ptl["provider_code"] == provider) & (ptl["days_waited"] < br.LIMIT_62)
               & ptl["breach_risk_62"].notna()]
    top = mine.sort_values(["breach_risk_62", "days_waited"], ascending=False).head(limit)
    rows = [{c: (None if v != v else v) for c, v in r.items()}
            for r in top[COLUMNS].astype(object).to_dict("records")]
    return {"census": census.isoformat(), "rows": rows, "of": int(len(mine))}

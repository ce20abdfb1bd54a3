"""Statistics for the Cancer Dashboard: intervals, funnels, rates, SPC, survival, equity
gaps and small-number protection.

Methods match the public R packages England's analysts use: PHEindicatormethods 2.1.0
(Wilson intervals, funnel limits, exact/Byar's rates, Dobson DSRs) and NHSRplotthedots
(Making Data Count SPC). See ``docs/explanation/statistics.md`` and
``docs/reference/stats-api.md``.
"""

from cancer_alliance.stats.equity import equity_gap, newcombe_difference
from cancer_alliance.stats.funnel import clamp, funnel_limits, funnel_plot_data
from cancer_alliance.stats.proportions import proportion_table, wilson_interval
from cancer_alliance.stats.rates import (
    DSRResult,
    RateResult,
    byars_lower,
    byars_upper,
    dsr,
    esp2013,
    esp2013_weights,
    exact_poisson,
    rate_interval,
)
from cancer_alliance.stats.spc import Point, Segment, SPCResult, spc, variation_icon
from cancer_alliance.stats.suppression import (
    assert_protected,
    display,
    protect,
    protect_count,
    protect_percentage,
    protect_ratio,
    protect_table,
)
from cancer_alliance.stats.survival import kaplan_meier, log_rank

__all__ = [
    "DSRResult",
    "Point",
    "RateResult",
    "SPCResult",
    "Segment",
    "assert_protected",
    "byars_lower",
    "byars_upper",
    "clamp",
    "display",
    "dsr",
    "equity_gap",
    "esp2013",
    "esp2013_weights",
    "exact_poisson",
    "funnel_limits",
    "funnel_plot_data",
    "kaplan_meier",
    "log_rank",
    "newcombe_difference",
    "proportion_table",
    "protect",
    "protect_count",
    "protect_percentage",
    "protect_ratio",
    "protect_table",
    "rate_interval",
    "spc",
    "variation_icon",
    "wilson_interval",
]

"""FDS: the 28-day Faster Diagnosis Standard, one code across both eras.

Implements metrics reference §2.1 (and its row in §1 and §2's table): USC, BS and screening
referrals; clock stop is the earlier of the date the patient is told (cancer confirmed or
ruled out) and the decision to treat; any ``fds_exclusion`` removes the pathway (platform
rule); credited to the submitting provider (platform rule, §0).
"""

from datetime import date

from cancer_alliance.metrics.definition import (
    Attribution,
    Era,
    StandardDefinition,
    Threshold,
    ThresholdKind,
)
from cancer_alliance.metrics.platform_rules import FDS_THRESHOLD_FROM
from cancer_alliance.metrics.standards._common import FDS_EVENT, OLD_SET_FROM

DEFINITION = StandardDefinition(
    code="FDS",
    name="28-day Faster Diagnosis Standard",
    short_name="FDS (28 days)",
    era=Era.BOTH,
    limit_days=28,
    start="referral received (or the A1 DNA reset date)",
    stop="patient told cancer is confirmed or ruled out, or the decision to treat if earlier",
    rule_text="USC, breast symptomatic and screening referrals (not upgrades, not other "
    "routes); met when told within 28 days (day 28 meets, day 29 breaches). A pathway with an "
    "FDS exclusion (died, declined investigation, other national exclusion) is left out of "
    "both numerator and denominator.",
    reference_section="§2.1",
    thresholds=(
        Threshold(OLD_SET_FROM, None, "Shadow monitoring, no threshold"),
        Threshold(FDS_THRESHOLD_FROM, 75.0, "Operational standard"),
        Threshold(date(2025, 3, 1), 77.0, "Interim objective: 77% by March 2025",
                  ThresholdKind.INTERIM),
        Threshold(date(2026, 3, 1), 80.0, "Operational standard: 80% from March 2026"),
    ),
    provider_attribution="the submitting provider (the provider that ends the FDS pathway)",
    parts=(FDS_EVENT,),
    attribution=Attribution.SUBMITTING,
    routes=("USC", "BS", "SCREEN"),
    module_doc=__doc__,
)

"""62_DAY_UPGRADE: consultant upgrade to first treatment (before Oct 2023), no threshold.

Implements metrics reference §1 and §2.3 (clock starts at the upgrade date; the A1 reset
applies only when the upgrade was on or before the first-seen date), A2 and §4.
"""

from cancer_alliance.metrics.definition import Attribution, Era, StandardDefinition
from cancer_alliance.metrics.standards._common import FIRST_TREATMENT_62, old_set

DEFINITION = StandardDefinition(
    code="62_DAY_UPGRADE",
    name="62-day consultant upgrade to first treatment",
    short_name="62-day (upgrade)",
    era=Era.PRE_2023,
    limit_days=62,
    start="consultant upgrade date",
    stop="first definitive treatment",
    rule_text="Consultant-upgraded pathways with a diagnosed cancer treated up to 2023-09-30; "
    "within 62 days less treatment adjustment days. No national threshold was set.",
    reference_section="§1, §2.3, §4",
    thresholds=old_set(None),
    provider_attribution="split between the referring and treating providers (§4 table)",
    parts=(FIRST_TREATMENT_62,),
    attribution=Attribution.INTER_PROVIDER_TRANSFER,
    routes=("UPGRADE",),
    module_doc=__doc__,
)

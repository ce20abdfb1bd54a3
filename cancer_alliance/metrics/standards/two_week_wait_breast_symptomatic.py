"""2WW_BREAST_SYMPTOMATIC: two week wait for breast symptoms, cancer not initially suspected.

Implements metrics reference §1 with §0 C1-C5 and the A1 DNA reset; credited to the provider
where the patient was first seen.
"""

from cancer_alliance.metrics.definition import Attribution, Era, StandardDefinition
from cancer_alliance.metrics.standards._common import FIRST_SEEN, old_set

DEFINITION = StandardDefinition(
    code="2WW_BREAST_SYMPTOMATIC",
    name="Two week wait: breast symptomatic referral (cancer not suspected) to first seen",
    short_name="2WW (breast symptomatic)",
    era=Era.PRE_2023,
    limit_days=14,
    start="referral received (or the A1 DNA reset date)",
    stop="first seen",
    rule_text="Breast symptomatic (BS) referrals first seen up to 2023-09-30; met when first "
    "seen within 14 days of the referral being received.",
    reference_section="§1",
    thresholds=old_set(93.0),
    provider_attribution="the provider where the patient was first seen",
    parts=(FIRST_SEEN,),
    attribution=Attribution.FIRST_SEEN,
    routes=("BS",),
    module_doc=__doc__,
)

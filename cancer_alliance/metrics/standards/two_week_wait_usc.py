"""2WW_USC: two week wait from urgent suspected cancer referral to first seen.

Implements metrics reference §1 (standards before October 2023) with §0 C1-C5 and the A1
DNA reset; credited to the provider where the patient was first seen (§0, provider-based
reporting).
"""

from cancer_alliance.metrics.definition import Attribution, Era, StandardDefinition
from cancer_alliance.metrics.standards._common import FIRST_SEEN, old_set

DEFINITION = StandardDefinition(
    code="2WW_USC",
    name="Two week wait: urgent suspected cancer referral to first seen",
    short_name="2WW (USC)",
    era=Era.PRE_2023,
    limit_days=14,
    start="referral received (or the A1 DNA reset date)",
    stop="first seen",
    rule_text="Urgent suspected cancer (USC) referrals first seen up to 2023-09-30; met when "
    "first seen within 14 days of the referral being received. A first-appointment DNA may "
    "reset the clock start; a patient cancelling does not.",
    reference_section="§1",
    thresholds=old_set(93.0),
    provider_attribution="the provider where the patient was first seen",
    parts=(FIRST_SEEN,),
    attribution=Attribution.FIRST_SEEN,
    routes=("USC",),
    module_doc=__doc__,
)

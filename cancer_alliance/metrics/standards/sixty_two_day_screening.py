"""62_DAY_SCREENING: national screening referral to first treatment (before Oct 2023).

Implements metrics reference §1 with §0 C1-C5, A1, A2 and the §4 inter-provider allocation.
"""

from cancer_alliance.metrics.definition import Attribution, Era, StandardDefinition
from cancer_alliance.metrics.standards._common import FIRST_TREATMENT_62, old_set

DEFINITION = StandardDefinition(
    code="62_DAY_SCREENING",
    name="62-day screening referral to first treatment",
    short_name="62-day (screening)",
    era=Era.PRE_2023,
    limit_days=62,
    start="referral received from the screening programme (or the A1 DNA reset date)",
    stop="first definitive treatment",
    rule_text="Screening referrals with a diagnosed cancer treated up to 2023-09-30; met "
    "within 62 days less treatment adjustment days.",
    reference_section="§1, §4",
    thresholds=old_set(90.0),
    provider_attribution="split between the referring and treating providers (§4 table)",
    parts=(FIRST_TREATMENT_62,),
    attribution=Attribution.INTER_PROVIDER_TRANSFER,
    routes=("SCREEN",),
    module_doc=__doc__,
)

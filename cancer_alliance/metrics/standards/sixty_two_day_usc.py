"""62_DAY_USC: urgent suspected cancer referral to first treatment (before Oct 2023).

Implements metrics reference §1, including the rare-cancer rule (suspected acute leukaemia,
testicular and children's cancers must be treated within 31 days inside this measure), §0
C1-C5, A1 and A2, and the inter-provider allocation of §4. Breast symptomatic referrals are
not in this measure (only if upgraded, which makes them ``UPGRADE``).
"""

from cancer_alliance.metrics.definition import Attribution, Era, StandardDefinition
from cancer_alliance.metrics.platform_rules import (
    RARE_31_DAY_LIMIT,
    RARE_31_DAY_SUSPECTED_TYPES,
)
from cancer_alliance.metrics.standards._common import FIRST_TREATMENT_62, old_set

DEFINITION = StandardDefinition(
    code="62_DAY_USC",
    name="62-day urgent suspected cancer referral to first treatment",
    short_name="62-day (USC)",
    era=Era.PRE_2023,
    limit_days=62,
    start="referral received (or the A1 DNA reset date)",
    stop="first definitive treatment",
    rule_text="USC referrals with a diagnosed cancer treated up to 2023-09-30; met within 62 "
    "days, or within 31 days for suspected acute leukaemia, testicular and children's "
    "cancers; treatment adjustment days are removed; shared between investigating and "
    "treating providers after an inter-provider transfer.",
    reference_section="§1, §4",
    thresholds=old_set(85.0),
    provider_attribution="split between the referring and treating providers (§4 table)",
    parts=(FIRST_TREATMENT_62,),
    attribution=Attribution.INTER_PROVIDER_TRANSFER,
    routes=("USC",),
    rare_types=RARE_31_DAY_SUSPECTED_TYPES,
    rare_limit_days=RARE_31_DAY_LIMIT,
    module_doc=__doc__,
)

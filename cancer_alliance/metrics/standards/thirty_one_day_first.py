"""31_DAY_FIRST: decision to treat to first definitive treatment, all routes (before Oct 2023).

Implements metrics reference §1 with §0 C1-C5 and the A2 treatment adjustment; credited to
the treating provider.
"""

from cancer_alliance.metrics.definition import Attribution, Era, StandardDefinition
from cancer_alliance.metrics.standards._common import FIRST_TREATMENT_31, old_set

DEFINITION = StandardDefinition(
    code="31_DAY_FIRST",
    name="31-day decision to treat to first definitive treatment",
    short_name="31-day (first)",
    era=Era.PRE_2023,
    limit_days=31,
    start="decision to treat",
    stop="first definitive treatment",
    rule_text="Every diagnosed cancer's first definitive treatment up to 2023-09-30, any "
    "referral route; treatment adjustment days (patient declined a reasonable offer) are "
    "removed. A diagnosed pathway closed with no treatment is excluded.",
    reference_section="§1",
    thresholds=old_set(96.0),
    provider_attribution="the treating provider (first_treatment_provider_code)",
    parts=(FIRST_TREATMENT_31,),
    attribution=Attribution.TREATING,
    module_doc=__doc__,
)

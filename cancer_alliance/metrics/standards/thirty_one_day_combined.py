"""31_DAY: the combined 31-day standard (first and subsequent treatments), from October 2023.

Implements metrics reference §2.2 with §0 C1-C5 and A2: every first definitive treatment
(any route, active monitoring and palliative care included) plus every subsequent treatment,
except subsequent active monitoring and palliative care (platform rule, §2.2 UNCERTAIN).
Credited to the treating provider; one result per treatment.
"""

from datetime import date

from cancer_alliance.metrics.definition import Attribution, Era, StandardDefinition, Threshold
from cancer_alliance.metrics.platform_rules import (
    COMBINED_31_EXCLUDED_SUBSEQUENT_MODALITIES,
    ERA_CHANGE,
)
from cancer_alliance.metrics.standards._common import FIRST_TREATMENT_31, subsequent

DEFINITION = StandardDefinition(
    code="31_DAY",
    name="31-day combined: decision to treat to treatment",
    short_name="31-day (combined)",
    era=Era.FROM_2023,
    limit_days=31,
    start="decision to treat, or for a subsequent treatment the earliest clinically "
    "appropriate date",
    stop="treatment start",
    rule_text="First definitive treatments from any route and subsequent treatments given "
    "from 2023-10-01; met within 31 days less treatment adjustment days. Subsequent active "
    "monitoring and palliative care are excluded; a diagnosed pathway closed with no "
    "treatment is excluded.",
    reference_section="§2.2",
    thresholds=(
        Threshold(date(2009, 1, 1), None, "Not yet in force (see 31_DAY_FIRST)"),
        Threshold(ERA_CHANGE, 96.0, "Operational standard"),
    ),
    provider_attribution="the treating provider",
    parts=(FIRST_TREATMENT_31,
           subsequent(None, excluded=COMBINED_31_EXCLUDED_SUBSEQUENT_MODALITIES)),
    attribution=Attribution.TREATING,
    module_doc=__doc__,
)

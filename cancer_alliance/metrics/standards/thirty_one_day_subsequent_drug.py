"""31_DAY_SUBSEQUENT_DRUG: DTT or ECAD to a subsequent drug treatment.

Implements metrics reference §1 (subsequent-treatment standards covered only surgery,
radiotherapy and anti-cancer drugs) with §0 C1-C5 and the A2 adjustment; credited to the
treating provider. One result per subsequent treatment.
"""

from cancer_alliance.metrics.definition import Attribution, Era, StandardDefinition
from cancer_alliance.metrics.standards._common import old_set, subsequent

DEFINITION = StandardDefinition(
    code="31_DAY_SUBSEQUENT_DRUG",
    name="31-day subsequent treatment: anti-cancer drug",
    short_name="31-day (subsequent drug)",
    era=Era.PRE_2023,
    limit_days=31,
    start="decision to treat, or the earliest clinically appropriate date",
    stop="the subsequent treatment",
    rule_text="Each second or later drug treatment given up to 2023-09-30; met when given "
    "within 31 days of the decision to treat (or ECAD), less adjustment days.",
    reference_section="§1",
    thresholds=old_set(98.0),
    provider_attribution="the treating provider (treatment_provider_code)",
    parts=(subsequent(("ANTICANCER_DRUG",)),),
    attribution=Attribution.TREATING,
    module_doc=__doc__,
)

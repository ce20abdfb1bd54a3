"""62_DAY: the combined 62-day standard (USC, BS, screening, upgrade), from October 2023.

Implements metrics reference §2.3 with §0 C1-C5, A1 (upgrades only when upgraded on or before
first seen), A2 and the §4 inter-provider allocation. The old rare-cancer 31-day limit is not
applied (platform rule, §2.3 UNCERTAIN). ``met`` compares with the 85% operational standard;
the 70% and 75% interim objectives are listed beside it.
"""

from datetime import date

from cancer_alliance.metrics.definition import (
    Attribution,
    Era,
    StandardDefinition,
    Threshold,
    ThresholdKind,
)
from cancer_alliance.metrics.platform_rules import ERA_CHANGE
from cancer_alliance.metrics.standards._common import FIRST_TREATMENT_62

DEFINITION = StandardDefinition(
    code="62_DAY",
    name="62-day combined: urgent referral, screening or upgrade to first treatment",
    short_name="62-day (combined)",
    era=Era.FROM_2023,
    limit_days=62,
    start="referral received (or the A1 DNA reset date); for upgrades the upgrade date",
    stop="first definitive treatment",
    rule_text="USC, breast symptomatic, screening and consultant-upgrade pathways with a "
    "diagnosed cancer treated from 2023-10-01; met within 62 days less treatment adjustment "
    "days; shared between investigating and treating providers after a transfer.",
    reference_section="§2.3, §4",
    thresholds=(
        Threshold(date(2009, 1, 1), None, "Not yet in force (see 62_DAY_USC)"),
        Threshold(ERA_CHANGE, 85.0, "Operational standard"),
        Threshold(date(2025, 3, 1), 70.0, "Interim objective: 70% by March 2025",
                  ThresholdKind.INTERIM),
        Threshold(date(2026, 3, 1), 75.0, "Interim objective: 75% by March 2026",
                  ThresholdKind.INTERIM),
    ),
    provider_attribution="split between the referring and treating providers (§4 table)",
    parts=(FIRST_TREATMENT_62,),
    attribution=Attribution.INTER_PROVIDER_TRANSFER,
    routes=("USC", "BS", "SCREEN", "UPGRADE"),
    module_doc=__doc__,
)

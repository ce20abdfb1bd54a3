"""62_DAY_BACKLOG: open urgent pathways waiting more than 62 days on a census date.

Implements metrics reference §5 (platform rule): USC, BS, screening and upgrade pathways not
yet treated, ruled out or otherwise closed on the census date; days waited = census - clock
start (A1 reset used); the backlog is day 63 on, and the 104-day subset day 105 on. Lower is
better; there is no national percentage threshold.
"""

from cancer_alliance.metrics.definition import (
    Attribution,
    ClockStart,
    Era,
    Event,
    Part,
    StandardDefinition,
    Threshold,
)
from cancer_alliance.metrics.platform_rules import PTL_ROUTES
from cancer_alliance.metrics.standards._common import OLD_SET_FROM

DEFINITION = StandardDefinition(
    code="62_DAY_BACKLOG",
    name="62-day backlog: open urgent pathways past day 62 (and the 104-day subset)",
    short_name="62-day backlog",
    era=Era.OPEN,
    limit_days=62,
    start="referral received (or the A1 DNA reset date); for upgrades the upgrade date",
    stop="none: the pathway is still open on the census date",
    rule_text="Pathways on the tracking list (USC, BS, screening, upgrade; not treated, ruled "
    "out or closed by the census date) with more than 62 days waited; those with more than "
    "104 days waited form the long-wait subset that triggers clinical harm review.",
    reference_section="§5",
    thresholds=(Threshold(OLD_SET_FROM, None, "No national threshold (count to reduce)"),),
    provider_attribution="the submitting provider",
    parts=(Part(event=Event.OPEN, start=ClockStart.ROUTE),),
    attribution=Attribution.SUBMITTING,
    routes=PTL_ROUTES,
    improvement="decrease",
    module_doc=__doc__,
)

"""The outcome measures' choices where the metrics reference leaves room, in one place.

Each constant names its section of ``shared/domain/metrics-reference.md``. Change one only
together with ``docs/reference/measures.md``.
"""

from __future__ import annotations

#: Routes counted as urgent referrals (volumes and conversion): urgent suspected cancer and
#: breast symptomatic, the two referral types NHS England publishes first-seen counts for.
URGENT_ROUTES = ("USC", "BS")

#: Detection rate numerator (brief and §7): diagnosed via an urgent suspected cancer referral.
DETECTION_ROUTES = ("USC",)

#: "A cancer" for conversion, detection, stage, Recovery Package and survival: ICD-10 C00-C97
#: excluding C44 (non-melanoma skin cancer, left out of national incidence, survival and
#: stage statistics). In-situ D codes are not counted.
CANCER_ICD10_FIRST = "C00"
CANCER_ICD10_LAST = "C97"
CANCER_ICD10_EXCLUDED = ("C44",)

#: §7 early stage (UNCERTAIN; platform rule): stage 1-2 over stageable with known stage 1-4;
#: stage 0 (in situ) out of both. Completeness: known 1-4 over stageable, stage 0 left out.
EARLY_STAGES = ("1", "2")
KNOWN_STAGES = ("1", "2", "3", "4")
STAGES_OUT_OF_BOTH = ("0",)

#: §7 Recovery Package (UNCERTAIN; platform rule): the event at any date counts.
RECOVERY_EVENT_OF = {
    "HNA_COVERAGE": "HNA",
    "CARE_PLAN_COVERAGE": "CARE_PLAN",
    "CANCER_CARE_REVIEW_COVERAGE": "CANCER_CARE_REVIEW",
    "TREATMENT_SUMMARY_COVERAGE": "TREATMENT_SUMMARY",
}

#: §7 one-year survival (observed, local proxy): one year is 365 days; a death on day 365
#: is within the year. Follow-up is censored at the end of the latest loaded submission
#: period. One pathway (cancer) is one unit, as cancer survival statistics count tumours.
SURVIVAL_HORIZON_DAYS = 365
SURVIVAL_CONFIDENCE = 0.95
SURVIVAL_LABEL = "observed survival (local proxy, not net survival)"

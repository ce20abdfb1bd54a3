"""What each outcome measure counts, declared once (metrics reference section 7).

A :class:`MeasureDefinition` is the plain-words contract of one measure: numerator,
denominator, the rule in full and the section of ``shared/domain/metrics-reference.md`` it
implements. The ibis cohorts in :mod:`.cohorts` compute exactly what these say, and
``docs/reference/measures.md`` documents every code listed here (a test keeps them in step).

Choices the reference leaves open are constants in :mod:`.rules`, not buried in the queries.
"""

from __future__ import annotations

from dataclasses import dataclass

IMPROVEMENTS = ("increase", "decrease", "neutral")


@dataclass(frozen=True)
class MeasureDefinition:
    """One outcome measure: what is counted above and below the line, and why."""

    code: str
    name: str
    description: str
    numerator: str
    denominator: str
    rule_text: str
    reference_section: str
    improvement: str  # "increase" | "decrease" | "neutral"
    #: The date that puts a row in a reporting period (for docs and for users).
    period_by: str = ""
    kind: str = "proportion"  # "proportion" | "count" | "mix" | "survival"

    def __post_init__(self) -> None:
        if self.improvement not in IMPROVEMENTS:
            raise ValueError(f"{self.code}: improvement must be one of {IMPROVEMENTS}")


_DIAGNOSED = ("a cancer diagnosed: primary_diagnosis_icd10 in C00-C97 excluding C44 "
              "(non-melanoma skin cancer), with a diagnosis_date")

MEASURES: dict[str, MeasureDefinition] = {
    m.code: m
    for m in (
        MeasureDefinition(
            "URGENT_REFERRALS", "Urgent referrals",
            "Urgent suspected cancer and breast symptomatic referrals received.",
            numerator="pathways with referral_route USC or BS and a referral_received_date",
            denominator="none (a count)",
            rule_text="One per pathway, credited to the provider that received the referral "
            "(the submitting provider_code), in the month of referral_received_date.",
            reference_section="§7 (volumes); routes as §2.1", improvement="neutral",
            period_by="referral_received_date", kind="count",
        ),
        MeasureDefinition(
            "CONVERSION_RATE", "Conversion rate",
            "Share of urgent referrals that turn out to be cancer.",
            numerator=f"urgent referrals (USC or BS) with {_DIAGNOSED}",
            denominator="urgent referrals (USC or BS) received in the period",
            rule_text="Counted in the month the referral was received, so a month's figure "
            "can still rise while its referrals are being investigated.",
            reference_section="§7 (conversion)", improvement="neutral",
            period_by="referral_received_date",
        ),
        MeasureDefinition(
            "DETECTION_RATE", "Detection rate",
            "Share of newly diagnosed cancers that came through an urgent suspected cancer "
            "referral.",
            numerator="those diagnosed cancers whose referral_route is USC",
            denominator=f"pathways with {_DIAGNOSED}, diagnosed in the period",
            rule_text="Counted in the month of diagnosis_date. Breast symptomatic (BS), "
            "screening, upgrade and other routes are in the denominator only.",
            reference_section="§7 (detection)", improvement="increase",
            period_by="diagnosis_date",
        ),
        MeasureDefinition(
            "EARLY_STAGE", "Early stage at diagnosis",
            "Share of newly diagnosed stageable cancers found at stage 1 or 2 (ambition 75% by "
            "2028).",
            numerator="stage_group 1 or 2",
            denominator=f"{_DIAGNOSED}, of a stageable tumour group, with a known stage_group "
            "1-4",
            rule_text="Platform rule (§7, UNCERTAIN denominator): known stage 1-4 only; stage 0 "
            "(in situ) is out of numerator and denominator. Always read beside "
            "STAGE_COMPLETENESS.",
            reference_section="§7 (early stage)", improvement="increase",
            period_by="diagnosis_date",
        ),
        MeasureDefinition(
            "STAGE_COMPLETENESS", "Stage completeness",
            "Share of diagnosed stageable cancers with a known stage.",
            numerator="stage_group 1, 2, 3 or 4",
            denominator=f"{_DIAGNOSED}, of a stageable tumour group, stage_group not 0 "
            "(blank, U and NA count as not known)",
            rule_text="Whether a cancer is stageable comes from its tumour group (reference "
            "table), not from the provider's NA.",
            reference_section="§7 (early stage)", improvement="increase",
            period_by="diagnosis_date",
        ),
        MeasureDefinition(
            "HNA_COVERAGE", "Holistic needs assessment coverage",
            "Share of patients diagnosed in the period with a holistic needs assessment.",
            numerator="those with at least one HNA recovery event (any date)",
            denominator=f"pathways with {_DIAGNOSED}, diagnosed in the period",
            rule_text="Platform rule (§7, UNCERTAIN formula): patients with the event ÷ "
            "patients diagnosed in the period; one pathway is one patient's cancer.",
            reference_section="§7 (Recovery Package)", improvement="increase",
            period_by="diagnosis_date",
        ),
        MeasureDefinition(
            "CARE_PLAN_COVERAGE", "Care and support plan coverage",
            "Share of patients diagnosed in the period with a care and support plan.",
            numerator="those with at least one CARE_PLAN recovery event (any date)",
            denominator=f"pathways with {_DIAGNOSED}, diagnosed in the period",
            rule_text="Platform rule (§7): as HNA_COVERAGE, for CARE_PLAN events.",
            reference_section="§7 (Recovery Package)", improvement="increase",
            period_by="diagnosis_date",
        ),
        MeasureDefinition(
            "TREATMENT_SUMMARY_COVERAGE", "End-of-treatment summary coverage",
            "Share of patients finishing treatment in the period whose GP was sent a "
            "treatment summary.",
            numerator="those with at least one TREATMENT_SUMMARY recovery event (any date)",
            denominator="pathways finishing treatment in the period: treated "
            "(first_treatment_date recorded), no subsequent treatment still waiting (a "
            "subsequent treatment with a blank treatment_date), counted in the month of the "
            "latest treatment date recorded (first or subsequent)",
            rule_text="Platform rule (§7): 'finishing treatment' is the last recorded "
            "treatment of a pathway with nothing further planned; a later treatment moves "
            "the pathway to that later month.",
            reference_section="§7 (Recovery Package)", improvement="increase",
            period_by="end of treatment (latest treatment date)",
        ),
        MeasureDefinition(
            "CANCER_CARE_REVIEW_COVERAGE", "Cancer care review coverage",
            "Share of patients diagnosed in the period who had a GP cancer care review.",
            numerator="those with at least one CANCER_CARE_REVIEW recovery event (any date)",
            denominator=f"pathways with {_DIAGNOSED}, diagnosed in the period",
            rule_text="Platform rule (§7): as HNA_COVERAGE, for CANCER_CARE_REVIEW events. "
            "The six-month window some alliances use is not applied.",
            reference_section="§7 (Recovery Package)", improvement="increase",
            period_by="diagnosis_date",
        ),
        MeasureDefinition(
            "SFU_MIX", "Stratified follow-up mix",
            "Share of each personalised stratified follow-up pathway among assignments.",
            numerator="SFU_ASSIGNED events of one follow_up_stratum",
            denominator="all SFU_ASSIGNED events",
            rule_text="Counted in the month of event_date, one row per stratum "
            "(SUPPORTED_SELF_MANAGEMENT, SHARED_CARE, PROFESSIONAL_LED).",
            reference_section="§7 (personalised stratified follow-up)", improvement="neutral",
            period_by="event_date", kind="mix",
        ),
        MeasureDefinition(
            "ONE_YEAR_SURVIVAL_OBSERVED", "One-year observed survival (local proxy)",
            "Observed survival one year after diagnosis, Kaplan-Meier, from the deaths "
            "submitted. Not net survival and not the ONS survival index.",
            numerator="Kaplan-Meier estimate at day 365 (deaths from deaths.csv, linked by "
            "NHS number)",
            denominator=f"pathways with {_DIAGNOSED}",
            rule_text="Time from diagnosis_date to date_of_death, censored at the data's latest "
            "date (the end of the latest loaded submission period) and at 365 days; 95% "
            "log-log confidence interval. Observed, not net: no life tables, no age, sex or "
            "case-mix standardisation. Blank for a group nobody in which was followed for a "
            "full year (the curve is not carried past its last follow-up).",
            reference_section="§7 (one-year survival)", improvement="increase",
            period_by="diagnosis_date", kind="survival",
        ),
    )
}

# ruff: noqa: E501  (drawn tables are read across; wrapping them would hide the columns)
"""The metrics reference's worked examples (and its rules' edge cases) as drawn tables.

Each :class:`Case` draws a few pathways and states the expected per-pathway outcome rows of
the standards it names. The same cases run on the reference implementation, DuckDB and
Spark (``test_spec.py``). Dates are chosen so each expected figure can be checked by hand;
the comments give the arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Case:
    name: str
    section: str
    standards: tuple[str, ...]
    pathways: str
    expected: str
    subsequent: str | None = None


@dataclass(frozen=True)
class PtlCase:
    name: str
    section: str
    census: date
    pathways: str
    expected: str


CASES = [
    Case("2ww_worked_examples", "§1", ("2WW_USC",), """
        pathway_id | referral_route | suspected_cancer_type | referral_received_date | first_seen_date
        A          | USC            | LUNG                  | 2023-03-06             | 2023-03-20
        B          | USC            | LUNG                  | 2023-04-03             | 2023-04-21
    """, """
        standard | pathway_id | included | days | outcome | reporting_period | accountable_provider_code
        2WW_USC  | A          | true     | 14   | within  | 2023-03          | RAA
        2WW_USC  | B          | true     | 18   | breach  | 2023-04          | RAA
    """),
    # A1: DNA reset moves the start (2023-05-10 -> 2023-05-22 = 12, not 20); credited to the
    # provider where first seen. A pathway closed without being seen is excluded.
    Case("2ww_dna_reset_and_first_seen_provider", "§0 A1, §1", ("2WW_USC",), """
        pathway_id | suspected_cancer_type | referral_received_date | first_seen_clock_reset_date | first_seen_date | first_seen_provider_code | pathway_closed_reason | pathway_closed_date
        A          | SKIN                  | 2023-05-02             | 2023-05-10                  | 2023-05-22      | RBB                      |                       |
        B          | SKIN                  | 2023-05-02             |                             |                 |                          | PATIENT_CHOICE        | 2023-05-10
        C          | SKIN                  | 2023-05-02             |                             |                 |                          |                       |
    """, """
        standard | pathway_id | included | exclusion_reason | days | outcome | clock_start | reporting_period | accountable_provider_code
        2WW_USC  | A          | true     |                  | 12   | within  | 2023-05-10  | 2023-05          | RBB
        2WW_USC  | B          | false    | not_first_seen   |      |         | 2023-05-02  | 2023-05          | RAA
    """),
    # Era: first seen 2023-09-30 is the old set; 2023-10-02 is after the 2WW standard ended.
    Case("2ww_era_boundary_and_breast_symptomatic", "§0 C5, §1",
         ("2WW_USC", "2WW_BREAST_SYMPTOMATIC"), """
        pathway_id | referral_route | suspected_cancer_type | referral_received_date | first_seen_date
        A          | USC            | BREAST                | 2023-09-20             | 2023-09-30
        B          | USC            | BREAST                | 2023-09-20             | 2023-10-02
        C          | BS             |                       | 2023-06-01             | 2023-06-16
    """, """
        standard               | pathway_id | included | days | outcome | reporting_period
        2WW_USC                | A          | true     | 10   | within  | 2023-09
        2WW_BREAST_SYMPTOMATIC | C          | true     | 15   | breach  | 2023-06
    """),
    # §2.1: 2024-05-01 -> 05-29 = 28 within; -> 05-30 = 29 breach; one-stop clinic = 0.
    Case("fds_worked_examples", "§2.1, §0 C2", ("FDS",), """
        pathway_id | referral_route | suspected_cancer_type | referral_received_date | diagnosis_communicated_date | fds_outcome
        A          | USC            | LUNG                  | 2024-05-01             | 2024-05-29                  | RULED_OUT
        B          | USC            | LUNG                  | 2024-05-01             | 2024-05-30                  | RULED_OUT
        C          | BS             |                       | 2024-05-01             | 2024-05-01                  | RULED_OUT
    """, """
        standard | pathway_id | included | days | limit_days | outcome | reporting_period | era       | share
        FDS      | A          | true     | 28   | 28         | within  | 2024-05          | from_2023 | 1.0
        FDS      | B          | true     | 29   | 28         | breach  | 2024-05          | from_2023 | 1.0
        FDS      | C          | true     | 0    | 28         | within  | 2024-05          | from_2023 | 1.0
    """),
    # FDS stops at the decision to treat when that is earlier (01-02 -> 01-20 = 18); an
    # exclusion removes the pathway; upgrades and other routes are not in FDS; screening is;
    # FDS runs in both eras under one code.
    Case("fds_stop_exclusions_routes_eras", "§2.1", ("FDS",), """
        pathway_id | referral_route | suspected_cancer_type | referral_received_date | upgrade_date | diagnosis_communicated_date | fds_outcome | decision_to_treat_date | fds_exclusion | pathway_closed_reason | pathway_closed_date
        A          | USC            | LUNG                  | 2024-01-02             |              | 2024-02-05                  | CONFIRMED   | 2024-01-20             |               |                       |
        B          | USC            | LUNG                  | 2024-02-01             |              |                             |             |                        | DIED          | DIED                  | 2024-03-01
        C          | UPGRADE        |                       |                        | 2024-02-01   | 2024-02-10                  | RULED_OUT   |                        |               |                       |
        D          | OTHER          |                       | 2024-02-01             |              | 2024-02-10                  | RULED_OUT   |                        |               |                       |
        E          | SCREEN         |                       | 2022-10-10             |              | 2022-11-10                  | RULED_OUT   |                        |               |                       |
    """, """
        standard | pathway_id | included | exclusion_reason  | clock_stop | days | outcome | era       | reporting_period
        FDS      | A          | true     |                   | 2024-01-20 | 18   | within  | from_2023 | 2024-01
        FDS      | B          | false    | fds_exclusion_DIED |           |      |         | from_2023 | 2024-03
        FDS      | E          | true     |                   | 2022-11-10 | 31   | breach  | pre_2023  | 2022-11
    """),
    # Leap days: 2024-02-28 -> 2024-03-27 is 28 days; 2023-02-28 -> 2023-03-28 is 28 days.
    Case("fds_leap_day", "§0 C1", ("FDS",), """
        pathway_id | suspected_cancer_type | referral_received_date | diagnosis_communicated_date | fds_outcome
        A          | LUNG                  | 2024-02-28             | 2024-03-27                  | RULED_OUT
        B          | LUNG                  | 2023-02-28             | 2023-03-28                  | RULED_OUT
        C          | LUNG                  | 2024-02-29             | 2024-03-29                  | RULED_OUT
    """, """
        standard | pathway_id | days | outcome
        FDS      | A          | 28   | within
        FDS      | B          | 28   | within
        FDS      | C          | 29   | breach
    """),
    # §2.2: DTT 01-15 -> surgery 02-15 = 31 within; DTT 05-01 -> 06-08 = 38 - 10 = 28 within.
    Case("31_day_worked_examples", "§2.2, §0 A2", ("31_DAY",), """
        pathway_id | referral_route | suspected_cancer_type | referral_received_date | decision_to_treat_date | first_treatment_date | treatment_adjustment_days
        A          | USC            | LUNG                  | 2023-12-20             | 2024-01-15             | 2024-02-15           | 0
        B          | OTHER          |                       |                        | 2024-05-01             | 2024-06-08           | 10
    """, """
        standard | pathway_id | treatment_number | included | adjustment_days | days | outcome | reporting_period | allocation_rule
        31_DAY   | A          | 1                | true     | 0               | 31   | within  | 2024-02          | treating_provider
        31_DAY   | B          | 1                | true     | 10              | 28   | within  | 2024-06          | treating_provider
    """),
    # Subsequent treatments count one by one at the treating provider; subsequent active
    # monitoring is excluded (platform rule); a treatment still awaited has no row.
    Case("31_day_subsequent_treatments", "§2.2", ("31_DAY",), """
        pathway_id | referral_route | decision_to_treat_date | first_treatment_date | first_treatment_modality
        A          | OTHER          | 2024-01-02             | 2024-01-10           | ACTIVE_MONITORING
    """, """
        standard | pathway_id | treatment_number | included | exclusion_reason                       | days | outcome | accountable_provider_code
        31_DAY   | A          | 1                | true     |                                        | 8    | within  | RAA
        31_DAY   | A          | 2                | true     |                                        | 33   | breach  | RBB
        31_DAY   | A          | 3                | false    | subsequent_active_monitoring_not_counted |    |         | RAA
    """, subsequent="""
        pathway_id | treatment_number | decision_to_treat_date | treatment_date | treatment_provider_code | modality
        A          | 2                | 2024-02-01             | 2024-03-05     | RBB                     | RADIOTHERAPY
        A          | 3                | 2024-04-01             | 2024-04-02     | RAA                     | ACTIVE_MONITORING
        A          | 4                | 2024-05-01             |                | RAA                     | SURGERY
    """),
    # Pre-2023 31-day first (all routes: 01-10 -> 02-11 = 32 breach) and the three
    # subsequent standards by modality; OTHER subsequent treatments are in none of them. A
    # diagnosed pathway closed without treatment is excluded.
    Case("31_day_pre_2023", "§1", ("31_DAY_FIRST", "31_DAY_SUBSEQUENT_SURGERY",
                                    "31_DAY_SUBSEQUENT_DRUG", "31_DAY_SUBSEQUENT_RADIOTHERAPY"),
         """
        pathway_id | referral_route | decision_to_treat_date | first_treatment_date | primary_diagnosis_icd10 | pathway_closed_reason | pathway_closed_date
        A          | OTHER          | 2023-01-10             | 2023-02-11           |                         |                       |
        B          | USC            |                        |                      | C18.7                   | DIED                  | 2023-03-01
    """, """
        standard                       | pathway_id | treatment_number | included | exclusion_reason   | days | outcome
        31_DAY_FIRST                   | A          | 1                | true     |                    | 32   | breach
        31_DAY_FIRST                   | B          | 1                | false    | no_first_treatment |      |
        31_DAY_SUBSEQUENT_SURGERY      | A          | 2                | true     |                    | 31   | within
        31_DAY_SUBSEQUENT_DRUG         | A          | 3                | true     |                    | 5    | within
        31_DAY_SUBSEQUENT_RADIOTHERAPY | A          | 4                | true     |                    | 40   | breach
    """, subsequent="""
        pathway_id | treatment_number | decision_to_treat_date | treatment_date | modality
        A          | 2                | 2023-03-01             | 2023-04-01     | SURGERY
        A          | 3                | 2023-04-10             | 2023-04-15     | ANTICANCER_DRUG
        A          | 4                | 2023-05-01             | 2023-06-10     | RADIOTHERAPY
        A          | 5                | 2023-06-01             | 2023-06-10     | OTHER
    """),
    # §1: suspected acute leukaemia 02-01 -> 03-06 = 33 > 31 breach; testicular 30 within.
    Case("62_day_usc_rare_cancer_rule", "§1", ("62_DAY_USC",), """
        pathway_id | suspected_cancer_type | referral_received_date | decision_to_treat_date | first_treatment_date
        A          | ACUTE_LEUKAEMIA       | 2023-02-01             | 2023-02-20             | 2023-03-06
        B          | TESTICULAR            | 2023-02-01             | 2023-02-20             | 2023-03-03
        C          | LUNG                  | 2023-02-01             | 2023-02-20             | 2023-03-06
    """, """
        standard   | pathway_id | days | limit_days | outcome
        62_DAY_USC | A          | 33   | 31         | breach
        62_DAY_USC | B          | 30   | 31         | within
        62_DAY_USC | C          | 33   | 62         | within
    """),
    # §2.3: 2024-02-15 -> 04-17 = 62 (leap year) within; the same dates in 2023 give 61;
    # upgrade 2024-02-01 -> 04-02 = 61. From October 2023 the rare rule is not applied.
    Case("62_day_worked_examples", "§2.3", ("62_DAY", "62_DAY_USC"), """
        pathway_id | referral_route | suspected_cancer_type | referral_received_date | upgrade_date | decision_to_treat_date | first_treatment_date
        A          | USC            | BREAST                | 2024-02-15             |              | 2024-04-01             | 2024-04-17
        B          | USC            | BREAST                | 2023-02-15             |              | 2023-04-01             | 2023-04-17
        C          | UPGRADE        |                       |                        | 2024-02-01   | 2024-03-20             | 2024-04-02
        D          | USC            | ACUTE_LEUKAEMIA       | 2024-01-02             |              | 2024-02-10             | 2024-02-20
    """, """
        standard   | pathway_id | clock_start | days | limit_days | outcome | accountable_provider_code | share | allocation_rule
        62_DAY     | A          | 2024-02-15  | 62   | 62         | within  | RAA                       | 1.0   | single_provider
        62_DAY_USC | B          | 2023-02-15  | 61   | 62         | within  | RAA                       | 1.0   | single_provider
        62_DAY     | C          | 2024-02-01  | 61   | 62         | within  | RAA                       | 1.0   | single_provider
        62_DAY     | D          | 2024-01-02  | 49   | 62         | within  | RAA                       | 1.0   | single_provider
    """),
    # Pre-2023, breast symptomatic cancers are not in 62-day USC; from October 2023 they are
    # in 62_DAY. Treated 2023-09-30 is old set, 2023-10-01 new (C5). Screening limit 62.
    Case("62_day_routes_and_era", "§1, §2.3, §0 C5",
         ("62_DAY_USC", "62_DAY_SCREENING", "62_DAY"), """
        pathway_id | referral_route | suspected_cancer_type | referral_received_date | decision_to_treat_date | first_treatment_date
        A          | BS             |                       | 2023-03-01             | 2023-03-20             | 2023-04-01
        B          | BS             |                       | 2023-11-01             | 2023-11-20             | 2023-12-01
        C          | USC            | LUNG                  | 2023-08-01             | 2023-09-20             | 2023-09-30
        D          | USC            | LUNG                  | 2023-08-01             | 2023-09-20             | 2023-10-01
        E          | SCREEN         |                       | 2023-01-03             | 2023-03-01             | 2023-03-10
    """, """
        standard         | pathway_id | days | outcome | era       | reporting_period
        62_DAY           | B          | 30   | within  | from_2023 | 2023-12
        62_DAY_USC       | C          | 60   | within  | pre_2023  | 2023-09
        62_DAY           | D          | 61   | within  | from_2023 | 2023-10
        62_DAY_SCREENING | E          | 66   | breach  | pre_2023  | 2023-03
    """),
    # A1 for upgrades only when upgraded on or before first seen (NCL): A resets to 03-05;
    # B was upgraded after first seen, so its clock starts at the upgrade. A2 removes days.
    # D's reset (03-01) is before its upgrade (03-10): A1 only shortens, so the clock starts
    # at the upgrade: 03-10 -> 05-06 = 57 within (using the reset would give 66, a breach).
    Case("62_day_upgrade_reset_and_adjustment", "§0 A1, A2, §2.3",
         ("62_DAY_UPGRADE", "62_DAY"), """
        pathway_id | referral_route | referral_received_date | upgrade_date | first_seen_date | first_seen_clock_reset_date | decision_to_treat_date | first_treatment_date | treatment_adjustment_days
        A          | UPGRADE        |                        | 2023-03-01   | 2023-03-10      | 2023-03-05                  | 2023-04-01             | 2023-05-06           | 0
        B          | UPGRADE        |                        | 2023-03-15   | 2023-03-10      | 2023-03-05                  | 2023-04-01             | 2023-05-06           | 0
        C          | USC            | 2024-01-02             |              | 2024-01-09      |                             | 2024-03-01             | 2024-03-10           | 7
        D          | UPGRADE        |                        | 2023-03-10   | 2023-03-20      | 2023-03-01                  | 2023-04-01             | 2023-05-06           | 0
    """, """
        standard       | pathway_id | clock_start | adjustment_days | days | outcome
        62_DAY_UPGRADE | A          | 2023-03-05  | 0               | 62   | within
        62_DAY_UPGRADE | B          | 2023-03-15  | 0               | 52   | within
        62_DAY         | C          | 2024-01-02  | 7               | 61   | within
        62_DAY_UPGRADE | D          | 2023-03-10  | 0               | 57   | within
    """),
    # §4 examples: clock start 2024-01-02 at RAA (first seen), treated at RBB (submitter).
    # T1 transfer day 34, treated 21 later (55): row 1. T2 day 36 + 37 (73): row 4, RBB.
    # T3 day 55 + 14 (69): row 5, RAA. T4 day 38 + 24 = 62: row 1. T5 day 20 + 30 (50):
    # row 2. T6 day 45 + 10 (55): row 3, RBB. T7 day 45 + 30 (75): row 6. T8 no transfer
    # date: 0.5/0.5. T9 day 38 + 30 (68) less 6 adjustment days = 62 and 24: row 1.
    Case("62_day_inter_provider_transfers", "§4", ("62_DAY",), """
        pathway_id | provider_code | suspected_cancer_type | referral_received_date | first_seen_date | first_seen_provider_code | transfer_received_date | transfer_from_provider_code | decision_to_treat_date | first_treatment_date | treatment_adjustment_days
        T1         | RBB           | LUNG                  | 2024-01-02             | 2024-01-05      | RAA                      | 2024-02-05             | RAA                         | 2024-02-20             | 2024-02-26           | 0
        T2         | RBB           | LUNG                  | 2024-01-02             | 2024-01-05      | RAA                      | 2024-02-07             | RAA                         | 2024-03-01             | 2024-03-15           | 0
        T3         | RBB           | LUNG                  | 2024-01-02             | 2024-01-05      | RAA                      | 2024-02-26             | RAA                         | 2024-03-01             | 2024-03-11           | 0
        T4         | RBB           | LUNG                  | 2024-01-02             | 2024-01-05      | RAA                      | 2024-02-09             | RAA                         | 2024-02-20             | 2024-03-04           | 0
        T5         | RBB           | LUNG                  | 2024-01-02             | 2024-01-05      | RAA                      | 2024-01-22             | RAA                         | 2024-02-10             | 2024-02-21           | 0
        T6         | RBB           | LUNG                  | 2024-01-02             | 2024-01-05      | RAA                      | 2024-02-16             | RAA                         | 2024-02-20             | 2024-02-26           | 0
        T7         | RBB           | LUNG                  | 2024-01-02             | 2024-01-05      | RAA                      | 2024-02-16             | RAA                         | 2024-03-01             | 2024-03-17           | 0
        T8         | RBB           | LUNG                  | 2024-01-02             | 2024-01-05      | RAA                      |                        |                             | 2024-02-20             | 2024-02-26           | 0
        T9         | RBB           | LUNG                  | 2024-01-02             | 2024-01-05      | RAA                      | 2024-02-09             | RAA                         | 2024-03-01             | 2024-03-10           | 6
    """, """
        standard | pathway_id | days | outcome | accountable_provider_code | share | allocation_rule
        62_DAY   | T1         | 55   | within  | RAA                       | 0.5   | ipt_row_1
        62_DAY   | T1         | 55   | within  | RBB                       | 0.5   | ipt_row_1
        62_DAY   | T2         | 73   | breach  | RBB                       | 1.0   | ipt_row_4
        62_DAY   | T3         | 69   | breach  | RAA                       | 1.0   | ipt_row_5
        62_DAY   | T4         | 62   | within  | RAA                       | 0.5   | ipt_row_1
        62_DAY   | T4         | 62   | within  | RBB                       | 0.5   | ipt_row_1
        62_DAY   | T5         | 50   | within  | RAA                       | 0.5   | ipt_row_2
        62_DAY   | T5         | 50   | within  | RBB                       | 0.5   | ipt_row_2
        62_DAY   | T6         | 55   | within  | RBB                       | 1.0   | ipt_row_3
        62_DAY   | T7         | 75   | breach  | RAA                       | 0.5   | ipt_row_6
        62_DAY   | T7         | 75   | breach  | RBB                       | 0.5   | ipt_row_6
        62_DAY   | T8         | 55   | within  | RAA                       | 0.5   | ipt_no_transfer_date
        62_DAY   | T8         | 55   | within  | RBB                       | 0.5   | ipt_no_transfer_date
        62_DAY   | T9         | 62   | within  | RAA                       | 0.5   | ipt_row_1
        62_DAY   | T9         | 62   | within  | RBB                       | 0.5   | ipt_row_1
    """),
    # §4 edge cases. S1: first seen and treated at RAA, with a transfer date: one provider,
    # 1.0. S2: transferred from the treating provider itself: 1.0. N1: first seen at RAA,
    # treated at RBB, no transfer date, a breach (01-02 -> 03-15 = 73): 0.5 / 0.5 breach.
    Case("62_day_same_provider_and_no_transfer_date", "§4", ("62_DAY",), """
        pathway_id | provider_code | suspected_cancer_type | referral_received_date | first_seen_date | first_seen_provider_code | transfer_received_date | transfer_from_provider_code | decision_to_treat_date | first_treatment_date
        S1         | RAA           | LUNG                  | 2024-01-02             | 2024-01-05      | RAA                      | 2024-02-20             |                             | 2024-03-01             | 2024-03-15
        S2         | RBB           | LUNG                  | 2024-01-02             | 2024-01-05      | RAA                      | 2024-02-20             | RBB                         | 2024-03-01             | 2024-03-15
        N1         | RBB           | LUNG                  | 2024-01-02             | 2024-01-05      | RAA                      |                        |                             | 2024-03-01             | 2024-03-15
    """, """
        standard | pathway_id | days | outcome | accountable_provider_code | share | allocation_rule
        62_DAY   | S1         | 73   | breach  | RAA                       | 1.0   | single_provider
        62_DAY   | S2         | 73   | breach  | RBB                       | 1.0   | single_provider
        62_DAY   | N1         | 73   | breach  | RAA                       | 0.5   | ipt_no_transfer_date
        62_DAY   | N1         | 73   | breach  | RBB                       | 0.5   | ipt_no_transfer_date
    """),
    # Issue 13, part 7 (docs/explanation/platform-rules.md #11): a consultant upgrade that
    # moves between trusts with no first-seen provider and no transfer recorded. The
    # submitting trust (RAA) is where the consultant upgraded the patient, so it is the
    # referring provider: U1, treated at RBB, 0.5 / 0.5 (treated 2024-02-01 -> 03-15, 43
    # days, within). U2 treated at the submitting trust itself: one provider. V1 is a USC
    # referral with no first-seen provider: nothing names a second trust, treating 1.0.
    Case("62_day_upgrade_between_trusts_without_first_seen", "§4, §2.3", ("62_DAY",), """
        pathway_id | provider_code | referral_route | suspected_cancer_type | referral_received_date | upgrade_date | decision_to_treat_date | first_treatment_date | first_treatment_provider_code
        U1         | RAA           | UPGRADE        |                       |                        | 2024-02-01   | 2024-03-01             | 2024-03-15           | RBB
        U2         | RAA           | UPGRADE        |                       |                        | 2024-02-01   | 2024-03-01             | 2024-03-15           | RAA
        V1         | RAA           | USC            | LUNG                  | 2024-02-01             |              | 2024-03-01             | 2024-03-15           | RBB
    """, """
        standard | pathway_id | days | outcome | accountable_provider_code | share | allocation_rule
        62_DAY   | U1         | 43   | within  | RAA                       | 0.5   | ipt_no_transfer_date
        62_DAY   | U1         | 43   | within  | RBB                       | 0.5   | ipt_no_transfer_date
        62_DAY   | U2         | 43   | within  | RAA                       | 1.0   | single_provider
        62_DAY   | V1         | 43   | within  | RBB                       | 1.0   | single_provider
    """),
    # Missing dates: treated with no decision to treat is excluded from 31-day (its start is
    # missing), still in 62-day; closed with nobody told and no DTT is excluded from FDS
    # (no stop), in the month it closed; nothing is ever counted as 0 days for a missing date.
    Case("missing_dates", "§0 C1, §3", ("31_DAY", "FDS", "62_DAY"), """
        pathway_id | suspected_cancer_type | referral_received_date | diagnosis_communicated_date | fds_outcome | decision_to_treat_date | first_treatment_date | pathway_closed_reason | pathway_closed_date
        M1         | LUNG                  | 2024-01-02             | 2024-01-20                  | CONFIRMED   |                        | 2024-02-10           |                       |
        M2         | LUNG                  | 2024-01-02             |                             |             |                        |                      | OTHER                 | 2024-03-01
    """, """
        standard | pathway_id | included | exclusion_reason    | days | outcome | reporting_period
        31_DAY   | M1         | false    | missing_clock_start |      |         | 2024-02
        FDS      | M1         | true     |                     | 18   | within  | 2024-01
        62_DAY   | M1         | true     |                     | 39   | within  | 2024-02
        FDS      | M2         | false    | missing_clock_stop  |      |         | 2024-03
    """),
    # Diagnosed but closed without treatment: excluded with its reason, in the month it
    # closed. Still open, or ruled out (no cancer): no 62-day row at all (C6).
    Case("62_day_exclusions", "§0 C6, §2.3", ("62_DAY",), """
        pathway_id | suspected_cancer_type | referral_received_date | primary_diagnosis_icd10 | diagnosis_communicated_date | fds_outcome | pathway_closed_reason | pathway_closed_date
        A          | LOWER_GI              | 2024-01-10             | C18.7                   | 2024-02-01                  | CONFIRMED   | DIED                  | 2024-03-01
        B          | LOWER_GI              | 2024-01-10             | C18.7                   | 2024-02-01                  | CONFIRMED   |                       |
        C          | LOWER_GI              | 2024-01-10             |                         | 2024-02-01                  | RULED_OUT   | RULED_OUT             | 2024-02-01
    """, """
        standard | pathway_id | included | exclusion_reason   | days | outcome | reporting_period | share
        62_DAY   | A          | false    | no_first_treatment |      |         | 2024-03          | 1.0
    """),
]

PTL_CASES = [
    # §5: census 2024-05-31. 03-20 -> 72 days (the contract example); day 62 is not in the
    # backlog, day 63 is; 104 is in 63-104, 105 in >104 and the long-wait subset.
    PtlCase("ptl_bands_and_backlog", "§5", date(2024, 5, 31), """
        pathway_id | referral_route | suspected_cancer_type | referral_received_date
        A          | USC            | UPPER_GI              | 2024-03-20
        B          | USC            | UPPER_GI              | 2024-03-30
        C          | USC            | UPPER_GI              | 2024-03-29
        D          | USC            | UPPER_GI              | 2024-02-17
        E          | USC            | UPPER_GI              | 2024-02-16
        F          | BS             |                       | 2024-05-03
        G          | SCREEN         |                       | 2024-05-04
    """, """
        pathway_id | days_waited | band   | in_62_day_backlog | in_104_day_subset
        A          | 72          | 63-104 | true              | false
        B          | 62          | 29-62  | false             | false
        C          | 63          | 63-104 | true              | false
        D          | 104         | 63-104 | true              | false
        E          | 105         | >104   | true              | true
        F          | 28          | 0-28   | false             | false
        G          | 27          | 0-28   | false             | false
    """),
    # Treated, closed or ruled out on or before the census leave the list; after it they do
    # not. Other routes never appear; nor do referrals after the census. A DNA reset counts
    # once it has happened; upgrades start at the upgrade date.
    PtlCase("ptl_who_is_open", "§5", date(2024, 5, 31), """
        pathway_id | referral_route | suspected_cancer_type | referral_received_date | upgrade_date | first_seen_clock_reset_date | decision_to_treat_date | first_treatment_date | diagnosis_communicated_date | fds_outcome | pathway_closed_reason | pathway_closed_date
        A          | USC            | LUNG                  | 2024-03-01             |              |                             | 2024-05-01             | 2024-05-31           |                             |             |                       |
        B          | USC            | LUNG                  | 2024-03-01             |              |                             | 2024-05-01             | 2024-06-01           |                             |             |                       |
        C          | USC            | LUNG                  | 2024-03-01             |              |                             |                        |                      |                             |             | PATIENT_CHOICE        | 2024-05-20
        D          | USC            | LUNG                  | 2024-03-01             |              |                             |                        |                      | 2024-05-10                  | RULED_OUT   |                       |
        E          | OTHER          |                       | 2024-03-01             |              |                             |                        |                      |                             |             |                       |
        F          | USC            | LUNG                  | 2024-06-01             |              |                             |                        |                      |                             |             |                       |
        G          | USC            | LUNG                  | 2024-03-01             |              | 2024-04-10                  |                        |                      |                             |             |                       |
        H          | USC            | LUNG                  | 2024-05-01             |              | 2024-06-05                  |                        |                      |                             |             |                       |
        I          | UPGRADE        |                       |                        | 2024-04-01   |                             |                        |                      |                             |             |                       |
        J          | USC            | LUNG                  | 2024-03-01             |              |                             |                        |                      | 2024-05-10                  | CONFIRMED   |                       |
    """, """
        pathway_id | clock_start | days_waited | in_62_day_backlog
        B          | 2024-03-01  | 91          | true
        G          | 2024-04-10  | 51          | false
        H          | 2024-05-01  | 30          | false
        I          | 2024-04-01  | 60          | false
        J          | 2024-03-01  | 91          | true
    """),
    # §5 platform rule (NEXT_STEP_DUE_DAY): the next step is the first not recorded by the
    # census, due on clock start + 14 (first seen), 28 (told the diagnosis), 38 (decision to
    # treat), 62 (treatment, or DTT + 31 if earlier). Census 2024-05-31 (May has 31 days).
    # A: 05-20 + 14 = 06-03, 3 days left.   B: 05-01 + 28 = 05-29, 2 days overdue.
    # C: 04-01 + 38 = 05-09 (April has 30), 22 overdue; diagnosed (told CONFIRMED 05-02).
    # D: min(04-01 + 62 = 06-02, DTT 05-10 + 31 = 06-10) = 06-02.
    # E: min(04-20 + 62 = 06-21, DTT 05-03 + 31 = 06-03) = 06-03: the 31 days bind.
    # F: told CONFIRMED on 06-03, after the census: not yet diagnosed; 05-10 + 28 = 06-07.
    # G: a diagnosis date (05-20) but not yet told: diagnosed, next step still the telling.
    # H: an upgrade seen before it was upgraded: clock from 05-01, diagnosis due 05-29.
    PtlCase("ptl_next_step_and_due_date", "§5", date(2024, 5, 31), """
        pathway_id | referral_route | suspected_cancer_type | referral_received_date | upgrade_date | first_seen_date | diagnosis_communicated_date | fds_outcome | diagnosis_date | decision_to_treat_date
        A          | USC            | LUNG                  | 2024-05-20             |              |                 |                             |             |                |
        B          | USC            | LUNG                  | 2024-05-01             |              | 2024-05-10      |                             |             |                |
        C          | USC            | LUNG                  | 2024-04-01             |              | 2024-04-10      | 2024-05-02                  | CONFIRMED   |                |
        D          | USC            | LUNG                  | 2024-04-01             |              | 2024-04-10      | 2024-05-02                  | CONFIRMED   | 2024-04-30     | 2024-05-10
        E          | USC            | LUNG                  | 2024-04-20             |              | 2024-04-25      | 2024-05-01                  | CONFIRMED   | 2024-05-01     | 2024-05-03
        F          | USC            | LUNG                  | 2024-05-10             |              | 2024-05-15      | 2024-06-03                  | CONFIRMED   | 2024-06-03     |
        G          | USC            | LUNG                  | 2024-05-01             |              | 2024-05-05      |                             |             | 2024-05-20     |
        H          | UPGRADE        |                       |                        | 2024-05-01   | 2024-04-20      |                             |             |                |
    """, """
        pathway_id | next_step         | next_step_due | days_to_next_step | diagnosed
        A          | first_seen        | 2024-06-03    | 3                 | false
        B          | diagnosis         | 2024-05-29    | -2                | false
        C          | decision_to_treat | 2024-05-09    | -22               | true
        D          | treatment         | 2024-06-02    | 2                 | true
        E          | treatment         | 2024-06-03    | 3                 | true
        F          | diagnosis         | 2024-06-07    | 7                 | false
        G          | diagnosis         | 2024-05-29    | -2                | true
        H          | diagnosis         | 2024-05-29    | -2                | false
    """),
]

"""The catalogue of validation rules, one code each.

The validator (``cancer_alliance.ingest``) reports each rejected cell under one of these
codes; the synthetic generator's ``--dirty`` mode injects one corruption per code it can
produce; the docs list them. Codes are stable: tools filter rejection reports by them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    code: str
    summary: str  # one line, for docs and report headers
    advice: str  # what the trust analyst should do
    # False for a rule only a workbook can break (a CSV has no formulas): the synthetic
    # generator, which writes CSV, injects every other rule
    in_csv: bool = True


RULES: dict[str, Rule] = {
    r.code: r
    for r in (
        Rule("required", "a required value is blank",
             "fill in the value; the column is required for every row"),
        Rule("required_when", "a value required in this situation is blank",
             "fill in the value, or correct the column that makes it required"),
        Rule("invalid_date", "not a real date written YYYY-MM-DD",
             "write dates as YYYY-MM-DD, for example 2024-05-01"),
        Rule("invalid_code", "not one of the allowed codes",
             "use one of the codes listed for this column (codes are case-sensitive)"),
        Rule("invalid_ods", "not an ODS code of 3 or 5 letters or digits",
             "use the organisation's ODS code, for example RXX or RXX01"),
        Rule("invalid_nhs_number", "not a 10-digit NHS number",
             "give the 10 digits with no spaces or other characters"),
        Rule("nhs_number_check_digit", "the NHS number's check digit is wrong",
             "check the NHS number against the patient record; it has a typing error"),
        Rule("invalid_integer", "not a whole number", "give a whole number such as 0 or 7"),
        Rule("below_minimum", "a number below the allowed minimum",
             "give a number at or above the minimum"),
        Rule("invalid_icd10", "not an ICD-10 code",
             "give the ICD-10 code such as C50.9, C34 or D05.1"),
        Rule("invalid_lsoa", "not an LSOA code", "give E01 followed by 6 digits"),
        Rule("too_long", "longer than allowed", "shorten the value"),
        Rule("date_of_birth_in_future", "date of birth is in the future",
             "correct the date of birth"),
        Rule("date_of_birth_too_old", "date of birth is over 120 years ago",
             "correct the date of birth"),
        Rule("date_before_clock_start", "a pathway date is before the clock start",
             "correct the date or the clock start (referral received or upgrade date)"),
        Rule("treatment_before_decision", "treatment is before the decision to treat",
             "correct the treatment date or the decision-to-treat date"),
        Rule("date_after_period_end", "a date is after the end of the submission's period",
             "dates cannot be in the future of the month submitted; check the date or period"),
        Rule("duplicate_key", "the same key appears more than once in the file",
             "keep one row per key; all copies are rejected until the duplicate is removed"),
        Rule("wrong_provider", "provider_code is not the submitting provider",
             "submit each provider's rows under that provider's own submission"),
        Rule("unknown_pathway", "the row refers to a pathway the platform does not have",
             "include the pathway in pathways.csv of this or an earlier submission"),
        Rule("formula_without_value", "an .xlsx formula cell has no saved value",
             "open the workbook in Excel and save it, so each formula's value is saved with "
             "it, or paste the values in place of the formulas", in_csv=False),
    )
}

# Rules a CSV file can break: the ones the synthetic generator's --dirty mode injects.
CSV_RULES = frozenset(code for code, rule in RULES.items() if rule.in_csv)

# Rules only the capacity dataset's checks use (docs/reference/capacity-dataset.md). Kept out
# of RULES, which is the pathway dataset's catalogue (its page, and the generator's dirty
# mode, which injects every CSV rule of it into pathway files).
CAPACITY_RULES: dict[str, Rule] = {
    r.code: r
    for r in (
        Rule("invalid_month", "not a month written YYYY-MM",
             "write the month as YYYY-MM, for example 2024-05"),
        Rule("wrong_period", "the row's month is not the submission's month",
             "send each month's figures in that month's submission"),
        Rule("invalid_number", "not a number",
             "give a number such as 12 or 12.5, with no units or commas"),
        Rule("part_exceeds_total", "a part is larger than the total it is part of",
             "correct the part or the total: cancer activity is part of all activity"),
    )
}

# Every rule a validator may report, for looking up a rule's words by its code.
ALL_RULES: dict[str, Rule] = RULES | CAPACITY_RULES

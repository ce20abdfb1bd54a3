"""Declarative description of every column of the pathway dataset, version 1.

This module *is* ``shared/spec/pathway-dataset.md`` in code. One list of :class:`Column`
per file drives:

* parsing (``kind`` says how a text cell becomes a typed value),
* validation (``codes``, ``required`` and ``required_when`` become vectorised checks),
* the store's DDL (``sql_type``),
* the generated reference page ``docs/reference/dataset.md``.

``required_when`` is a SQL predicate over the *typed* row (column names as in the file),
with ``required_words`` saying the same thing in plain English for error messages and docs.
Change this file only together with a new version of the spec.
"""

from __future__ import annotations

from dataclasses import dataclass

from cancer_alliance.dataset import codes

DATASET_VERSION = 1

# How a cell is read and checked. Each kind has one parser and one format rule.
KINDS = {
    "ods": "ODS organisation code: 3 or 5 letters or digits",
    "text": "free text",
    "nhs_number": "10-digit NHS number passing the modulus 11 check digit",
    "date": "date written YYYY-MM-DD",
    "code": "one value of a code list",
    "icd10": "ICD-10 code: a letter, 2 digits, optionally '.' and 1-2 more characters",
    "lsoa": "LSOA code: E01 followed by 6 digits",
    "integer": "whole number",
}
# Kinds only the capacity dataset uses (docs/reference/capacity-dataset.md); kept apart so
# the pathway dataset's page lists only the kinds its columns have.
CAPACITY_KINDS = {
    "month": "month written YYYY-MM",
    "decimal": "number, optionally with a decimal point, such as 12 or 12.5",
}
ALL_KINDS = KINDS | CAPACITY_KINDS

SQL_TYPE = {
    "ods": "VARCHAR",
    "text": "VARCHAR",
    "nhs_number": "VARCHAR",
    "date": "DATE",
    "code": "VARCHAR",
    "icd10": "VARCHAR",
    "lsoa": "VARCHAR",
    "integer": "INTEGER",
    "month": "VARCHAR",
    "decimal": "DOUBLE",
}


@dataclass(frozen=True)
class Column:
    """One column of one file of the submission."""

    name: str
    kind: str
    meaning: str
    required: bool = False
    required_when: str | None = None  # SQL predicate over typed columns
    required_words: str | None = None  # the same condition in words
    codes: tuple[str, ...] | None = None
    max_length: int | None = None
    min_value: int | None = None
    default: str | None = None  # value used when the cell is blank

    @property
    def sql_type(self) -> str:
        return SQL_TYPE[self.kind]

    @property
    def requirement(self) -> str:
        """Plain-words requirement, as the spec's 'required' column writes it."""
        if self.required:
            return "yes"
        if self.required_when:
            return self.required_words or self.required_when
        return "no" if self.default is None else f"no, default {self.default}"


@dataclass(frozen=True)
class Table:
    """One file of a submission (``pathways.csv`` etc.) and its stored table."""

    name: str
    file_name: str
    one_row_per: str
    required: bool
    columns: tuple[Column, ...]
    key: tuple[str, ...]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


def _ods(name: str, meaning: str, **kw) -> Column:
    return Column(name, "ods", meaning, **kw)


def _date(name: str, meaning: str, **kw) -> Column:
    return Column(name, "date", meaning, **kw)


def _code(name: str, values: tuple[str, ...], meaning: str, **kw) -> Column:
    return Column(name, "code", meaning, codes=values, **kw)


CANCER_DIAGNOSED = "(fds_outcome = 'CONFIRMED' OR first_treatment_date IS NOT NULL)"

PROVIDER_CODE = _ods("provider_code", "the submitting provider", required=True)
PATHWAY_ID = Column(
    "pathway_id", "text", "the provider's own identifier; unique within the provider",
    required=True, max_length=40,
)

PATHWAYS = Table(
    name="pathways",
    file_name="pathways.csv",
    one_row_per="cancer pathway: a patient's journey from referral (or decision to treat) to "
    "first treatment or to cancer being ruled out",
    required=True,
    key=("provider_code", "pathway_id"),
    columns=(
        PROVIDER_CODE,
        PATHWAY_ID,
        Column("nhs_number", "nhs_number", "must pass the NHS number check digit (modulus 11)",
               required=True),
        _date("date_of_birth", "the patient's date of birth", required=True),
        _code("sex", codes.SEX, "person stated gender: 1 male, 2 female, 9 indeterminate, "
              "0 not known", required=True),
        _code("ethnic_category", codes.ETHNIC_CATEGORY,
              "NHS Data Dictionary ethnic category A-S, Z not stated, 99 not known"),
        Column("lsoa_code", "lsoa", "patient's lower-layer super output area, for deprivation"),
        _ods("gp_practice_code", "the patient's registered GP practice"),
        _ods("commissioner_code", "the patient's responsible commissioner (sub-ICB or ICB)",
             required=True),
        _code("referral_route", codes.REFERRAL_ROUTE,
              "USC urgent suspected cancer; BS breast symptoms, cancer not initially suspected; "
              "SCREEN national screening programme; UPGRADE consultant upgrade; OTHER any other",
              required=True),
        _code("suspected_cancer_type", codes.CANCER_TYPE, "the referral's suspected cancer type",
              required_when="referral_route = 'USC'", required_words="for USC"),
        _date("referral_received_date", "the date the provider received the referral: clock "
              "start of the two-week-wait, 28-day and 62-day standards",
              required_when="referral_route IN ('USC', 'BS', 'SCREEN')",
              required_words="for USC, BS, SCREEN"),
        _date("upgrade_date", "the date a consultant upgraded the patient onto the pathway: its "
              "62-day clock start", required_when="referral_route = 'UPGRADE'",
              required_words="for UPGRADE"),
        _date("first_seen_date", "the first attendance for the referral (outpatient or "
              "straight-to-test)"),
        _ods("first_seen_provider_code", "the provider where the patient was first seen",
             required_when="first_seen_date IS NOT NULL", required_words="with first_seen_date"),
        _date("first_seen_clock_reset_date", "the new clock start after a first-appointment DNA, "
              "where the rules allow the reset"),
        _date("diagnosis_communicated_date", "the date the patient was told cancer was diagnosed "
              "or ruled out: the 28-day Faster Diagnosis Standard clock stop"),
        _code("fds_outcome", codes.FDS_OUTCOME, "CONFIRMED cancer diagnosed, RULED_OUT cancer "
              "ruled out", required_when="diagnosis_communicated_date IS NOT NULL",
              required_words="with diagnosis_communicated_date"),
        _code("fds_exclusion", codes.FDS_EXCLUSION, "why the pathway is excluded from the 28-day "
              "standard: DIED, DECLINED or OTHER"),
        Column("primary_diagnosis_icd10", "icd10", "ICD-10 code of the diagnosed cancer",
               required_when=CANCER_DIAGNOSED, required_words="when cancer is diagnosed"),
        _date("diagnosis_date", "date of cancer diagnosis", required_when=CANCER_DIAGNOSED,
              required_words="when cancer is diagnosed"),
        _code("stage_group", codes.STAGE_GROUP, "stage group at diagnosis: 0-4, U unknown, "
              "NA not stageable"),
        _date("decision_to_treat_date", "the 31-day clock start",
              required_when="first_treatment_date IS NOT NULL",
              required_words="with a first treatment"),
        _date("first_treatment_date", "first definitive treatment: the 31-day and 62-day clock "
              "stop"),
        _ods("first_treatment_provider_code", "the provider that gave the first treatment",
             required_when="first_treatment_date IS NOT NULL",
             required_words="with first_treatment_date"),
        _code("first_treatment_modality", codes.MODALITY, "the kind of first treatment",
              required_when="first_treatment_date IS NOT NULL",
              required_words="with first_treatment_date"),
        Column("treatment_adjustment_days", "integer", "days the waiting time is adjusted where "
               "the rules allow (declined reasonable offer of admitted treatment)",
               min_value=0, default="0"),
        _date("transfer_received_date", "the date the treating provider received an "
              "inter-provider transfer of the pathway"),
        _ods("transfer_from_provider_code", "the referring provider that transferred the patient",
             required_when="transfer_received_date IS NOT NULL",
             required_words="with transfer_received_date"),
        _code("pathway_closed_reason", codes.CLOSED_REASON, "why the pathway closed; blank while "
              "open"),
        _date("pathway_closed_date", "when the pathway closed",
              required_when="pathway_closed_reason IS NOT NULL",
              required_words="with pathway_closed_reason"),
    ),
)

SUBSEQUENT_TREATMENTS = Table(
    name="subsequent_treatments",
    file_name="subsequent_treatments.csv",
    one_row_per="a second or later treatment of a pathway",
    required=False,
    key=("provider_code", "pathway_id", "treatment_number"),
    columns=(
        PROVIDER_CODE,
        PATHWAY_ID,
        Column("treatment_number", "integer", "2 for the second treatment, and so on",
               required=True, min_value=2),
        _date("decision_to_treat_date", "decision to treat, or the earliest clinically "
              "appropriate date where that applies: the 31-day clock start", required=True),
        _date("treatment_date", "clock stop; blank while waiting"),
        _ods("treatment_provider_code", "the provider giving the treatment", required=True),
        _code("modality", codes.MODALITY, "the kind of treatment", required=True),
        Column("adjustment_days", "integer", "permitted treatment adjustment in days",
               min_value=0, default="0"),
    ),
)

RECOVERY_EVENTS = Table(
    name="recovery_events",
    file_name="recovery_events.csv",
    one_row_per="a Recovery Package or follow-up event of a pathway",
    required=False,
    key=("provider_code", "pathway_id", "event", "event_date"),
    columns=(
        PROVIDER_CODE,
        PATHWAY_ID,
        _code("event", codes.RECOVERY_EVENT, "HNA holistic needs assessment; CARE_PLAN; "
              "TREATMENT_SUMMARY sent to the GP; CANCER_CARE_REVIEW by the GP; SFU_ASSIGNED "
              "personalised stratified follow-up assigned", required=True),
        _date("event_date", "when the event happened", required=True),
        _code("follow_up_stratum", codes.FOLLOW_UP_STRATUM, "the follow-up pathway assigned",
              required_when="event = 'SFU_ASSIGNED'", required_words="for SFU_ASSIGNED"),
    ),
)

DEATHS = Table(
    name="deaths",
    file_name="deaths.csv",
    one_row_per="a patient's date of death, as linked from the national registers",
    required=False,
    key=("nhs_number",),
    columns=(
        Column("nhs_number", "nhs_number", "the patient's NHS number", required=True),
        _date("date_of_death", "date of death", required=True),
    ),
)

TABLES: tuple[Table, ...] = (PATHWAYS, SUBSEQUENT_TREATMENTS, RECOVERY_EVENTS, DEATHS)


def table(name: str) -> Table:
    """The table called ``name`` (``pathways``) or stored in ``file`` (``pathways.csv``)."""
    for t in TABLES:
        if name in (t.name, t.file_name, t.file_name.removesuffix(".csv")):
            return t
    raise KeyError(name)

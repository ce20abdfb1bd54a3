"""What the synthetic alliance is calibrated to: every national figure in one place.

The numbers are round approximations of published England figures (NHS England monthly
Cancer Waiting Times 2023-25, NDRS stage and survival statistics, ONS mid-year populations,
Census 2021). They are for realistic *shape*, not for analysis: the generator draws around
them, and ``python -m cancer_alliance.generate.calibration`` prints how close a run comes.
``NATIONAL_FIGURES`` is the table the docs page shows.

The waiting-time figures (FDS, 31-day and 62-day performance, subsequent treatments,
consultant upgrades, the mix of first treatments) are not round targets: they are checked
against NHS England's real published files by ``python -m cancer_alliance.published.calibration``,
and the waits, route mix and subsequent-treatment shape below are tuned to pass it.
"""

from __future__ import annotations

# Headline national figures the generator aims at (name -> (target, how measured)).
NATIONAL_FIGURES: dict[str, tuple[float, str]] = {
    "usc_referrals_per_year": (3_000_000, "urgent suspected cancer referrals a year, England "
                               "(2023 level; growth lifts later years)"),
    "conversion_rate": (0.06, "cancers diagnosed per urgent suspected cancer referral"),
    "transfer_share": (0.20, "treated 62-day patients with an inter-provider transfer"),
    "dna_share": (0.025, "first appointments not attended (clock reset)"),
    "adjustment_share": (0.02, "treated patients with a treatment adjustment"),
    "subsequent_share": (0.45, "treated patients with a subsequent treatment (0.8 subsequent "
                         "treatments per first treatment, as published)"),
    "early_stage_share": (0.58, "stage 1-2 among cancers staged 1-4"),
    "one_year_survival": (0.73, "observed 1-year survival of diagnosed patients"),
    "growth_per_year": (0.05, "year-on-year growth in urgent referrals"),
}

# Urgent referrals per head of population per month (3.0M a year / 57M people).
USC_RATE_PER_HEAD_MONTH = 3_000_000 / 57_000_000 / 12
GROWTH_PER_YEAR = 0.05

# Seasonality of referrals by calendar month (August and December dip).
SEASONALITY = (1.00, 0.98, 1.05, 0.96, 1.02, 1.03, 1.04, 0.90, 1.02, 1.05, 1.03, 0.86)

# Relative weight of each weekday (Mon..Sun) for referral dates.
WEEKDAY_WEIGHTS = (1.10, 1.05, 1.0, 1.0, 0.95, 0.07, 0.04)

# Route mix of all pathways (shares of the pathways records, not of USC alone).
ROUTE_MIX = {"USC": 0.855, "BS": 0.045, "SCREEN": 0.059, "UPGRADE": 0.0258, "OTHER": 0.0152}
# Probability that a pathway of each route is cancer (OTHER pathways start at decision to treat).
ROUTE_CONVERSION = {"BS": 0.015, "SCREEN": 0.08, "UPGRADE": 0.75, "OTHER": 1.0}

# Suspected cancer type mix of USC referrals and each type's conversion rate.
USC_TYPE_MIX = {
    "SKIN": 0.200, "LOWER_GI": 0.190, "BREAST": 0.160, "UROLOGICAL": 0.100,
    "GYNAECOLOGICAL": 0.090, "HEAD_AND_NECK": 0.080, "UPPER_GI": 0.070, "LUNG": 0.030,
    "HAEMATOLOGICAL": 0.015, "NON_SPECIFIC_SYMPTOMS": 0.020, "OTHER": 0.012,
    "BRAIN_CNS": 0.007, "CHILDREN": 0.008, "SARCOMA": 0.007, "TESTICULAR": 0.006,
    "ACUTE_LEUKAEMIA": 0.005,
}
USC_TYPE_CONVERSION = {
    "SKIN": 0.060, "LOWER_GI": 0.030, "BREAST": 0.055, "UROLOGICAL": 0.150,
    "GYNAECOLOGICAL": 0.040, "HEAD_AND_NECK": 0.030, "UPPER_GI": 0.045, "LUNG": 0.180,
    "HAEMATOLOGICAL": 0.120, "NON_SPECIFIC_SYMPTOMS": 0.070, "OTHER": 0.080,
    "BRAIN_CNS": 0.030, "CHILDREN": 0.010, "SARCOMA": 0.050, "TESTICULAR": 0.060,
    "ACUTE_LEUKAEMIA": 0.250,
}

# Diagnosed sites: ICD-10 codes, stage mix (0,1,2,3,4,U,NA), 1-year survival by stage
# (1,2,3,4, unknown/NA), first-treatment modality mix, and subsequent-treatment chance.
STAGES = ("0", "1", "2", "3", "4", "U", "NA")
MODALITIES = ("SURGERY", "ANTICANCER_DRUG", "RADIOTHERAPY", "ACTIVE_MONITORING", "PALLIATIVE",
              "OTHER")

SITES: dict[str, dict] = {
    "breast": dict(icd=("C50.9", "C50.4", "C50.8", "D05.1"), icd_p=(0.6, 0.2, 0.15, 0.05),
                   stage=(0.05, 0.42, 0.36, 0.09, 0.04, 0.04, 0.0),
                   surv=(0.99, 0.98, 0.93, 0.66, 0.85),
                   mod=(0.80, 0.12, 0.02, 0.03, 0.02, 0.01), sub=0.70),
    "colorectal": dict(icd=("C18.7", "C18.2", "C19", "C20"), icd_p=(0.3, 0.3, 0.1, 0.3),
                       stage=(0.0, 0.16, 0.24, 0.28, 0.22, 0.10, 0.0),
                       surv=(0.97, 0.94, 0.88, 0.45, 0.65),
                       mod=(0.62, 0.18, 0.10, 0.03, 0.06, 0.01), sub=0.45),
    "oesophagogastric": dict(icd=("C15.9", "C16.9"), icd_p=(0.55, 0.45),
                             stage=(0.0, 0.10, 0.14, 0.28, 0.38, 0.10, 0.0),
                             surv=(0.85, 0.70, 0.50, 0.20, 0.35),
                             mod=(0.25, 0.45, 0.08, 0.02, 0.19, 0.01), sub=0.45),
    "pancreas": dict(icd=("C25.9", "C22.0"), icd_p=(0.7, 0.3),
                     stage=(0.0, 0.07, 0.10, 0.18, 0.50, 0.15, 0.0),
                     surv=(0.70, 0.50, 0.35, 0.12, 0.20),
                     mod=(0.15, 0.45, 0.03, 0.02, 0.34, 0.01), sub=0.30),
    "lung": dict(icd=("C34.1", "C34.3", "C34.9"), icd_p=(0.4, 0.3, 0.3),
                 stage=(0.0, 0.18, 0.08, 0.18, 0.48, 0.08, 0.0),
                 surv=(0.88, 0.74, 0.50, 0.20, 0.35),
                 mod=(0.20, 0.38, 0.22, 0.02, 0.17, 0.01), sub=0.40),
    "melanoma": dict(icd=("C43.5", "C43.6", "C43.7", "D03.5"), icd_p=(0.35, 0.3, 0.3, 0.05),
                     stage=(0.05, 0.60, 0.20, 0.08, 0.03, 0.04, 0.0),
                     surv=(0.995, 0.98, 0.90, 0.60, 0.90),
                     mod=(0.94, 0.03, 0.01, 0.01, 0.005, 0.005), sub=0.25),
    "nmsc": dict(icd=("C44.3", "C44.5"), icd_p=(0.6, 0.4),
                 stage=(0.0, 0.0, 0.0, 0.0, 0.0, 0.05, 0.95),
                 surv=(0.98, 0.98, 0.98, 0.98, 0.98),
                 mod=(0.92, 0.01, 0.04, 0.02, 0.005, 0.005), sub=0.10),
    "prostate": dict(icd=("C61",), icd_p=(1.0,),
                     stage=(0.0, 0.30, 0.18, 0.24, 0.20, 0.08, 0.0),
                     surv=(0.995, 0.99, 0.97, 0.82, 0.93),
                     mod=(0.20, 0.30, 0.20, 0.25, 0.04, 0.01), sub=0.45),
    "bladder_kidney": dict(icd=("C67.9", "C64"), icd_p=(0.55, 0.45),
                           stage=(0.05, 0.38, 0.18, 0.15, 0.16, 0.08, 0.0),
                           surv=(0.96, 0.88, 0.70, 0.35, 0.65),
                           mod=(0.72, 0.12, 0.05, 0.05, 0.05, 0.01), sub=0.40),
    "testis": dict(icd=("C62.9",), icd_p=(1.0,), stage=(0.0, 0.65, 0.18, 0.12, 0.0, 0.05, 0.0),
                   surv=(0.99, 0.98, 0.95, 0.90, 0.96),
                   mod=(0.95, 0.03, 0.01, 0.0, 0.0, 0.01), sub=0.45),
    "gynaecological": dict(icd=("C54.1", "C56", "C53.9"), icd_p=(0.5, 0.3, 0.2),
                           stage=(0.0, 0.45, 0.12, 0.20, 0.15, 0.08, 0.0),
                           surv=(0.98, 0.92, 0.78, 0.50, 0.70),
                           mod=(0.72, 0.15, 0.07, 0.01, 0.04, 0.01), sub=0.50),
    "head_and_neck": dict(icd=("C32.9", "C01", "C73"), icd_p=(0.35, 0.35, 0.30),
                          stage=(0.0, 0.25, 0.18, 0.17, 0.32, 0.08, 0.0),
                          surv=(0.96, 0.92, 0.82, 0.62, 0.75),
                          mod=(0.55, 0.10, 0.30, 0.01, 0.03, 0.01), sub=0.50),
    "lymphoma_myeloma": dict(icd=("C83.3", "C85.9", "C90.0", "C91.1"), icd_p=(0.3, 0.2, 0.3, 0.2),
                             stage=(0.0, 0.12, 0.12, 0.12, 0.18, 0.06, 0.40),
                             surv=(0.94, 0.90, 0.84, 0.76, 0.80),
                             mod=(0.05, 0.65, 0.05, 0.20, 0.04, 0.01), sub=0.50),
    "acute_leukaemia": dict(icd=("C92.0", "C91.0"), icd_p=(0.7, 0.3),
                            stage=(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0),
                            surv=(0.55, 0.55, 0.55, 0.55, 0.55),
                            mod=(0.0, 0.85, 0.0, 0.0, 0.14, 0.01), sub=0.70),
    "brain": dict(icd=("C71.9",), icd_p=(1.0,), stage=(0.0, 0.0, 0.0, 0.0, 0.0, 0.1, 0.9),
                  surv=(0.45, 0.45, 0.45, 0.45, 0.45),
                  mod=(0.55, 0.05, 0.25, 0.05, 0.09, 0.01), sub=0.60),
    "sarcoma": dict(icd=("C49.9", "C40.2"), icd_p=(0.75, 0.25),
                    stage=(0.0, 0.30, 0.25, 0.20, 0.15, 0.10, 0.0),
                    surv=(0.96, 0.92, 0.80, 0.50, 0.75),
                    mod=(0.75, 0.10, 0.10, 0.01, 0.03, 0.01), sub=0.50),
    "childrens": dict(icd=("C91.0", "C71.6", "C74.9"), icd_p=(0.4, 0.3, 0.3),
                      stage=(0.0, 0.0, 0.0, 0.0, 0.0, 0.05, 0.95),
                      surv=(0.92, 0.92, 0.92, 0.92, 0.92),
                      mod=(0.25, 0.65, 0.05, 0.0, 0.04, 0.01), sub=0.70),
    "unknown_primary": dict(icd=("C80.9", "C45.0", "C26.9"), icd_p=(0.5, 0.3, 0.2),
                            stage=(0.0, 0.02, 0.05, 0.13, 0.45, 0.35, 0.0),
                            surv=(0.80, 0.60, 0.40, 0.20, 0.25),
                            mod=(0.15, 0.35, 0.10, 0.05, 0.34, 0.01), sub=0.25),
}
SITE_NAMES = tuple(SITES)

# Which site a diagnosed cancer is, by suspected type (USC) or route.
SITE_OF_TYPE: dict[str, dict[str, float]] = {
    "BREAST": {"breast": 0.97, "unknown_primary": 0.03},
    "LOWER_GI": {"colorectal": 0.90, "unknown_primary": 0.05, "gynaecological": 0.05},
    "UPPER_GI": {"oesophagogastric": 0.55, "pancreas": 0.40, "unknown_primary": 0.05},
    "LUNG": {"lung": 0.93, "unknown_primary": 0.07},
    "SKIN": {"melanoma": 0.40, "nmsc": 0.58, "head_and_neck": 0.02},
    "UROLOGICAL": {"prostate": 0.62, "bladder_kidney": 0.36, "unknown_primary": 0.02},
    "GYNAECOLOGICAL": {"gynaecological": 0.95, "colorectal": 0.05},
    "HEAD_AND_NECK": {"head_and_neck": 0.95, "lymphoma_myeloma": 0.05},
    "HAEMATOLOGICAL": {"lymphoma_myeloma": 0.95, "acute_leukaemia": 0.05},
    "BRAIN_CNS": {"brain": 1.0},
    "SARCOMA": {"sarcoma": 1.0},
    "CHILDREN": {"childrens": 1.0},
    "TESTICULAR": {"testis": 1.0},
    "ACUTE_LEUKAEMIA": {"acute_leukaemia": 1.0},
    "NON_SPECIFIC_SYMPTOMS": {"pancreas": 0.2, "colorectal": 0.2, "lung": 0.2,
                              "lymphoma_myeloma": 0.15, "unknown_primary": 0.25},
    "OTHER": {"unknown_primary": 0.5, "sarcoma": 0.1, "head_and_neck": 0.2, "brain": 0.2},
    # routes other than USC
    "_BS": {"breast": 1.0},
    "_SCREEN": {"breast": 0.45, "colorectal": 0.45, "gynaecological": 0.10},
    "_UPGRADE": {"lung": 0.2, "colorectal": 0.2, "oesophagogastric": 0.1, "pancreas": 0.1,
                 "lymphoma_myeloma": 0.15, "bladder_kidney": 0.1, "unknown_primary": 0.15},
    "_OTHER": {"breast": 0.2, "prostate": 0.15, "colorectal": 0.15, "lung": 0.1,
               "lymphoma_myeloma": 0.15, "bladder_kidney": 0.1, "brain": 0.05,
               "sarcoma": 0.05, "unknown_primary": 0.05},
}

# Tumour groups that wait longer for diagnosis and treatment (multiplier on the waits).
SITE_SPEED = {
    "breast": 0.8, "colorectal": 1.25, "oesophagogastric": 1.1, "pancreas": 1.0, "lung": 1.1,
    "melanoma": 0.85, "nmsc": 0.9, "prostate": 1.35, "bladder_kidney": 1.2, "testis": 0.6,
    "gynaecological": 1.2, "head_and_neck": 1.15, "lymphoma_myeloma": 1.0,
    "acute_leukaemia": 0.3, "brain": 0.8, "sarcoma": 1.1, "childrens": 0.4,
    "unknown_primary": 1.1,
}
TYPE_SPEED = {  # diagnosis speed for ruled-out referrals, by suspected type
    "SKIN": 0.75, "BREAST": 0.55, "LOWER_GI": 1.25, "UPPER_GI": 1.05, "LUNG": 1.0,
    "UROLOGICAL": 1.3, "GYNAECOLOGICAL": 1.2, "HEAD_AND_NECK": 1.0, "HAEMATOLOGICAL": 0.9,
    "BRAIN_CNS": 0.8, "SARCOMA": 1.0, "CHILDREN": 0.5, "TESTICULAR": 0.6,
    "ACUTE_LEUKAEMIA": 0.3, "NON_SPECIFIC_SYMPTOMS": 1.2, "OTHER": 1.0,
}

# Ethnic category mix (NHS Data Dictionary codes), roughly Census 2021 England.
ETHNIC_MIX = {
    "A": 0.730, "B": 0.009, "C": 0.060, "D": 0.006, "E": 0.003, "F": 0.006, "G": 0.008,
    "H": 0.030, "J": 0.025, "K": 0.010, "L": 0.015, "M": 0.022, "N": 0.013, "P": 0.005,
    "R": 0.004, "S": 0.016, "Z": 0.028, "99": 0.010,
}

# ESP 2013 age bands used in populations.csv and England's population share in each.
AGE_BANDS = ("0-4", "5-9", "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44",
             "45-49", "50-54", "55-59", "60-64", "65-69", "70-74", "75-79", "80-84", "85-89",
             "90+")
AGE_BAND_SHARE = (0.056, 0.060, 0.061, 0.057, 0.060, 0.066, 0.069, 0.067, 0.064, 0.063,
                  0.068, 0.066, 0.058, 0.050, 0.049, 0.036, 0.026, 0.015, 0.009)

# Waiting-time shape (days), before provider and site multipliers.
FIRST_SEEN_MEDIAN = 9.0
RULED_OUT_MEDIAN = 18.2  # clock start to being told cancer is ruled out
CONFIRMED_MEDIAN = 24.5  # clock start to being told cancer is confirmed
DIAGNOSIS_SIGMA = 0.55
DTT_MEDIAN = 8.0  # told -> decision to treat
TREAT_MEDIAN = 11.5  # decision to treat -> first treatment
TREAT_SIGMA = 0.75
PROVIDER_SPEED_RANGE = (0.78, 1.38)  # fastest and slowest trusts
LOST_SHARE = 0.03  # referrals that stall for months (the long-wait backlog)
DNA_SHARE = 0.025
ADJUSTMENT_SHARE = 0.02
TRANSFER_SHARE = 0.20
UPGRADE_BEFORE_FIRST_SEEN = 0.25  # upgraded at triage, before the first attendance
UPGRADE_DIAGNOSIS_SPEED = 0.65  # upgrades come late in the work-up: less left to do
SUBSEQUENT_GAP_MEDIAN = 13.5  # decision to treat -> subsequent treatment (days)
SUBSEQUENT_GAP_SIGMA = 0.7
SUBSEQUENT_MORE = 0.42  # chance each subsequent treatment is the last (geometric)
SUBSEQUENT_MAX = 5
RECOVERY_COVERAGE_RANGE = (0.35, 0.9)  # share of treated patients with an HNA, by trust

"""Code lists of the pathway dataset (``pathway-dataset.md``), one tuple per list.

Codes are case-sensitive as the spec writes them.
"""

SEX = ("1", "2", "9", "0")
SEX_LABELS = {"1": "Male", "2": "Female", "9": "Indeterminate", "0": "Not known"}

# NHS Data Dictionary ethnic category: A-S (no I, O, Q in the 2001 census list), Z not stated,
# 99 not known.
ETHNIC_CATEGORY = (
    "A", "B", "C", "D", "E", "F", "G", "H", "J", "K", "L", "M", "N", "P", "R", "S", "Z", "99",
)
ETHNIC_GROUP_OF_CATEGORY = {
    "A": "White", "B": "White", "C": "White",
    "D": "Mixed", "E": "Mixed", "F": "Mixed", "G": "Mixed",
    "H": "Asian", "J": "Asian", "K": "Asian", "L": "Asian",
    "M": "Black", "N": "Black", "P": "Black",
    "R": "Other", "S": "Other",
    "Z": "Not stated", "99": "Not known",
}

REFERRAL_ROUTE = ("USC", "BS", "SCREEN", "UPGRADE", "OTHER")
CANCER_TYPE = (
    "BREAST", "LOWER_GI", "UPPER_GI", "LUNG", "SKIN", "UROLOGICAL", "GYNAECOLOGICAL",
    "HEAD_AND_NECK", "HAEMATOLOGICAL", "BRAIN_CNS", "SARCOMA", "CHILDREN", "TESTICULAR",
    "ACUTE_LEUKAEMIA", "NON_SPECIFIC_SYMPTOMS", "OTHER",
)

FDS_OUTCOME = ("CONFIRMED", "RULED_OUT")
FDS_EXCLUSION = ("DIED", "DECLINED", "OTHER")
STAGE_GROUP = ("0", "1", "2", "3", "4", "U", "NA")
MODALITY = (
    "SURGERY", "ANTICANCER_DRUG", "RADIOTHERAPY", "ACTIVE_MONITORING", "PALLIATIVE", "OTHER",
)
CLOSED_REASON = ("TREATED", "RULED_OUT", "DIED", "PATIENT_CHOICE", "OTHER")
RECOVERY_EVENT = ("HNA", "CARE_PLAN", "TREATMENT_SUMMARY", "CANCER_CARE_REVIEW", "SFU_ASSIGNED")
FOLLOW_UP_STRATUM = ("SUPPORTED_SELF_MANAGEMENT", "SHARED_CARE", "PROFESSIONAL_LED")

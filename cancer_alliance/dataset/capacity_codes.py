"""Code lists of the capacity dataset: diagnostic modalities, treatment resources, staff groups.

The capacity dataset (``docs/reference/capacity-dataset.md``) reports, for each provider and
month, activity and capacity by these codes. The pathway simulation uses the same codes for
the resources its patients queue for, so a scenario's capacity and a trust's submitted
capacity speak the same language.
"""

# Diagnostic modalities (NHS England's DM01 test names, grouped as cancer pathways use them).
DIAGNOSTIC_MODALITY = (
    "CT", "MRI", "NOUS", "COLONOSCOPY", "FLEXI_SIGMOIDOSCOPY", "GASTROSCOPY", "PATHOLOGY",
)
DIAGNOSTIC_MODALITY_LABELS = {
    "CT": "Computed tomography",
    "MRI": "Magnetic resonance imaging",
    "NOUS": "Non-obstetric ultrasound",
    "COLONOSCOPY": "Colonoscopy",
    "FLEXI_SIGMOIDOSCOPY": "Flexible sigmoidoscopy",
    "GASTROSCOPY": "Gastroscopy",
    "PATHOLOGY": "Biopsy and pathology reporting",
}

# Treatment resources, and the first-treatment modality of the pathway dataset each serves.
TREATMENT_RESOURCE = ("SURGERY", "SACT", "RADIOTHERAPY")
TREATMENT_RESOURCE_LABELS = {
    "SURGERY": "Surgery (theatre sessions)",
    "SACT": "Systemic anti-cancer therapy (chair sessions)",
    "RADIOTHERAPY": "Radiotherapy (fractions)",
}
RESOURCE_OF_MODALITY = {
    "SURGERY": "SURGERY", "ANTICANCER_DRUG": "SACT", "RADIOTHERAPY": "RADIOTHERAPY",
}

STAFF_GROUP = (
    "RADIOLOGIST", "HISTOPATHOLOGIST", "ENDOSCOPIST", "ONCOLOGIST", "CLINICAL_NURSE_SPECIALIST",
)

STAFF_GROUP_LABELS = {
    "RADIOLOGIST": "Radiologists",
    "HISTOPATHOLOGIST": "Histopathologists",
    "ENDOSCOPIST": "Endoscopists",
    "ONCOLOGIST": "Clinical and medical oncologists",
    "CLINICAL_NURSE_SPECIALIST": "Cancer clinical nurse specialists",
}

# Every resource a capacity row may report, diagnostics first.
RESOURCE = DIAGNOSTIC_MODALITY + TREATMENT_RESOURCE

# The unit a resource's capacity and activity are counted in (docs/reference/capacity-dataset.md).
RESOURCE_UNIT = {
    **{m: "tests" for m in ("CT", "MRI", "NOUS")},
    **{m: "procedures" for m in ("COLONOSCOPY", "FLEXI_SIGMOIDOSCOPY", "GASTROSCOPY")},
    "PATHOLOGY": "specimens reported",
    "SURGERY": "theatre sessions",
    "SACT": "chair sessions",
    "RADIOTHERAPY": "fractions",
}

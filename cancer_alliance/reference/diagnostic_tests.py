"""Which diagnostic test each kind of referral mostly needs: the platform's assumed mix.

The pathway dataset does not record the tests a patient had, so the simulation and the
capacity views need an assumption linking a referral's suspected cancer type (or route) to
the diagnostic modalities it uses. These shares follow the national Faster Diagnosis
Standard timed pathways (NHS England, "Rapid Cancer Diagnostic and Assessment Pathways",
2018-2023: lung by CT, lower GI by colonoscopy or CT colonography, upper GI by gastroscopy,
prostate by multiparametric MRI, breast and gynaecology by ultrasound, skin by biopsy). They
are a **platform assumption**, documented in docs/explanation/scenarios.md; an analyst can
override them in any scenario file.
"""

from __future__ import annotations

# suspected cancer type (USC) or route (BS, SCREEN) -> modality -> share (sums to 1)
DIAGNOSTIC_MIX: dict[str, dict[str, float]] = {
    "BREAST": {"NOUS": 1.0},
    "LOWER_GI": {"COLONOSCOPY": 0.55, "FLEXI_SIGMOIDOSCOPY": 0.15, "CT": 0.30},
    "UPPER_GI": {"GASTROSCOPY": 0.75, "CT": 0.25},
    "LUNG": {"CT": 1.0},
    "SKIN": {"PATHOLOGY": 1.0},
    "UROLOGICAL": {"MRI": 0.5, "CT": 0.3, "NOUS": 0.2},
    "GYNAECOLOGICAL": {"NOUS": 0.8, "PATHOLOGY": 0.2},
    "HEAD_AND_NECK": {"NOUS": 0.5, "PATHOLOGY": 0.3, "CT": 0.2},
    "HAEMATOLOGICAL": {"PATHOLOGY": 0.6, "CT": 0.4},
    "BRAIN_CNS": {"MRI": 1.0},
    "SARCOMA": {"MRI": 0.7, "NOUS": 0.3},
    "CHILDREN": {"MRI": 0.5, "NOUS": 0.5},
    "TESTICULAR": {"NOUS": 1.0},
    "ACUTE_LEUKAEMIA": {"PATHOLOGY": 1.0},
    "NON_SPECIFIC_SYMPTOMS": {"CT": 1.0},
    "OTHER": {"CT": 0.5, "NOUS": 0.5},
    "BS": {"NOUS": 1.0},
    "SCREEN": {"COLONOSCOPY": 0.5, "NOUS": 0.5},
}


def diagnostic_mix(group: str) -> dict[str, float]:
    """The modality shares for a suspected cancer type or route (empty: no test modelled)."""
    return dict(DIAGNOSTIC_MIX.get(group, {}))


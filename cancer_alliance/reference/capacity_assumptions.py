"""Planning assumptions that turn cancer pathways into diagnostic, treatment and staff demand.

The pathway dataset records referrals and first treatments, not the tests, sessions and
staff time they use. To set pathway demand against a provider's submitted capacity
(docs/reference/capacity-dataset.md) the platform needs ratios; these are they, one place
for the synthetic generator and the outlook alike. They are **platform assumptions**
(documented in docs/explanation/capacity.md), illustrative planning ratios of the kind NHS
England's diagnostic and workforce planning tools use, to be replaced by an alliance's own:

* which test a referral needs: :data:`cancer_alliance.reference.diagnostic_tests.DIAGNOSTIC_MIX`
  (one test per referral of the modality drawn from its mix);
* how much of a resource's activity is for cancer pathways (``CANCER_SHARE``): a CT scanner
  also scans emergency, inpatient and routine patients, so cancer pathway demand is scaled
  up by it to the resource's whole demand;
* the units of treatment a patient's first treatment starts (``UNITS_PER_TREATMENT``): a
  theatre session does about two cancer operations; a course of systemic therapy about six
  chair sessions; a course of radiotherapy about fifteen fractions;
* the activity one whole-time equivalent supports in a month (``ACTIVITY_PER_WTE``), by
  staff group and resource; clinical nurse specialists by patients starting treatment.
"""

from __future__ import annotations

from types import MappingProxyType

# Share of each resource's activity that is for patients on a cancer pathway.
CANCER_SHARE = MappingProxyType({
    "CT": 0.18, "MRI": 0.15, "NOUS": 0.10, "COLONOSCOPY": 0.35, "FLEXI_SIGMOIDOSCOPY": 0.35,
    "GASTROSCOPY": 0.30, "PATHOLOGY": 0.25, "SURGERY": 0.30, "SACT": 0.95,
    "RADIOTHERAPY": 0.95,
})

# First-treatment modality of the pathway dataset -> (resource, units per patient).
UNITS_PER_TREATMENT = MappingProxyType({
    "SURGERY": ("SURGERY", 0.5),
    "ANTICANCER_DRUG": ("SACT", 6.0),
    "RADIOTHERAPY": ("RADIOTHERAPY", 15.0),
})

# Staff group -> the resources its time is spent on, and the activity one WTE supports a
# month. ``NEW_TREATMENTS`` is patients starting a first treatment of surgery, systemic
# therapy or radiotherapy (``UNITS_PER_TREATMENT``), not a capacity resource.
NEW_TREATMENTS = "NEW_TREATMENTS"
ACTIVITY_PER_WTE = MappingProxyType({
    "RADIOLOGIST": MappingProxyType({"CT": 650.0, "MRI": 450.0, "NOUS": 1100.0}),
    "HISTOPATHOLOGIST": MappingProxyType({"PATHOLOGY": 400.0}),
    "ENDOSCOPIST": MappingProxyType({"COLONOSCOPY": 110.0, "FLEXI_SIGMOIDOSCOPY": 160.0,
                                     "GASTROSCOPY": 150.0}),
    "ONCOLOGIST": MappingProxyType({"SACT": 450.0, "RADIOTHERAPY": 1400.0}),
    "CLINICAL_NURSE_SPECIALIST": MappingProxyType({NEW_TREATMENTS: 12.0}),
})


def wte_needed(staff_group: str, activity: dict[str, float]) -> float:
    """Whole-time equivalents a staff group needs for a month's ``activity`` by resource
    (resources it does not work on are ignored)."""
    per = ACTIVITY_PER_WTE[staff_group]
    return sum(activity.get(r, 0.0) / rate for r, rate in per.items())

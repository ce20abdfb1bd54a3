"""Every choice the metrics reference leaves open, in one place.

The reference (``shared/domain/metrics-reference.md``) marks some points **UNCERTAIN** and
names a **Platform rule** for them; a few more details it does not settle at all. Each
constant below is one such choice, with the section it belongs to. The page
``docs/explanation/platform-rules.md`` explains the same list for users; change both together.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

#: C5: clock stops on or after this date use the consolidated standards (§2).
ERA_CHANGE = date(2023, 10, 1)

#: C1 (UNCERTAIN, low risk): the clock-start day is day 0, so days = stop - start.
#: Applied in ``compile._days`` (and the oracle's ``_row``).

#: A1: the DNA reset moves a consultant upgrade's clock start only when the upgrade was on
#: or before the first-seen date (NCL). With no first-seen date we cannot tell: no reset.
#: A reset date on or before the upgrade date (a DNA on the routine pathway, before the
#: upgrade) is ignored: A1 may only shorten a wait, never start its clock earlier.
#: Applied in ``metrics.base`` (the clock start).

#: §1: the old rare-cancer rule: these suspected types have a 31-day limit inside 62_DAY_USC
#: (clock stops before October 2023 only).
RARE_31_DAY_SUSPECTED_TYPES = ("ACUTE_LEUKAEMIA", "TESTICULAR", "CHILDREN")
RARE_31_DAY_LIMIT = 31

#: §2.3 (UNCERTAIN): platform rule: 62 days for every clock stop from 2023-10-01, rare or not.
#: Applied by the 62_DAY definition, which has no ``rare_types``.

#: §2.1 (UNCERTAIN code list): any value of ``fds_exclusion`` removes the pathway from FDS.
FDS_EXCLUDING_VALUES = ("DIED", "DECLINED", "OTHER")

#: §2.2 (UNCERTAIN whether national): subsequent treatments of these modalities are not in the
#: 31-day combined standard (they still count as a *first* treatment).
COMBINED_31_EXCLUDED_SUBSEQUENT_MODALITIES = ("ACTIVE_MONITORING", "PALLIATIVE")


#: §4 (UNCERTAIN rows 2 and 3): the NCL six-row allocation table is the platform rule.
IPT_INVESTIGATION_LIMIT = 38
IPT_TREATMENT_LIMIT = 24
#: §4: the referring provider is the transferring one, else where the patient was first seen,
#: else, for a consultant upgrade, the submitting provider: the trust whose consultant
#: upgraded the patient (issue 13, part 7; docs/explanation/platform-rules.md #11). NCL's
#: code takes the investigating, else the upgrading, else the first-seen organisation; NHS
#: England's October 2023 provider extract splits upgrades between trusts as often as
#: urgent referrals (431 of 1,299 upgrade cells carry a half-patient, 578 of 1,492 USC).
UPGRADE_REFERRED_BY_SUBMITTER = True
#: Different first-seen and treating providers with no transfer date: 0.5 / 0.5 always.

#: Commissioner-based reporting (UNCERTAIN): the whole patient (share 1.0), never split.
#: By alliance, a standard's results go to the alliance of the *accountable* provider (so an
#: alliance adds up like its providers); see ``api._accountable_alliance``.
#: Applied in ``api.compute_many``: a pathway's shares add up to 1.0 within its commissioner.

#: §5 (UNCERTAIN): PTL routes, A1 reset used, the backlog is day 63 or more.
PTL_ROUTES = ("USC", "BS", "SCREEN", "UPGRADE")
BACKLOG_AFTER_DAYS = 62
#: The long-wait subset: more than 104 days waited (day 105 on), matching the ">104" band.
LONG_WAIT_AFTER_DAYS = 104

#: §5 (platform rule; issue 16, item 6): a PTL pathway's next step is the first of these not
#: yet recorded on the census date, and it is due on the clock start (as on the census, C1)
#: plus these days: first seen by day 14 (the retired two-week-wait standard, still
#: published as first-seen counts, §2), told the diagnosis by day 28 (FDS, §2.1), decision
#: to treat by day 38 (the end of §4's investigative phase, leaving the 24-day treatment
#: phase) and treated by day 62 (§2.3). A treatment is also due within 31 days of the
#: decision to treat (31-day standard, §2.2): whichever comes first. Targets for a team to
#: act on, never a standard: upgrades and rare cancers get the same days; A2 treatment
#: adjustments are not applied (days waited does not apply them either). Applied in
#: ``metrics.ptl`` and the oracle's ``ptl``; ``days_to_next_step`` = due - census
#: (negative: overdue).
NEXT_STEPS = ("first_seen", "diagnosis", "decision_to_treat", "treatment")
NEXT_STEP_DUE_DAY = {"first_seen": 14, "diagnosis": 28, "decision_to_treat": 38,
                     "treatment": 62}
TREATMENT_AFTER_DTT_DAYS = 31

#: §5 (platform rule): ``diagnosed`` on the PTL: cancer confirmed on or before the census
#: (``fds_outcome`` CONFIRMED told by then, or a ``diagnosis_date`` by then). Until then the
#: list shows the referral's suspected cancer type, since a diagnosis recorded later must not
#: show on an earlier census.

#: Thresholds: ``met`` compares performance with the *operational standard* in force on the
#: first day of the period; interim planning objectives (62-day 70%/75%, FDS 77%) are listed
#: beside it and shown, but are not what ``met`` means. An objective "by March 2025" applies
#: from 2025-03-01. FDS rises to 80% in March 2026 as guidance v12.1 states the standard itself.
#: Applied in ``StandardDefinition.threshold_on`` (objectives are ``ThresholdKind.INTERIM``).

#: FDS 75% applies from October 2021 (UNCERTAIN exact month); before that: no threshold.
FDS_THRESHOLD_FROM = date(2021, 10, 1)

#: §7 (UNCERTAIN) early stage: stage 1-2 over stageable with known stage 1-4; 0 is out of both.
#: (Used by the outcome measures built on this engine.)

#: Excluded pathways (missing a needed date, excluded by rule) are reported in the month of
#: their clock stop, else of ``pathway_closed_date``; a pathway with neither is still open
#: and appears only on the PTL (C6).

#: Equity gaps (not settled by the reference): each group's performance is compared with
#: one *reference group*. Deprivation (``imd_quintile``) is compared with quintile 5, the
#: least deprived (the glossary's IMD: quintile 1 is most deprived), so a gap reads as "how
#: much worse more deprived patients fare", the question Core20PLUS5 asks, and the
#: reference does not move between periods, trusts, the web and the packs. Any other
#: breakdown (ethnic group, age band, sex) is compared with its largest group, the one with
#: most patients (the most precise comparator), ties to the first group in sorted order;
#: so is deprivation when quintile 5 has no patients in the figure. Applied by
#: :func:`equity_reference`, which the equity page and the packs both call.
EQUITY_FIXED_REFERENCE = {"imd_quintile": "5"}


def _missing(value: object) -> bool:
    """None, NaN or pandas' NA (which refuses a truth value): not a group."""
    try:
        return value is None or bool(value != value)
    except TypeError:
        return True


def _group_key(value: object) -> str:
    """A group value as the rule compares it: a quintile stored as 5, 5.0 or "5" is "5"."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def equity_reference(dimension: str, patients: Mapping[object, float]) -> object:
    """The reference group of an equity table by ``dimension`` (a breakdown column), given
    each group's patients (the gap's denominator): one of the keys of ``patients``.

    Missing groups (None, NaN) are never the reference. Raises ``ValueError`` when no group
    has patients.
    """
    groups = {g: float(n) for g, n in patients.items() if not _missing(g) and float(n) > 0}
    if not groups:
        raise ValueError("an equity reference needs a group with patients")
    fixed = EQUITY_FIXED_REFERENCE.get(dimension)
    if fixed is not None:
        for g in groups:
            if _group_key(g) == fixed:
                return g
    most = max(groups.values())
    return min((g for g, n in groups.items() if n == most), key=_group_key)

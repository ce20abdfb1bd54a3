"""Simulate the full truth of one alliance's cancer pathways, vectorised with numpy.

Each pathway is one row of parallel arrays: who the patient is, where they were referred, and
every date of their journey as it really happened (``calendar.NA`` when it never does). What a
provider *knew* at the end of each month is cut from this truth later (:mod:`.snapshot`), so
that each monthly submission is consistent with the next.

The order of draws from the one ``numpy.random.Generator`` is fixed, so a seed gives the same
pathways on every machine.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from cancer_alliance.dataset import codes
from cancer_alliance.generate import parameters as P
from cancer_alliance.generate.calendar import NA, month_start, weekday
from cancer_alliance.generate.organisations import Alliance

LEAD_MONTHS = 12  # referrals simulated before the first period, so the first PTL is not empty
BASE_MONTH = 2023 * 12  # volumes grow from January 2023 levels
ROUTES = codes.REFERRAL_ROUTE
TYPES = codes.CANCER_TYPE
ETHNIC = tuple(P.ETHNIC_MIX)


def categorical(rng: np.random.Generator, n: int, probs) -> np.ndarray:
    """``n`` draws of an index with the given probabilities (inverse CDF, vectorised)."""
    cdf = np.cumsum(np.asarray(probs, dtype=float))
    cdf /= cdf[-1]
    return np.minimum(np.searchsorted(cdf, rng.random(n), side="right"), len(cdf) - 1)


def lognormal_days(rng: np.random.Generator, median: np.ndarray, sigma: float) -> np.ndarray:
    return np.round(median * np.exp(rng.normal(0.0, sigma, len(median)))).astype(np.int32)


@dataclass
class Pathways:
    """The truth of every pathway of one alliance, one array per item."""

    n: int
    provider: np.ndarray  # local trust index (the submitting, first-seen trust)
    commissioner: np.ndarray
    route: np.ndarray  # index into codes.REFERRAL_ROUTE
    ctype: np.ndarray  # index into codes.CANCER_TYPE, -1 when not USC
    sex: np.ndarray  # "1"/"2"/"9"/"0"
    age: np.ndarray
    dob: np.ndarray
    ethnic: np.ndarray  # index into ETHNIC
    lsoa: np.ndarray  # global LSOA number, -1 blank
    practice: np.ndarray  # GP code, "" blank
    cancer: np.ndarray  # bool
    site: np.ndarray  # index into parameters.SITE_NAMES, -1 none
    icd10: np.ndarray
    stage: np.ndarray  # index into parameters.STAGES, -1 none
    start: np.ndarray  # referral received / upgrade date; NA for OTHER
    known: np.ndarray  # first day the provider knows the pathway
    first_seen: np.ndarray
    reset: np.ndarray
    told: np.ndarray
    fds_exclusion: np.ndarray  # "" or a code
    diagnosis: np.ndarray
    dtt: np.ndarray
    treat: np.ndarray
    treat_provider: np.ndarray  # local trust index, -1 none
    modality: np.ndarray  # index into parameters.MODALITIES, -1 none
    adjustment: np.ndarray
    transfer: np.ndarray
    closed: np.ndarray
    closed_reason: np.ndarray  # "" or a code
    death: np.ndarray
    extra: dict = field(default_factory=dict)


def _monthly_counts(alliance: Alliance, months: np.ndarray, rng) -> np.ndarray:
    """Pathways per (month, commissioner): population x rate x growth x seasonality."""
    growth = (1 + P.GROWTH_PER_YEAR) ** ((months - BASE_MONTH) / 12)
    season = np.asarray(P.SEASONALITY)[months % 12]
    usc = np.outer(growth * season, alliance.population * P.USC_RATE_PER_HEAD_MONTH)
    return rng.poisson(usc / P.ROUTE_MIX["USC"])


def _days_in_months(month_idx: np.ndarray, months: np.ndarray, rng) -> np.ndarray:
    """A weekday-weighted day inside each pathway's month."""
    starts = month_start(months)
    ends = month_start(months + 1)
    offsets = np.arange(31)
    days = starts[:, None] + offsets[None, :]
    w = np.asarray(P.WEEKDAY_WEIGHTS)[weekday(days)] * (days < ends[:, None])
    cdf = np.cumsum(w, axis=1)
    cdf /= cdf[:, -1:]
    u = rng.random(len(month_idx))
    pick = np.zeros(len(month_idx), dtype=np.int32)
    for m in range(len(months)):  # a loop over months, not patients
        sel = month_idx == m
        pick[sel] = np.searchsorted(cdf[m], u[sel], side="right")
    return (starts[month_idx] + np.minimum(pick, 30)).astype(np.int32)


def simulate(alliance: Alliance, first_month: int, last_month: int,
             rng: np.random.Generator,
             after_diagnostics: Callable[[Pathways], None] | None = None) -> Pathways:
    """Every pathway whose clock starts from LEAD_MONTHS before ``first_month`` to the last.

    ``after_diagnostics`` may move the diagnostic dates before diagnosis and treatment are
    drawn from them (the capacity story: :mod:`cancer_alliance.generate.capacity`)."""
    months = np.arange(first_month - LEAD_MONTHS, last_month + 1)
    counts = _monthly_counts(alliance, months, rng)
    n = int(counts.sum())
    cell = np.repeat(np.arange(counts.size), counts.ravel())
    month_idx = (cell // counts.shape[1]).astype(np.int32)
    commissioner = (cell % counts.shape[1]).astype(np.int32)
    day = _days_in_months(month_idx, months, rng)

    u = rng.random(n)
    provider = (u[:, None] > alliance.flow_cdf[commissioner]).sum(axis=1).astype(np.int32)
    provider = np.minimum(provider, len(alliance.provider_codes) - 1)
    route = categorical(rng, n, [P.ROUTE_MIX[r] for r in ROUTES]).astype(np.int8)
    is_usc = route == ROUTES.index("USC")
    ctype = np.where(is_usc, categorical(rng, n, [P.USC_TYPE_MIX[t] for t in TYPES]), -1)
    ctype = ctype.astype(np.int8)

    age, sex = _age_sex(rng, n, route, ctype)
    p_cancer = _conversion(route, ctype, age)
    cancer = rng.random(n) < p_cancer
    site = _sites(rng, route, ctype, cancer)

    dob = (day - np.floor(age * 365.25).astype(np.int32)
           - rng.integers(0, 365, n, dtype=np.int32)).astype(np.int32)
    white = rng.random(n) < alliance.white_british[commissioner]
    other_eth = 1 + categorical(rng, n, list(P.ETHNIC_MIX.values())[1:])
    ethnic = np.where(white, 0, other_eth).astype(np.int8)
    lsoa = (alliance.lsoa_first[commissioner]
            + np.floor(rng.random(n) * alliance.lsoa_count[commissioner]).astype(np.int64))
    lsoa = np.where(rng.random(n) < 0.02, -1, lsoa)
    practice = _practices(alliance, commissioner, rng)

    pw = Pathways(
        n=n, provider=provider, commissioner=commissioner, route=route, ctype=ctype, sex=sex,
        age=age, dob=dob, ethnic=ethnic, lsoa=lsoa, practice=practice, cancer=cancer,
        site=site, icd10=np.full(n, "", dtype="U6"), stage=np.full(n, -1, np.int8),
        start=day.copy(), known=day.copy(), **{k: np.full(n, NA, np.int32) for k in (
            "first_seen", "reset", "told", "diagnosis", "dtt", "treat", "adjustment",
            "transfer", "closed", "death")},
        fds_exclusion=np.full(n, "", dtype="U8"), treat_provider=np.full(n, -1, np.int32),
        modality=np.full(n, -1, np.int8), closed_reason=np.full(n, "", dtype="U14"),
    )
    _diagnostics(pw, alliance, rng)
    if after_diagnostics is not None:
        after_diagnostics(pw)
    _diagnosis_details(pw, rng)
    _treatment(pw, alliance, rng)
    _deaths(pw, rng)
    return pw


def _age_sex(rng, n, route, ctype):
    age = np.clip(rng.normal(61.0, 17.0, n), 18, 99)
    t = ctype.astype(np.int64)
    children = t == TYPES.index("CHILDREN")
    age = np.where(children, rng.uniform(0, 16, n), age)
    testis = t == TYPES.index("TESTICULAR")
    age = np.where(testis, rng.uniform(18, 55, n), age)
    bs = route == ROUTES.index("BS")
    age = np.where(bs, np.clip(rng.normal(45, 14, n), 18, 95), age)
    screen = route == ROUTES.index("SCREEN")
    age = np.where(screen, rng.uniform(50, 75, n), age)
    late = np.isin(route, [ROUTES.index("UPGRADE"), ROUTES.index("OTHER")])
    age = np.where(late, np.clip(rng.normal(68, 12, n), 18, 99), age)
    female_share = np.full(n, 0.55)
    female_share[t == TYPES.index("BREAST")] = 0.97
    female_share[bs] = 0.97
    female_share[t == TYPES.index("GYNAECOLOGICAL")] = 1.0
    female_share[testis] = 0.0
    female_share[t == TYPES.index("UROLOGICAL")] = 0.25
    female_share[screen] = 0.7
    sex = np.where(rng.random(n) < female_share, "2", "1")
    odd = rng.random(n)
    sex = np.where(odd < 0.001, "0", np.where(odd < 0.0015, "9", sex))
    return age, sex


def _conversion(route, ctype, age):
    """Chance of cancer: the type's rate, tilted to older patients, same average."""
    p = np.zeros(len(route))
    for r, rate in P.ROUTE_CONVERSION.items():
        p[route == ROUTES.index(r)] = rate
    usc = route == ROUTES.index("USC")
    tilt = np.exp((age - 60.0) / 18.0)
    for i, t in enumerate(TYPES):
        sel = usc & (ctype == i)
        if sel.any():
            p[sel] = P.USC_TYPE_CONVERSION[t] * tilt[sel] / tilt[sel].mean()
    return np.clip(p, 0.0, 0.9 + 0.1 * (~usc))


def _sites(rng, route, ctype, cancer):
    n = len(route)
    site = np.full(n, -1, np.int8)
    keys = [(f"_{r}", (route == ROUTES.index(r)) & cancer) for r in ("BS", "SCREEN", "UPGRADE",
                                                                      "OTHER")]
    keys += [(t, (ctype == i) & cancer) for i, t in enumerate(TYPES)]
    for key, sel in keys:
        mix = P.SITE_OF_TYPE[key]
        k = int(sel.sum())
        if k:
            names = list(mix)
            idx = categorical(rng, k, list(mix.values()))
            site[sel] = np.array([P.SITE_NAMES.index(s) for s in names])[idx]
    return site


def _practices(alliance: Alliance, commissioner, rng):
    n = len(commissioner)
    out = np.full(n, "", dtype="U5")
    u = rng.random(n)
    for c, codes_c in enumerate(alliance.practices):
        sel = commissioner == c
        out[sel] = codes_c[np.floor(u[sel] * len(codes_c)).astype(np.int64)]
    out[rng.random(n) < 0.01] = ""
    return out


def _diagnostics(pw: Pathways, alliance: Alliance, rng) -> None:
    """First seen, DNA resets and the date the patient is told (the FDS clock stop)."""
    n = pw.n
    usc, bs, screen, upgrade, other = (pw.route == ROUTES.index(r) for r in ROUTES)
    fds_route = usc | bs | screen
    speed = alliance.diag_speed[pw.provider]
    type_speed = np.ones(n)
    for i, t in enumerate(TYPES):
        type_speed[pw.ctype == i] = P.TYPE_SPEED[t]
    type_speed[bs] = 0.55
    type_speed[screen] = 1.1
    site_speed = np.ones(n)
    for i, s in enumerate(P.SITE_NAMES):
        site_speed[pw.site == i] = P.SITE_SPEED[s]
    diag_speed = np.where(pw.cancer, site_speed, type_speed) * speed
    diag_speed[upgrade] *= P.UPGRADE_DIAGNOSIS_SPEED

    seen_offset = lognormal_days(rng, P.FIRST_SEEN_MEDIAN * np.sqrt(speed), 0.45)
    dna = (fds_route | upgrade) & (rng.random(n) < P.DNA_SHARE)
    rebook = rng.integers(5, 15, n, dtype=np.int32)
    # Most upgrades follow a first attendance on a routine pathway (seen before the upgrade);
    # some are upgraded at triage and then seen. A DNA before the upgrade cannot shorten the
    # upgrade's clock (metrics reference A1); one after it resets the clock like any other.
    seen_after = upgrade & (rng.random(n) < P.UPGRADE_BEFORE_FIRST_SEEN)
    seen_before = upgrade & ~seen_after
    before = pw.start - rng.integers(3, 60, n, dtype=np.int32)
    forward = fds_route | seen_after
    pw.reset = np.where(dna & forward, pw.start + seen_offset,
                        np.where(dna & seen_before, before - rebook, NA)).astype(np.int32)
    clock = np.where(dna & forward, pw.reset, pw.start)
    pw.first_seen = np.where(forward, np.where(dna, pw.reset + rebook, pw.start + seen_offset),
                             np.where(seen_before, before, NA)).astype(np.int32)

    median = np.where(pw.cancer, P.CONFIRMED_MEDIAN, P.RULED_OUT_MEDIAN) * diag_speed
    wait = lognormal_days(rng, median, P.DIAGNOSIS_SIGMA)
    lost = rng.random(n) < P.LOST_SHARE
    wait = wait + np.where(lost, rng.integers(40, 200, n), 0).astype(np.int32)
    told = clock + wait
    told = np.where(forward, np.maximum(told, pw.first_seen), told)
    told = np.where(other, NA, told)
    pw.told = told.astype(np.int32)

    declined = fds_route & ~pw.cancer & (rng.random(n) < 0.008)
    pw.fds_exclusion = np.where(declined, "DECLINED", "")
    pw.told = np.where(declined, NA, pw.told).astype(np.int32)
    pw.closed = np.where(declined, clock + rng.integers(7, 40, n), NA).astype(np.int32)
    pw.closed_reason = np.where(declined, "PATIENT_CHOICE", "")
    ruled_out = ~pw.cancer & ~declined & ~other
    pw.closed = np.where(ruled_out, pw.told, pw.closed).astype(np.int32)
    pw.closed_reason = np.where(ruled_out, "RULED_OUT", pw.closed_reason)
    pw.extra["other"] = other


def _diagnosis_details(pw: Pathways, rng) -> None:
    """ICD-10 code, stage and diagnosis date of each cancer."""
    n = pw.n
    for i, name in enumerate(P.SITE_NAMES):
        sel = pw.site == i
        k = int(sel.sum())
        if not k:
            continue
        spec = P.SITES[name]
        pw.icd10[sel] = np.asarray(spec["icd"])[categorical(rng, k, spec["icd_p"])]
        pw.stage[sel] = categorical(rng, k, spec["stage"])
    in_situ = np.char.startswith(pw.icd10, "D0")
    pw.stage = np.where(in_situ & pw.cancer, 0, pw.stage).astype(np.int8)
    back = rng.integers(0, 8, n, dtype=np.int32)
    floor = np.maximum(np.where(pw.first_seen != NA, pw.first_seen, pw.start), pw.start)
    diag = np.maximum(pw.told - back, floor)
    pw.diagnosis = np.where(pw.cancer & (pw.told != NA), diag, NA).astype(np.int32)


def _treatment(pw: Pathways, alliance: Alliance, rng) -> None:
    """Decision to treat, first treatment, transfers and treatment adjustments."""
    n = pw.n
    other = pw.extra["other"]
    n_prov = len(alliance.provider_codes)
    treated = pw.cancer & (other | (rng.random(n) < 0.95))
    not_treated = pw.cancer & ~treated & ~other
    site_speed = np.ones(n)
    mod_idx = np.full(n, -1, np.int8)
    for i, s in enumerate(P.SITE_NAMES):
        sel = pw.site == i
        site_speed[sel] = P.SITE_SPEED[s]
        if sel.any():
            mod_idx[sel] = categorical(rng, int(sel.sum()), P.SITES[s]["mod"])
    # Transfers go to the tertiary centre; its own patients go to the next-largest trust.
    transfer = treated & ~other & (rng.random(n) < P.TRANSFER_SHARE) & (n_prov > 1)
    receiver = np.where(pw.provider == alliance.specialist, (alliance.specialist + 1) % n_prov,
                        alliance.specialist)
    treat_provider = np.where(transfer, receiver, pw.provider)
    tspeed = alliance.treat_speed[treat_provider]
    handover = pw.told + rng.integers(3, 22, n, dtype=np.int32)  # referral packs take time
    base = np.where(transfer, handover, pw.told)
    dtt = base + lognormal_days(rng, P.DTT_MEDIAN * np.sqrt(site_speed) * tspeed, 0.6)
    # OTHER-route pathways start at the decision to treat.
    dtt = np.where(other, pw.start, dtt)
    pw.diagnosis = np.where(other & treated, pw.start - rng.integers(5, 40, n), pw.diagnosis)
    pw.diagnosis = pw.diagnosis.astype(np.int32)
    pw.known = np.where(other, pw.start, pw.known).astype(np.int32)
    pw.start = np.where(other, NA, pw.start).astype(np.int32)
    monitoring = mod_idx == P.MODALITIES.index("ACTIVE_MONITORING")
    gap = lognormal_days(rng, P.TREAT_MEDIAN * tspeed * np.sqrt(site_speed), P.TREAT_SIGMA)
    gap = np.where(monitoring, 0, gap)
    adjusted = treated & ~monitoring & (rng.random(n) < P.ADJUSTMENT_SHARE)
    adjustment = np.where(adjusted, rng.integers(5, 22, n), 0).astype(np.int32)
    treat = dtt + gap + adjustment
    pw.dtt = np.where(treated, dtt, NA).astype(np.int32)
    pw.treat = np.where(treated, treat, NA).astype(np.int32)
    pw.treat_provider = np.where(treated, treat_provider, -1).astype(np.int32)
    pw.modality = np.where(treated, mod_idx, -1).astype(np.int8)
    pw.adjustment = np.where(treated, adjustment, NA).astype(np.int32)
    pw.transfer = np.where(transfer, handover, NA).astype(np.int32)
    pw.closed = np.where(treated, pw.treat, pw.closed).astype(np.int32)
    pw.closed_reason = np.where(treated, "TREATED", pw.closed_reason)
    choice = rng.random(n) < 0.5
    pw.closed = np.where(not_treated, pw.told + rng.integers(10, 45, n), pw.closed)
    pw.closed = pw.closed.astype(np.int32)
    pw.closed_reason = np.where(not_treated, np.where(choice, "PATIENT_CHOICE", "OTHER"),
                                pw.closed_reason)


def _deaths(pw: Pathways, rng) -> None:
    """Deaths of diagnosed patients, by site and stage (1-year survival), and their effects."""
    n = pw.n
    surv = np.ones(n)
    for i, name in enumerate(P.SITE_NAMES):
        sel = pw.site == i
        s = np.asarray(P.SITES[name]["surv"])
        stage_pos = np.clip(pw.stage[sel].astype(np.int64) - 1, 0, 4)
        stage_pos = np.where(np.isin(pw.stage[sel], [5, 6]), 4, stage_pos)
        stage_pos = np.where(pw.stage[sel] == 0, 0, stage_pos)
        surv[sel] = s[stage_pos]
    surv = np.clip(surv * np.exp(-(pw.age - 68.0) / 120.0), 0.05, 0.999)
    diagnosed = pw.diagnosis != NA
    dies_1y = diagnosed & (rng.random(n) < 1 - surv)
    first_year = np.floor(365 * rng.random(n) ** 1.3).astype(np.int32)
    later = 365 + np.floor(rng.exponential(2200, n)).astype(np.int32)
    dies_later = diagnosed & ~dies_1y & (rng.random(n) < 0.55)
    death = np.where(dies_1y, pw.diagnosis + first_year,
                     np.where(dies_later, pw.diagnosis + later, NA)).astype(np.int32)
    pw.death = death
    dead = death != NA
    # Dying before treatment closes the pathway; before being told excludes it from FDS.
    before_treat = dead & (pw.treat != NA) & (death < pw.treat)
    before_told = dead & (pw.told != NA) & (death < pw.told)
    open_at_death = dead & ((pw.closed == NA) | (death < pw.closed))
    for name in ("treat", "dtt", "transfer"):
        arr = getattr(pw, name)
        setattr(pw, name, np.where(before_treat & (arr >= death), NA, arr).astype(np.int32))
    pw.treat_provider = np.where(pw.treat == NA, -1, pw.treat_provider).astype(np.int32)
    pw.modality = np.where(pw.treat == NA, -1, pw.modality).astype(np.int8)
    pw.adjustment = np.where(pw.treat == NA, NA, pw.adjustment).astype(np.int32)
    pw.transfer = np.where(pw.treat == NA, NA, pw.transfer).astype(np.int32)
    pw.dtt = np.where(pw.treat == NA, NA, pw.dtt).astype(np.int32)
    pw.told = np.where(before_told, NA, pw.told).astype(np.int32)
    pw.fds_exclusion = np.where(before_told, "DIED", pw.fds_exclusion)
    pw.closed = np.where(open_at_death, death, pw.closed).astype(np.int32)
    pw.closed_reason = np.where(open_at_death, "DIED", pw.closed_reason)

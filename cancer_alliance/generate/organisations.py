"""The fictional organisations of a synthetic run: alliances, trusts, commissioners, practices.

Codes are well formed for the validator (ODS codes of 3 or 5 letters or digits) but fictional:
trusts ``RA1``..``RA8`` (``R`` + alliance letter + digit), sub-ICB commissioners ``01A``-style,
ICBs ``QAA``-style, GP practices ``A0001``-style (5 characters, because the dataset's ODS rule
accepts 3 or 5). Each trust gets its own diagnostic and treatment speed so that, by
construction, some trusts meet the standards and others do not.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from cancer_alliance.generate import parameters as P

REGIONS = ("North East and Yorkshire", "North West", "Midlands", "East of England", "London",
           "South East", "South West")
PLACES = ("Ashbourne", "Brackenford", "Calderbridge", "Dunmere", "Eastwold", "Fernleigh",
          "Glenhaven", "Harrowby", "Ivybridge Vale", "Kestrel Moor", "Larchfield", "Millbrook",
          "Northcote", "Oakhampton", "Pendlebury", "Queensmere", "Ravenscar", "Stowford",
          "Thornbury", "Upperdale", "Wexcombe", "Yarrowby", "Alderley", "Brightwater",
          "Coldharbour", "Dovecote", "Elmstead", "Foxley", "Greystone", "Hollowell")
TRUST_SUFFIXES = ("Hospitals NHS Foundation Trust", "University Hospitals NHS Trust",
                  "Teaching Hospitals NHS Trust", "NHS Foundation Trust",
                  "Healthcare NHS Trust")


@dataclass(frozen=True)
class Scale:
    """How big a run is: alliances, trusts and commissioners per alliance, population."""

    name: str
    alliances: int
    providers: tuple[int, int]  # min and max trusts per alliance
    commissioners: tuple[int, int]
    population: float  # people per alliance on average


SCALES = {
    "small": Scale("small", 1, (2, 2), (3, 3), 300 / P.USC_RATE_PER_HEAD_MONTH),
    "alliance": Scale("alliance", 1, (8, 8), (10, 10), 3_100_000),
    "national": Scale("national", 21, (4, 9), (7, 13), 57_000_000 / 21),
}


@dataclass
class Alliance:
    """One alliance's organisations, as arrays indexed by local trust / commissioner number."""

    index: int
    code: str
    name: str
    region: str
    provider_codes: np.ndarray  # (P,) str
    provider_names: list[str]
    diag_speed: np.ndarray  # (P,) multiplier on diagnostic waits
    treat_speed: np.ndarray  # (P,) multiplier on treatment waits
    recovery_coverage: np.ndarray  # (P,) share of treated patients given an HNA
    commissioner_codes: np.ndarray  # (C,) str
    commissioner_names: list[str]
    commissioner_icb: list[str]
    icbs: list[tuple[str, str]]  # (code, name)
    population: np.ndarray  # (C,) people
    flow_cdf: np.ndarray  # (C, P) cumulative share of each commissioner's patients by trust
    white_british: np.ndarray  # (C,) share of ethnic category A
    practices: list[np.ndarray]  # per commissioner: GP practice codes
    lsoa_first: np.ndarray  # (C,) first LSOA index (global numbering)
    lsoa_count: np.ndarray  # (C,)
    lsoa_decile: np.ndarray  # (sum of lsoa_count,) IMD decile of each LSOA of this alliance

    @property
    def specialist(self) -> int:
        """Local index of the tertiary centre that receives inter-provider transfers."""
        return 0


def _spread(rng: np.random.Generator, n: int, lo: float, hi: float) -> np.ndarray:
    """``n`` values evenly spread between lo and hi, in random order (so 2 trusts still differ)."""
    if n == 1:
        return np.array([(lo + hi) / 2])
    return rng.permutation(np.linspace(lo, hi, n))


def _centred(speed: np.ndarray, share: np.ndarray) -> np.ndarray:
    """Trust speeds scaled so the alliance's patient-weighted average is the range's middle.

    Which trusts happen to be large would otherwise move the whole alliance's performance
    by several points from one seed to the next; centred, every alliance (and the demo) is
    calibrated to the national figures while its trusts still differ as widely.
    """
    return speed * (sum(P.PROVIDER_SPEED_RANGE) / 2) / float(speed @ share)


def build_alliances(scale: Scale, rng: np.random.Generator) -> list[Alliance]:
    """All alliances of a run, with deterministic codes and names."""
    alliances = []
    next_comm = 0
    next_lsoa = 0
    deciles = [NormalDist().inv_cdf(q / 10) for q in range(1, 10)]
    for a in range(scale.alliances):
        letter = chr(65 + a)
        n_prov = int(rng.integers(scale.providers[0], scale.providers[1] + 1))
        n_comm = int(rng.integers(scale.commissioners[0], scale.commissioners[1] + 1))
        place = PLACES[a % len(PLACES)]
        prov_codes = np.array([f"R{letter}{j + 1}" for j in range(n_prov)])
        prov_names = []
        for j in range(n_prov):
            town = PLACES[(a * 7 + j * 3 + 1) % len(PLACES)]
            suffix = TRUST_SUFFIXES[(a + j) % len(TRUST_SUFFIXES)]
            prov_names.append(f"{town} {suffix}")
        comm_codes = []
        for _ in range(n_comm):
            comm_codes.append(f"{next_comm % 99 + 1:02d}{chr(65 + next_comm // 99)}")
            next_comm += 1
        n_icb = 1 if n_comm < 6 else 2
        icbs = [(f"Q{letter}{chr(65 + i)}", f"NHS {PLACES[(a + 11 * i + 5) % len(PLACES)]} "
                 "Integrated Care Board") for i in range(n_icb)]
        comm_icb = [icbs[c * n_icb // n_comm][0] for c in range(n_comm)]
        comm_names = [f"{_icb_place(icbs[c * n_icb // n_comm][1])} sub-ICB location "
                      f"{comm_codes[c]}" for c in range(n_comm)]
        weights = rng.gamma(6.0, 1.0, n_comm)
        population = scale.population * weights / weights.sum()
        # Patient flow: the home trust takes most of a commissioner's patients.
        size = rng.gamma(4.0, 1.0, n_prov)
        size[0] *= 1.5  # the tertiary centre is the largest
        flow = np.tile(size / size.sum() * 0.35, (n_comm, 1))
        flow[np.arange(n_comm), np.arange(n_comm) % n_prov] += 0.65
        flow /= flow.sum(axis=1, keepdims=True)
        share = population @ flow / population.sum()  # each trust's share of patients
        # Deprivation: each commissioner's LSOAs centre on its own level.
        n_lsoa = np.maximum(3, np.round(population / 1600)).astype(np.int64)
        shift = rng.normal(0.0, 0.6, n_comm)
        scores = np.concatenate([shift[c] + rng.normal(0.0, 0.8, n_lsoa[c]) for c in
                                 range(n_comm)])
        lsoa_decile = (np.searchsorted(deciles, scores) + 1).astype(np.int8)
        practices = []
        for c in range(n_comm):
            count = max(2, int(population[c] / 8000))
            base = sum(len(p) for p in practices)
            practices.append(np.array([f"{letter}{base + k + 1:04d}" for k in range(count)]))
        alliances.append(Alliance(
            index=a, code=f"E5600{a + 1:04d}", name=f"{place} and {PLACES[(a + 13) % 30]} "
            "Cancer Alliance", region=REGIONS[a % len(REGIONS)],
            provider_codes=prov_codes, provider_names=prov_names,
            diag_speed=_centred(_spread(rng, n_prov, *P.PROVIDER_SPEED_RANGE), share),
            treat_speed=_centred(_spread(rng, n_prov, *P.PROVIDER_SPEED_RANGE), share),
            recovery_coverage=_spread(rng, n_prov, *P.RECOVERY_COVERAGE_RANGE),
            commissioner_codes=np.array(comm_codes), commissioner_names=comm_names,
            commissioner_icb=comm_icb, icbs=icbs, population=population,
            flow_cdf=np.cumsum(flow, axis=1),
            white_british=np.clip(0.73 + rng.normal(0.0, 0.12, n_comm), 0.3, 0.93),
            practices=practices,
            lsoa_first=next_lsoa + np.concatenate([[0], np.cumsum(n_lsoa)[:-1]]),
            lsoa_count=n_lsoa, lsoa_decile=lsoa_decile,
        ))
        next_lsoa += int(n_lsoa.sum())
    return alliances


def _icb_place(icb_name: str) -> str:
    return "NHS " + icb_name.removeprefix("NHS ").removesuffix(" Integrated Care Board")


def lsoa_code(index: np.ndarray) -> np.ndarray:
    """LSOA code (``E01`` + 6 digits) for global LSOA numbers starting at 0."""
    return np.char.add("E01", np.char.zfill((index + 1).astype(str), 6))

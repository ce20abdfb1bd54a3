"""A small, seeded alliance written straight into a store, for the web tests.

Three providers (RCC deliberately small, so small-number protection has work to do), two
commissioners, six months. Made here rather than with the generator so the web tests do
not depend on ingest timing; the rows follow the pathway dataset's rules (dates in order,
valid NHS numbers).
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import pandas as pd

PROVIDERS = {"RAA": ("Alpha Hospitals NHS Trust", 40), "RBB": ("Beta Foundation Trust", 30),
             "RCC": ("Gamma Community Trust", 4)}
COMMISSIONERS = {"QAA": "Alpha ICB", "QBB": "Beta ICB"}
MONTHS = ["2024-01", "2024-02", "2024-03", "2024-04", "2024-05", "2024-06"]
CENSUS = "2024-06-30"
DIAGNOSES = [("C50.9", "BREAST"), ("C34.1", "LUNG"), ("C61", "UROLOGICAL"),
             ("C18.0", "LOWER_GI"), ("C71.9", "BRAIN_CNS")]
TUMOUR_GROUPS = [("BREAST", "Breast", False, True), ("LUNG", "Lung", False, True),
                 ("UROLOGICAL", "Urological", False, True), ("LOWER_GI", "Lower GI", False, True),
                 ("BRAIN_CNS", "Brain and CNS", True, False)]


def nhs_number(rng: random.Random) -> str:
    """A random 10-digit number with a valid modulus-11 check digit."""
    while True:
        digits = [rng.randint(0, 9) for _ in range(9)]
        digits[0] = rng.randint(4, 9)
        total = sum(d * (10 - i) for i, d in enumerate(digits))
        check = 11 - total % 11
        if check == 11:
            check = 0
        if check != 10:
            return "".join(map(str, digits)) + str(check)


def pathways(seed: int = 1) -> pd.DataFrame:
    rng = random.Random(seed)
    rows = []
    census = date.fromisoformat(CENSUS)
    for provider, (_, per_month) in PROVIDERS.items():
        n = 0
        for month in MONTHS:
            y, m = map(int, month.split("-"))
            for _ in range(per_month):
                n += 1
                ref = date(y, m, rng.randint(1, 28))
                row = dict(
                    provider_code=provider, pathway_id=f"{provider}-{n:05d}",
                    nhs_number=nhs_number(rng),
                    date_of_birth=date(rng.randint(1935, 1990), rng.randint(1, 12), 1),
                    sex=rng.choice(["1", "2"]), ethnic_category=rng.choice("AABBCDHJMNRZ"),
                    commissioner_code=rng.choice(list(COMMISSIONERS)), referral_route="USC",
                    suspected_cancer_type=rng.choice([d[1] for d in DIAGNOSES[:4]]),
                    referral_received_date=ref,
                )
                seen = ref + timedelta(days=rng.randint(3, 20))
                told = ref + timedelta(days=rng.randint(10, 45))
                if told > census:  # still open on the census: on the PTL
                    if seen <= census:
                        row.update(first_seen_date=seen, first_seen_provider_code=provider)
                    rows.append(row)
                    continue
                row.update(first_seen_date=seen, first_seen_provider_code=provider,
                           diagnosis_communicated_date=told)
                if rng.random() < 0.75:
                    row.update(fds_outcome="RULED_OUT", pathway_closed_reason="RULED_OUT",
                               pathway_closed_date=told)
                    rows.append(row)
                    continue
                icd, group = rng.choice(DIAGNOSES)
                dtt = told + timedelta(days=rng.randint(2, 20))
                treat = dtt + timedelta(days=rng.randint(2, 40))
                row.update(fds_outcome="CONFIRMED", primary_diagnosis_icd10=icd,
                           diagnosis_date=told, stage_group=rng.choice("12234U"),
                           suspected_cancer_type=group if group != "BRAIN_CNS" else "BRAIN_CNS")
                if treat <= census:
                    row.update(decision_to_treat_date=dtt, first_treatment_date=treat,
                               first_treatment_provider_code=provider,
                               first_treatment_modality=rng.choice(
                                   ["SURGERY", "ANTICANCER_DRUG", "RADIOTHERAPY"]),
                               pathway_closed_reason="TREATED", pathway_closed_date=treat)
                rows.append(row)
    return pd.DataFrame(rows)


def load(con) -> None:
    """Write reference data, pathways and one submission per provider and month."""
    con.executemany(
        "INSERT INTO organisations (org_code, org_name, org_type, alliance_code) VALUES"
        " (?, ?, ?, 'ALL1')",
        [[c, n, "PROVIDER"] for c, (n, _) in PROVIDERS.items()]
        + [[c, n, "COMMISSIONER"] for c, n in COMMISSIONERS.items()],
    )
    con.executemany(
        "INSERT INTO tumour_groups VALUES (?, ?, ?, ?)", [list(t) for t in TUMOUR_GROUPS]
    )
    con.executemany(
        "INSERT INTO icd10_tumour_groups VALUES (?, ?, ?)",
        [["C50", "BREAST", "breast"], ["C34", "LUNG", "lung"], ["C61", "UROLOGICAL", "prostate"],
         ["C18", "LOWER_GI", "colon"], ["C71", "BRAIN_CNS", "brain"]],
    )
    subs = []
    for provider in PROVIDERS:
        for month in MONTHS:
            (sid,), = con.execute("SELECT nextval('submission_id_seq')").fetchall()
            subs.append([sid, provider, month, "fixture", datetime(2024, 7, 1), "loaded", None, 1,
                         10, 9, 1, None])
    con.executemany("INSERT INTO submissions VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", subs)
    df = pathways()
    last = {p: i for i, (p, _) in enumerate(
        [(s[1], s[2]) for s in subs], start=1)}
    df["submission_id"] = df["provider_code"].map(last)
    cols = [r[0] for r in con.execute("DESCRIBE pathways").fetchall()]
    for c in cols:
        if c not in df.columns:
            df[c] = None
    df = df[cols]  # noqa: F841 - read by DuckDB's replacement scan below
    con.execute("INSERT INTO pathways SELECT * FROM df")
    con.execute(
        "INSERT INTO rejections VALUES (1, 'pathways.csv', 7, 'nhs_number', '9434765911',"
        " 'nhs_number_check_digit', 'NHS number fails the check digit', NULL)"
    )
    from cancer_alliance import metrics

    metrics.refresh(con)

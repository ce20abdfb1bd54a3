"""Property tests: random valid pathways are accepted; each corruption is caught by its rule.

Also cross-checks the vectorised (NumPy) NHS number check against the ``nhs-number`` package.
Example counts are kept small for CI; raise them with ``--hypothesis-profile`` if needed.
"""

from __future__ import annotations

import datetime as dt

import nhs_number
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cancer_alliance.dataset import codes
from cancer_alliance.ingest.nhs_numbers import nhs_numbers_valid

PERIOD_END = dt.date(2024, 5, 31)
SETTINGS = settings(max_examples=20, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


@st.composite
def nhs_numbers(draw) -> str:
    """A valid NHS number in the England and test ranges (first digit 4-9)."""
    base = draw(st.integers(400_000_000, 999_999_990))
    while True:  # about 1 in 11 bases has no valid check digit: step to the next
        check = nhs_number.calculate_checksum(str(base))
        if check is not None and check != 10:
            return f"{base}{check}"
        base += 1


def _iso(d: dt.date | None) -> str:
    return d.isoformat() if d else ""


@st.composite
def pathways(draw, n: int, route: str | None = None, stage: int | None = None) -> list[dict]:
    """``n`` valid pathways of provider RAA for period 2024-05, at random stages (0 referred,
    1 seen, 2 diagnosed, 3 treated) unless ``route`` or ``stage`` is given."""
    rows = []
    for i in range(n):
        route = route or draw(st.sampled_from(codes.REFERRAL_ROUTE))
        start = draw(st.dates(dt.date(2023, 6, 1), PERIOD_END))

        def after(base: dt.date, most: int = 40) -> dt.date:
            return min(base + dt.timedelta(days=draw(st.integers(0, most))), PERIOD_END)

        stage = draw(st.integers(0, 3)) if stage is None else stage
        seen = after(start) if stage >= 1 else None
        told = after(seen) if stage >= 2 else None
        confirmed = stage == 3 or (stage == 2 and draw(st.booleans()))
        dtt = after(told) if stage == 3 else None
        treated = after(dtt) if stage == 3 else None
        row = {
            "provider_code": "RAA",
            "pathway_id": f"{i}-" + draw(st.text("ABCXYZ0123456789-_/", max_size=20)),
            "nhs_number": draw(nhs_numbers()),
            "date_of_birth": _iso(draw(st.dates(dt.date(1905, 1, 1), dt.date(2020, 1, 1)))),
            "sex": draw(st.sampled_from(codes.SEX)),
            "ethnic_category": draw(st.sampled_from(("",) + codes.ETHNIC_CATEGORY)),
            "lsoa_code": draw(st.sampled_from(["", "E01000001", "E01033768"])),
            "gp_practice_code": draw(st.sampled_from(["", "A81001", "Y0001"])),
            "commissioner_code": draw(st.sampled_from(["QAA", "00L", "15N"])),
            "referral_route": route,
            "suspected_cancer_type": draw(st.sampled_from(codes.CANCER_TYPE))
            if route == "USC" else "",
            "referral_received_date": _iso(start) if route != "UPGRADE" else "",
            "upgrade_date": _iso(start) if route == "UPGRADE" else "",
            "first_seen_date": _iso(seen),
            "first_seen_provider_code": "RAA" if seen else "",
            "first_seen_clock_reset_date": "",
            "diagnosis_communicated_date": _iso(told),
            "fds_outcome": ("CONFIRMED" if confirmed else "RULED_OUT") if told else "",
            "primary_diagnosis_icd10": draw(st.sampled_from(["C50.9", "C34", "C18.7", "D05.1"]))
            if confirmed else "",
            "diagnosis_date": _iso(told) if confirmed else "",
            "stage_group": draw(st.sampled_from(codes.STAGE_GROUP)) if confirmed else "",
            "decision_to_treat_date": _iso(dtt),
            "first_treatment_date": _iso(treated),
            "first_treatment_provider_code": "RAA" if treated else "",
            "first_treatment_modality": draw(st.sampled_from(codes.MODALITY)) if treated else "",
            "treatment_adjustment_days": draw(st.sampled_from(["", "0", "7"])),
            "pathway_closed_reason": "TREATED" if treated else "",
            "pathway_closed_date": _iso(treated),
        }
        rows.append(row)
    return rows


@SETTINGS
@given(rows=pathways(4))
def test_random_valid_pathways_are_accepted(store, rows):
    result = store.ingest({"pathways.csv": rows})
    assert store.rows("SELECT message FROM rejections WHERE submission_id = ?",
                      [result.submission_id]) == []
    assert (result.accepted, result.rejected) == (4, 0)


def _start(row: dict) -> dt.date:
    return dt.date.fromisoformat(row["referral_received_date"] or row["upgrade_date"])


# rule -> (column, the kind of pathway it applies to, corrupted value)
CORRUPTIONS = {
    "required": ("commissioner_code", {}, lambda r: ""),
    "invalid_date": ("date_of_birth", {}, lambda r: "01/02/1950"),
    "invalid_code": ("sex", {}, lambda r: "F"),
    "invalid_ods": ("commissioner_code", {}, lambda r: "Q_A"),
    "invalid_nhs_number": ("nhs_number", {}, lambda r: r["nhs_number"][:9]),
    "nhs_number_check_digit": (
        "nhs_number", {},
        lambda r: r["nhs_number"][:9] + str((int(r["nhs_number"][9]) + 1) % 10)),
    "invalid_integer": ("treatment_adjustment_days", {}, lambda r: "two"),
    "below_minimum": ("treatment_adjustment_days", {}, lambda r: "-3"),
    "invalid_icd10": ("primary_diagnosis_icd10", {}, lambda r: "CXX"),
    "invalid_lsoa": ("lsoa_code", {}, lambda r: "E1234"),
    "too_long": ("pathway_id", {}, lambda r: "L" * 41),
    "date_of_birth_in_future": ("date_of_birth", {}, lambda r: "2024-07-01"),
    "date_of_birth_too_old": ("date_of_birth", {}, lambda r: "1890-01-01"),
    "date_after_period_end": ("first_seen_clock_reset_date", {},
                              lambda r: "2024-06-15"),
    "date_before_clock_start": (
        "first_seen_clock_reset_date", {"route": "USC"},
        lambda r: _iso(_start(r) - dt.timedelta(days=1))),
    "treatment_before_decision": (
        "first_treatment_date", {"route": "OTHER", "stage": 3},  # OTHER: no clock start
        lambda r: _iso(dt.date.fromisoformat(r["decision_to_treat_date"])
                       - dt.timedelta(days=1))),
    "wrong_provider": ("provider_code", {}, lambda r: "RZZ"),
}


@SETTINGS
@given(data=st.data())
def test_each_corruption_is_rejected_with_its_rule(store, data):
    """One file holding one corrupted row per rule, among valid rows: each row is rejected
    with exactly its own rule, and only the valid rows are accepted."""
    rows, expected = [], []
    for k, rule in enumerate(sorted(CORRUPTIONS)):
        column, kind, corrupt = CORRUPTIONS[rule]
        row = data.draw(pathways(1, **kind), label=rule)[0]
        row["pathway_id"] = f"R{k}-{row['pathway_id']}"
        row[column] = corrupt(row)
        if rule == "treatment_before_decision":
            row["pathway_closed_date"] = row[column]
        rows.append(row)
        expected.append((len(rows) + 1, column, rule))
    for k, row in enumerate(data.draw(pathways(2), label="valid rows")):
        rows.insert(2 * k + 1, dict(row, pathway_id=f"V{k}"))
        expected = [(r + 1 if r >= 2 * k + 3 else r, c, u) for r, c, u in expected]
    result = store.ingest({"pathways.csv": rows})
    found = store.rows('SELECT "row", "column", rule FROM rejections WHERE submission_id = ? '
                       'ORDER BY 1', [result.submission_id])
    assert found == sorted(expected)
    assert (result.accepted, result.rejected) == (2, len(CORRUPTIONS))
    assert store.rows("SELECT count(*) FROM pathways WHERE submission_id = ?",
                      [result.submission_id]) == [(2,)]


@SETTINGS
@given(rows=pathways(3))
def test_duplicated_rows_are_all_rejected(store, rows):
    rows.append(dict(rows[1]))
    result = store.ingest({"pathways.csv": rows})
    found = store.rows('SELECT "row", rule FROM rejections WHERE submission_id = ? ORDER BY 1',
                       [result.submission_id])
    assert found == [(3, "duplicate_key"), (5, "duplicate_key")]


@settings(max_examples=300, deadline=None, derandomize=True)
@given(number=st.text("0123456789", min_size=10, max_size=10))
def test_check_digit_agrees_with_the_nhs_number_package(number):
    import pyarrow as pa

    (ok,) = nhs_numbers_valid(pa.array([number])).to_pylist()
    assert ok == nhs_number.is_valid(number)


def test_check_digit_rejects_what_is_not_ten_digits():
    import pyarrow as pa

    values = pa.array(["943476591", "94347659190", "943476591X", " 943476591", None,
                       "9434765919", "", "0101000000"])
    assert nhs_numbers_valid(values).to_pylist() == [
        False, False, False, False, False, True, False, nhs_number.is_valid("0101000000")]
    # a slice of a larger array (non-zero offset) and a chunked column are read correctly
    assert nhs_numbers_valid(values.slice(5, 1)).to_pylist() == [True]
    chunked = pa.chunked_array([values.slice(0, 5), values.slice(5)])
    assert nhs_numbers_valid(chunked).to_pylist() == nhs_numbers_valid(values).to_pylist()


def test_check_digit_agrees_with_the_package_on_every_check_digit():
    """Each of 10 check digits after 5,000 bases spread over every leading digit (so the
    Scottish CHI date range, the England ranges and the test range are all covered): the
    vectorised check and ``nhs_number.is_valid`` agree on all 50,000 numbers."""
    import numpy as np
    import pyarrow as pa

    rng = np.random.default_rng(7)
    bases = rng.integers(0, 1_000_000_000, 5_000)
    numbers = [f"{b:09d}{d}" for b in bases for d in range(10)]
    got = dict(zip(numbers, nhs_numbers_valid(pa.array(numbers)).to_pylist(), strict=True))
    expected = {n: nhs_number.is_valid(n) for n in numbers}
    assert sum(expected.values()) > 3_000  # about 1 number in 11 is valid
    assert {n for n, ok in got.items() if ok} == {n for n, ok in expected.items() if ok}

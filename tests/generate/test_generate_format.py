"""Every file the generator writes is in the exact dataset format and breaks no check."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
from generate_oracle import check_folder

from cancer_alliance.dataset.columns import TABLES
from cancer_alliance.generate import generate


def test_layout_and_manifest(clean_run):
    out, summary = clean_run
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 11 and manifest["scale"] == "small" and manifest["months"] == 4
    periods = [s["period"] for s in manifest["submissions"]]
    assert periods == sorted(periods)
    assert {s["provider"] for s in manifest["submissions"]} == {"RA1", "RA2"}
    assert len(manifest["submissions"]) == 2 * 4 == summary.submissions
    for entry in manifest["submissions"]:
        folder = out / entry["path"]
        for table in TABLES:
            frame = pd.read_csv(folder / table.file_name, dtype=str, keep_default_na=False)
            assert entry["rows"][table.file_name] == len(frame)
    assert manifest["injected"] == []
    for name in ("alliances", "organisations", "lsoa_imd", "populations"):
        assert (out / "reference" / f"{name}.csv").exists()


def test_headers_are_the_spec_columns_in_order(clean_run):
    out, _ = clean_run
    for folder in (out / "submissions").glob("*/*"):
        for table in TABLES:
            header = (folder / table.file_name).read_text().splitlines()[0]
            assert header.split(",") == table.column_names


def test_clean_output_breaks_no_check(clean_run):
    out, _ = clean_run
    assert check_folder(out) == set()


def test_no_date_after_the_period_end(clean_run):
    out, _ = clean_run
    date_columns = {t.file_name: [c.name for c in t.columns if c.kind == "date"] for t in TABLES}
    latest_seen = dt.date.min
    for folder in (out / "submissions").glob("*/*"):
        year, month = (int(x) for x in folder.name.split("-"))
        end = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
        for name, columns in date_columns.items():
            frame = pd.read_csv(folder / name, dtype=str, keep_default_na=False)
            for column in columns:
                values = [dt.date.fromisoformat(v) for v in frame[column] if v]
                if values:
                    assert max(values) <= end, (folder, name, column)
                    latest_seen = max(latest_seen, max(values))
    assert latest_seen >= dt.date(2024, 4, 1)  # the last month really has events in it


def test_open_pathways_are_resubmitted_until_they_close(clean_run):
    out, _ = clean_run
    jan = pd.read_csv(out / "submissions/RA1/2024-01/pathways.csv", dtype=str,
                      keep_default_na=False)
    feb = pd.read_csv(out / "submissions/RA1/2024-02/pathways.csv", dtype=str,
                      keep_default_na=False)
    open_in_jan = set(jan.loc[jan["pathway_closed_reason"] == "", "pathway_id"])
    assert open_in_jan and open_in_jan <= set(feb["pathway_id"])
    referred_feb = feb[feb["referral_received_date"].str.startswith("2024-02")]
    assert len(referred_feb) > 100
    closed_before_feb = jan[(jan["pathway_closed_date"] != "")
                            & (jan["pathway_closed_date"] < "2024-02-01")]
    # closed pathways only come back when a later event (treatment, recovery) changes them
    back = feb[feb["pathway_id"].isin(closed_before_feb["pathway_id"])]
    sub = pd.read_csv(out / "submissions/RA1/2024-02/subsequent_treatments.csv", dtype=str,
                      keep_default_na=False)
    rec = pd.read_csv(out / "submissions/RA1/2024-02/recovery_events.csv", dtype=str,
                      keep_default_na=False)
    assert set(back["pathway_id"]) <= set(sub["pathway_id"]) | set(rec["pathway_id"])


def test_same_seed_writes_byte_identical_files(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    args = {"scale": "small", "start": "2024-03", "months": 2, "seed": 5, "dirty": 0.02}
    generate(a, **args)
    generate(b, **args)
    generate(c, **{**args, "seed": 6})
    files = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    assert all((a / f).read_bytes() == (b / f).read_bytes() for f in files)
    assert (a / "submissions/RA1/2024-03/pathways.csv").read_bytes() != (
        c / "submissions/RA1/2024-03/pathways.csv").read_bytes()


def test_parquet_says_the_same_as_csv(tmp_path):
    args = {"scale": "small", "start": "2024-03", "months": 1, "seed": 5}
    generate(tmp_path / "csv", **args)
    generate(tmp_path / "pq", file_format="parquet", **args)
    for table in TABLES:
        name = table.file_name.removesuffix(".csv")
        csv = pd.read_csv(tmp_path / f"csv/submissions/RA2/2024-03/{name}.csv", dtype=str,
                          keep_default_na=False)
        pq = pd.read_parquet(tmp_path / f"pq/submissions/RA2/2024-03/{name}.parquet")
        assert list(pq.columns) == table.column_names
        pd.testing.assert_frame_equal(csv, pq.fillna(""), check_dtype=False)


@pytest.mark.parametrize("bad", [{"scale": "galaxy"}, {"start": "2024-13"}, {"months": 0},
                                 {"file_format": "xlsx"}, {"dirty": 0.9}])
def test_bad_arguments_are_usage_errors(tmp_path, bad):
    from cancer_alliance.errors import UsageError

    with pytest.raises(UsageError):
        generate(tmp_path, **{"scale": "small", "months": 1, **bad})


def test_rerun_replaces_an_earlier_output_and_refuses_other_folders(tmp_path):
    from cancer_alliance.errors import UsageError

    out = tmp_path / "out"
    generate(out, scale="small", start="2024-01", months=3, seed=1)
    generate(out, scale="small", start="2024-01", months=1, seed=1)
    assert sorted(p.name for p in (out / "submissions/RA1").iterdir()) == ["2024-01"]
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    with pytest.raises(UsageError, match="not empty"):
        generate(other, scale="small", months=1)
    assert (other / "notes.txt").read_text() == "mine"


def test_demo_runs_from_april_2023_to_the_last_complete_month():
    from cancer_alliance.generate import demo_months

    assert demo_months(dt.date(2026, 11, 22)) == 43  # 2023-04 .. 2026-10
    assert demo_months(dt.date(2024, 1, 1)) == 9  # 2023-04 .. 2023-12


def test_child_rows_appear_when_they_happen_and_stay_on_resubmission(clean_run):
    out, _ = clean_run
    months = ["2024-01", "2024-02", "2024-03", "2024-04"]

    def read(month, name):
        return pd.read_csv(out / f"submissions/RA2/{month}/{name}", dtype=str,
                           keep_default_na=False)

    by_month = {}
    for month in months:
        pathways = set(read(month, "pathways.csv")["pathway_id"])
        events = read(month, "recovery_events.csv")
        rows = set(zip(events["pathway_id"], events["event"], events["event_date"], strict=True))
        assert {r[0] for r in rows} <= pathways  # child rows come with their pathway
        by_month[month] = (pathways, rows)
    everything = set().union(*(rows for _, rows in by_month.values()))
    for month, (pathways, rows) in by_month.items():
        # an event is in the submission of the month it happens ...
        assert {r for r in everything if r[2].startswith(month)} <= rows
        # ... and in every later submission of its pathway
        earlier = set().union(*(by_month[m][1] for m in months if m < month))
        assert {r for r in earlier if r[0] in pathways} <= rows
    assert any(r[2] >= "2024-02" for r in everything)

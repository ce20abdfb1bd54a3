"""The reporting calendar by hand-worked calendars: deadlines, states, complete months.

Deadlines worked by hand from a 2024 wall calendar (England and Wales bank holidays:
1 Jan, 29 Mar Good Friday, 1 Apr Easter Monday, 6 May, 27 May, 26 Aug, 25-26 Dec):

=========  ==========  =================================================  ===========
month      month end   25th working day after it                          final at
=========  ==========  =================================================  ===========
2024-01    Wed 31 Jan  Wed 6 Mar                                          8 Apr
2024-02    Thu 29 Feb  Mon 8 Apr (Good Friday and Easter Monday skipped)  7 May
2024-03    Sun 31 Mar  Tue 7 May (Easter Monday and 6 May skipped)        6 Jun
2024-04    Tue 30 Apr  Thu 6 Jun (6 May and 27 May skipped)               5 Jul
=========  ==========  =================================================  ===========
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from cancer_alliance.calendar import (
    CalendarSettings,
    Finalisation,
    Submission,
    bank_holidays,
    build_calendar,
    final_deadline,
    submission_deadline,
)

THREE = {"RAA": None, "RBB": None, "RCC": None}
_ids = iter(range(1, 10_000))


def sub(provider: str, period: str, when: str, status: str = "loaded",
        accepted: int = 100) -> Submission:
    return Submission(next(_ids), provider, period, datetime.fromisoformat(when), status,
                      accepted, 2, "tester")


def state(cal, provider: str, period: str) -> str:
    return next(c.state for c in cal.cells if c.provider_code == provider
                and c.period == period)


def cell(cal, provider: str, period: str):
    return next(c for c in cal.cells if c.provider_code == provider and c.period == period)


# ---------------------------------------------------------------- bank holidays, deadlines

@pytest.mark.parametrize(("year", "published"), [
    # GOV.UK "UK bank holidays", England and Wales
    (2022, ["01-03", "04-15", "04-18", "05-02", "06-02", "06-03", "08-29", "09-19", "12-26",
            "12-27"]),
    (2023, ["01-02", "04-07", "04-10", "05-01", "05-08", "05-29", "08-28", "12-25", "12-26"]),
    (2024, ["01-01", "03-29", "04-01", "05-06", "05-27", "08-26", "12-25", "12-26"]),
    (2025, ["01-01", "04-18", "04-21", "05-05", "05-26", "08-25", "12-25", "12-26"]),
    (2026, ["01-01", "04-03", "04-06", "05-04", "05-25", "08-31", "12-25", "12-28"]),
])
def test_bank_holidays_match_the_published_list(year, published):
    assert sorted(bank_holidays(year)) == [date.fromisoformat(f"{year}-{d}") for d in published]


@pytest.mark.parametrize(("month", "deadline", "final"), [
    ("2024-01", date(2024, 3, 6), date(2024, 4, 8)),
    ("2024-02", date(2024, 4, 8), date(2024, 5, 7)),
    ("2024-03", date(2024, 5, 7), date(2024, 6, 6)),
    ("2024-04", date(2024, 6, 6), date(2024, 7, 5)),
])
def test_national_deadlines_by_hand(month, deadline, final):
    assert submission_deadline(month) == deadline
    assert final_deadline(month) == final


def test_deadlines_follow_the_settings():
    ten = CalendarSettings(working_days=10)
    # 2024-03: 1 Apr is Easter Monday, so the tenth working day is Mon 15 Apr
    assert submission_deadline("2024-03", ten) == date(2024, 4, 15)
    two_windows = CalendarSettings(revision_months=2)
    assert final_deadline("2024-01", two_windows) == date(2024, 5, 7)
    with pytest.raises(ValueError, match="complete_share"):
        CalendarSettings(complete_share=0)


# ---------------------------------------------------------------- a late provider

LATE = [
    sub("RAA", "2024-01", "2024-02-20T10:00"), sub("RBB", "2024-01", "2024-03-01T10:00"),
    sub("RCC", "2024-01", "2024-03-20T10:00"),  # in, but after its 6 March deadline
    sub("RAA", "2024-02", "2024-03-25T10:00"), sub("RBB", "2024-02", "2024-04-05T10:00"),
    sub("RAA", "2024-03", "2024-04-15T10:00"),
]


def test_a_late_provider():
    cal = build_calendar(LATE, THREE, date(2024, 4, 20))
    assert [m.period for m in cal.months] == ["2024-01", "2024-02", "2024-03"]
    # January is past its final deadline (8 April): final for every provider
    assert [state(cal, p, "2024-01") for p in THREE] == ["final"] * 3
    assert cell(cal, "RCC", "2024-01").on_time is False
    assert cell(cal, "RAA", "2024-01").on_time is True
    # February: RCC sent nothing and the deadline (8 April) has passed
    assert [state(cal, p, "2024-02") for p in THREE] == ["submitted", "submitted", "late"]
    # March: deadline 7 May not yet reached
    assert [state(cal, p, "2024-03") for p in THREE] == ["submitted", "awaiting", "awaiting"]
    assert cal.latest_complete == "2024-01"
    feb = cal.month("2024-02")
    assert (feb.complete, feb.missing, feb.edition) == (False, ("RCC",), "provisional")
    assert cal.month("2024-01").edition == "final"
    assert [m.period for m in cal.provisional_after()] == ["2024-02", "2024-03"]


def test_late_starts_the_day_after_the_deadline():
    on_the_day = build_calendar(LATE, THREE, date(2024, 4, 8))
    assert state(on_the_day, "RCC", "2024-02") == "awaiting"
    assert on_the_day.month("2024-01").final is False  # final at the end of 8 April
    day_after = build_calendar(LATE, THREE, date(2024, 4, 9))
    assert state(day_after, "RCC", "2024-02") == "late"
    assert day_after.month("2024-01").final is True


def test_a_month_not_yet_ended_is_not_due():
    subs = [sub("RAA", "2024-01", "2024-01-20T10:00")]  # uploaded before the month ended
    cal = build_calendar(subs, THREE, date(2024, 1, 25))
    assert [state(cal, p, "2024-01") for p in THREE] == ["submitted", "not_due", "not_due"]


def test_a_whole_file_rejection_is_not_a_submission():
    subs = [sub(p, "2024-01", "2024-02-01T09:00") for p in THREE] + [
        sub("RAA", "2024-02", "2024-03-01T09:00", status="rejected")]
    cal = build_calendar(subs, THREE, date(2024, 3, 2))
    assert cal.months[-1].period == "2024-01"  # February has no loaded submission at all


# ---------------------------------------------------------------- resubmissions and final

def test_resubmission_before_and_after_finalisation():
    subs = [sub(p, "2024-01", "2024-02-20T10:00") for p in THREE]
    again = sub("RAA", "2024-01", "2024-03-20T10:00", accepted=120)
    after_final = sub("RAA", "2024-01", "2024-04-20T10:00", accepted=130)
    before = build_calendar([*subs, again], THREE, date(2024, 4, 1))
    assert state(before, "RAA", "2024-01") == "resubmitted"
    assert cell(before, "RAA", "2024-01").rows_accepted == 120
    assert not cell(before, "RAA", "2024-01").revised_after_final
    after = build_calendar([*subs, again, after_final], THREE, date(2024, 5, 1))
    c = cell(after, "RAA", "2024-01")
    assert (c.state, c.submissions, c.rows_accepted) == ("final", 3, 130)
    assert c.revised_after_final and c.revisions == (after_final,)
    assert [s for _, s in after.revisions()] == [after_final]
    # the resubmission inside the revision window is not a revision
    assert not cell(after, "RBB", "2024-01").revised_after_final


def test_an_explicit_finalise_makes_later_resubmissions_revisions():
    subs = [sub(p, "2024-02", "2024-03-05T10:00") for p in THREE]
    fin = Finalisation("2024-02", "analyst1", datetime(2024, 3, 15, 12))
    late_fix = sub("RBB", "2024-02", "2024-03-20T10:00")
    cal = build_calendar([*subs, late_fix], THREE, date(2024, 3, 21), finalisations=[fin])
    feb = cal.month("2024-02")
    assert (feb.final, feb.finalised_by, feb.edition) == (True, "analyst1", "final")
    assert [state(cal, p, "2024-02") for p in THREE] == ["final"] * 3
    assert cell(cal, "RBB", "2024-02").revisions == (late_fix,)
    # judged before the analyst acted, the month was provisional and RBB resubmitted nothing
    earlier = build_calendar(subs, THREE, date(2024, 3, 10), finalisations=[fin])
    assert earlier.month("2024-02").edition == "provisional"


def test_a_first_submission_after_final_is_late_not_a_revision():
    subs = [sub("RAA", "2024-01", "2024-02-10T10:00"), sub("RBB", "2024-01", "2024-02-10T10:00"),
            sub("RCC", "2024-01", "2024-05-01T10:00")]
    c = cell(build_calendar(subs, THREE, date(2024, 5, 2)), "RCC", "2024-01")
    assert (c.state, c.on_time, c.revised_after_final) == ("final", False, False)


# ---------------------------------------------------------------- joining mid-year

def test_a_provider_joining_mid_year_is_expected_from_its_joining_month():
    subs = [sub(p, m, f"{m[:4]}-{int(m[5:]) + 1:02d}-10T10:00") for p in ("RAA", "RBB")
            for m in ("2024-01", "2024-02", "2024-03", "2024-04")]
    subs += [sub("RNW", m, f"{m[:4]}-{int(m[5:]) + 1:02d}-10T10:00")
             for m in ("2024-03", "2024-04")]
    footprint = {"RAA": None, "RBB": None, "RNW": "2024-03"}
    cal = build_calendar(subs, footprint, date(2024, 5, 20))
    assert [state(cal, "RNW", m) for m in ("2024-01", "2024-02")] == ["not_due", "not_due"]
    assert not cell(cal, "RNW", "2024-01").expected
    assert cal.month("2024-02").expected == ("RAA", "RBB")
    assert cal.month("2024-03").expected == ("RAA", "RBB", "RNW")
    assert all(m.complete for m in cal.months)
    assert cal.latest_complete == "2024-04"
    # with no joining month recorded, its first submission says when it joined
    inferred = build_calendar(subs, {"RAA": None, "RBB": None, "RNW": None}, date(2024, 5, 20))
    assert inferred.month("2024-02").expected == ("RAA", "RBB")
    # recorded as joining in February without sending it: February is incomplete, RNW late
    early = build_calendar(subs, {**footprint, "RNW": "2024-02"}, date(2024, 5, 20))
    assert state(early, "RNW", "2024-02") == "late"
    assert early.month("2024-02").missing == ("RNW",)
    assert early.latest_complete == "2024-04"


def test_a_footprint_provider_that_never_submitted_is_named_missing():
    subs = [sub(p, "2024-01", "2024-02-10T10:00") for p in ("RAA", "RBB", "RCC")]
    footprint = {**THREE, "RZZ": None}
    cal = build_calendar(subs, footprint, date(2024, 3, 20))
    jan = cal.month("2024-01")
    assert (jan.complete, jan.missing, state(cal, "RZZ", "2024-01")) == (False, ("RZZ",), "late")
    assert cal.latest_complete is None and cal.data_start is None
    # a configured share: three of four in is enough, the missing one still named
    share = build_calendar(subs, footprint, date(2024, 3, 20),
                           CalendarSettings(complete_share=0.75))
    assert share.latest_complete == "2024-01" and share.month("2024-01").missing == ("RZZ",)


# ---------------------------------------------------------------- the regression

def test_an_early_upload_of_next_month_does_not_move_the_latest_month():
    subs = [sub(p, m, f"{m[:4]}-{int(m[5:]) + 1:02d}-10T10:00") for p in THREE
            for m in ("2024-01", "2024-02", "2024-03")]
    early = sub("RAA", "2024-04", "2024-04-25T10:00")  # before April has even ended
    cal = build_calendar([*subs, early], THREE, date(2024, 4, 26))
    assert cal.latest_complete == "2024-03"
    apr = cal.month("2024-04")
    assert (apr.complete, apr.received, apr.missing) == (False, ("RAA",), ("RBB", "RCC"))
    assert [m.period for m in cal.provisional_after()] == ["2024-04"]


def test_data_start_is_the_first_complete_month_or_the_configured_one():
    subs = [sub(p, m, f"2024-0{int(m[5:]) + 1}-10T10:00") for p in ("RAA", "RBB")
            for m in ("2024-01", "2024-02")]
    subs.append(sub("RCC", "2024-02", "2024-03-10T10:00"))
    # RCC is recorded as in the footprint since January but sent nothing for it
    cal = build_calendar(subs, {**THREE, "RCC": "2024-01"}, date(2024, 3, 20))
    assert cal.data_start == "2024-02"
    assert [m.in_data for m in cal.months] == [False, True]
    configured = build_calendar(subs, THREE, date(2024, 3, 20),
                                CalendarSettings(data_start="2024-02"))
    assert configured.data_start == "2024-02" and configured.latest_complete == "2024-02"
    assert configured.month("2024-01").in_data is False


def test_one_trust_starting_early_sets_the_data_start_unless_the_others_joined_earlier():
    """By the activity rule a month only one trust was active in is complete; recording the
    others' joining month (or a data start) is how an alliance says otherwise."""
    subs = [sub("RAA", "2023-11", "2023-12-10T10:00")]
    subs += [sub(p, "2024-01", "2024-02-10T10:00") for p in THREE]
    assert build_calendar(subs, THREE, date(2024, 2, 20)).data_start == "2023-11"
    joined = {"RAA": None, "RBB": "2023-11", "RCC": "2023-11"}
    assert build_calendar(subs, joined, date(2024, 2, 20)).data_start == "2024-01"


def test_without_a_footprint_only_a_configured_start_cuts_months():
    """A store of submissions with no reference organisations is no alliance: its months
    are judged (complete, latest) but nothing is cut unless a data start is configured."""
    subs = [sub("RAA", m, f"2024-0{int(m[5:]) + 1}-10T10:00") for m in ("2024-01", "2024-02")]
    cal = build_calendar(subs, {}, date(2024, 3, 20))
    assert (cal.latest_complete, cal.data_start) == ("2024-02", None)
    assert all(m.in_data for m in cal.months)
    set_start = build_calendar(subs, {}, date(2024, 3, 20), CalendarSettings(data_start="2024-02"))
    assert set_start.data_start == "2024-02"


def test_nothing_submitted_means_no_months():
    cal = build_calendar([], THREE, date(2024, 3, 1))
    assert (cal.months, cal.latest_complete, cal.data_start) == ((), None, None)

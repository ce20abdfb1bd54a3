"""The one period module: months parsed whole (never cut), shifted, turned into dates."""

from datetime import date, datetime

import pytest

from cancer_alliance.dataset import periods
from cancer_alliance.errors import UsageError


@pytest.mark.parametrize(("text", "why"), [
    ("2024-05-31", "it is a date; give the month only"),
    ("0000-01", "there is no year 0000"),
    ("2024-13", "month 13 is not 01 to 12"),
    ("2024-00", "month 00 is not 01 to 12"),
    ("2024-5", "write it YYYY-MM"),
    ("24-05", "write it YYYY-MM"),
    (" 2024-05", "write it YYYY-MM"),
    ("2024-05 ", "write it YYYY-MM"),
    ("May 2024", "write it YYYY-MM"),
    ("", "write it YYYY-MM"),
])
def test_a_bad_month_is_refused_with_its_reason(text, why):
    with pytest.raises(UsageError) as err:
        periods.check_month(text)
    assert str(err.value).startswith(f"period {text!r} is not a month written YYYY-MM: ")
    assert why in str(err.value)
    assert not periods.is_month(text)


def test_the_value_is_named_as_the_caller_says():
    with pytest.raises(UsageError, match="^go-live month '2024-05-31' is not a month"):
        periods.check_month("2024-05-31", "go-live month")


@pytest.mark.parametrize("text", ["2024-01", "2024-12", "0001-01", "9999-12"])
def test_good_months(text):
    assert periods.check_month(text) == text and periods.is_month(text)


def test_none_is_not_a_month():
    assert not periods.is_month(None)


@pytest.mark.parametrize(("month", "n", "out"), [
    ("2024-12", 1, "2025-01"), ("2025-01", -1, "2024-12"), ("2024-05", 0, "2024-05"),
    ("2024-05", -23, "2022-06"), ("2024-05", 24, "2026-05"), ("2024-03", -15, "2022-12"),
])
def test_shift(month, n, out):
    assert periods.shift(month, n) == out


def test_index_round_trips():
    assert periods.index("0001-01") == 12
    assert all(periods.from_index(periods.index(m)) == m
               for m in ("2023-01", "2023-12", "2024-02"))


@pytest.mark.parametrize(("month", "start", "end"), [
    ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),  # leap year
    ("2023-02", date(2023, 2, 1), date(2023, 2, 28)),
    ("1900-02", date(1900, 2, 1), date(1900, 2, 28)),  # century, not a leap year
    ("2024-12", date(2024, 12, 1), date(2024, 12, 31)),
    ("9999-12", date(9999, 12, 1), date(9999, 12, 31)),
])
def test_month_start_and_end(month, start, end):
    assert periods.month_start(month) == start and periods.month_end(month) == end


def test_month_end_refuses_a_date():
    with pytest.raises(UsageError, match="it is a date"):
        periods.month_end("2024-05-31")


def test_months_between_crosses_years_and_is_empty_backwards():
    assert periods.months_between("2023-11", "2024-02") == [
        "2023-11", "2023-12", "2024-01", "2024-02"]
    assert periods.months_between("2024-02", "2024-02") == ["2024-02"]
    assert periods.months_between("2024-03", "2024-02") == []


def test_month_range():
    assert periods.month_range(None) is None
    assert periods.month_range("2024-05") == ("2024-05", "2024-05")
    assert periods.month_range("2024-01..2024-05") == ("2024-01", "2024-05")
    assert periods.month_range(("2024-01", "2024-05")) == ("2024-01", "2024-05")
    with pytest.raises(UsageError, match="2024-05-31"):
        periods.month_range("2024-01..2024-05-31")


def test_from_date():
    assert periods.from_date(date(2024, 5, 31)) == "2024-05"
    assert periods.from_date(datetime(2024, 12, 1, 23, 59)) == "2024-12"
    assert periods.from_date("2024-02-29") == "2024-02"
    with pytest.raises(ValueError):
        periods.from_date("2024-02-30")


@pytest.mark.parametrize(("month", "start", "end"), [
    ("2024-04", "2024-04", "2025-03"), ("2025-03", "2024-04", "2025-03"),
    ("2024-03", "2023-04", "2024-03"), ("2025-01", "2024-04", "2025-03"),
])
def test_financial_year(month, start, end):
    assert periods.financial_year_start(month) == start
    assert periods.financial_year_end(month) == end
    months = periods.financial_year_months(month)
    assert len(months) == 12 and months[0] == start and months[-1] == end


@pytest.mark.parametrize(("month", "grain", "out"), [
    ("2024-03", "quarter", "2024-Q1"), ("2024-04", "quarter", "2024-Q2"),
    ("2024-12", "quarter", "2024-Q4"), ("2024-03", "financial_year", "2023/24"),
    ("2024-04", "financial_year", "2024/25"), ("2099-12", "financial_year", "2099/00"),
    ("2024-05", "month", "2024-05"),
])
def test_label(month, grain, out):
    assert periods.label(month, grain) == out


def test_label_refuses_an_unknown_grain():
    with pytest.raises(UsageError, match="unknown time grain 'week'"):
        periods.label("2024-05", "week")


@pytest.mark.parametrize(("label", "day"), [
    ("2024-05", date(2024, 5, 1)), ("2024-Q3", date(2024, 7, 1)),
    ("2024/25", date(2024, 4, 1)),
])
def test_first_day(label, day):
    assert periods.first_day(label) == day


@pytest.mark.parametrize("kind, month, first, last", [
    ("month", "2024-05", "2024-05", "2024-05"),
    # a quarter is a whole one ending on or before the month
    ("quarter", "2024-03", "2024-01", "2024-03"),
    ("quarter", "2024-05", "2024-01", "2024-03"),
    ("quarter", "2024-06", "2024-04", "2024-06"),
    ("quarter", "2024-01", "2023-10", "2023-12"),
    # the financial year runs from April
    ("fytd", "2024-04", "2024-04", "2024-04"),
    ("fytd", "2025-02", "2024-04", "2025-02"),
    ("fytd", "2024-03", "2023-04", "2024-03"),
    ("rolling12", "2024-05", "2023-06", "2024-05"),
    ("rolling12", "2024-12", "2024-01", "2024-12"),
])
def test_windows_by_hand(kind, month, first, last):
    assert periods.window(kind, month) == (first, last)


@pytest.mark.parametrize("kind, month, first, last", [
    ("month", "2024-01", "2023-12", "2023-12"),
    ("quarter", "2024-05", "2023-10", "2023-12"),
    ("fytd", "2025-02", "2023-04", "2024-02"),
    ("rolling12", "2024-05", "2022-06", "2023-05"),
])
def test_previous_windows_by_hand(kind, month, first, last):
    assert periods.previous_window(kind, month) == (first, last)


def test_window_labels_and_refusals():
    assert periods.window_label("month", "2024-05") == "2024-05"
    assert periods.window_label("quarter", "2024-05") == "2024-Q1 (2024-01 to 2024-03)"
    assert periods.window_label("fytd", "2024-09") == "2024/25 to date (2024-04 to 2024-09)"
    assert periods.window_label("rolling12", "2024-09") == (
        "12 months to 2024-09 (2023-10 to 2024-09)")
    with pytest.raises(UsageError, match="unknown span"):
        periods.window("week", "2024-05")
    with pytest.raises(UsageError, match="not a month"):
        periods.window("month", "2024-05-31")

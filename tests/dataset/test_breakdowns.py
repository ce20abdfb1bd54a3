"""The one ``by``/``filters`` parser, on an ibis table and a pandas frame alike."""

import ibis
import pandas as pd
import pytest

from cancer_alliance.dataset.breakdowns import ALIASES, Vocabulary
from cancer_alliance.errors import UsageError

V = Vocabulary("a thing", ("provider_code", "tumour_group", "referral_route"))


@pytest.mark.parametrize(("by", "groups", "grain"), [
    (None, [], None),
    ("", [], None),
    ("provider,month", ["provider_code"], "month"),
    (" provider , fy ", ["provider_code"], "financial_year"),
    (("tumour_group", "provider_code", "tumour_group"), ["tumour_group", "provider_code"], None),
    ("quarter", [], "quarter"),
    ("month,month", [], "month"),
    ("route,provider_code,provider", ["referral_route", "provider_code"], None),
])
def test_parse_by(by, groups, grain):
    assert V.parse_by(by) == (groups, grain)


def test_two_grains_are_refused():
    with pytest.raises(UsageError, match=r"two time grains \(month, quarter\)"):
        V.parse_by("provider,month,quarter")


def test_an_unknown_column_is_named_with_the_offer():
    with pytest.raises(UsageError) as err:
        V.parse_by("provider,age_band")
    assert str(err.value) == ("cannot break a thing down by 'age_band'; use any of "
                              "provider_code, tumour_group, referral_route, month, quarter, "
                              "financial_year")


def test_own_aliases_replace_the_default():
    published = Vocabulary("published data", ("cancer_type",), {"fy": "financial_year"})
    assert published.parse_by("cancer_type,fy") == (["cancer_type"], "financial_year")
    assert ALIASES["cancer_type"] == "suspected_cancer_type"
    with pytest.raises(UsageError, match="'cancer_type'"):
        V.parse_by("cancer_type")


def test_filters_normalise_names_and_values():
    assert V.filters({"provider": "RAA", "route": ("USC", "BS"), "tumour_group": {"Lung"}}) == {
        "provider_code": ["RAA"], "referral_route": ["USC", "BS"], "tumour_group": ["Lung"]}
    assert V.filters(None) == {}
    with pytest.raises(UsageError, match="cannot filter a thing on 'sex'"):
        V.filters({"sex": "1"})


FRAME = pd.DataFrame({"provider_code": ["RAA", "RBB", "RCC", "RAA"],
                      "acc": ["RBB", "RBB", "RCC", "RAA"],
                      "referral_route": ["USC", "BS", "USC", "SCREEN"]})


@pytest.mark.parametrize("make", [lambda f: f, ibis.memtable], ids=["pandas", "ibis"])
def test_filter_keeps_matching_rows_on_pandas_and_ibis(make):
    def rows(t):
        out = t if isinstance(t, pd.DataFrame) else t.to_pandas()
        return sorted(map(tuple, out[["provider_code", "referral_route"]].values.tolist()))

    t = make(FRAME)
    assert rows(V.filter(t, {"route": "USC"})) == [("RAA", "USC"), ("RCC", "USC")]
    assert rows(V.filter(t, {"provider": ["RAA", "RBB"], "route": ["USC", "BS"]})) == [
        ("RAA", "USC"), ("RBB", "BS")]
    # provider_code read from another column (the accountable provider)
    assert rows(V.filter(t, {"provider": "RBB"}, {"provider_code": "acc"})) == [
        ("RAA", "USC"), ("RBB", "BS")]
    assert rows(V.filter(t, None)) == rows(t)

"""The alliance overview: every headline standard for the latest month, backlog, freshness."""

from __future__ import annotations

from datetime import date

import pandas as pd
from fastapi import APIRouter, Depends, Request

from cancer_alliance.auth.model import Actor
from cancer_alliance.auth.policy import aggregates_protected
from cancer_alliance.dataset import periods
from cancer_alliance.web import analysis, data, selection
from cancer_alliance.web.deps import check, current_actor, get_con, render
from cancer_alliance.web.protect import exact, for_actor
from cancer_alliance.web.selection import Selection

router = APIRouter()

COUNTS = ["within", "breaches", "total"]


def standard_series(con, actor: Actor, code: str, filters: dict | None = None) -> pd.DataFrame:
    """Monthly counts and performance for one standard, protected for the actor.

    From the alliance's data start to its latest complete month: a month only some
    providers have sent is provisional, listed apart (:func:`data.provisional_months`),
    never a point of the series, its SPC or the headline."""
    key = ("series", code, tuple(sorted((filters or {}).items())), aggregates_protected(actor))
    return data.cached(con, key, lambda: _series(con, actor, code, filters)).copy()


def true_series(con, code: str, filters: dict | None = None) -> pd.DataFrame:
    """Monthly counts and exact performance for one standard: what SPC verdicts, change and
    met / not met are computed from, for every actor (never shown as it is when protected)."""
    key = ("true-series", code, tuple(sorted((filters or {}).items())))
    return data.cached(con, key, lambda: _series(con, None, code, filters)).copy()


def _series(con, actor: Actor | None, code: str, filters: dict | None) -> pd.DataFrame:
    df = data.upto_latest(con, data.metric(con, code, by=("month",), filters=filters))
    if df.empty:
        return pd.DataFrame(columns=["period", *COUNTS, "performance"])
    pcts = {"performance": ("within", "total")}
    if actor is None:
        out = exact(df, COUNTS, ["period"], False, pcts)
    else:
        out = for_actor(actor, df, COUNTS, ["period"], total_col="total", percentages=pcts)
    return out.sort_values("period").reset_index(drop=True)


def headline_rows(con, actor: Actor, filters: dict | None = None,
                  sel: Selection | None = None) -> list[dict]:
    """One row per headline standard: the latest complete month, or the chosen span.

    Kept per data version, protection (role and organisation), filters and span: the
    overview, trust, tumour-group, commissioner and public pages all open with these rows,
    and building them (a dozen span sums, each protected) was most of a warm page's time.
    Each caller gets its own copies of the rows."""
    key = ("headline-rows", aggregates_protected(actor), actor.role, actor.org_code,
           tuple(sorted((k, repr(v)) for k, v in (filters or {}).items())), sel)
    rows = data.cached(con, key, lambda: _headline_rows(con, actor, filters, sel))
    return [dict(r) for r in rows]


def _headline_rows(con, actor: Actor, filters: dict | None,
                   sel: Selection | None) -> list[dict]:
    rows = []
    for code in data.HEADLINE:
        if code in data.standard_defs():
            if sel is not None and sel.month:
                rows.append(window_headline(con, actor, code, filters, sel))
                continue
            series = standard_series(con, actor, code, filters)
            truth = true_series(con, code, filters)
            row = analysis.headline(series, code, truth)
            row["edition"] = data.edition(con, row["period"])
            rows.append(row)
    return rows


def window_figure(con, actor: Actor | None, code: str, filters: dict | None,
                  span: str | None) -> dict | None:
    """Patients, within and performance over a span (``YYYY-MM`` or ``first..last``) as
    ``actor`` may see them (``None``: the true counts); None when nothing counts in it."""
    if span is None:
        return None
    # the span's months summed from the monthly counts the series reads (kept already): the
    # same patients as asking the metrics for the span, without another query per span
    first, _, last = span.partition("..")
    monthly = data.metric(con, code, by=("month",), filters=filters)
    months = monthly[(monthly["period"] >= first) & (monthly["period"] <= (last or first))]
    if months.empty or float(months["total"].sum()) == 0:
        return None
    df = pd.DataFrame({"period": [span], "total": [float(months["total"].sum())],
                       "within": [float(months["within"].sum())]})
    df["breaches"] = df["total"] - df["within"]
    pcts = {"performance": ("within", "total")}
    out = (exact(df, COUNTS, ["period"], False, pcts) if actor is None
           else for_actor(actor, df, COUNTS, ["period"], total_col="total", percentages=pcts))
    return out.iloc[0].to_dict() if len(out) else None


def window_headline(con, actor: Actor, code: str, filters: dict | None,
                    sel: Selection) -> dict:
    """The headline row over the chosen span: the span's figure and its change since the
    span before (both from true counts, the change withheld where the figure or the one
    before it is withheld: either gives the other back through the change), the
    threshold in force in its last month; SPC icons and the trend from the monthly series
    up to the span's end (SPC is monthly whatever the span)."""
    series = standard_series(con, actor, code, filters)
    truth = true_series(con, code, filters)
    series = series[series["period"].astype(str) <= sel.last]
    truth = truth[truth["period"].astype(str) <= sel.last]
    row = analysis.headline(series, code, truth)
    defn = data.standard_defs()[code]
    shown = window_figure(con, actor, code, filters, sel.range)
    true_now = window_figure(con, None, code, filters, sel.range)
    true_before = window_figure(con, None, code, filters, sel.previous)
    # the change gives either figure back from the other, so it is withheld where the
    # actor sees either one withheld (the span before is shown in the series table)
    shown_before = window_figure(con, actor, code, filters, sel.previous)
    before = analysis.as_float(shown_before["performance"]) if shown_before else float("nan")
    on = periods.month_start(sel.last)
    applies, threshold = defn.applicable(on), defn.threshold_on(on)
    perf = analysis.as_float(shown["performance"]) if shown else float("nan")
    true_perf = analysis.as_float(true_now["performance"]) if true_now else float("nan")
    change = float("nan")
    if true_before is not None and perf == perf and before == before:
        change = true_perf - analysis.as_float(true_before["performance"])
    row.update(
        period=sel.label, span=sel.range, performance=None if perf != perf else perf,
        total=shown["total"] if shown else None,
        change=None if change != change else change, threshold=threshold,
        objective=applies.objective.value_percent if applies.objective else None,
        applies=applies.words, edition=sel.edition,
        met=(true_perf >= threshold) if threshold is not None and perf == perf else None)
    return row


def census_for(request: Request, sel: Selection) -> date:
    """The census for a chosen span: the end of its last month (a fixed census, if one is
    configured, as :func:`census_date`), never after today."""
    if request.app.state.settings.census or not sel.last:
        return census_date(request)
    return min(periods.month_end(sel.last), date.today())


def census_date(request: Request) -> date:
    """The PTL census: a fixed date if configured, else the end of the latest complete month.

    Providers report monthly, so the store knows each open pathway's state only up to the
    end of the latest period every provider has sent; counting days beyond it would
    inflate waits and the backlog, and one trust's early upload must not move it. Before
    any complete month (or if that month is in the future) it is today.
    """
    fixed = request.app.state.settings.census
    if fixed:
        return date.fromisoformat(fixed)
    cur = request.app.state.con.cursor()
    try:
        latest = data.latest_period(cur)
    finally:
        cur.close()
    if latest is None:
        return date.today()
    return min(periods.month_end(latest), date.today())


def backlog_summary(con, actor: Actor, census: date) -> pd.DataFrame:
    """Open pathways past day 62 and past day 104 by provider, protected for the actor."""
    ptl = data.ptl(con, census, {})
    if ptl.empty:
        return pd.DataFrame(columns=["provider_code", "open", "backlog_62", "over_104"])
    ptl = ptl.assign(open=1, backlog_62=ptl["in_62_day_backlog"].astype(int),
                     over_104=ptl["in_104_day_subset"].astype(int))
    return for_actor(actor, ptl, ["open", "backlog_62", "over_104"], ["provider_code"],
                     total_row=True)


def headline_comparators(con, headlines: list[dict]) -> dict | None:
    """England and the peer set beside each headline figure (the overview), for the month
    it shows; a span's figure is left out (published figures are monthly). None when no
    published data is loaded for any headline standard."""
    try:
        basis, codes = data.published_peer_set(con)
        rows = []
        for h in headlines:
            month = str(h.get("period") or "")
            if not periods.is_month(month):
                continue
            eng = data.published_comparators(con, h["code"])
            eng = eng[eng["period"].astype(str) == month]
            if eng.empty:
                continue
            row = {"name": h["name"], "period": month, "local": h.get("performance"),
                   "england": _as_number(eng.iloc[0]["performance"]),
                   "england_edition": eng.iloc[0]["edition"], "peers": None,
                   "peers_edition": None}
            mine = data.published_peer_figures(con, h["code"])
            mine = mine[mine["period"].astype(str) == month]
            if not mine.empty:
                row["peers"] = _as_number(mine.iloc[0]["performance"])
                row["peers_edition"] = (f"{mine.iloc[0]['edition']}, "
                                        f"{organisations_phrase(int(mine.iloc[0]['peers']))}")
            rows.append(row)
    except data.DataUnavailable:
        return None
    if not rows:
        return None
    return {"rows": rows, "peer_set": ", ".join(codes), "has_peer_set": bool(codes)}


def organisations_phrase(n: int) -> str:
    """"1 organisation", "2 organisations": how many peers published a month."""
    return f"{n} organisation" + ("" if n == 1 else "s")


def _as_number(v) -> float:
    """A figure as a float, NaN when missing."""
    return float("nan") if v is None or pd.isna(v) else float(v)


@router.get("/", include_in_schema=False)
def overview(request: Request, con=Depends(get_con), actor: Actor = Depends(current_actor)):
    if actor.is_anonymous:
        from fastapi.responses import RedirectResponse

        return RedirectResponse("/public", status_code=302)
    check(request, actor, "view_operations")
    sel = selection.select(request, con)
    census = census_for(request, sel)
    key = ("overview-page", census.isoformat(), aggregates_protected(actor), sel.kind,
           sel.month)
    ctx = data.cached(con, key, lambda: overview_context(con, actor, census, sel))
    # published figures change with `published load`, not with submissions: not in the key
    compared = headline_comparators(con, ctx.get("headlines") or [])
    return render(request, "overview.html", **{**ctx, "compared": compared})


def overview_context(con, actor: Actor, census: date, sel: Selection | None = None) -> dict:
    """Everything the overview shows; the same for every actor with the same protection."""
    ctx: dict = {"title": "Alliance overview", "unavailable": None}
    try:
        ctx["headlines"] = headline_rows(con, actor, sel=sel)
        ctx["backlog"] = backlog_summary(con, actor, census).to_dict("records")
        ctx["census"] = census.isoformat()
    except data.DataUnavailable as exc:
        ctx.update(headlines=[], backlog=[], unavailable=str(exc))
    ctx["measures"] = measure_rows(con, actor, sel)
    fresh = data.freshness(con)
    ctx["freshness"] = for_actor(actor, fresh, ["accepted", "rejected"],
                                 ["provider_code", "latest_period", "last_submitted"]
                                 ).to_dict("records")
    ctx["latest"] = data.latest_period(con)
    ctx["edition"] = data.edition(con, ctx["latest"])
    ctx["data_start"] = data.data_start(con)
    ctx["provisional"] = data.provisional_months(con)
    return ctx


KEY_MEASURES = ("EARLY_STAGE", "HNA_COVERAGE", "CARE_PLAN_COVERAGE", "TREATMENT_SUMMARY_COVERAGE")


def measure_rows(con, actor: Actor, sel: Selection | None = None) -> list[dict]:
    """Early stage and Recovery Package measures (latest month, or the chosen span), if
    the measures layer has them."""
    out = []
    defs = data.measure_defs()
    span = sel.range if sel is not None else None
    by = () if span else ("month",)
    codes = tuple(c for c in KEY_MEASURES if c in defs)
    try:  # in one engine pass
        together = data.measures_each(con, codes, by=by, period=span)
    except Exception:  # noqa: BLE001 - then one by one: one broken measure hides no other
        together = {}
    for code in codes:
        defn = defs[code]
        try:
            df = together[code] if code in together else data.measure(con, code, by=by,
                                                                      period=span)
        except Exception:  # noqa: BLE001 - one broken measure must not hide the overview
            continue
        if df.empty:
            continue
        t = for_actor(actor, df, ["numerator", "denominator"], ["period"],
                      percentages={"value": ("numerator", "denominator")})
        if not span:
            t = data.upto_latest(con, t.sort_values("period"))
        if t.empty:
            continue
        last = t.iloc[-1]
        out.append({"code": code, "name": getattr(defn, "name", code),
                    "period": sel.label if span else last["period"],
                    "numerator": last["numerator"], "denominator": last["denominator"],
                    "value": last["value"]})
    return out

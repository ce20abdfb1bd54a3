"""The executive summary: the few sentences a board reads first, written once.

The board pack and the board member's landing page on the web both call
:func:`board_summary`, so the summary on the page and in the PDF are the same words from
the same (protected) figures: every figure below the alliance level passes small-number
protection, and verdicts (met, SPC) come from the true counts (see
:func:`cancer_alliance.reports.sections.standard_section`).
"""

from __future__ import annotations

from cancer_alliance.reports import sections as s

VARIATION_WORDS = {
    "special_cause_improvement": "special cause: improving",
    "special_cause_concern": "special cause: a concern",
    "special_cause_neutral_high": "special cause, high",
    "special_cause_neutral_low": "special cause, low",
    "common_cause": "common cause variation",
}
"""The SPC point types of :mod:`cancer_alliance.stats.spc` in words."""
ASSURANCE_WORDS = {
    "consistent_pass": "the threshold will consistently be met",
    "consistent_fail": "the threshold will consistently be missed",
    "inconsistent": "the threshold will be met in some months and missed in others",
}


def _pct(v: float | None) -> str:
    return "withheld" if v is None else f"{v:.1f}%"


def executive_summary(period: str, standards: list[dict], backlog: dict,
                      edition: dict | None = None) -> list[str]:
    """Sentences for ``period`` from the pack's standard sections and backlog section
    (as the board sees them): how many headline standards were met, each standard's
    figure against its threshold with its SPC reading, and the backlog."""
    shown = [sec for sec in standards if "error" not in sec]
    judged = [sec for sec in shown if sec.get("met") is not None]
    met = sum(1 for sec in judged if sec["met"])
    note = f" ({edition['note']})" if edition and edition.get("note") else ""
    out = [f"In {period}{note}, the alliance met {met} of its {len(judged)} headline "
           f"waiting-time standards that could be judged."]
    for sec in shown:
        threshold = sec.get("threshold")
        verdict = ("met" if sec.get("met") else "not met") if sec.get("met") is not None \
            else "not judged"
        words = [f"{sec['name']}: {_pct(sec.get('performance'))}"]
        if threshold is not None:
            words.append(f"against {threshold:.0f}% ({verdict})")
        reading = VARIATION_WORDS.get(str(sec.get("variation") or ""))
        if reading:
            words.append(f"- {reading}")
        assurance = ASSURANCE_WORDS.get(str(sec.get("assurance") or ""))
        if assurance:
            words.append(f"and {assurance}")
        out.append(" ".join(words) + ".")
    for sec in standards:
        if "error" in sec:
            out.append(f"{sec['name']}: not available ({sec['error']}).")
    if backlog:
        b62, b104 = backlog.get("backlog_62"), backlog.get("over_104")
        out.append(f"At the census on {backlog.get('census')}, "
                   f"{_count(b62)} open pathways had waited over 62 days, "
                   f"{_count(b104)} of them over 104 days.")
    return out


def _count(v) -> str:
    return "a withheld number of" if v is None else f"{float(v):,.0f}"


def board_summary(con, period: str) -> dict:
    """The board's one page: the headline standards and backlog (protected) and the
    executive summary written from them; :func:`~cancer_alliance.reports.packs.board_pack`
    uses the same sections and sentences."""
    standards = [s.standard_section(con, code, period, None, protect=True)
                 for code in s.PACK_STANDARDS]
    backlog = s.backlog_section(con, period, None, protect=True)
    edition = s.edition_section(con, period)
    return {"period": period, "standards": standards, "backlog": backlog,
            "edition": edition,
            "summary": executive_summary(period, standards, backlog, edition)}

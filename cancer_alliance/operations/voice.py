"""Patient voice: national patient experience survey aggregates and "you said, we did".

Survey results are aggregates by organisation, question and group (``ALL``, or breakdowns such
as ethnic minority groups and young people where the survey publishes them). Scores are the
mean 0-10 for the overall rating and a percentage otherwise. Results based on fewer than
:data:`MIN_RESPONDENTS` respondents are shown as suppressed, never as a number.
"""

from __future__ import annotations

from cancer_alliance.errors import UsageError
from cancer_alliance.operations.db import next_id, rows

MIN_RESPONDENTS = 21  # NCPES is believed to suppress below 21 (UNCERTAIN, metrics ref §7)
QUESTIONS = {
    "OVERALL_RATING": "Overall rating of care (0 very poor to 10 very good)",
    "MAIN_CONTACT": "Given the name of a main contact / clinical nurse specialist (%)",
}
SURVEY_COLUMNS = ("survey_year", "org_code", "question_code", "question_text", "group_type",
                  "group_value", "respondents", "score", "national_score")


def add_result(con, rec: dict) -> None:
    r = {c: rec.get(c) for c in SURVEY_COLUMNS}
    if r["question_code"] == "OVERALL_RATING" and r["score"] is not None \
            and not 0 <= float(r["score"]) <= 10:
        raise UsageError(f"survey {r['org_code']}: overall rating {r['score']} is not 0-10")
    r["group_type"] = r["group_type"] or "ALL"
    r["group_value"] = r["group_value"] or "ALL"
    con.execute(
        "INSERT OR REPLACE INTO survey_results VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [r[c] for c in SURVEY_COLUMNS],
    )


def results(con, org_code: str | None = None) -> list[dict]:
    where, params = "", []
    if org_code:
        where, params = " WHERE org_code = ?", [org_code]
    out = rows(con, "SELECT * FROM survey_results" + where +
               " ORDER BY survey_year DESC, org_code, question_code, group_type, group_value",
               params)
    for r in out:
        r["suppressed"] = r["respondents"] is not None and r["respondents"] < MIN_RESPONDENTS
        if r["suppressed"]:
            r["score"] = None
    return out


def add_feedback(con, received_date, source: str, theme: str, you_said: str,
                 we_did: str | None = None, action_id: int | None = None) -> int:
    fid = next_id(con)
    con.execute("INSERT INTO panel_feedback VALUES (?, ?, ?, ?, ?, ?, ?)",
                [fid, received_date, source, theme, you_said, we_did, action_id])
    return fid


def feedback(con) -> list[dict]:
    return rows(con, "SELECT f.*, a.action AS linked_action, a.status AS action_status"
                     " FROM panel_feedback f LEFT JOIN actions a USING (action_id)"
                     " ORDER BY theme, received_date DESC")

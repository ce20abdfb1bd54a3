"""The ICD-10 to tumour-group lookup as SQL others can join.

``tumour_group_for(icd10)`` is a DuckDB macro with the same answer as the Python helper
:func:`cancer_alliance.reference.tumour_group_for`: the tumour group of the *longest*
matching prefix in ``icd10_tumour_groups`` (dots and case ignored, so ``C50.9``, ``c509``
and ``C50`` all match ``C50``). ``pathway_tumour_groups`` applies it to every current
pathway with a diagnosis, as a set-based join rather than a per-row lookup, so dashboards
can join it cheaply.
"""

VERSION = 2
DESCRIPTION = "tumour_group_for macro and pathway_tumour_groups view"

STATEMENTS = [
    """CREATE OR REPLACE MACRO icd10_normalised(code) AS
        upper(replace(trim(code), '.', ''))""",
    """CREATE OR REPLACE MACRO tumour_group_for(code) AS (
        SELECT m.tumour_group FROM icd10_tumour_groups m
        WHERE starts_with(icd10_normalised(code), icd10_normalised(m.icd10_prefix))
        ORDER BY length(icd10_normalised(m.icd10_prefix)) DESC
        LIMIT 1
    )""",
    """CREATE OR REPLACE VIEW pathway_tumour_groups AS
        SELECT provider_code, pathway_id, primary_diagnosis_icd10, tumour_group
        FROM (
            SELECT p.provider_code, p.pathway_id, p.primary_diagnosis_icd10, m.tumour_group,
                   row_number() OVER (
                       PARTITION BY p.provider_code, p.pathway_id
                       ORDER BY length(icd10_normalised(m.icd10_prefix)) DESC
                   ) AS rank_
            FROM pathways p
            JOIN icd10_tumour_groups m
              ON starts_with(icd10_normalised(p.primary_diagnosis_icd10),
                             icd10_normalised(m.icd10_prefix))
            WHERE p.primary_diagnosis_icd10 IS NOT NULL
        )
        WHERE rank_ = 1""",
]


def apply(con) -> None:
    for sql in STATEMENTS:
        con.execute(sql)

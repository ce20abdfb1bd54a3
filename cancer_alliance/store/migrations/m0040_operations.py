"""Operations schema: governance, delivery plan, trajectories, funding, patient voice, what works.

Everything an alliance runs on besides the pathway data. Rows that users edit carry who changed
them and when, and every edit is also written to the audit log by the web layer.
"""

VERSION = 40
DESCRIPTION = "operations: governance, plan, trajectories, bids, voice, initiatives"

STATEMENTS = [
    "CREATE SEQUENCE IF NOT EXISTS ops_id_seq START 1",
    # --- governance -----------------------------------------------------------------------
    """CREATE TABLE IF NOT EXISTS alliance_members (
        org_code VARCHAR PRIMARY KEY,
        org_name VARCHAR NOT NULL,
        member_type VARCHAR NOT NULL,      -- TRUST | COMMISSIONER | ICS | LOCAL_AUTHORITY | ...
        system_code VARCHAR,               -- the ICS/ICB the member belongs to, for footprints
        footprint VARCHAR                  -- free text: places or population covered
    )""",
    """CREATE TABLE IF NOT EXISTS board_members (
        member_id BIGINT PRIMARY KEY DEFAULT nextval('ops_id_seq'),
        name VARCHAR NOT NULL,
        role VARCHAR NOT NULL,             -- ALLIANCE_LEAD | CLINICAL_LEAD | ... (governance.ROLES)
        organisation VARCHAR,
        since DATE
    )""",
    """CREATE TABLE IF NOT EXISTS meetings (
        meeting_id BIGINT PRIMARY KEY DEFAULT nextval('ops_id_seq'),
        meeting_date DATE NOT NULL,
        kind VARCHAR NOT NULL,             -- BOARD | PROVIDER_REVIEW | OTHER
        provider_code VARCHAR,             -- for PROVIDER_REVIEW
        title VARCHAR NOT NULL,
        notes VARCHAR
    )""",
    """CREATE TABLE IF NOT EXISTS decisions (
        decision_id BIGINT PRIMARY KEY DEFAULT nextval('ops_id_seq'),
        meeting_id BIGINT,
        decision VARCHAR NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS actions (
        action_id BIGINT PRIMARY KEY DEFAULT nextval('ops_id_seq'),
        meeting_id BIGINT,
        provider_code VARCHAR,             -- the provider it concerns, if any
        action VARCHAR NOT NULL,
        owner VARCHAR NOT NULL,
        due_date DATE,
        status VARCHAR NOT NULL,           -- OPEN | IN_PROGRESS | DONE | DROPPED
        measure_code VARCHAR,              -- the measure it is meant to move
        updated_by VARCHAR,
        updated_at TIMESTAMP DEFAULT current_timestamp
    )""",
    # --- delivery plan --------------------------------------------------------------------
    """CREATE TABLE IF NOT EXISTS plan_vision (
        plan_id VARCHAR PRIMARY KEY,
        title VARCHAR NOT NULL,
        vision VARCHAR NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS deliverables (
        deliverable_id VARCHAR PRIMARY KEY,
        title VARCHAR NOT NULL,
        year INTEGER NOT NULL,             -- financial year starting (2024 = 2024/25)
        owner VARCHAR NOT NULL,
        priority VARCHAR NOT NULL,         -- plan.PRIORITIES
        rag VARCHAR NOT NULL,              -- RED | AMBER | GREEN
        rag_reason VARCHAR,
        depends_on VARCHAR,                -- comma-separated deliverable ids
        measures VARCHAR,                  -- comma-separated measure codes it should move
        updated_by VARCHAR,
        updated_at TIMESTAMP DEFAULT current_timestamp
    )""",
    # --- trajectories ---------------------------------------------------------------------
    """CREATE TABLE IF NOT EXISTS trajectories (
        org_code VARCHAR NOT NULL,         -- a provider code, or 'ALLIANCE'
        measure_code VARCHAR NOT NULL,     -- a standard (FDS, 31_DAY, 62_DAY) or measure code
        month VARCHAR NOT NULL,            -- YYYY-MM
        planned DOUBLE NOT NULL,           -- percent for standards and rate measures
        updated_by VARCHAR,
        updated_at TIMESTAMP DEFAULT current_timestamp,
        PRIMARY KEY (org_code, measure_code, month)
    )""",
    # --- transformation funding -----------------------------------------------------------
    """CREATE TABLE IF NOT EXISTS bids (
        bid_id VARCHAR PRIMARY KEY,
        title VARCHAR NOT NULL,
        partner_code VARCHAR NOT NULL,
        priority_area VARCHAR NOT NULL,    -- funding.PRIORITY_AREAS
        summary VARCHAR,
        risks VARCHAR,
        deliverability VARCHAR,
        expected_benefit DOUBLE NOT NULL,  -- benefit units (e.g. patients diagnosed earlier)
        benefit_unit VARCHAR,
        status VARCHAR NOT NULL,           -- SUBMITTED | FUNDED | NOT_FUNDED | WITHDRAWN
        submitted_by VARCHAR,
        submitted_at TIMESTAMP DEFAULT current_timestamp
    )""",
    """CREATE TABLE IF NOT EXISTS bid_costs (
        bid_id VARCHAR NOT NULL, year INTEGER NOT NULL, amount DOUBLE NOT NULL,
        PRIMARY KEY (bid_id, year)
    )""",
    """CREATE TABLE IF NOT EXISTS bid_benefits (
        bid_id VARCHAR NOT NULL, measure_code VARCHAR NOT NULL,
        baseline DOUBLE, expected DOUBLE, note VARCHAR,
        PRIMARY KEY (bid_id, measure_code)
    )""",
    """CREATE TABLE IF NOT EXISTS value_criteria (
        criterion VARCHAR PRIMARY KEY, label VARCHAR NOT NULL, weight DOUBLE NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS bid_scores (
        bid_id VARCHAR NOT NULL, assessor VARCHAR NOT NULL, criterion VARCHAR NOT NULL,
        score DOUBLE NOT NULL, comment VARCHAR,
        scored_at TIMESTAMP DEFAULT current_timestamp,
        PRIMARY KEY (bid_id, assessor, criterion)
    )""",
    """CREATE TABLE IF NOT EXISTS funding_decisions (
        decision_id BIGINT PRIMARY KEY DEFAULT nextval('ops_id_seq'),
        budget DOUBLE NOT NULL,
        rule VARCHAR NOT NULL,
        result JSON NOT NULL,
        decided_by VARCHAR,
        decided_at TIMESTAMP DEFAULT current_timestamp
    )""",
    """CREATE TABLE IF NOT EXISTS bid_spend (
        bid_id VARCHAR NOT NULL, month VARCHAR NOT NULL, amount DOUBLE NOT NULL,
        PRIMARY KEY (bid_id, month)
    )""",
    """CREATE TABLE IF NOT EXISTS bid_milestones (
        bid_id VARCHAR NOT NULL, milestone VARCHAR NOT NULL, due_date DATE,
        status VARCHAR NOT NULL,           -- PLANNED | DONE | LATE
        PRIMARY KEY (bid_id, milestone)
    )""",
    """CREATE TABLE IF NOT EXISTS funding_rules (
        rule_id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, rule JSON NOT NULL
    )""",
    # --- patient voice --------------------------------------------------------------------
    """CREATE TABLE IF NOT EXISTS survey_results (
        survey_year INTEGER NOT NULL,
        org_code VARCHAR NOT NULL,
        question_code VARCHAR NOT NULL,    -- OVERALL_RATING | MAIN_CONTACT | ...
        question_text VARCHAR,
        group_type VARCHAR NOT NULL,       -- ALL | ETHNIC_GROUP | AGE_GROUP | ...
        group_value VARCHAR NOT NULL,      -- ALL, or the group (e.g. 'Ethnic minority', '16-24')
        respondents INTEGER,
        score DOUBLE,                      -- mean 0-10 for OVERALL_RATING, else percent
        national_score DOUBLE,
        PRIMARY KEY (survey_year, org_code, question_code, group_type, group_value)
    )""",
    """CREATE TABLE IF NOT EXISTS panel_feedback (
        feedback_id BIGINT PRIMARY KEY DEFAULT nextval('ops_id_seq'),
        received_date DATE NOT NULL,
        source VARCHAR NOT NULL,           -- the panel or user group
        theme VARCHAR NOT NULL,
        you_said VARCHAR NOT NULL,
        we_did VARCHAR,
        action_id BIGINT
    )""",
    # --- what works -----------------------------------------------------------------------
    """CREATE TABLE IF NOT EXISTS initiatives (
        initiative_id VARCHAR PRIMARY KEY,
        name VARCHAR NOT NULL,
        kind VARCHAR NOT NULL,             -- RAPID_DIAGNOSTIC | ONE_STOP | STRAIGHT_TO_TEST | ...
        provider_code VARCHAR,             -- blank = alliance-wide
        go_live VARCHAR NOT NULL,          -- YYYY-MM, the first month under the new way
        target_measures VARCHAR NOT NULL,  -- comma-separated measure codes
        improvement VARCHAR NOT NULL DEFAULT 'increase',
        owner VARCHAR,
        description VARCHAR
    )""",
    """CREATE TABLE IF NOT EXISTS initiative_evaluations (
        initiative_id VARCHAR NOT NULL,
        measure_code VARCHAR NOT NULL,
        evaluated_at TIMESTAMP DEFAULT current_timestamp,
        months_before INTEGER, months_after INTEGER,
        mean_before DOUBLE, mean_after DOUBLE,
        shift_detected BOOLEAN,
        verdict VARCHAR,
        PRIMARY KEY (initiative_id, measure_code)
    )""",
]


def apply(con) -> None:
    for sql in STATEMENTS:
        con.execute(sql)

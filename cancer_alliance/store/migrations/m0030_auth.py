"""Web and auth schema: users, sessions, login attempts, API tokens and the audit log."""

VERSION = 30
DESCRIPTION = "users, sessions, login attempts, api tokens, audit log"

STATEMENTS = [
    "CREATE SEQUENCE IF NOT EXISTS user_id_seq START 1",
    "CREATE SEQUENCE IF NOT EXISTS audit_id_seq START 1",
    "CREATE SEQUENCE IF NOT EXISTS token_id_seq START 1",
    """CREATE TABLE IF NOT EXISTS users (
        user_id BIGINT PRIMARY KEY,
        username VARCHAR NOT NULL UNIQUE,
        role VARCHAR NOT NULL,              -- admin | analyst | provider | commissioner | board
        org_code VARCHAR,                   -- provider or commissioner code for scoped roles
        password_hash VARCHAR,              -- argon2id; NULL for single-sign-on-only accounts
        oidc_subject VARCHAR,               -- the identity provider's subject, when linked
        active BOOLEAN NOT NULL DEFAULT TRUE,
        created_at TIMESTAMP NOT NULL DEFAULT current_timestamp
    )""",
    """CREATE TABLE IF NOT EXISTS sessions (
        session_id VARCHAR PRIMARY KEY,     -- random; only its SHA-256 is stored
        user_id BIGINT NOT NULL,
        created_at TIMESTAMP NOT NULL,
        expires_at TIMESTAMP NOT NULL,
        revoked BOOLEAN NOT NULL DEFAULT FALSE
    )""",
    """CREATE TABLE IF NOT EXISTS login_attempts (
        username VARCHAR NOT NULL,
        client VARCHAR,                     -- client address, for throttling by source
        attempted_at TIMESTAMP NOT NULL,
        success BOOLEAN NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS api_tokens (
        token_id BIGINT PRIMARY KEY,
        token_prefix VARCHAR NOT NULL,      -- first characters, to find the row; not secret
        token_hash VARCHAR NOT NULL,        -- SHA-256 of the whole token
        provider_code VARCHAR NOT NULL,
        label VARCHAR,
        created_by VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
        last_used_at TIMESTAMP,
        revoked_at TIMESTAMP
    )""",
    """CREATE TABLE IF NOT EXISTS audit_log (
        audit_id BIGINT PRIMARY KEY,
        occurred_at TIMESTAMP NOT NULL,
        username VARCHAR NOT NULL,
        role VARCHAR NOT NULL,
        org_code VARCHAR,
        action VARCHAR NOT NULL,            -- view_patient | submit_data | admin | login ...
        resource VARCHAR NOT NULL,          -- page or API resource; never a patient identifier
        detail VARCHAR                      -- counts, organisation; never a patient identifier
    )""",
]


def apply(con) -> None:
    for sql in STATEMENTS:
        con.execute(sql)

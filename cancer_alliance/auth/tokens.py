"""Per-provider API tokens, so a trust's systems can submit monthly data unattended.

A token is shown once when made; the store keeps only its SHA-256 (tokens are long random
strings, so a fast hash is enough, unlike passwords). A token acts as a provider user of
its own trust, limited by the same policy as any other actor.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime

import duckdb
import pandas as pd

from cancer_alliance.auth.model import Actor
from cancer_alliance.errors import NotFound
from cancer_alliance.reference.organisations import check_organisation, organisations

PREFIX = "cat_"
_PREFIX_LEN = len(PREFIX) + 8


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(
    con: duckdb.DuckDBPyConnection, provider_code: str, created_by: str, label: str = ""
) -> str:
    """Make a token for ``provider_code``; return the plaintext (shown once, never stored).

    The code must be a provider of the reference data (when the store has any)."""
    check_organisation(provider_code, organisations(con), "PROVIDER", "provider")
    token = PREFIX + secrets.token_urlsafe(32)
    con.execute(
        "INSERT INTO api_tokens (token_id, token_prefix, token_hash, provider_code, label,"
        " created_by) VALUES (nextval('token_id_seq'), ?, ?, ?, ?, ?)",
        [token[:_PREFIX_LEN], _digest(token), provider_code, label, created_by],
    )
    return token


def actor_for_token(con: duckdb.DuckDBPyConnection, token: str | None) -> Actor | None:
    """The provider Actor a live token stands for, or None."""
    if not token or not token.startswith(PREFIX):
        return None
    rows = con.execute(
        "SELECT token_id, token_hash, provider_code FROM api_tokens"
        " WHERE token_prefix = ? AND revoked_at IS NULL",
        [token[:_PREFIX_LEN]],
    ).fetchall()
    digest = _digest(token)
    for token_id, stored, provider in rows:
        if hmac.compare_digest(stored, digest):
            con.execute(
                "UPDATE api_tokens SET last_used_at = ? WHERE token_id = ?",
                [datetime.now(UTC).replace(tzinfo=None), token_id],
            )
            return Actor(username=f"token:{token_id}", role="provider", org_code=provider)
    return None


def list_tokens(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every token's id, prefix, provider and state (never the hash)."""
    return con.execute(
        "SELECT token_id, token_prefix, provider_code, label, created_by, created_at,"
        " last_used_at, revoked_at IS NOT NULL AS revoked FROM api_tokens ORDER BY token_id"
    ).df()


def revoke_token(con: duckdb.DuckDBPyConnection, token_id: int) -> None:
    """Stop a token working."""
    rows = con.execute(
        "UPDATE api_tokens SET revoked_at = ? WHERE token_id = ? RETURNING token_id",
        [datetime.now(UTC).replace(tzinfo=None), token_id],
    ).fetchall()
    if not rows:
        raise NotFound(f"no API token {token_id}")

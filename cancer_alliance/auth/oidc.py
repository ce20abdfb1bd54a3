"""Optional single sign-on through OpenID Connect (Authlib), configured from the environment.

NHS organisations run their own identity providers (NHS Care Identity Service 2, Entra
ID). Set ``CANCER_ALLIANCE_OIDC_ISSUER`` (or ``..._METADATA_URL``), ``..._CLIENT_ID`` and
``..._CLIENT_SECRET`` to turn it on. Single sign-on proves who someone is; what they may see
still comes from their account here: the identity provider's subject (``sub``) must be
linked to an active account (``users add --oidc-subject``), so nobody gains a role just by
holding an identity at the provider.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

PREFIX = "CANCER_ALLIANCE_OIDC_"


@dataclass(frozen=True)
class OIDCConfig:
    """Settings for one OpenID Connect identity provider."""

    metadata_url: str
    client_id: str
    client_secret: str
    scope: str = "openid profile email"
    name: str = "Single sign-on"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> OIDCConfig | None:
        """Read the configuration; None when single sign-on is not configured.

        Raises ValueError when it is half-configured, so a typo does not silently turn it off.
        """
        env = dict(os.environ if env is None else env)
        issuer = env.get(PREFIX + "ISSUER", "").rstrip("/")
        metadata = env.get(PREFIX + "METADATA_URL") or (
            f"{issuer}/.well-known/openid-configuration" if issuer else ""
        )
        client_id = env.get(PREFIX + "CLIENT_ID", "")
        client_secret = env.get(PREFIX + "CLIENT_SECRET", "")
        given = [bool(metadata), bool(client_id), bool(client_secret)]
        if not any(given):
            return None
        if not all(given):
            missing = [
                n
                for n, ok in zip(("ISSUER or METADATA_URL", "CLIENT_ID", "CLIENT_SECRET"), given,
                                 strict=True)
                if not ok
            ]
            raise ValueError(
                "single sign-on is half-configured: set " + ", ".join(PREFIX + m for m in missing)
            )
        if not metadata.startswith("https://") and not metadata.startswith("http://127.0.0.1"):
            raise ValueError("the identity provider's metadata URL must use https")
        return cls(
            metadata_url=metadata,
            client_id=client_id,
            client_secret=client_secret,
            scope=env.get(PREFIX + "SCOPE", "openid profile email"),
            name=env.get(PREFIX + "NAME", "Single sign-on"),
        )


def make_oauth(config: OIDCConfig):
    """An Authlib Starlette OAuth registry with the provider registered as ``sso``."""
    from authlib.integrations.starlette_client import OAuth

    oauth = OAuth()
    oauth.register(
        name="sso",
        server_metadata_url=config.metadata_url,
        client_id=config.client_id,
        client_secret=config.client_secret,
        client_kwargs={"scope": config.scope, "code_challenge_method": "S256"},
    )
    return oauth

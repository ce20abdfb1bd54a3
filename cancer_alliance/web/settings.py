"""How the web application is configured: store path, signing secret, cookies, single sign-on.

The signing secret comes from ``$CANCER_ALLIANCE_SECRET``; failing that, a random secret is
generated once into ``$XDG_CONFIG_HOME/cancer-alliance/secret`` (mode 0600), outside the
repository, so it is never committed and survives restarts.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from cancer_alliance.auth.oidc import OIDCConfig

SECRET_ENV = "CANCER_ALLIANCE_SECRET"


def secret_file() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "cancer-alliance" / "secret"


def load_secret() -> str:
    """The signing secret: the environment variable, else a generated file outside the repo."""
    env = os.environ.get(SECRET_ENV)
    if env:
        return env
    path = secret_file()
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(value)
    return value


@dataclass
class WebSettings:
    """Everything :func:`cancer_alliance.web.app.create_app` needs."""

    db: str | None = None
    secret: str = field(default_factory=load_secret)
    secure_cookies: bool = True
    oidc: OIDCConfig | None = field(default_factory=OIDCConfig.from_env)
    census: str | None = None  # a fixed census date for the PTL (tests, demos); else today
    #: prepare the navigation pages after each change of data and at start (web/warm.py);
    #: ``serve`` turns it on, tests that build an app leave it off unless they test it
    warm_pages: bool = False
    #: seconds ``serve`` waits for the first warm-up before serving (it then carries on)
    warm_budget_s: float = 20.0

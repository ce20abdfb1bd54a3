"""Who is acting: the six roles and the :class:`Actor` every request carries.

An actor is small and immutable so it can be passed through every layer (pages, API,
reports, audit) without anyone changing whose rights a request runs with.
"""

from __future__ import annotations

from dataclasses import dataclass

ROLES: tuple[str, ...] = ("admin", "analyst", "provider", "commissioner", "board", "public")
"""Alliance administrator, alliance analyst, provider user (scoped to a trust), commissioner
user (scoped to a population), board member (aggregates only), anonymous public."""

ROLE_LABELS: dict[str, str] = {
    "admin": "Alliance administrator",
    "analyst": "Alliance analyst",
    "provider": "Provider user",
    "commissioner": "Commissioner user",
    "board": "Board member",
    "public": "Public",
}

SCOPED_ROLES: frozenset[str] = frozenset({"provider", "commissioner"})
"""Roles that must carry an ``org_code``: their patient-level rights stop at it."""


@dataclass(frozen=True)
class Actor:
    """The person (or trust system) behind a request.

    ``org_code`` is the provider ODS code for a provider user (or a provider API token),
    the commissioner code for a commissioner user, and ``None`` otherwise. ``user_id`` is
    ``None`` for the anonymous public and for API tokens.
    """

    username: str
    role: str
    org_code: str | None = None
    user_id: int | None = None

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}; roles are {', '.join(ROLES)}")
        if self.role in SCOPED_ROLES and not self.org_code:
            raise ValueError(f"a {self.role} user needs an organisation code")

    @classmethod
    def anonymous(cls) -> Actor:
        """The public, not logged in."""
        return cls(username="anonymous", role="public")

    @property
    def is_anonymous(self) -> bool:
        return self.role == "public"

    @property
    def label(self) -> str:
        """The role as a person would say it, with the scope if there is one."""
        text = ROLE_LABELS[self.role]
        return f"{text} ({self.org_code})" if self.org_code else text

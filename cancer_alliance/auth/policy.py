"""THE one place permissions are decided.

Every page, download and API call asks :func:`decide` (through ``web.deps.require``) and
nothing else makes its own role test, so the permission matrix test covers the whole
application. A decision also says whether the access must be written to the audit log:
every patient-level view is audited.

Scopes: a provider user sees patients of their own trust (pathways whose ``provider_code``
is theirs); a commissioner user sees patients of their own population (pathways whose
``commissioner_code`` is theirs). Board members and the public never see patient-level
rows, and see aggregates only after small-number protection (:func:`aggregates_protected`).
"""

from __future__ import annotations

from dataclasses import dataclass

from cancer_alliance.auth.model import Actor

ACTIONS: tuple[str, ...] = (
    "view_aggregate",
    "view_patient",
    "view_patient_identifier",
    "submit_data",
    "edit_operations",
    "view_operations",
    "finalise_month",
    "view_pack",
    "admin",
)

ALLIANCE_WIDE = frozenset({"admin", "analyst"})
LOGGED_IN = frozenset({"admin", "analyst", "provider", "commissioner", "board"})
PROTECTED_ROLES = frozenset({"public", "board"})


@dataclass(frozen=True)
class Decision:
    """Whether an action is allowed, why (for the 403 page and the log), and if it is audited."""

    allowed: bool
    reason: str
    audit: bool = False

    def __bool__(self) -> bool:
        return self.allowed


def _scoped(actor: Actor, org_code: str | None, what: str, audit: bool) -> Decision:
    """Allow a scoped role inside its organisation only.

    ``org_code=None`` means "within the actor's own scope": the caller must then filter
    rows with :func:`patient_scope`.
    """
    if org_code is None or org_code == actor.org_code:
        return Decision(True, f"{what} within own organisation {actor.org_code}", audit)
    return Decision(False, f"{actor.role} users may only {what} for {actor.org_code}", False)


def decide(actor: Actor, action: str, org_code: str | None = None) -> Decision:
    """Decide whether ``actor`` may perform ``action`` (optionally on organisation ``org_code``)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}; actions are {', '.join(ACTIONS)}")
    role = actor.role
    if action == "view_aggregate":
        if role in PROTECTED_ROLES:
            return Decision(True, "aggregates with small-number protection")
        return Decision(True, "aggregates")
    if action == "view_patient":
        if role in ALLIANCE_WIDE:
            return Decision(True, "patient-level data for the whole alliance", audit=True)
        if role == "provider":
            return _scoped(actor, org_code, "view patient-level data", audit=True)
        if role == "commissioner":
            return _scoped(actor, org_code, "view patient-level data", audit=True)
        return Decision(False, f"{role} users never see patient-level data")
    if action == "view_patient_identifier":  # org_code: the provider whose patients
        # The NHS number and the trust's own pathway id identify a person: only the trust
        # caring for them needs them to act on a tracking list. The alliance team and
        # commissioners work from the list without them (issue 16, item 6).
        if role == "provider" and org_code is not None and org_code == actor.org_code:
            return Decision(True, f"identifiers of own trust {actor.org_code}'s patients",
                            audit=True)
        if role == "provider":
            return Decision(False, f"provider users see identifiers only of "
                                   f"{actor.org_code}'s patients")
        return Decision(False, f"{role} users never see patient identifiers; only the "
                               "patient's own trust does")
    if action == "submit_data":
        if role in ALLIANCE_WIDE:
            return Decision(True, "alliance team may submit for any provider")
        if role == "provider":
            return _scoped(actor, org_code, "submit data", audit=False)
        return Decision(False, f"{role} users cannot submit data")
    if action == "edit_operations":
        if role in ALLIANCE_WIDE:
            return Decision(True, "alliance team edits operations")
        return Decision(False, f"{role} users cannot edit operations")
    if action == "finalise_month":
        # Making a month's figures final fixes what is published: the alliance team's call.
        if role in ALLIANCE_WIDE:
            return Decision(True, "alliance team finalises a month's figures")
        return Decision(False, f"{role} users cannot finalise a month")
    if action == "view_operations":
        if role in LOGGED_IN:
            return Decision(True, "logged-in users see operations")
        return Decision(False, "log in to see operations")
    if action == "view_pack":  # org_code: the pack's provider; None is the board pack
        if role == "provider":
            if org_code is not None and org_code == actor.org_code:
                return Decision(True, f"packs of own provider {actor.org_code}")
            return Decision(False, f"provider users see only {actor.org_code}'s packs")
        if role in LOGGED_IN:
            return Decision(True, "logged-in users see provider and board packs")
        return Decision(False, "log in to see packs")
    # admin
    if role == "admin":
        return Decision(True, "administrator")
    return Decision(False, "administrators only")


def reconciliation_scope(actor: Actor) -> tuple[Decision, str | None]:
    """Whether ``actor`` may see the reconciliation of local and published figures, and
    the one provider it is limited to (None: every provider).

    It sets the alliance's exact counts beside NHS England's, so its differences are exact
    small counts: never for roles whose aggregates are protected. A provider user sees its
    own trust's lines (another trust's data quality is that trust's business); the alliance
    team and commissioners, who see every provider's exact aggregates elsewhere, see all.
    """
    if actor.role not in LOGGED_IN:
        return Decision(False, "log in to see the reconciliation"), None
    if aggregates_protected(actor):
        return Decision(False, f"{actor.role} users see protected figures only, and the "
                               "reconciliation's differences are exact counts"), None
    if actor.role == "provider":
        return Decision(True, f"reconciliation of own provider {actor.org_code}"), actor.org_code
    return Decision(True, "reconciliation of every provider"), None


def aggregates_protected(actor: Actor) -> bool:
    """Whether aggregates shown to this actor must pass small-number protection."""
    return actor.role in PROTECTED_ROLES


def patient_scope(actor: Actor) -> dict[str, str] | None:
    """Row filter for patient-level data: ``{column: code}``, ``{}`` for all, ``None`` for none.

    Use with :func:`decide` ``(actor, "view_patient")``; this says which rows, that says if at all.
    """
    if actor.role in ALLIANCE_WIDE:
        return {}
    if actor.role == "provider":
        return {"provider_code": actor.org_code or ""}
    if actor.role == "commissioner":
        return {"commissioner_code": actor.org_code or ""}
    return None


def figure_scope(actor: Actor) -> dict[str, str] | None:
    """Row filter for the pathways behind a figure: ``{column: code}`` over outcome rows.

    A provider's figures count the pathways *accountable* to it (with inter-provider
    transfer shares), including rows another trust submitted, so its filter is on
    ``accountable_provider_code``, not on the submitter; a commissioner's figures count its
    population. Use with :func:`decide` ``(actor, "view_patient")``; ``None``: no rows.
    """
    if actor.role in ALLIANCE_WIDE:
        return {}
    if actor.role == "provider":
        return {"accountable_provider_code": actor.org_code or ""}
    if actor.role == "commissioner":
        return {"commissioner_code": actor.org_code or ""}
    return None


#: Fields of another trust's pathway a provider does not need to rebuild its own figure:
#: the other trust's pathway key and the patient's commissioner stay hidden.
OTHER_TRUST_HIDDEN = ("pathway_id", "commissioner_code")


def pack_pathways(actor: Actor, provider_code: str) -> Decision:
    """Whether ``actor`` may download the pathway rows behind a provider pack's figures
    (issue 13: every figure rebuildable), for ``provider_code``'s pack.

    The rows are the pathways *accountable* to the provider, whoever submitted them, so
    only readers whose own scope holds all of them: the alliance team, and the provider's
    own users. A commissioner's scope is its population, a subset that would not add up to
    the pack's figures; board members and the public never see patient-level rows. Audited.
    """
    pack = decide(actor, "view_pack", provider_code)
    if not pack.allowed:
        return pack
    if actor.role in ALLIANCE_WIDE:
        return Decision(True, "pathways behind any provider pack", audit=True)
    if actor.role == "provider" and provider_code == actor.org_code:
        return Decision(True, f"pathways behind own provider {actor.org_code}'s pack",
                        audit=True)
    if actor.role == "provider":
        return Decision(False, f"provider users see only {actor.org_code}'s pathways")
    return Decision(False, f"{actor.role} users cannot download the pathways behind a "
                           "provider pack: they are the provider's accountable pathways, "
                           "beyond a commissioner's population or protected figures")


def pack_scope(actor: Actor) -> str | None:
    """The only provider whose packs a provider user may list; ``None`` when any (see
    ``decide(actor, "view_pack", ...)``, which also refuses them the board pack)."""
    return actor.org_code if actor.role == "provider" else None


def submit_scope(actor: Actor) -> str | None:
    """The only provider a provider user may submit for; ``None`` when any provider is allowed."""
    return actor.org_code if actor.role == "provider" else None

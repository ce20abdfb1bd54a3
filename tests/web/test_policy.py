"""The one permission decision, role by role, written out from the issue's access rules."""

from __future__ import annotations

import pytest

from cancer_alliance.auth.model import Actor
from cancer_alliance.auth.policy import aggregates_protected, decide, patient_scope

A = {
    "admin": Actor("a", "admin", user_id=1),
    "analyst": Actor("b", "analyst", user_id=2),
    "provider": Actor("c", "provider", "RAA", 3),
    "commissioner": Actor("d", "commissioner", "QAA", 4),
    "board": Actor("e", "board", user_id=5),
    "public": Actor.anonymous(),
}

# (role, action, org) -> allowed
EXPECTED = {
    ("admin", "view_patient", "RBB"): True,
    ("analyst", "view_patient", "RBB"): True,
    ("provider", "view_patient", "RAA"): True,
    ("provider", "view_patient", "RBB"): False,
    ("commissioner", "view_patient", "QAA"): True,
    ("commissioner", "view_patient", "QBB"): False,
    ("board", "view_patient", None): False,
    ("public", "view_patient", None): False,
    # identifiers (NHS number, the trust's pathway id): the patient's own trust only
    ("provider", "view_patient_identifier", "RAA"): True,
    ("provider", "view_patient_identifier", "RBB"): False,
    ("provider", "view_patient_identifier", None): False,
    ("admin", "view_patient_identifier", "RBB"): False,
    ("analyst", "view_patient_identifier", "RBB"): False,
    ("commissioner", "view_patient_identifier", "RBB"): False,
    ("commissioner", "view_patient_identifier", "QAA"): False,
    ("board", "view_patient_identifier", None): False,
    ("public", "view_patient_identifier", None): False,
    ("provider", "submit_data", "RAA"): True,
    ("provider", "submit_data", "RBB"): False,
    ("commissioner", "submit_data", "QAA"): False,
    ("board", "submit_data", None): False,
    ("analyst", "submit_data", "RBB"): True,
    ("analyst", "edit_operations", None): True,
    ("provider", "edit_operations", None): False,
    ("board", "view_operations", None): True,
    ("public", "view_operations", None): False,
    ("public", "view_aggregate", None): True,
    ("analyst", "finalise_month", None): True,
    ("admin", "finalise_month", None): True,
    ("provider", "finalise_month", "RAA"): False,
    ("commissioner", "finalise_month", None): False,
    ("board", "finalise_month", None): False,
    ("public", "finalise_month", None): False,
    ("provider", "view_pack", "RAA"): True,
    ("provider", "view_pack", "RBB"): False,
    ("provider", "view_pack", None): False,  # the board pack
    ("commissioner", "view_pack", "RBB"): True,
    ("board", "view_pack", None): True,
    ("analyst", "view_pack", "RBB"): True,
    ("public", "view_pack", "RAA"): False,
    ("admin", "admin", None): True,
    ("analyst", "admin", None): False,
}


@pytest.mark.parametrize("key", list(EXPECTED), ids=lambda k: "-".join(map(str, k)))
def test_decide(key):
    role, action, org = key
    d = decide(A[role], action, org)
    assert d.allowed is EXPECTED[key]
    assert d.reason


def test_patient_views_are_audited_and_nothing_else_is():
    assert decide(A["provider"], "view_patient", "RAA").audit
    assert decide(A["analyst"], "view_patient").audit
    assert not decide(A["analyst"], "view_aggregate").audit
    assert not decide(A["provider"], "view_patient", "RBB").audit
    assert decide(A["provider"], "view_patient_identifier", "RAA").audit


def test_protection_and_scope():
    assert aggregates_protected(A["public"]) and aggregates_protected(A["board"])
    assert not aggregates_protected(A["analyst"])
    assert patient_scope(A["provider"]) == {"provider_code": "RAA"}
    assert patient_scope(A["commissioner"]) == {"commissioner_code": "QAA"}
    assert patient_scope(A["admin"]) == {}
    assert patient_scope(A["board"]) is None


def test_unknown_action_and_scoped_role_without_org_are_errors():
    with pytest.raises(ValueError):
        decide(A["admin"], "delete_everything")
    with pytest.raises(ValueError):
        Actor("x", "provider")


def test_figure_scope_is_the_accountable_provider_not_the_submitter():
    from cancer_alliance.auth.policy import figure_scope

    assert figure_scope(A["provider"]) == {"accountable_provider_code": "RAA"}
    assert figure_scope(A["commissioner"]) == {"commissioner_code": "QAA"}
    assert figure_scope(A["analyst"]) == {} and figure_scope(A["admin"]) == {}
    assert figure_scope(A["board"]) is None and figure_scope(A["public"]) is None


@pytest.mark.parametrize("role, provider, allowed", [
    ("admin", "RBB", True), ("analyst", "RBB", True),
    ("provider", "RAA", True), ("provider", "RBB", False),
    # a commissioner's population is a subset of a provider's accountable rows: the rows
    # would not add up to the pack's figures
    ("commissioner", "RAA", False), ("board", "RAA", False), ("public", "RAA", False),
])
def test_pack_pathways_only_for_readers_holding_every_accountable_row(role, provider,
                                                                     allowed):
    from cancer_alliance.auth.policy import pack_pathways

    d = pack_pathways(A[role], provider)
    assert d.allowed is allowed and d.audit is allowed

"""Users, roles and scopes, the one permission check, passwords, sessions and the audit log.

``model`` says who is acting (:class:`Actor`), ``policy`` decides what they may do
(:func:`decide`, the only place permissions are decided) and ``audit`` records every
patient-level view.
"""

from cancer_alliance.auth.model import ROLES, Actor
from cancer_alliance.auth.policy import ACTIONS, Decision, decide

__all__ = ["ACTIONS", "ROLES", "Actor", "Decision", "decide"]

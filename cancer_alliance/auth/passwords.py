"""Password hashing with argon2id (argon2-cffi's defaults follow RFC 9106's recommendations)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_HASHER = PasswordHasher()
MIN_LENGTH = 12

# A real hash to verify against when the username does not exist, so a wrong username
# costs the same time as a wrong password and response time does not reveal accounts.
_DUMMY_HASH = _HASHER.hash("not-a-real-password-for-timing")


def hash_password(password: str) -> str:
    """An argon2id hash of ``password`` (salted, self-describing)."""
    return _HASHER.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches ``stored_hash``; a missing hash still spends the time."""
    try:
        return _HASHER.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def check_strength(password: str) -> None:
    """Refuse passwords too short to resist guessing (NCSC: length beats complexity rules)."""
    if len(password) < MIN_LENGTH:
        raise ValueError(f"a password needs at least {MIN_LENGTH} characters")

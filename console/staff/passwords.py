"""Password hashing (argon2id via argon2-cffi) and the password policy."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher.from_parameters(profiles.RFC_9106_LOW_MEMORY)  # argon2id, 64 MiB, 3 passes, 4 lanes
MIN_LENGTH = 12
MAX_LENGTH = 256
# Verifying against this keeps a sign-in for an unknown e-mail as slow as one for a known e-mail.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)


def password_problem(password: str | None, *, email: str = "") -> str | None:
    """Why a new password is refused, or None when it is acceptable."""
    if not password:
        return "is required"
    if len(password) < MIN_LENGTH:
        return f"must be at least {MIN_LENGTH} characters"
    if len(password) > MAX_LENGTH:
        return f"must be at most {MAX_LENGTH} characters"
    if password.strip() != password:
        return "must not start or end with spaces"
    if email and password.lower() == email.lower():
        return "must not be your e-mail address"
    if len(set(password)) < 5:
        return "is too repetitive"
    return None


def generate_password() -> str:
    """A random password that meets the policy (for demo accounts and admin resets)."""
    return secrets.token_urlsafe(15)

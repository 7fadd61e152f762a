"""Encryption at rest with the records key (CONSOLE_RECORDS_KEY): 2257 ID scans and staff TOTP secrets.

One key, loaded one way (`Settings.effective_records_key()`: the variable, or `var/records.key` in development;
production refuses to run without it). Fernet (AES-128-CBC + HMAC-SHA256, from `cryptography`) authenticates what
it decrypts, so a wrong or rotated key is reported as `UnreadableSecret`, never returned as garbage.
"""

from __future__ import annotations

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken

from console.config import get_settings
from console.errors import ConsoleError


class UnreadableSecret(ConsoleError):
    """A stored token does not decrypt with CONSOLE_RECORDS_KEY: the key changed since it was stored, or it was
    altered."""


@lru_cache(maxsize=4)
def _fernet(key: bytes) -> Fernet:
    return Fernet(key)


def records_fernet() -> Fernet:
    """The Fernet of the records key (cached per key, so a changed setting is picked up)."""
    return _fernet(get_settings().effective_records_key())


def seal_text(text: str) -> str:
    """A Fernet token (ASCII) of `text` under the records key."""
    return records_fernet().encrypt(text.encode("utf-8")).decode("ascii")


def open_text(token: str) -> str:
    """The text inside a token made by `seal_text`; UnreadableSecret if this key did not make it."""
    try:
        return records_fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError) as exc:
        raise UnreadableSecret(
            "The stored secret cannot be decrypted: CONSOLE_RECORDS_KEY is not the key it was stored with, "
            "or the value was altered."
        ) from exc

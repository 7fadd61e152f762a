"""Encryption at rest with the records key (CONSOLE_RECORDS_KEY): 2257 ID scans and staff TOTP secrets.

One current key, loaded one way (`Settings.effective_records_key()`: the variable, or `var/records.key` in
development; production refuses to run without it), plus the earlier keys of CONSOLE_RECORDS_OLD_KEYS that still
decrypt while `records rekey` moves everything to the current key (cryptography's MultiFernet: encrypts with the
first, decrypts with any). Fernet (AES-128-CBC + HMAC-SHA256) authenticates what it decrypts, so a wrong key is
reported as `UnreadableSecret`, never returned as garbage.
"""

from __future__ import annotations

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from console.config import get_settings
from console.errors import ConsoleError


class UnreadableSecret(ConsoleError):
    """A stored token does not decrypt with CONSOLE_RECORDS_KEY: the key changed since it was stored, or it was
    altered."""


@lru_cache(maxsize=4)
def _fernet(key: bytes, old: tuple[bytes, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key), *(Fernet(k) for k in old)])


def records_fernet() -> MultiFernet:
    """Encrypts with the current records key, decrypts with it or an old one (cached per key set, so a changed
    setting is picked up)."""
    settings = get_settings()
    return _fernet(settings.effective_records_key(), tuple(settings.effective_old_records_keys()))


def current_key_only() -> Fernet:
    """The current key alone: what `records rekey` asks to tell a token it has already moved from one it must."""
    return Fernet(get_settings().effective_records_key())


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

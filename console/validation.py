"""Input rules shared by every service: trimmed text, lengths, e-mail shape, no control characters."""

from __future__ import annotations

import re
import unicodedata

EMAIL_RE = re.compile(r"^[^@\s<>\"'()\[\]\\,;:]+@[^@\s<>\"'()\[\]\\,;:]+\.[^@\s<>\"'()\[\]\\,;:.]{2,}$")


def _has_control(value: str, allowed: str = "\t") -> bool:
    return any(unicodedata.category(ch) in ("Cc", "Cf") and ch not in allowed for ch in value)


def clean_text(
    value: str | None,
    field: str,
    errors: dict[str, str],
    *,
    max_len: int,
    required: bool = True,
    multiline: bool = False,
) -> str:
    """Trimmed NFC text. `multiline` (descriptions, bios) keeps line breaks, normalised to \\n."""
    text = unicodedata.normalize("NFC", (value or "").strip())
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text:
        if required:
            errors[field] = "is required"
        return ""
    if len(text) > max_len:
        errors[field] = f"is too long ({len(text)} characters; {max_len} at most)"
    elif _has_control(text, "\t\n" if multiline else "\t"):
        errors[field] = "contains control characters"
    return text


def clean_email(value: str | None, errors: dict[str, str], field: str = "email") -> str:
    email = (value or "").strip().lower()
    if not email:
        errors[field] = "is required"
    elif len(email) > 254:
        errors[field] = "is too long (254 characters at most)"
    elif not EMAIL_RE.match(email):
        errors[field] = "is not an e-mail address (name@example.com)"
    return email

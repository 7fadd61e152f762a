"""Input rules for catalog data: slugs, https-only URLs, h:mm:ss durations, money in cents, hex colours."""

from __future__ import annotations

import re
from collections.abc import Callable, Container
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from slugify import slugify as python_slugify

from console.validation import text_problem

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
HEX_RE = re.compile(r"^#[0-9A-Fa-f]{6}$")
DURATION_RE = re.compile(r"^(?:(\d+):([0-5]?\d)|(\d+)):([0-5]\d)$")  # h:mm:ss, or mm:ss with any mm
MAX_PRICE_CENTS = 100_000_00
APOSTROPHES = [["'", ""], ["\u2019", ""]]  # "Zoë's" -> "zoes", not "zoe-s"
LOCAL_THUMBNAIL_RE = re.compile(r"^/media/thumbnails/[0-9a-f]{32}\.(png|jpg|webp)$")  # what media.py stores


SCHEDULE_AHEAD_MAX = timedelta(days=3 * 366)  # a publish time further ahead is a typo (9999, or 2062 for 2026)


def publish_at_problem(publish_at: object, now: datetime) -> str | None:
    """What is wrong with a publish time for scheduling (None: nothing): aware, in the future, within three years."""
    if not isinstance(publish_at, datetime) or publish_at.tzinfo is None:
        return "must be a time with its time zone"
    if publish_at <= now:
        return "must be in the future"
    if publish_at > now + SCHEDULE_AHEAD_MAX:
        return f"must be within three years (by {(now + SCHEDULE_AHEAD_MAX).date().isoformat()})"
    return None


def slugify(text: str, max_len: int = 200) -> str:
    """'Zoë's Night Out!' -> 'zoes-night-out'; 'Привет мир' -> 'privet-mir'; '東京' -> 'dong-jing' (ASCII,
    lowercase, hyphens, transliterated by python-slugify with Unidecode). Emoji or punctuation alone give ''."""
    slug = python_slugify(text or "", max_length=max_len, replacements=APOSTROPHES)
    return slug[:max_len].strip("-")


def unique_slug(base: str, max_len: int, taken: Callable[[list[str]], Container[str]], *, fallback: str) -> str:
    """The first of base, base-2, base-3 ... that `taken` does not report (asked 50 candidates at a time), cut to
    `max_len`. An empty base (a title of emoji only) becomes `fallback` ("video")."""
    base = base or fallback
    for start in range(1, 100_000, 50):
        numbers = range(start, start + 50)
        candidates = [base if n == 1 else f"{base[: max_len - len(str(n)) - 1].rstrip('-')}-{n}" for n in numbers]
        used = taken(candidates)
        for candidate in candidates:
            if candidate not in used:
                return candidate
    raise RuntimeError(f"no free slug for {base!r}")  # 100,000 rows with one title: not a real case


def check_slug(value: str | None, field: str, errors: dict[str, str], *, max_len: int) -> str:
    slug = (value or "").strip().lower()
    if not slug:
        errors[field] = "is required"
    elif len(slug) > max_len:
        errors[field] = f"is too long ({max_len:,} characters at most)"
    elif not SLUG_RE.match(slug):
        errors[field] = "may hold only a-z, 0-9 and single hyphens (e.g. summer-nights-2)"
    return slug


def check_url(
    value: str | None, field: str, errors: dict[str, str], *, required: bool = False, allow_local_media: bool = False
) -> str | None:
    """Only https:// URLs with a host; javascript:, data:, http: and relative URLs are refused.

    `allow_local_media` (thumbnails only) also accepts exactly the path of an uploaded thumbnail.
    """
    url = (value or "").strip()
    if not url:
        if required:
            errors[field] = "is required"
        return None
    if allow_local_media and LOCAL_THUMBNAIL_RE.fullmatch(url):
        return url
    if len(url) > 2048:
        errors[field] = "is too long (2,048 characters at most)"
        return None
    parts = urlsplit(url)
    if parts.scheme.lower() != "https" or not parts.netloc or any(ch.isspace() for ch in url):
        errors[field] = "must be an https:// address"
        return None
    if (problem := text_problem(url)) is not None:  # NUL, a lone surrogate, a bidi override: not storable/safe
        errors[field] = problem
        return None
    return url


def parse_duration(value: str | int | None, field: str, errors: dict[str, str]) -> int | None:
    """'1:02:03' / '62:03' / '3723' -> seconds; None for empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, int):
        seconds = value
    else:
        text = value.strip()
        match = DURATION_RE.match(text) if text.isascii() and len(text) <= 20 else None
        if text.isascii() and text.isdigit() and len(text) <= 20:
            seconds = int(text)
        elif match:
            hours, minutes = (int(match.group(1)), int(match.group(2))) if match.group(1) else (0, int(match.group(3)))
            seconds = hours * 3600 + minutes * 60 + int(match.group(4))
        else:
            errors[field] = "must be h:mm:ss, mm:ss or seconds"
            return None
    if seconds < 0 or seconds > 100 * 3600:
        errors[field] = "must be between 0 and 100 hours"
        return None
    return seconds


def format_duration(seconds: int | None) -> str:
    if seconds is None:
        return ""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}"


def parse_money(value: str | int | Decimal | None, field: str, errors: dict[str, str]) -> int | None:
    """'4.99' -> 499 cents. Negative, more than two decimals or absurd amounts are refused."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        cents = value
    else:
        try:
            amount = Decimal(str(value).strip().replace(",", "."))
        except InvalidOperation:
            errors[field] = "must be an amount like 4.99"
            return None
        if amount.is_finite() and amount < 0:
            errors[field] = "must not be negative"
            return None
        if amount.is_finite() and amount > Decimal(MAX_PRICE_CENTS) / 100:  # before quantize(): it overflows
            errors[field] = "is more than 100,000.00"
            return None
        if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
            errors[field] = "must have at most two decimals"
            return None
        cents = int(amount * 100)
    if cents < 0:
        errors[field] = "must not be negative"
        return None
    if cents > MAX_PRICE_CENTS:
        errors[field] = "is more than 100,000.00"
        return None
    return cents


def format_money(cents: int | None, currency: str = "USD") -> str:
    if cents is None:
        return ""
    return f"{cents // 100}.{cents % 100:02d}"


def check_hex(value: str | None, field: str, errors: dict[str, str]) -> str:
    colour = (value or "").strip()
    if not HEX_RE.match(colour):
        errors[field] = "must be a colour like #FF6B6B"
    return colour.upper()

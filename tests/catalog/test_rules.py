"""Catalog input rules: slugs, https-only URLs, durations, money in cents, hex colours."""

from __future__ import annotations

from decimal import Decimal

import pytest

from console.catalog.rules import (
    check_hex,
    check_slug,
    check_url,
    format_duration,
    format_money,
    parse_duration,
    parse_money,
    slugify,
)

# --- slugify ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Zoë's Night Out!", "zoes-night-out"),
        ("Zoë\u2019s Night Out", "zoes-night-out"),  # typographic apostrophe is dropped too, not a hyphen
        ("Crème Brûlée à la Ñandú", "creme-brulee-a-la-nandu"),
        ("ＦＵＬＬ Width", "full-width"),  # NFKD folds full-width letters to ASCII
        ("  --Hello,   World!!--  ", "hello-world"),
        ("C++ & C# / Rust: 2024 edition", "c-c-rust-2024-edition"),
        ("already-a-slug", "already-a-slug"),
        ("日本語", "ri-ben-yu"),  # transliterated (Unidecode reads CJK as Mandarin)
        ("Привет, мир", "privet-mir"),
        ("తెలుగు", "telugu"),
        ("Straße", "strasse"),
        ("\U0001f469\u200d\u2764\ufe0f\u200d\U0001f468", ""),  # emoji only: the services fall back to "video" etc.
        ("", ""),
    ],
)
def test_slugify(text: str, expected: str) -> None:
    assert slugify(text) == expected


def test_slugify_none_is_empty() -> None:
    assert slugify(None) == ""  # type: ignore[arg-type]


def test_slugify_length_is_capped_without_a_trailing_hyphen() -> None:
    assert slugify("a" * 300) == "a" * 200
    assert slugify("abcd efgh", max_len=5) == "abcd"  # "abcd-" would end with a hyphen
    long = slugify("word " * 100, max_len=50)
    assert len(long) <= 50
    assert not long.endswith("-")
    assert long.startswith("word-word")


def test_check_slug() -> None:
    errors: dict[str, str] = {}
    assert check_slug(" Summer-Nights-2 ", "slug", errors, max_len=20) == "summer-nights-2"
    assert errors == {}
    for bad in ("two  words", "double--hyphen", "-leading", "trailing-", "under_score", "ümlaut"):
        errors = {}
        check_slug(bad, "slug", errors, max_len=100)
        assert "slug" in errors, bad
    errors = {}
    check_slug("", "slug", errors, max_len=10)
    assert errors == {"slug": "is required"}
    errors = {}
    check_slug("a" * 11, "slug", errors, max_len=10)
    assert "too long" in errors["slug"]


# --- check_url ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://cdn.example.com/v/1/master.m3u8",
        "HTTPS://CDN.EXAMPLE.COM/x.jpg",
        "https://cdn.example.com:8443/a?b=c#d",
    ],
)
def test_check_url_accepts_https(url: str) -> None:
    errors: dict[str, str] = {}
    assert check_url(url, "u", errors) == url
    assert errors == {}


def test_check_url_trims_surrounding_whitespace() -> None:
    errors: dict[str, str] = {}
    assert check_url("  https://cdn.example.com/a.jpg \n", "u", errors) == "https://cdn.example.com/a.jpg"
    assert errors == {}


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(document.cookie)",
        " javascript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "data:image/png;base64,iVBORw0KGgo=",
        "http://cdn.example.com/a.jpg",
        "ftp://cdn.example.com/a.jpg",
        "/relative/path.jpg",
        "relative.jpg",
        "//cdn.example.com/protocol-relative.jpg",
        "https://",
        "https:///no-host",
        "https://cdn.example.com/with space.jpg",
        "https://cdn.example.com/with\ttab.jpg",
        "https://cdn.example.com/with\nnewline.jpg",
        "https://cdn.exa mple.com/a.jpg",
    ],
)
def test_check_url_refuses(url: str) -> None:
    errors: dict[str, str] = {}
    assert check_url(url, "thumbnail_url", errors) is None
    assert errors == {"thumbnail_url": "must be an https:// address"}


def test_check_url_refuses_overlong() -> None:
    base = "https://cdn.example.com/"
    ok = base + "a" * (2048 - len(base))
    errors: dict[str, str] = {}
    assert check_url(ok, "u", errors) == ok
    assert errors == {}
    assert check_url(ok + "a", "u", errors) is None
    assert "too long" in errors["u"]


def test_check_url_empty_is_none_unless_required() -> None:
    errors: dict[str, str] = {}
    assert check_url(None, "u", errors) is None
    assert check_url("   ", "u", errors) is None
    assert errors == {}
    assert check_url("", "u", errors, required=True) is None
    assert errors == {"u": "is required"}


# --- parse_duration -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("1:02:03", 3723),
        ("0:00:00", 0),
        ("10:00:00", 36000),
        ("100:00:00", 360000),  # exactly the limit
        ("62:03", 3723),  # mm:ss may run past an hour (the docstring's own example)
        ("59:59", 3599),
        ("5:07", 307),
        ("3723", 3723),
        (" 42 ", 42),
        ("0", 0),
        (90, 90),
        (0, 0),
    ],
)
def test_parse_duration_accepts(value: str | int, seconds: int) -> None:
    errors: dict[str, str] = {}
    assert parse_duration(value, "duration_seconds", errors) == seconds
    assert errors == {}


@pytest.mark.parametrize("value", [None, "", "   "])
def test_parse_duration_empty_is_none(value: str | None) -> None:
    errors: dict[str, str] = {}
    assert parse_duration(value, "d", errors) is None
    assert errors == {}


@pytest.mark.parametrize(
    "value",
    [
        "abc",
        "1:2:3",  # seconds need two digits
        "1:60:00",  # 60 minutes inside h:mm:ss
        "1:00:60",
        "12:5",
        "1::00",
        "1:02:03:04",
        "1.5",
        "-5",
        "-1:00",
        "1h30m",
        "²",  # a digit to str.isdigit() but not to int()
        "١٢٣",  # Arabic-Indic digits
        "9" * 5000,  # longer than int() converts
    ],
)
def test_parse_duration_refuses_bad_text(value: str) -> None:
    errors: dict[str, str] = {}
    assert parse_duration(value, "duration_seconds", errors) is None
    assert "duration_seconds" in errors


@pytest.mark.parametrize("value", [-1, "100:00:01", "360001", 360001, "6001:00"])
def test_parse_duration_refuses_negative_and_over_100_hours(value: str | int) -> None:
    errors: dict[str, str] = {}
    assert parse_duration(value, "d", errors) is None
    assert errors == {"d": "must be between 0 and 100 hours"}


def test_format_duration_round_trips() -> None:
    assert format_duration(None) == ""
    assert format_duration(3723) == "1:02:03"
    for seconds in (0, 59, 61, 3599, 3600, 86399, 360000):
        errors: dict[str, str] = {}
        assert parse_duration(format_duration(seconds), "d", errors) == seconds
        assert errors == {}


# --- parse_money --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "cents"),
    [
        ("4.99", 499),
        ("4,99", 499),  # comma decimal
        ("4", 400),
        ("4.9", 490),
        ("4.990", 499),  # trailing zero is still two decimals
        ("0", 0),
        ("0.01", 1),
        (" 12.50 ", 1250),
        ("100000", 100_000_00),  # the maximum
        ("100000.00", 100_000_00),
        (Decimal("19.99"), 1999),
        (4.99, 499),
        (499, 499),  # ints are already cents
    ],
)
def test_parse_money_accepts(value: object, cents: int) -> None:
    errors: dict[str, str] = {}
    assert parse_money(value, "price", errors) == cents  # type: ignore[arg-type]
    assert errors == {}


@pytest.mark.parametrize("value", [None, "", "  "])
def test_parse_money_empty_is_none(value: str | None) -> None:
    errors: dict[str, str] = {}
    assert parse_money(value, "price", errors) is None
    assert errors == {}


@pytest.mark.parametrize("value", ["4.999", "0.001", "1,005"])
def test_parse_money_refuses_three_decimals(value: str) -> None:
    errors: dict[str, str] = {}
    assert parse_money(value, "price", errors) is None
    assert errors == {"price": "must have at most two decimals"}


@pytest.mark.parametrize("value", ["-4.99", "-1", "-0.01", -1])
def test_parse_money_refuses_negative(value: str | int) -> None:
    errors: dict[str, str] = {}
    assert parse_money(value, "price", errors) is None
    assert errors == {"price": "must not be negative"}


@pytest.mark.parametrize(
    "value",
    [
        "100000.01",
        "1000000",
        100_000_01,
        "1e30",  # more digits than the decimal context holds
        "9" * 29,
        "1e999999999",
    ],
)
def test_parse_money_refuses_huge(value: str | int) -> None:
    errors: dict[str, str] = {}
    assert parse_money(value, "price", errors) is None
    assert errors == {"price": "is more than 100,000.00"}


@pytest.mark.parametrize("value", ["abc", "4.99 USD", "$4.99", "1,000.00", "NaN", "Infinity", True])
def test_parse_money_refuses_garbage(value: object) -> None:
    errors: dict[str, str] = {}
    assert parse_money(value, "price", errors) is None  # type: ignore[arg-type]
    assert "price" in errors


def test_parse_money_refuses_huge_negative() -> None:
    errors: dict[str, str] = {}
    assert parse_money("-1e40", "price", errors) is None
    assert errors == {"price": "must not be negative"}


def test_format_money() -> None:
    assert format_money(None) == ""
    assert format_money(0) == "0.00"
    assert format_money(499) == "4.99"
    assert format_money(100_000_00) == "100000.00"


# --- check_hex ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"), [("#ff6b6b", "#FF6B6B"), ("#263238", "#263238"), (" #AbCdEf ", "#ABCDEF")]
)
def test_check_hex_accepts_and_upper_cases(value: str, expected: str) -> None:
    errors: dict[str, str] = {}
    assert check_hex(value, "color_primary", errors) == expected
    assert errors == {}


@pytest.mark.parametrize("value", ["FF6B6B", "#FFF", "#FF6B6B0", "#GGGGGG", "red", "", None, "#12 456"])
def test_check_hex_refuses(value: str | None) -> None:
    errors: dict[str, str] = {}
    check_hex(value, "color_primary", errors)
    assert errors == {"color_primary": "must be a colour like #FF6B6B"}


def test_check_url_local_thumbnail_only_when_allowed() -> None:
    path = "/media/thumbnails/" + "0123456789abcdef" * 2 + ".jpg"
    errors: dict[str, str] = {}
    assert check_url(path, "thumbnail_url", errors, allow_local_media=True) == path
    assert errors == {}
    assert check_url(path, "hls_url", errors) is None
    assert errors == {"hls_url": "must be an https:// address"}
    for bad in (
        "/media/thumbnails/../../etc/passwd",
        "/media/thumbnails/" + "0123456789ABCDEF" * 2 + ".jpg",
        "/media/thumbnails/" + "0" * 32 + ".svg",
        "/media/thumbnails/" + "0" * 31 + ".png",
        "javascript:alert(1)",
    ):
        errors = {}
        assert check_url(bad, "thumbnail_url", errors, allow_local_media=True) is None, bad
        assert "thumbnail_url" in errors

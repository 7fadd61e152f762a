"""The one character rule (console/validation.py) and the search folding (console/textsearch.py)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.textsearch import fold
from console.validation import clean_email, clean_text

FAMILY = "\U0001f469\u200d\u2764\ufe0f\u200d\U0001f468"  # woman, ZWJ, heart + VS16, ZWJ, man
SCOTLAND = "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"  # black flag + tag characters


def clean(value: str | None, *, multiline: bool = False, max_len: int = 500, required: bool = True) -> tuple[str, str]:
    errors: dict[str, str] = {}
    text = clean_text(value, "name", errors, max_len=max_len, multiline=multiline, required=required)
    return text, errors.get("name", "")


@pytest.mark.parametrize(
    "text",
    [
        FAMILY,
        SCOTLAND,
        "\U0001fae8 shaking face",  # Unicode 15: newer than some Python's tables, still allowed
        "می\u200cخواهم",  # Persian with ZWNJ
        "శ్రీ\u200cనివాస్",  # Telugu with ZWNJ
        "Donau\u00addampf\u00adschiff",  # soft hyphens
        "\u200fשלום\u200e (Shalom)",  # RLM, LRM
        "\u061cعربي",  # ALM
        "葛\U000e0100城市",  # ideographic variation selector
        "a\u200bb",  # zero width space
        "Zoë\tO'Neil",  # tab
        "Ａｍéｌｉｅ",  # full width, stored as typed (NFC does not fold compatibility characters)
        "mid\ufeffword",  # a BOM inside the text (ZERO WIDTH NO-BREAK SPACE)
        "\ue000 private use",
    ],
)
def test_text_people_write_is_stored_as_typed(text: str) -> None:
    assert clean(text) == (unicodedata.normalize("NFC", text), "")


def test_trim_takes_white_space_and_byte_order_marks_off_the_ends_and_nfc_composes() -> None:
    assert clean("\ufeff  Ame\u0301lie \u00a0\ufeff") == ("Amélie", "")
    assert clean("\u3000全角\u3000") == ("全角", "")
    assert clean(" \t\n ") == ("", "is required")
    assert clean(" \ufeff ", required=False) == ("", "")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Hello world\x07!", "contains the control character U+0007 (BELL) at position 12; remove it"),
        ("\x00", "contains the control character U+0000 (NULL) at position 1; remove it"),
        ("  a\x1bb", "contains the control character U+001B (ESCAPE) at position 4; remove it"),  # counts the spaces
        ("del\x7f", "contains the control character U+007F (DELETE) at position 4; remove it"),
        ("nel\x85x", "contains the control character U+0085 (NEXT LINE) at position 4; remove it"),
        ("csi\x9b", "contains the control character U+009B (CONTROL SEQUENCE INTRODUCER) at position 4; remove it"),
        ("two\nlines", "contains the control character U+000A (LINE FEED) at position 4; remove it"),
        ("two\rlines", "contains the control character U+000D (CARRIAGE RETURN) at position 4; remove it"),
        ("lone \ud800 surrogate", "contains an unpaired surrogate U+D800 at position 6; remove it"),
        ("non\ufffe", "contains the noncharacter U+FFFE at position 4; remove it"),
        ("non\U0001ffff", "contains the noncharacter U+1FFFF at position 4; remove it"),
        ("non\ufdd0", "contains the noncharacter U+FDD0 at position 4; remove it"),
        ("a\u2028b", "contains a line break U+2028 (LINE SEPARATOR) at position 2; remove it"),
        (
            "evil\u202egpj.exe",
            "contains the invisible direction control U+202E (RIGHT-TO-LEFT OVERRIDE) at position 5; "
            "remove it (the direction marks U+200E and U+200F are allowed)",
        ),
        (
            "\u2067isolate\u2069",
            "contains the invisible direction control U+2067 (RIGHT-TO-LEFT ISOLATE) at position 1; "
            "remove it (the direction marks U+200E and U+200F are allowed)",
        ),
    ],
)
def test_what_cannot_be_shown_or_stored_safely_is_refused_by_name_and_position(text: str, message: str) -> None:
    assert clean(text)[1] == message


def test_multiline_fields_keep_line_breaks_and_direction_controls_but_not_other_controls() -> None:
    assert clean("one\r\ntwo\rthree\nfour", multiline=True) == ("one\ntwo\nthree\nfour", "")
    assert clean("quote: \u202bعربي\u202c\u2029next", multiline=True)[1] == ""
    assert clean("bell\x07", multiline=True)[1].startswith("contains the control character U+0007 (BELL)")


def test_a_refusal_comes_before_the_length_and_the_length_counts_the_stored_text() -> None:
    assert clean("x" * 600 + "\x00")[1].startswith("contains the control character U+0000")
    assert clean("x" * 600) == ("x" * 600, "is too long (600 characters; 500 at most)")
    assert clean("e\u0301" * 500) == ("é" * 500, "")  # 1,000 code points typed, 500 after NFC


def test_email_follows_the_same_rule() -> None:
    errors: dict[str, str] = {}
    clean_email("a\x00b@example.com", errors)
    assert errors == {"email": "contains the control character U+0000 (NULL) at position 2; remove it"}


FORBIDDEN_SINGLE = {*map(chr, range(0x20)), *map(chr, range(0x7F, 0xA0)), "\u2028", "\u2029"} - {"\t"}
FORBIDDEN_SINGLE |= set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _forbidden(ch: str) -> bool:
    code = ord(ch)
    return ch in FORBIDDEN_SINGLE or 0xD800 <= code <= 0xDFFF or 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE


def _trim(text: str) -> tuple[str, int]:
    """The documented trim: white space (str.isspace) and U+FEFF off both ends; and how many left the front."""
    start, end = 0, len(text)
    while start < end and (text[start].isspace() or text[start] == "\ufeff"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] == "\ufeff"):
        end -= 1
    return text[start:end], start


@settings(max_examples=500)
@given(st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=40))
def test_any_text_is_stored_exactly_or_refused_naming_a_character_it_holds(text: str) -> None:
    stored, problem = clean(text, max_len=10_000, required=False)
    trimmed, lead = _trim(text)
    assert bool(problem) == any(_forbidden(ch) for ch in trimmed)
    if problem:
        first = next(i for i, ch in enumerate(trimmed) if _forbidden(ch))
        assert f"U+{ord(trimmed[first]):04X}" in problem and f"at position {lead + first + 1};" in problem
    else:
        assert stored == unicodedata.normalize("NFC", trimmed)
        stored.encode("utf-8")  # every accepted text can be stored


# --- folding for search -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Amélie", "amelie"),
        ("AMÉLIE", "amelie"),
        ("Ame\u0301lie", "amelie"),  # decomposed
        ("Straße", "strasse"),
        ("Søren Ærø", "soren aero"),
        ("Łódź", "lodz"),
        ("Nguyễn Thị", "nguyen thi"),
        ("İstanbul", "istanbul"),
        ("  Mary \u00a0 Jane  ", "mary jane"),
        ("Zoë\u00ad\u200dO'Neil", "zoeo'neil"),  # invisible characters drop out
        ("مُحَمَّد", "محمد"),  # Arabic vowel marks
        ("हिंदी", "हिंदी"),  # Devanagari vowel signs are letters: kept
        ("東京", "東京"),
        ("ＡＢＣ", "abc"),
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


@given(st.text(max_size=30))
def test_fold_is_idempotent_and_leaves_no_invisible_characters(text: str) -> None:
    once = fold(text)
    assert fold(once) == once
    assert not any(unicodedata.category(ch) in ("Cc", "Cf", "Cs") for ch in once)
    assert "  " not in once and once == once.strip()


LATIN = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ ", min_size=1, max_size=20)


@given(LATIN, st.lists(st.sampled_from([chr(c) for c in range(0x300, 0x370)]), max_size=20), st.randoms())
def test_accents_and_case_do_not_matter_to_fold(base: str, marks: list[str], rnd: object) -> None:
    letters = list(base)
    for mark in marks:  # put accents after random letters
        at = rnd.randrange(len(letters) + 1)  # type: ignore[attr-defined]
        if at and letters[at - 1] != " ":
            letters.insert(at, mark)
    accented = "".join(letters)
    assert fold(accented) == fold(base) == fold(base.swapcase())


def test_a_message_about_the_field_is_joined_to_its_label_and_an_instruction_stands_alone() -> None:
    """A message starting "makes"/"names" was shown without its field ("Names an IP address; …")."""
    from console.errors import sentence

    assert sentence("Date of birth", "makes the performer 11 today") == "Date of birth makes the performer 11 today"
    assert sentence("Click URL", "names an IP address") == "Click URL names an IP address"
    assert sentence("Roles", "choose at least one role") == "Choose at least one role"
    assert sentence("Creative file", "fake.png is not a PNG") == "fake.png is not a PNG"  # not "Fake.png"

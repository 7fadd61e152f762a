"""Input rules shared by every service: trimmed NFC text, lengths, e-mail shape, and the one character rule.

The character rule refuses only what cannot be shown or stored safely, and names the character and where it is:

- C0 controls (U+0000 to U+001F, NUL included), DEL and the C1 controls (U+0080 to U+009F), except tab; multi-line
  fields also keep line feeds (CR and CR LF become LF first);
- unpaired surrogates (a JSON string can carry them; UTF-8 cannot encode them, so no database can store them)
  and the Unicode noncharacters (U+FDD0 to U+FDEF and U+xFFFE/U+xFFFF of every plane);
- in single-line fields: the line and paragraph separators U+2028/U+2029, and the bidirectional embeddings,
  overrides and isolates (U+202A to U+202E, U+2066 to U+2069). These are invisible and change the order in which a
  name is *shown* without changing the order in which it is stored, searched, sorted and slugged: a legal name
  or a title would read as one thing and be found as another. The directional marks LRM, RLM and ALM, which
  is what a single-line name needs to show mixed-direction text right, are allowed. (A warning instead of a
  refusal would need a way back to the page from every service; see the README's limits.)

Everything else people write is allowed: emoji sequences joined by U+200D (ZWJ) with variation selectors and
tag characters, U+200C (ZWNJ) in Persian or Telugu, the soft hyphen, LRM/RLM/ALM, other format characters, and
code points newer than this Python's Unicode tables (new emoji). Normalisation, documented and applied before
the rule: leading and trailing whitespace and byte order marks (U+FEFF) are trimmed, then the text is NFC.
"""

from __future__ import annotations

import re
import unicodedata

EMAIL_RE = re.compile(r"^[^@\s<>\"'()\[\]\\,;:]+@[^@\s<>\"'()\[\]\\,;:]+\.[^@\s<>\"'()\[\]\\,;:.]{2,}$")
_LEADING = re.compile(r"^[\s\ufeff]+")  # \s is str.isspace(): every Unicode white space
_TRAILING = re.compile(r"[\s\ufeff]+$")
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
LINE_SEPARATORS = frozenset("\u2028\u2029")

# unicodedata has no names for the controls (their Unicode name is "<control>"): their ISO 6429 names.
_C0_NAMES = (
    "NULL START-OF-HEADING START-OF-TEXT END-OF-TEXT END-OF-TRANSMISSION ENQUIRY ACKNOWLEDGE BELL BACKSPACE "
    "CHARACTER-TABULATION LINE-FEED LINE-TABULATION FORM-FEED CARRIAGE-RETURN SHIFT-OUT SHIFT-IN "
    "DATA-LINK-ESCAPE DEVICE-CONTROL-ONE DEVICE-CONTROL-TWO DEVICE-CONTROL-THREE DEVICE-CONTROL-FOUR "
    "NEGATIVE-ACKNOWLEDGE SYNCHRONOUS-IDLE END-OF-TRANSMISSION-BLOCK CANCEL END-OF-MEDIUM SUBSTITUTE ESCAPE "
    "INFORMATION-SEPARATOR-FOUR INFORMATION-SEPARATOR-THREE INFORMATION-SEPARATOR-TWO INFORMATION-SEPARATOR-ONE"
)
_C1_NAMES = (
    "PADDING-CHARACTER HIGH-OCTET-PRESET BREAK-PERMITTED-HERE NO-BREAK-HERE INDEX NEXT-LINE START-OF-SELECTED-AREA "
    "END-OF-SELECTED-AREA CHARACTER-TABULATION-SET CHARACTER-TABULATION-WITH-JUSTIFICATION LINE-TABULATION-SET "
    "PARTIAL-LINE-FORWARD PARTIAL-LINE-BACKWARD REVERSE-LINE-FEED SINGLE-SHIFT-TWO SINGLE-SHIFT-THREE "
    "DEVICE-CONTROL-STRING PRIVATE-USE-ONE PRIVATE-USE-TWO SET-TRANSMIT-STATE CANCEL-CHARACTER MESSAGE-WAITING "
    "START-OF-GUARDED-AREA END-OF-GUARDED-AREA START-OF-STRING SINGLE-GRAPHIC-CHARACTER-INTRODUCER "
    "SINGLE-CHARACTER-INTRODUCER CONTROL-SEQUENCE-INTRODUCER STRING-TERMINATOR OPERATING-SYSTEM-COMMAND "
    "PRIVACY-MESSAGE APPLICATION-PROGRAM-COMMAND"
)
CONTROL_NAMES = {i: n.replace("-", " ") for i, n in enumerate(_C0_NAMES.split())} | {0x7F: "DELETE"}
CONTROL_NAMES |= {0x80 + i: n.replace("-", " ") for i, n in enumerate(_C1_NAMES.split())}


def char_label(ch: str) -> str:
    """'U+0007 (BELL)', 'U+202E (RIGHT-TO-LEFT OVERRIDE)', 'U+D800' (no name)."""
    code = ord(ch)
    name = CONTROL_NAMES.get(code) or unicodedata.name(ch, "")
    return f"U+{code:04X}" + (f" ({name})" if name else "")


def _is_noncharacter(code: int) -> bool:
    return 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE


def _problem(ch: str, multiline: bool) -> str | None:
    """What is wrong with one character of a field, or None if it may be stored."""
    code = ord(ch)
    if code < 0x20 or 0x7F <= code <= 0x9F:
        if ch == "\t" or (multiline and ch in "\n\r"):
            return None
        return "the control character"
    if 0xD800 <= code <= 0xDFFF:
        return "an unpaired surrogate"
    if _is_noncharacter(code):
        return "the noncharacter"
    if not multiline and ch in LINE_SEPARATORS:
        return "a line break"
    if not multiline and ch in BIDI_CONTROLS:
        return "the invisible direction control"
    return None


def text_problem(text: str, *, multiline: bool = False, offset: int = 0) -> str | None:
    """The first character `text` may not hold, as a message for the field; None when all are allowed.
    Positions count characters from 1 (plus `offset`: the characters trimmed off the front)."""
    for index, ch in enumerate(text):
        problem = _problem(ch, multiline)
        if problem is not None:
            hint = " (the direction marks U+200E and U+200F are allowed)" if ch in BIDI_CONTROLS else ""
            return f"contains {problem} {char_label(ch)} at position {offset + index + 1}; remove it{hint}"
    return None


def trimmed(value: str | None) -> tuple[str, int]:
    """The value without leading/trailing white space and byte order marks, and how many characters left the
    front (so positions in messages count in what was typed)."""
    raw = value or ""
    text = _LEADING.sub("", raw)
    offset = len(raw) - len(text)
    return _TRAILING.sub("", text), offset


def too_long(text: str, max_len: int) -> str | None:
    return f"is too long ({len(text):,} characters; {max_len:,} at most)" if len(text) > max_len else None


def clean_text(
    value: str | None,
    field: str,
    errors: dict[str, str],
    *,
    max_len: int,
    required: bool = True,
    multiline: bool = False,
) -> str:
    """Trimmed NFC text that passes the character rule. `multiline` (descriptions, bios, notes) keeps line breaks,
    normalised to \\n. A problem goes into `errors[field]`; the cleaned text is returned either way."""
    text, offset = trimmed(value)
    problem = text_problem(text, multiline=multiline, offset=offset)
    text = unicodedata.normalize("NFC", text)
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if problem is not None:
        errors[field] = problem
    elif not text:
        if required:
            errors[field] = "is required"
    elif (long := too_long(text, max_len)) is not None:
        errors[field] = long
    return text


# What a name on an ID may hold besides letters, combining marks and spaces: hyphens, apostrophes (typed or
# typographic), periods, commas, the middle dots of Catalan and of names written in katakana, and the direction marks.
NAME_PUNCTUATION = set("-\u2010'\u2019\u02bc.,\u00b7\u30fb\u200e\u200f")


def legal_name_problem(text: str) -> str | None:
    """The first character a person's legal name may not hold (a digit, an emoji, a symbol, `<`), as a message for
    the field; None when every character is a letter of any script, a combining mark, a space or NAME_PUNCTUATION."""
    for index, ch in enumerate(text):
        category = unicodedata.category(ch)
        if category[0] in "LM" or category == "Zs" or ch in NAME_PUNCTUATION:
            continue
        name = unicodedata.name(ch, "")
        return (
            f"may hold letters, spaces, hyphens, apostrophes and periods only: remove “{ch}” at position {index + 1} "
            f"(U+{ord(ch):04X}{', ' + name if name else ''})"
        )
    return None


def clean_name(value: str | None, field: str, errors: dict[str, str], *, max_len: int, required: bool = True) -> str:
    """`clean_text` for a person's legal name, with `legal_name_problem`'s rule (after the general one)."""
    text = clean_text(value, field, errors, max_len=max_len, required=required)
    if field not in errors and (problem := legal_name_problem(text)) is not None:
        errors[field] = problem
    return text


def clean_email(value: str | None, errors: dict[str, str], field: str = "email") -> str:
    email = (value or "").strip().lower()
    problem = text_problem(email)
    if problem is not None:
        errors[field] = problem
    elif not email:
        errors[field] = "is required"
    elif len(email) > 254:
        errors[field] = "is too long (254 characters at most)"
    elif not EMAIL_RE.match(email):
        errors[field] = "is not an e-mail address (name@example.com)"
    return email

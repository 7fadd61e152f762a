"""The shared widgets' logic without a page: the keyboard map (registration, listing, dispatch), the filter bar
(building a filter object from raw values, query-string starting values) and the conflict panel's comparison,
value display and catcher (the panel on a page: tests/ui/test_conflict_widget.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from console.catalog.page_parts import same_ignoring_colour_case
from console.errors import Conflict, RuleViolation
from console.ui.conflict import ConflictCatcher, differences, display
from console.ui.filter_bar import FilterField, build_filter, initial_values
from console.ui.keymap import GLOBAL_SECTION, PAGE_SECTION, KeyMap

# --- keyboard map --------------------------------------------------------------------------------------------


async def test_keymap_lists_page_keys_first_then_global_ones_and_dispatches() -> None:
    pressed: list[str] = []

    async def open_case() -> None:
        pressed.append("Enter")

    keys = KeyMap()
    keys.add_global("?", "Show this sheet", lambda: pressed.append("?"), key="?")
    keys.add_global("g o", "Go to Moderation")
    keys.add("j", "Move down", lambda: pressed.append("j"))
    keys.add("Enter", "Open the highlighted case", open_case)

    assert keys.listing() == [
        (PAGE_SECTION, "j", "Move down"),
        (PAGE_SECTION, "Enter", "Open the highlighted case"),
        (GLOBAL_SECTION, "?", "Show this sheet"),
        (GLOBAL_SECTION, "g o", "Go to Moderation"),
    ]
    assert await keys.dispatch("j") is True
    assert await keys.dispatch("Enter") is True  # an async handler is awaited
    assert await keys.dispatch("?") is True
    assert await keys.dispatch("o") is False  # "g o" is listed only: the frame handles the g prefix
    assert await keys.dispatch("z") is False
    assert pressed == ["j", "Enter", "?"]


def test_keymap_refuses_global_keys_and_duplicates() -> None:
    keys = KeyMap()
    keys.add("d", "Dismiss", lambda: None)
    for reserved in ("?", "/", "g", "Escape"):
        with pytest.raises(ValueError, match="global key"):
            keys.add(reserved, "mine", lambda: None)
    with pytest.raises(ValueError, match="already registered"):
        keys.add("d", "Delete", lambda: None)
    assert [key for _, key, _ in keys.listing()] == ["d"]


async def test_keymap_moves_are_j_and_k() -> None:
    moved: list[int] = []
    keys = KeyMap()
    keys.add_moves(moved.append)
    assert keys.listing() == [
        (PAGE_SECTION, "j", "Move the highlight down"),
        (PAGE_SECTION, "k", "Move the highlight up"),
    ]
    assert await keys.dispatch("j") and await keys.dispatch("k") and await keys.dispatch("j")
    assert moved == [1, -1, 1]
    own = KeyMap()
    own.add_moves(moved.append, down="Next ad", up="Previous ad")
    assert own.listing() == [(PAGE_SECTION, "j", "Next ad"), (PAGE_SECTION, "k", "Previous ad")]


async def test_keymap_lists_a_key_another_listener_handles() -> None:
    keys = KeyMap()
    keys.add("j", "Move down", lambda: None)
    keys.describe("Ctrl+S", "Save the video")
    keys.add_global("?", "Show this sheet", lambda: None, key="?")
    assert keys.listing() == [
        (PAGE_SECTION, "j", "Move down"),
        (PAGE_SECTION, "Ctrl+S", "Save the video"),
        (GLOBAL_SECTION, "?", "Show this sheet"),
    ]
    assert await keys.dispatch("s") is False  # listed only: save_key's own listener saves
    with pytest.raises(ValueError, match="already listed"):
        keys.describe("Ctrl+S", "Save again")


# --- filter bar ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Flt:
    status: str = "live"
    kind: str | None = None
    text: str | None = None
    hours: int | None = None


FIELDS = [
    FilterField("status", "Status", options={"live": "Live", "closed": "Closed"}, default="live"),
    FilterField("kind", "Kind", options={None: "Any", "video": "Video", "comment": "Comment"}),
    FilterField("text", "Text"),
    FilterField("hours", "Older than (hours)", number=True, maximum=100),
]


def test_filter_bar_builds_the_filter_object_from_raw_values() -> None:
    flt, errors = build_filter(Flt, FIELDS, {"status": "closed", "kind": "video", "text": "  spam ", "hours": " 12 "})
    assert errors == {}
    assert flt == Flt(status="closed", kind="video", text="spam", hours=12)
    # empty inputs mean "no condition"; an option that is not offered falls back to the default
    flt, errors = build_filter(Flt, FIELDS, {"status": "deleted", "kind": "nope", "text": "   ", "hours": ""})
    assert (flt, errors) == (Flt(), {})


@pytest.mark.parametrize(
    ("raw", "message"),
    [("abc", "must be a whole number"), ("-3", "must be a whole number"), ("1e3", "must be a whole number"),
     ("101", "must be between 0 and 100"), ("١٢", "must be a whole number")],
)  # fmt: skip
def test_filter_bar_refuses_a_number_it_cannot_use(raw: str, message: str) -> None:
    flt, errors = build_filter(Flt, FIELDS, {"status": "live", "hours": raw})
    assert flt is None
    assert errors == {"hours": message}


def test_filter_bar_starting_values_from_a_query_string_keep_only_acceptable_ones() -> None:
    start = initial_values(FIELDS, {"status": "closed", "kind": "<script>", "hours": "x", "text": "abc"})
    assert start == {"status": "closed", "kind": None, "text": "abc", "hours": None}


# --- conflict panel ------------------------------------------------------------------------------------------


def test_conflict_lists_only_labelled_fields_that_differ_in_label_order() -> None:
    stored = {"status": "claimed", "assignee": "Max", "decisions": 2, "version": 7}
    yours = {"status": "claimed", "assignee": "Mona", "decisions": "1"}
    labels = {"decisions": "Decisions taken", "status": "Status", "assignee": "Assigned to"}
    assert differences(stored, yours, labels) == [("Decisions taken", 2, "1"), ("Assigned to", "Max", "Mona")]
    # a caller-supplied comparison (for example case-insensitive colours)
    same = differences(
        {"c": "#ABCDEF"}, {"c": "#abcdef"}, {"c": "Colour"}, same=lambda _k, a, b: a.upper() == b.upper()
    )
    assert same == []
    # the colour comparison the collection dialog passes
    assert differences(
        {"color_a": "#ABCDEF", "name": "x"},
        {"color_a": "#abcdef", "name": "X"},
        {"color_a": "A", "name": "N"},
        same=same_ignoring_colour_case,
    ) == [("N", "x", "X")]


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (None, "—"),
        ("  ", "—"),
        ("text", "text"),
        (True, "yes"),
        (False, "no"),
        (["a", "b"], "a, b"),
        ([], "—"),
        (3, "3"),
    ],
)
def test_conflict_values_are_shown_as_one_line(value: object, shown: str) -> None:
    assert display(value) == shown


def test_the_conflict_catcher_keeps_the_conflict_and_lets_it_through() -> None:
    catcher = ConflictCatcher()

    def stale(_session: object) -> None:
        raise Conflict("changed", current={"version": 2})

    with pytest.raises(Conflict):
        catcher(stale)(None)  # type: ignore[arg-type]
    assert catcher.conflict is not None and catcher.conflict.current == {"version": 2}
    assert catcher(lambda _s: 5)(None) == 5  # type: ignore[arg-type]
    assert catcher.conflict is None and catcher.error is None  # a later call that succeeds forgets it

    def refused(_session: object) -> None:
        raise RuleViolation("not allowed")

    with pytest.raises(RuleViolation):
        catcher(refused)(None)  # type: ignore[arg-type]
    assert isinstance(catcher.error, RuleViolation) and catcher.conflict is None  # a refusal, not a conflict


def test_a_column_of_long_text_clips_or_wraps_and_a_plain_one_is_unchanged() -> None:
    from console.ui.paged_table import CLIPPED_CELL, column

    assert column("email", "E-mail", clip="14rem") == {
        "name": "email",
        "label": "E-mail",
        "field": "email",
        "align": "left",
        "clip": "14rem",
    }
    assert "white-space: normal" in column("other_names", "Other names", wrap=True)["style"]
    assert column("id", "#", "right") == {"name": "id", "label": "#", "field": "id", "align": "right"}
    shown_from_1920 = column("format", "Format", wide=True)
    assert shown_from_1920["classes"] == shown_from_1920["headerClasses"] == "gt-lg"  # cells and header alike
    # the cell reads its width from the column and shows the whole value on hover, as text
    assert ':style="{maxWidth: props.col.clip}"' in CLIPPED_CELL and ':title="props.value"' in CLIPPED_CELL
    assert "{{ props.value }}" in CLIPPED_CELL and "v-html" not in CLIPPED_CELL


@pytest.mark.parametrize(
    ("typed", "given"),
    [(25.0, 25), (-50.0, -50), (2.6, 2.6), (None, None), ("", None), (7, 7), (1e3, 1000)],
)
def test_a_number_field_gives_the_service_what_was_typed(typed: Any, given: Any) -> None:
    from console.ui.forms import as_typed

    value = as_typed(typed)
    assert value == given and type(value) is type(given)  # a whole float becomes an int; nothing is cut or clamped

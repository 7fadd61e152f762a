"""The pure parts of console/ui/form_state.py and console/ui/drafts.py: when two values count as the same, and
which stored drafts are read back (a draft from browser storage is untrusted input)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from console.ui.drafts import Draft
from console.ui.form_state import same, unchanged


@pytest.mark.parametrize(
    ("a", "b"),
    [("Doe", " Doe "), (None, ""), ("", None), (2.0, 2), (["a ", "b"], ["a", "b"]), (True, True), (None, None)],
)
def test_values_the_services_treat_alike_are_the_same(a: object, b: object) -> None:
    assert same(a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [("Doe", "doe"), ("", "0"), (2.5, 2), (["a"], ["a", "b"]), (True, False), (0, None), ("a b", "a  b")],
)
def test_real_differences_are_not_the_same(a: object, b: object) -> None:
    assert not same(a, b)


def test_unchanged_compares_only_the_typed_fields() -> None:
    stored = {"name": "Ann", "bio": "x", "version": 4}
    assert unchanged({"name": "Ann ", "bio": "x"}, stored)
    assert not unchanged({"name": "Ann", "bio": "y"}, stored)


def test_a_draft_round_trips() -> None:
    when = datetime(2026, 3, 1, 12, 30, tzinfo=UTC)
    draft = Draft(7, 3, {"title": "T"}, when, {"performers": [1, 2]})
    back = Draft.parse(draft.as_json())
    assert back is not None
    assert (back.row_id, back.version, back.saved_at) == (7, 3, when)
    assert back.values == {"title": "T", "performers": [1, 2]}


def test_a_browser_timestamp_with_z_is_utc() -> None:
    back = Draft.parse({"meta": {"row_id": 1, "version": 1}, "values": {}, "saved_at": "2026-03-01T12:30:00.000Z"})
    assert back is not None and back.saved_at == datetime(2026, 3, 1, 12, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "a draft",
        [],
        {"values": []},
        {"meta": {"row_id": "7"}, "values": {}, "saved_at": "2026-03-01T12:30:00"},
        {"meta": {"row_id": 1, "version": True}, "values": {}, "saved_at": "2026-03-01T12:30:00"},
        {"meta": {"row_id": 1, "version": 1.5}, "values": {}, "saved_at": "2026-03-01T12:30:00"},
        {"meta": {"row_id": 1, "version": 1}, "values": {}, "saved_at": "yesterday"},
        {"meta": {"row_id": 1, "version": 1}, "values": {}},
    ],
)
def test_anything_else_is_not_a_draft(raw: object) -> None:
    assert Draft.parse(raw) is None

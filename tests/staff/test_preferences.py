"""A staff member's time zone: set on their own account, checked against the zone database, audited."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select

from console.actor import Actor
from console.audit.models import AuditEvent
from console.db import session_scope
from console.errors import Forbidden, ValidationFailed
from console.staff.auth import resolve_session, sign_in
from console.staff.models import Staff
from console.staff.preferences import clean_time_zone, set_time_zone, time_zone_names
from tests.conftest import PASSWORD


def zone_of(staff_id: int) -> str:
    with session_scope() as session:
        staff = session.get(Staff, staff_id)
        assert staff is not None
        return staff.time_zone


def zone_events() -> list[AuditEvent]:
    with session_scope() as session:
        query = select(AuditEvent).where(AuditEvent.action == "staff.time_zone_change").order_by(AuditEvent.id)
        return list(session.execute(query).scalars())


def test_a_new_account_reads_utc(make_staff: Callable[..., tuple[int, str]]) -> None:
    staff_id, _ = make_staff("moderator")
    assert zone_of(staff_id) == "UTC"


def test_own_zone_is_set_audited_and_reaches_the_session(
    make_staff: Callable[..., tuple[int, str]], actor_for: Callable[[int], Actor]
) -> None:
    staff_id, email = make_staff("moderator")
    with session_scope() as session:
        set_time_zone(session, actor=actor_for(staff_id), time_zone="Europe/Berlin")
    assert zone_of(staff_id) == "Europe/Berlin"
    [event] = zone_events()
    assert (event.actor_id, event.entity_id) == (staff_id, str(staff_id))
    assert (event.before, event.after) == ({"time_zone": "UTC"}, {"time_zone": "Europe/Berlin"})

    with session_scope() as session:  # the next request's session info carries it to the pages
        result = sign_in(session, email=email, password=PASSWORD, client=actor_for(staff_id).client)
        info = resolve_session(session, result.token)
    assert info is not None and info.time_zone == "Europe/Berlin"


def test_a_name_in_another_case_is_stored_as_the_zone_database_spells_it(
    make_staff: Callable[..., tuple[int, str]], actor_for: Callable[[int], Actor]
) -> None:
    staff_id, _ = make_staff("finance")
    with session_scope() as session:
        set_time_zone(session, actor=actor_for(staff_id), time_zone="  america/new_york ")
    assert zone_of(staff_id) == "America/New_York"


def test_the_same_zone_again_writes_nothing(
    make_staff: Callable[..., tuple[int, str]], actor_for: Callable[[int], Actor]
) -> None:
    staff_id, _ = make_staff("finance")
    with session_scope() as session:
        set_time_zone(session, actor=actor_for(staff_id), time_zone="UTC")
    assert zone_events() == []


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Time zone is required"),
        ("   ", "Time zone is required"),
        (None, "Time zone is required"),
        ("Europe/Berln", "'Europe/Berln' is not a time zone the console knows"),
        ("CET+1", "is not a time zone the console knows"),
        ("../../etc/passwd", "is not a time zone the console knows"),
        ("localtime", "is not a time zone the console knows"),
        ("x" * 500, "is not a time zone the console knows"),
    ],
)
def test_bad_zones_are_refused_with_a_message_and_change_nothing(
    make_staff: Callable[..., tuple[int, str]], actor_for: Callable[[int], Actor], typed: str | None, message: str
) -> None:
    staff_id, _ = make_staff("moderator")
    with pytest.raises(ValidationFailed) as caught, session_scope() as session:
        set_time_zone(session, actor=actor_for(staff_id), time_zone=typed)
    assert set(caught.value.errors) == {"time_zone"}
    assert message in caught.value.describe({"time_zone": "Time zone"})
    assert zone_of(staff_id) == "UTC"
    assert zone_events() == []


def test_another_staff_members_zone_needs_staff_manage(
    make_staff: Callable[..., tuple[int, str]], actor_for: Callable[[int], Actor], admin: Actor
) -> None:
    target, _ = make_staff("moderator")
    other, _ = make_staff("finance")
    with pytest.raises(Forbidden), session_scope() as session:
        set_time_zone(session, actor=actor_for(other), time_zone="Asia/Tokyo", staff_id=target)
    assert zone_of(target) == "UTC"

    with session_scope() as session:
        set_time_zone(session, actor=admin, time_zone="Asia/Tokyo", staff_id=target)
    assert zone_of(target) == "Asia/Tokyo"
    [event] = zone_events()
    assert (event.actor_id, event.entity_id) == (admin.staff_id, str(target))


def test_the_choices_are_the_zone_database_utc_first() -> None:
    names = time_zone_names()
    assert names[0] == "UTC"
    assert {"Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Sydney"} <= set(names)
    assert "localtime" not in names and len(names) == len(set(names)) > 300
    assert all(clean_time_zone(name) == name for name in names)


def test_a_city_typed_alone_names_its_zone_when_only_one_has_it() -> None:
    """Typing "tokyo" into the list and pressing Enter sends "tokyo" (the list adds what is typed): it was refused
    as "not a time zone the console knows", so a keyboard user could not set one."""
    from console.errors import ValidationFailed

    assert clean_time_zone("tokyo") == "Asia/Tokyo" and clean_time_zone("New York") == "America/New_York"
    with pytest.raises(ValidationFailed) as refused:
        clean_time_zone("cordoba")
    assert refused.value.errors["time_zone"].startswith("names 2 zones: America/Argentina/Cordoba")

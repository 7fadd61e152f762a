"""My account's time zone: chosen with the select, refused with a message when unknown, then every page (here the
staff list, whose rows load in a worker thread) shows its times in that zone with the zone named."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from nicegui import ui
from nicegui.testing import User
from sqlalchemy import select

from console import db
from console.audit.models import AuditEvent
from console.staff.models import Staff
from console.ui.formatting import fmt_dt
from tests.ui.helpers import element, sign_in_and_wait, wait_for_rows, wait_until


@pytest.fixture
async def admin_user(user: User, admin) -> User:
    await sign_in_and_wait(user, "root@test.example")
    return user


def _stored_zone() -> tuple[str, int]:
    with db.session_scope() as session:
        staff = session.execute(select(Staff).where(Staff.email == "root@test.example")).scalar_one()
        changes = session.execute(select(AuditEvent).where(AuditEvent.action == "staff.time_zone_change")).all()
        return staff.time_zone, len(changes)


def _last_login():  # type: ignore[no-untyped-def]
    with db.session_scope() as session:
        return session.execute(select(Staff.last_login_at).where(Staff.email == "root@test.example")).scalar_one()


async def test_a_chosen_zone_shows_local_times_with_the_zone_named(admin_user: User) -> None:
    user = admin_user
    await user.open("/account")
    await user.should_see(marker="account-time-zone")
    assert element(user, "account-session-ends").text.endswith(" UTC.")

    user.find(marker="account-time-zone").click()  # opens the list
    user.find("Europe/Berlin").click()
    user.find(marker="account-time-zone-save").click()
    await wait_until(lambda: _stored_zone() == ("Europe/Berlin", 1), what="the zone stored and audited")
    await wait_until(lambda: " CE" in element(user, "account-time-zone-now").text, what="the clock in Berlin time")
    # the session's end above is shown again in the new zone (it stayed in UTC until a reload)
    assert element(user, "account-session-ends").text.endswith((" CET.", " CEST."))

    await user.open("/staff")
    found = await wait_for_rows(user, lambda rows: len(rows) == 1, "the staff row")
    login = _last_login()
    berlin = fmt_dt(login, ZoneInfo("Europe/Berlin"))
    assert berlin.endswith((" CET", " CEST")) and berlin != fmt_dt(login, ZoneInfo("UTC"))
    assert found[0]["last_login_at"] == berlin

    await user.open("/account")  # the page build itself formats in the zone too
    await user.should_see(marker="account-time-zone")
    assert element(user, "account-session-ends").text.endswith((" CET.", " CEST."))


async def test_an_unknown_zone_gets_a_message_under_the_field_and_changes_nothing(admin_user: User) -> None:
    user = admin_user
    await user.open("/account")
    await user.should_see(marker="account-time-zone")
    picker = element(user, "account-time-zone")
    assert isinstance(picker, ui.select)
    with user.client:  # what Quasar sends when a name is typed and Enter pressed (new-value-mode)
        picker._handle_new_value("Europe/Berln")
        picker.value = "Europe/Berln"
    user.find(marker="account-time-zone-save").click()
    await wait_until(lambda: picker.error is not None, what="the error under the time zone field")
    assert "'Europe/Berln' is not a time zone the console knows" in str(picker.error)
    assert _stored_zone() == ("UTC", 0)

    await user.open("/staff")
    found = await wait_for_rows(user, lambda rows: len(rows) == 1, "the staff row")
    assert found[0]["last_login_at"].endswith(" UTC")

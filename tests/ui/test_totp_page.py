"""My account's two-factor sign-in page: enrol with the key it shows (a wrong code is refused on the field and
turns nothing on), the recovery codes shown once work as a second factor, and new ones replace the old."""

from __future__ import annotations

import pyotp
from nicegui import ui
from nicegui.testing import User

from console import db
from console.actor import ClientInfo
from console.db import utcnow
from console.staff.auth import RECOVERY_CODE_COUNT, verify_second_factor
from console.staff.models import Staff
from tests.ui.helpers import current_path, element, sign_in_and_wait, wait_until


def _totp_on(staff_id: int) -> bool:
    with db.session_scope() as session:
        staff = session.get(Staff, staff_id)
        return bool(staff and staff.totp_enabled)


def _shown_codes(user: User) -> list[str]:
    grid = element(user, "recovery-codes")
    return [child.text for child in grid.default_slot.children if isinstance(child, ui.label)]


def _second_factor(staff_id: int, code: str) -> str:
    with db.session_scope() as session:
        result = verify_second_factor(
            session, staff_id=staff_id, code=code, client=ClientInfo(), pending_since=utcnow()
        )
        return result.status


async def test_enrolment_refuses_a_wrong_code_then_turns_on_with_the_right_one(user: User, make_staff) -> None:
    staff_id, email = make_staff("moderator", name="Ena Enrol")
    await sign_in_and_wait(user, email)
    await user.open("/account/2fa")
    await user.should_see(marker="totp-qr")
    secret = element(user, "totp-secret").text.replace(" ", "")
    assert len(secret) >= 16

    user.find(marker="totp-code").type("000000")
    user.find(marker="totp-confirm").click()
    await wait_until(lambda: element(user, "totp-code").error is not None, what="the wrong-code error")
    assert element(user, "totp-code").error.startswith("Code does not match")
    assert not _totp_on(staff_id)

    user.find(marker="totp-code").clear().type(pyotp.TOTP(secret).now())
    user.find(marker="totp-confirm").click()
    await user.should_see(marker="recovery-codes")
    codes = _shown_codes(user)
    assert len(set(codes)) == RECOVERY_CODE_COUNT
    assert _totp_on(staff_id)
    assert _second_factor(staff_id, codes[0]) == "ok"  # a shown code is a working second factor
    assert _second_factor(staff_id, codes[0]) == "invalid"  # once

    user.find(marker="codes-stored").click()
    await wait_until(lambda: current_path(user) == "/", what="home")


async def test_new_recovery_codes_replace_the_old_ones(user: User, make_staff) -> None:
    staff_id, email = make_staff("moderator")
    await sign_in_and_wait(user, email)
    await user.open("/account/2fa")
    await user.should_see(marker="totp-secret")
    secret = element(user, "totp-secret").text.replace(" ", "")
    user.find(marker="totp-code").type(pyotp.TOTP(secret).now())
    user.find(marker="totp-confirm").click()
    await user.should_see(marker="recovery-codes")
    first = _shown_codes(user)

    await user.open("/account/2fa")
    await user.should_see("Two-factor sign-in is on.")
    await user.should_not_see(marker="totp-qr")
    user.find("Make new recovery codes").click()
    await user.should_see(marker="recovery-codes")
    second = _shown_codes(user)
    assert len(second) == RECOVERY_CODE_COUNT and not set(first) & set(second)
    assert _second_factor(staff_id, first[1]) == "invalid"
    assert _second_factor(staff_id, second[1]) == "ok"

"""/staff: staff administration. The list pages on the server (`listing.StaffListView`); a row opens the account's
edit dialog (`dialogs.EditStaffDialog`: name, roles, deactivate/reactivate, reset password or 2FA) and "New staff
member" the create dialog. `rows` holds what the page reads."""

from __future__ import annotations

from console.staff.auth import SessionInfo
from console.staff.pages.listing import StaffListView
from console.staff.permissions import Permission
from console.ui.page import staff_page


def register() -> None:
    @staff_page("/staff", title="Staff", permission=Permission.STAFF_MANAGE)
    def staff_list(info: SessionInfo) -> None:
        StaffListView(info.actor).build()

"""Staff administration page: list, create, edit roles, deactivate/reactivate, reset password or 2FA."""

from __future__ import annotations

from typing import Any

from nicegui import run, ui

from console.db import session_scope
from console.paging import Page, PageRequest
from console.staff import service
from console.staff.auth import SessionInfo
from console.staff.models import Staff
from console.staff.permissions import ROLE_LABELS, Permission, Role
from console.ui.formatting import fmt_dt
from console.ui.forms import confirm, guarded, limit_length
from console.ui.page import staff_page
from console.ui.paged_table import PagedTable
from console.ui.session import require_live_session

ROLE_OPTIONS = {r.value: ROLE_LABELS[r] for r in Role}
COLUMNS: list[dict[str, Any]] = [
    {"name": "email", "label": "E-mail", "field": "email", "sortable": True, "align": "left"},
    {"name": "name", "label": "Name", "field": "name", "sortable": True, "align": "left"},
    {"name": "roles", "label": "Roles", "field": "roles", "align": "left"},
    {"name": "status", "label": "Status", "field": "status", "align": "left"},
    {"name": "totp", "label": "2FA", "field": "totp", "align": "center"},
    {"name": "last_login_at", "label": "Last sign-in", "field": "last_login_at", "sortable": True, "align": "left"},
]


def row_of(s: Staff) -> dict[str, Any]:
    return {
        "id": s.id,
        "email": s.email,
        "name": s.name,
        "roles": ", ".join(ROLE_LABELS.get(Role(r), r) for r in sorted(s.roles) if r in ROLE_OPTIONS),
        "status": "active" if s.is_active else "deactivated",
        "totp": "on" if s.totp_enabled else "off",
        "last_login_at": fmt_dt(s.last_login_at),
    }


def show_secret(title: str, lines: list[str]) -> None:
    with ui.dialog().props("persistent") as dialog, ui.card():
        ui.label(title).classes("text-lg font-semibold")
        for line in lines:
            ui.label(line).classes("font-mono").mark("secret-line")
        ui.label("Shown once. Hand it over in person or through your password manager.").classes("text-xs opacity-70")
        ui.button("Done", on_click=dialog.close).props("color=primary").mark("secret-done")
    dialog.open()


def register() -> None:
    @staff_page("/staff", title="Staff", permission=Permission.STAFF_MANAGE)
    def staff_list(info: SessionInfo) -> None:
        state: dict[str, Any] = {"search": "", "active": None}
        with ui.row().classes("items-end gap-2"):
            search = ui.input("E-mail or name").props("dense clearable maxlength=254").classes("w-64")
            active = (
                ui.select({None: "All", True: "Active", False: "Deactivated"}, value=None, label="Status")
                .props("dense")
                .classes("w-36")
            )
            ui.button("New staff member", icon="person_add", on_click=lambda: create_dialog()).props(
                "dense unelevated color=primary"
            ).mark("staff-new")

        def fetch(page: PageRequest) -> Page[dict[str, Any]]:
            with session_scope() as session:
                result = service.list_staff(
                    session,
                    actor=info.actor,
                    flt=service.StaffFilter(search=state["search"], active=state["active"]),
                    page=page,
                )
                return Page([row_of(s) for s in result.rows], result.total, result.estimated, result.request)

        table = PagedTable(
            COLUMNS, fetch, sort_by="email", descending=False, on_row_click=lambda row: edit_dialog(int(row["id"]))
        )

        async def apply() -> None:
            state["search"] = (search.value or "").strip()
            state["active"] = active.value
            await table.reload()

        search.on("keydown.enter", apply)
        active.on_value_change(apply)
        ui.timer(0, apply, once=True)

        def create_dialog() -> None:
            with ui.dialog() as dialog, ui.card().classes("w-[440px]"):
                ui.label("New staff member").classes("text-lg font-semibold")
                email = ui.input("E-mail").mark("new-email").classes("w-full")
                name = ui.input("Name").mark("new-name").classes("w-full")
                limit_length(email, 254)
                limit_length(name, service.NAME_MAX)
                roles = (
                    ui.select(ROLE_OPTIONS, multiple=True, label="Roles", value=[])
                    .props("use-chips")
                    .mark("new-roles")
                    .classes("w-full")
                )
                ui.label("A temporary password is generated; they choose their own at first sign-in.").classes(
                    "text-xs opacity-70"
                )
                summary = ui.label("").classes("text-negative text-sm")
                summary.visible = False

                async def save() -> None:
                    if require_live_session() is None:
                        return

                    def work() -> tuple[str, str]:
                        with session_scope() as session:
                            staff, password = service.create_staff(
                                session,
                                actor=info.actor,
                                email=email.value or "",
                                name=name.value or "",
                                roles=list(roles.value or []),
                            )
                            return staff.email, password

                    ok, result = await guarded(
                        lambda: run.io_bound(work),
                        fields={"email": email, "name": name, "roles": roles},
                        summary=summary,
                    )
                    if ok:
                        dialog.close()
                        show_secret(f"Temporary password for {result[0]}", [result[1]])
                        await table.reload(first_page=False)

                with ui.row().classes("justify-end w-full"):
                    ui.button("Cancel", on_click=dialog.close).props("flat")
                    ui.button("Create", on_click=save).props("unelevated color=primary").mark("new-save")
            dialog.open()

        def edit_dialog(staff_id: int) -> None:
            with session_scope() as session:
                staff = service.get_staff(session, actor=info.actor, staff_id=staff_id)
                view = service.public_view(staff)
            with ui.dialog() as dialog, ui.card().classes("w-[480px]"):
                ui.label(view["name"]).classes("text-lg font-semibold")
                ui.label(view["email"]).classes("text-sm opacity-70")
                name = ui.input("Name", value=view["name"]).classes("w-full")
                limit_length(name, service.NAME_MAX)
                roles = (
                    ui.select(ROLE_OPTIONS, multiple=True, label="Roles", value=list(view["roles"]))
                    .props("use-chips")
                    .mark("edit-roles")
                    .classes("w-full")
                )
                summary = ui.label("").classes("text-negative text-sm")
                summary.visible = False

                async def run_action(fn: Any, success: str) -> Any:
                    if require_live_session() is None:
                        return None

                    def work() -> Any:
                        with session_scope() as session:
                            return fn(session)

                    ok, result = await guarded(
                        lambda: run.io_bound(work), fields={"name": name, "roles": roles}, summary=summary
                    )
                    if ok:
                        ui.notify(success, type="positive")
                        await table.reload(first_page=False)
                    return (ok, result)

                async def save() -> None:
                    version = view["version"]

                    def fn(session: Any) -> None:
                        staff = service.update_profile(
                            session,
                            actor=info.actor,
                            staff_id=staff_id,
                            name=name.value or "",
                            expected_version=version,
                        )
                        service.set_roles(
                            session,
                            actor=info.actor,
                            staff_id=staff_id,
                            roles=list(roles.value or []),
                            expected_version=staff.version,
                        )

                    outcome = await run_action(fn, "Saved.")
                    if outcome and outcome[0]:
                        dialog.close()

                async def toggle_active() -> None:
                    verb = "Deactivate" if view["is_active"] else "Reactivate"
                    note = "\nTheir open sessions end now." if view["is_active"] else ""
                    if not await confirm(
                        f"{verb} {view['email']}?",
                        f"{verb} this staff account.{note}",
                        ok_label=verb,
                        danger=view["is_active"],
                    ):
                        return
                    outcome = await run_action(
                        lambda s: service.set_active(
                            s,
                            actor=info.actor,
                            staff_id=staff_id,
                            active=not view["is_active"],
                            expected_version=view["version"],
                        ),
                        f"{verb}d.",
                    )
                    if outcome and outcome[0]:
                        dialog.close()

                async def reset_password() -> None:
                    if not await confirm(
                        f"Reset the password of {view['email']}?",
                        "A temporary password is generated and their sessions end.",
                        ok_label="Reset",
                        danger=True,
                    ):
                        return
                    outcome = await run_action(
                        lambda s: service.reset_password(s, actor=info.actor, staff_id=staff_id), "Password reset."
                    )
                    if outcome and outcome[0]:
                        dialog.close()
                        show_secret(f"Temporary password for {view['email']}", [outcome[1]])

                async def reset_totp() -> None:
                    if not await confirm(
                        f"Turn off two-factor sign-in for {view['email']}?",
                        "Use this when they lost their phone; they enrol again at next sign-in.",
                        ok_label="Turn off",
                        danger=True,
                    ):
                        return
                    outcome = await run_action(
                        lambda s: service.reset_totp(s, actor=info.actor, staff_id=staff_id), "Two-factor turned off."
                    )
                    if outcome and outcome[0]:
                        dialog.close()

                with ui.row().classes("w-full gap-1"):
                    ui.button("Save", on_click=save).props("unelevated color=primary dense").mark("edit-save")
                    ui.button("Deactivate" if view["is_active"] else "Reactivate", on_click=toggle_active).props(
                        "outline dense"
                    ).mark("edit-toggle-active")
                    ui.button("Reset password", on_click=reset_password).props("outline dense")
                    if view["totp"]:
                        ui.button("Reset 2FA", on_click=reset_totp).props("outline dense")
                    ui.space()
                    ui.button("Close", on_click=dialog.close).props("flat dense")
            dialog.open()

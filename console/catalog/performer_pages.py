"""Performers directory and profile editor: bio, photos with a primary photo, social links, their videos.

The profile form saves with the version it was read at; photo operations also change the performer row
(the primary photo becomes the profile photo), so the form adopts the new version only when nobody else
changed the performer in between — otherwise the next save shows the conflict instead of overwriting.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nicegui import run, ui
from sqlalchemy.orm import Session
from starlette.requests import Request

from console.actor import Actor
from console.catalog.models import PHOTO_TYPES, SOCIAL_PLATFORMS
from console.catalog.page_parts import ConflictCatcher, call_service, confirm_in, show_conflict
from console.catalog.performers import (
    TEXT_LIMITS,
    PerformerFilter,
    add_photo,
    create_performer,
    delete_performer,
    get_performer,
    links_of,
    list_performers,
    performer_view,
    photos_of,
    remove_photo,
    remove_social_link,
    restore_performer,
    set_primary_photo,
    set_social_link,
    update_performer,
    videos_of,
)
from console.catalog.rules import slugify
from console.compliance.records import can_read_legal, compliance_badges
from console.db import session_scope
from console.errors import ConsoleError, NotFound, ValidationFailed
from console.paging import Page, PageRequest
from console.staff.auth import SessionInfo
from console.staff.permissions import Permission, can
from console.ui.forms import limit_length, limit_lengths, report
from console.ui.page import staff_page
from console.ui.paged_table import PagedTable

VIDEO_LIMIT = 200
COLUMNS: list[dict[str, Any]] = [
    {"name": "name", "label": "Name", "field": "name", "align": "left"},
    {"name": "slug", "label": "Slug", "field": "slug", "align": "left"},
    {"name": "active", "label": "Active", "field": "active", "align": "left"},
    {"name": "video_count", "label": "Videos", "field": "video_count", "align": "right"},
]
LABELS = {"name": "Name", "slug": "Slug", "bio": "Bio", "is_active": "Active"}
PHOTO_TYPE_LABELS = {
    "performer_photo": "Performer photo",
    "profile": "Profile",
    "behind_scenes": "Behind the scenes",
    "video_still": "Video still",
}
PLATFORM_LABELS = {
    "instagram": "Instagram",
    "twitter": "Twitter / X",
    "onlyfans": "OnlyFans",
    "tiktok": "TikTok",
    "youtube": "YouTube",
    "custom": "Other (custom)",
}
STATE_COLOURS = {"draft": "grey", "scheduled": "orange", "published": "positive", "unpublished": "blue-grey"}


def row_of(p: Any) -> dict[str, Any]:
    return {
        "id": p.id,
        "name": p.name,
        "slug": p.slug,
        "active": "active" if p.is_active else "inactive",
        "video_count": p.video_count,
    }


def _https(url: Any) -> str | None:
    """Only ever hand an https:// address to an <img> or <a> (the services store nothing else)."""
    return url if isinstance(url, str) and url.lower().startswith("https://") else None


def _photos_and_links(session: Session, actor: Actor, performer_id: int) -> dict[str, Any]:
    return {
        "photos": [
            {
                "id": p.id,
                "url": p.url,
                "thumbnail_url": p.thumbnail_url,
                "alt_text": p.alt_text,
                "photo_type": p.photo_type,
                "is_primary": p.is_primary,
            }
            for p in photos_of(session, actor=actor, performer_id=performer_id)
        ],
        "links": [
            {"platform": link.platform, "handle": link.handle, "url": link.url}
            for link in links_of(session, actor=actor, performer_id=performer_id)
        ],
    }


def load_profile(actor: Actor, performer_id: int) -> dict[str, Any]:
    with session_scope() as session:
        p = get_performer(session, actor=actor, performer_id=performer_id)
        data: dict[str, Any] = {"view": performer_view(p) | {"video_count": p.video_count}}
        data.update(_photos_and_links(session, actor, performer_id))
        data["videos"] = [
            {"id": v.id, "title": v.title, "state": v.state}
            for v in videos_of(session, actor=actor, performer_id=performer_id, limit=VIDEO_LIMIT)
        ]
        # 2257: compliance staff get a link to the legal record; everyone else only a compliant/not badge.
        if not can_read_legal(actor):
            data["compliant"] = compliance_badges(session, actor=actor, performer_ids=[performer_id])[performer_id]
        return data


def reload_parts(actor: Actor, performer_id: int) -> dict[str, Any]:
    with session_scope() as session:
        p = get_performer(session, actor=actor, performer_id=performer_id)
        data: dict[str, Any] = {"view": performer_view(p) | {"video_count": p.video_count}}
        data.update(_photos_and_links(session, actor, performer_id))
        return data


def new_performer_dialog(actor: Actor) -> None:
    with ui.dialog() as dialog, ui.card().classes("w-[480px] max-w-full gap-2"):
        ui.label("New performer").classes("text-lg font-semibold")
        name = ui.input("Name").props("dense").classes("w-full").mark("new-performer-name")
        slug = (
            ui.input("Slug")
            .props('dense hint="a-z, 0-9 and hyphens; filled in from the name until you edit it"')
            .classes("w-full font-mono")
            .mark("new-performer-slug")
        )
        auto_slug = {"on": True}

        def name_changed() -> None:
            if auto_slug["on"]:
                slug.value = slugify(name.value or "", TEXT_LIMITS["slug"])

        def slug_changed() -> None:
            auto_slug["on"] = (slug.value or "") == slugify(name.value or "", TEXT_LIMITS["slug"])

        name.on_value_change(name_changed)
        slug.on_value_change(slug_changed)
        bio = ui.textarea("Bio").props("dense autogrow").classes("w-full").mark("new-performer-bio")
        limit_lengths({"name": name, "slug": slug, "bio": bio}, TEXT_LIMITS)
        active = ui.switch("Active", value=True).mark("new-performer-active")
        summary = ui.label("").classes("text-negative text-sm")
        summary.visible = False

        async def save() -> None:
            data = {
                "name": name.value or "",
                "slug": "" if auto_slug["on"] else slug.value or "",  # "": the service makes a free one
                "bio": bio.value or "",
                "is_active": active.value,
            }
            ok, new_id = await call_service(
                lambda s: create_performer(s, actor=actor, data=data).id,
                fields={"name": name, "slug": slug, "bio": bio},
                summary=summary,
            )
            if ok:
                dialog.close()
                ui.notify("Performer created.", type="positive")
                ui.navigate.to(f"/performers/{int(new_id)}")

        with ui.row().classes("justify-end w-full"):
            ui.button("Cancel", on_click=dialog.close).props("flat")
            ui.button("Create", on_click=save).props("unelevated color=primary").mark("new-performer-save")
    dialog.open()


def register() -> None:
    @staff_page("/performers", title="Performers", permission=Permission.CATALOG_READ)
    def performers_page(info: SessionInfo) -> None:
        actor = info.actor
        request: Request = ui.context.client.request
        state = {"search": (request.query_params.get("q") or "").strip()[:200]}
        with ui.row().classes("items-end gap-2 w-full"):
            search = (
                ui.input("Name contains", value=state["search"])
                .props("dense clearable maxlength=200")
                .classes("w-72")
                .mark("performer-search")
            )
            ui.button("Search", icon="search", on_click=lambda: apply()).props("dense unelevated").mark(
                "performer-search-go"
            )
            ui.button("Clear", on_click=lambda: clear()).props("dense flat")
            ui.space()
            if can(actor, Permission.CATALOG_EDIT):
                ui.button("New performer", icon="person_add", on_click=lambda: new_performer_dialog(actor)).props(
                    "dense unelevated color=primary no-caps"
                ).mark("performer-new")
        problem = ui.label("").classes("text-negative text-sm")
        problem.visible = False

        def fetch(page: PageRequest) -> Page[dict[str, Any]]:
            with session_scope() as session:
                result = list_performers(session, actor=actor, flt=PerformerFilter(search=state["search"]), page=page)
                return Page([row_of(p) for p in result.rows], result.total, result.estimated, result.request)

        table = PagedTable(
            COLUMNS,
            fetch,
            sort_by=None,
            descending=False,
            on_row_click=lambda row: ui.navigate.to(f"/performers/{int(row['id'])}"),
        )
        table.table.add_slot(
            "body-cell-active",
            """
            <q-td :props="props"><q-badge :label="props.value"
              :color="props.value === 'active' ? 'positive' : 'grey'" /></q-td>""",
        )

        async def apply() -> None:
            problem.visible = False
            state["search"] = (search.value or "").strip()
            try:
                await table.reload()
            except ValidationFailed as exc:
                problem.text, problem.visible = exc.message, True

        async def clear() -> None:
            search.value = ""
            await apply()

        search.on("keydown.enter", apply)
        ui.timer(0, apply, once=True)

    @staff_page("/performers/{performer_id}", title="Performer", permission=Permission.CATALOG_READ)
    def performer_profile(info: SessionInfo, performer_id: str) -> None:
        # A str parameter: a non-numeric address gets the in-frame 404, not FastAPI's JSON 422.
        if not (performer_id.isascii() and performer_id.isdigit()):
            raise NotFound(f"There is no performer #{performer_id[:40]}.")
        pid = int(performer_id)
        actor = info.actor
        editable = can(actor, Permission.CATALOG_EDIT)
        loaded = load_profile(actor, pid)
        view = loaded["view"]
        state: dict[str, Any] = {
            "stored": view,  # what is saved now (header, badges)
            "version": view["version"],  # what the form is based on
            "urls": {"profile_photo_url": view["profile_photo_url"], "cover_photo_url": view["cover_photo_url"]},
            "photos": loaded["photos"],
            "links": loaded["links"],
        }

        async def refresh_from_db() -> None:
            try:
                parts = await run.io_bound(reload_parts, actor, pid)
            except ConsoleError as exc:
                report(exc)
                return
            if parts is None:
                return
            state["stored"], state["photos"], state["links"] = parts["view"], parts["photos"], parts["links"]
            await header.refresh()
            await gallery.refresh()
            await link_list.refresh()

        async def change(fn: Callable[[Session], Any], success: str, **guard: Any) -> bool:
            """A change besides the profile form: adopt the performer's new version only if the form was
            based on the version just before it (then the only change since is ours)."""

            def work(session: Session) -> tuple[int, dict[str, Any]]:
                before = get_performer(session, actor=actor, performer_id=pid).version
                fn(session)
                session.flush()
                return before, performer_view(get_performer(session, actor=actor, performer_id=pid))

            ok, result = await call_service(work, **guard)
            if ok:
                before, after = result
                if before == state["version"]:
                    state["version"] = after["version"]
                    state["urls"] = {key: after[key] for key in state["urls"]}
                ui.notify(success, type="positive")
            await refresh_from_db()
            return bool(ok)

        ui.link("← Performers", "/performers").classes("text-sm")
        dialog_host = ui.element("div")  # confirmations live here, outside the sections that refresh

        @ui.refreshable
        def header() -> None:
            stored = state["stored"]
            with ui.row().classes("items-center gap-3 w-full"):
                avatar = _https(stored["profile_photo_url"])
                if avatar:
                    img = ui.image(avatar).classes("w-12 h-12 rounded-full").props("fit=cover").mark("performer-avatar")
                    img._props["alt"] = stored["name"]
                    img._props["referrerpolicy"] = "no-referrer"
                ui.label(stored["name"]).classes("text-lg font-semibold").mark("performer-name")
                ui.badge("active" if stored["is_active"] else "inactive").props(
                    f"color={'positive' if stored['is_active'] else 'grey'}"
                )
                if stored["deleted_at"] is not None:
                    ui.badge("deleted").props("color=negative").mark("performer-deleted")
                ui.label(f"{stored['video_count']:,} video{'s' if stored['video_count'] != 1 else ''}").classes(
                    "text-sm opacity-70"
                )
                if "compliant" not in loaded:
                    ui.link("2257 record", f"/compliance/records/{pid}").classes("text-sm").mark("performer-2257")
                else:
                    ui.badge("2257 compliant" if loaded["compliant"] else "2257: not compliant").props(
                        f"outline color={'positive' if loaded['compliant'] else 'negative'}"
                    ).mark("performer-compliance")
                ui.space()
                if editable:
                    if stored["deleted_at"] is None:
                        ui.button("Delete", icon="delete", on_click=delete).props(
                            "dense outline color=negative no-caps"
                        ).mark("performer-delete")
                    else:
                        ui.button("Restore", icon="restore_from_trash", on_click=restore).props(
                            "dense outline no-caps"
                        ).mark("performer-restore")
            if stored["deleted_at"] is not None:
                ui.label("Deleted: hidden from the site and the directory. Restore to show it again.").classes(
                    "text-sm text-negative"
                )

        async def delete() -> None:
            name = state["stored"]["name"]
            if not await confirm_in(
                dialog_host,
                f"Delete {name}?",
                "They disappear from the site and the directory. Photos, links and video credits stay, "
                "and you can restore them later.",
                ok_label="Delete",
                danger=True,
            ):
                return
            await change(
                lambda s: delete_performer(
                    s, actor=actor, performer_id=pid, expected_version=state["stored"]["version"]
                ),
                f"Deleted {name}.",
            )

        async def restore() -> None:
            name = state["stored"]["name"]
            if not await confirm_in(
                dialog_host, f"Restore {name}?", "They appear on the site and in the directory again."
            ):
                return
            await change(lambda s: restore_performer(s, actor=actor, performer_id=pid), f"Restored {name}.")

        header()

        with ui.row().classes("w-full items-start gap-3"):
            with ui.column().classes("gap-3 grow basis-[520px] max-w-[960px]"):
                # --- profile -----------------------------------------------------------------------------
                with ui.card().classes("w-full gap-2"):
                    ui.label("Profile").classes("font-semibold")
                    name = ui.input("Name", value=view["name"]).props("dense").classes("w-full")
                    name.mark("profile-name")
                    slug = ui.input("Slug", value=view["slug"]).props("dense").classes("w-full font-mono")
                    slug.mark("profile-slug")
                    bio = (
                        ui.textarea("Bio", value=view["bio"] or "")
                        .props("dense autogrow")
                        .classes("w-full")
                        .mark("profile-bio")
                    )
                    limit_lengths({"name": name, "slug": slug, "bio": bio}, TEXT_LIMITS)
                    active = ui.switch("Active", value=bool(view["is_active"])).mark("profile-active")
                    conflict_box = ui.column().classes("w-full gap-0 p-2 rounded bg-orange-100 text-black")
                    conflict_box.mark("profile-conflict")
                    conflict_box.visible = False
                    summary = ui.label("").classes("text-negative text-sm")
                    summary.visible = False
                    if not editable:
                        for field in (name, slug, bio):
                            field.props("readonly")
                        active.disable()
                    else:
                        slug.props('hint="changing it changes the public address"')

                        async def save_profile() -> None:
                            data = {
                                "name": name.value or "",
                                "slug": slug.value or "",
                                "bio": bio.value or "",
                                "is_active": bool(active.value),
                                **state["urls"],
                            }
                            catcher = ConflictCatcher()
                            ok, saved = await call_service(
                                catcher(
                                    lambda s: performer_view(
                                        update_performer(
                                            s,
                                            actor=actor,
                                            performer_id=pid,
                                            data=data,
                                            expected_version=state["version"],
                                        )
                                    )
                                ),
                                fields={"name": name, "slug": slug, "bio": bio},
                                summary=summary,
                            )
                            if ok:
                                conflict_box.visible = False
                                state["version"] = saved["version"]
                                state["stored"] = saved | {"video_count": state["stored"]["video_count"]}
                                await header.refresh()
                                ui.notify("Profile saved.", type="positive")
                            elif catcher.conflict is not None:
                                current = catcher.conflict.current
                                state["version"] = current.get("version", state["version"])
                                state["urls"] = {key: current.get(key) for key in state["urls"]}
                                show_conflict(conflict_box, catcher.conflict, data, LABELS)

                        with ui.row().classes("justify-end w-full"):
                            ui.button("Save profile", icon="save", on_click=save_profile).props(
                                "unelevated color=primary dense no-caps"
                            ).mark("profile-save")

                # --- photo gallery -----------------------------------------------------------------------------
                with ui.card().classes("w-full gap-2"):
                    ui.label("Photos").classes("font-semibold")

                    @ui.refreshable
                    def gallery() -> None:
                        if not state["photos"]:
                            ui.label("No photos yet.").classes("text-sm opacity-70")
                        with ui.row().classes("gap-3 w-full"):
                            for photo in state["photos"]:
                                photo_id = int(photo["id"])
                                with ui.card().classes("w-44 p-1 gap-1").mark("photo", f"photo-{photo_id}"):
                                    src = _https(photo["thumbnail_url"]) or _https(photo["url"])
                                    if src:
                                        img = ui.image(src).classes("w-full h-28 rounded").props("fit=cover")
                                        img._props["alt"] = photo["alt_text"] or ""
                                        img._props["referrerpolicy"] = "no-referrer"
                                    with ui.row().classes("items-center gap-1 w-full"):
                                        ui.badge(PHOTO_TYPE_LABELS.get(photo["photo_type"], photo["photo_type"])).props(
                                            "outline"
                                        )
                                        if photo["is_primary"]:
                                            ui.badge("primary").props("color=primary").mark(
                                                f"photo-primary-badge-{photo_id}"
                                            )
                                    if photo["alt_text"]:
                                        ui.label(photo["alt_text"]).classes("text-xs opacity-70 truncate w-full")
                                    if editable:
                                        with ui.row().classes("gap-1 w-full"):
                                            if not photo["is_primary"]:
                                                ui.button(
                                                    "Make primary", on_click=lambda i=photo_id: make_primary(i)
                                                ).props("flat dense size=sm no-caps").mark(
                                                    f"photo-make-primary-{photo_id}"
                                                )
                                            ui.space()
                                            ui.button(icon="delete", on_click=lambda i=photo_id: drop_photo(i)).props(
                                                "flat dense round size=sm color=negative aria-label=Remove"
                                            ).mark(f"photo-remove-{photo_id}")

                    async def make_primary(photo_id: int) -> None:
                        await change(
                            lambda s: set_primary_photo(s, actor=actor, photo_id=photo_id),
                            "Primary photo changed; it is now the profile photo.",
                        )

                    async def drop_photo(photo_id: int) -> None:
                        if not await confirm_in(
                            dialog_host, "Remove this photo?", "It disappears from the gallery.", danger=True
                        ):
                            return
                        await change(lambda s: remove_photo(s, actor=actor, photo_id=photo_id), "Photo removed.")

                    gallery()
                    if editable:
                        with ui.row().classes("w-full items-start gap-2"):
                            photo_url = ui.input("Photo https:// address").props("dense").classes("w-96")
                            limit_length(photo_url, TEXT_LIMITS["url"], "Photo address")
                            photo_url.mark("photo-url")
                            photo_type = (
                                ui.select(
                                    {t: PHOTO_TYPE_LABELS.get(t, t) for t in PHOTO_TYPES},
                                    value="performer_photo",
                                    label="Type",
                                )
                                .props("dense options-dense")
                                .classes("w-44")
                                .mark("photo-type")
                            )
                            alt_text = ui.input("Alt text (describe the photo)").props("dense").classes("w-72")
                            limit_length(alt_text, TEXT_LIMITS["alt_text"])
                            alt_text.mark("photo-alt")
                            as_primary = ui.checkbox("Make primary").mark("photo-as-primary")

                            async def add() -> None:
                                ok = await change(
                                    lambda s: add_photo(
                                        s,
                                        actor=actor,
                                        url=photo_url.value or "",
                                        photo_type=photo_type.value,
                                        performer_id=pid,
                                        alt_text=alt_text.value or "",
                                        primary=bool(as_primary.value),
                                    ),
                                    "Photo added.",
                                    fields={"url": photo_url, "photo_type": photo_type, "alt_text": alt_text},
                                    labels={"url": "Photo address"},
                                )
                                if ok:
                                    photo_url.value, alt_text.value, as_primary.value = "", "", False

                            ui.button("Add photo", icon="add_photo_alternate", on_click=add).props(
                                "unelevated dense color=primary no-caps"
                            ).mark("photo-add")
            with ui.column().classes("gap-3 w-[460px] max-w-full"):
                # --- social links ------------------------------------------------------------------------
                with ui.card().classes("w-full gap-2"):
                    ui.label("Social links").classes("font-semibold")

                    @ui.refreshable
                    def link_list() -> None:
                        if not state["links"]:
                            ui.label("No links yet.").classes("text-sm opacity-70")
                        for link in state["links"]:
                            platform = link["platform"]
                            with ui.row().classes("items-center gap-2 w-full no-wrap").mark(f"link-{platform}"):
                                ui.badge(PLATFORM_LABELS.get(platform, platform)).props("outline").classes("shrink-0")
                                ui.label(f"@{link['handle']}").classes("font-mono text-sm shrink-0").mark(
                                    f"link-handle-{platform}"
                                )
                                target = _https(link["url"])
                                if target:
                                    anchor = ui.link(target, target, new_tab=True).classes("text-xs truncate min-w-0")
                                    anchor._props["rel"] = "noopener noreferrer"
                                ui.space()
                                if editable:
                                    ui.button(icon="edit", on_click=lambda lk=link: edit_link(lk)).props(
                                        "flat dense round size=sm aria-label=Edit"
                                    ).mark(f"link-edit-{platform}")
                                    ui.button(icon="close", on_click=lambda p=platform: drop_link(p)).props(
                                        "flat dense round size=sm color=negative aria-label=Remove"
                                    ).mark(f"link-remove-{platform}")

                    link_list()
                    if editable:
                        with ui.row().classes("w-full items-start no-wrap gap-2"):
                            platform_select = (
                                ui.select(
                                    {p: PLATFORM_LABELS.get(p, p) for p in SOCIAL_PLATFORMS},
                                    value=SOCIAL_PLATFORMS[0],
                                    label="Platform",
                                )
                                .props("dense options-dense")
                                .classes("w-36")
                                .mark("link-platform")
                            )
                            handle = ui.input("Handle").props("dense").classes("w-36").mark("link-handle")
                            url = ui.input("https:// address").props("dense").classes("grow")
                            limit_length(handle, TEXT_LIMITS["handle"])
                            limit_length(url, TEXT_LIMITS["url"], "Link address")
                            url.mark("link-url")
                        replaces = ui.label("").classes("text-xs opacity-70")

                        def describe_platform() -> None:
                            chosen = platform_select.value
                            taken = any(link["platform"] == chosen for link in state["links"])
                            label = PLATFORM_LABELS.get(chosen, chosen)
                            replaces.text = (
                                f"Saving replaces the current {label} link (one per platform)."
                                if taken
                                else "One link per platform."
                            )

                        platform_select.on_value_change(describe_platform)
                        describe_platform()

                        def edit_link(link: dict[str, Any]) -> None:
                            platform_select.value = link["platform"]
                            handle.value = link["handle"]
                            url.value = link["url"] or ""

                        async def save_link() -> None:
                            chosen = platform_select.value
                            ok = await change(
                                lambda s: set_social_link(
                                    s,
                                    actor=actor,
                                    performer_id=pid,
                                    platform=chosen,
                                    handle=handle.value or "",
                                    url=url.value or "",
                                ),
                                f"{PLATFORM_LABELS.get(chosen, chosen)} link saved.",
                                fields={"platform": platform_select, "handle": handle, "url": url},
                                labels={"url": "Link address"},
                            )
                            if ok:
                                handle.value, url.value = "", ""
                            describe_platform()

                        async def drop_link(platform: str) -> None:
                            label = PLATFORM_LABELS.get(platform, platform)
                            if not await confirm_in(
                                dialog_host, f"Remove the {label} link?", "The link disappears from the profile."
                            ):
                                return
                            await change(
                                lambda s: remove_social_link(s, actor=actor, performer_id=pid, platform=platform),
                                f"{label} link removed.",
                            )
                            describe_platform()

                        with ui.row().classes("justify-end w-full"):
                            ui.button("Save link", icon="link", on_click=save_link).props(
                                "unelevated dense color=primary no-caps"
                            ).mark("link-save")

                # --- their videos --------------------------------------------------------------------------
                with ui.card().classes("w-full gap-1"):
                    ui.label("Videos").classes("font-semibold")
                    videos = loaded["videos"]
                    if not videos:
                        ui.label("No videos credit this performer.").classes("text-sm opacity-70")
                    for v in videos:
                        with ui.row().classes("items-center gap-2 w-full no-wrap").mark("performer-video"):
                            ui.link(v["title"], f"/catalog/{int(v['id'])}").classes("truncate min-w-0 text-sm").mark(
                                f"performer-video-{int(v['id'])}"
                            )
                            ui.space()
                            ui.badge(v["state"]).props(f"color={STATE_COLOURS.get(v['state'], 'grey')}")
                    if len(videos) >= VIDEO_LIMIT:
                        ui.label(f"The {VIDEO_LIMIT} newest are shown; search the catalog for the rest.").classes(
                            "text-xs opacity-70"
                        )

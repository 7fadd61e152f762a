"""The video editor page body (/catalog/new and /catalog/{id}): form, performers, thumbnail, preview, history.

Every field is sent to the service as typed (the service parses durations, money and dates and answers
with ValidationFailed, shown on the fields). Saves carry the version that was loaded; a Conflict opens a
side-by-side dialog and keeps the typed input. Nothing here builds a query.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlsplit

from nicegui import run, ui
from nicegui.events import UploadEventArguments
from sqlalchemy.orm import Session

from console.actor import Actor
from console.audit.service import events_for, iter_diff
from console.catalog import media
from console.catalog.collections import list_collections
from console.catalog.models import ACCESS_LEVELS, MONETIZATION, QUALITIES, VIDEO_KINDS, Video
from console.catalog.performers import PerformerFilter, list_performers
from console.catalog.rules import HEX_RE, LOCAL_THUMBNAIL_RE, format_duration, format_money, slugify
from console.catalog.series import episode_context
from console.catalog.service import (
    EDITABLE,
    SLUG_MAX,
    TEXT_LIMITS,
    PublishRefused,
    create_video,
    get_video,
    performers_of,
    publish,
    schedule,
    set_performers,
    unpublish,
    update_video,
    video_history,
    video_view,
)
from console.db import session_scope
from console.errors import Conflict, ConsoleError, ValidationFailed
from console.members.countries import COUNTRIES
from console.paging import PageRequest
from console.staff.auth import SessionInfo
from console.staff.permissions import Permission, can
from console.ui.drafts import BrowserDrafts, Draft, DraftKeeper
from console.ui.form_state import NOTHING_TO_SAVE, FormState
from console.ui.formatting import fmt_dt
from console.ui.forms import clear_errors, confirm, field_message, limit_lengths, report, show_errors
from console.ui.history import diff_table
from console.ui.keymap import save_key
from console.ui.session import require_live_session

URL_LABELS = {
    "hls_url": "HLS manifest URL (https://…/master.m3u8)",
    "thumbnail_url": "Thumbnail URL",
    "poster_url": "Poster URL",
    "backdrop_url": "Backdrop URL",
    "trailer_url": "Trailer URL",
}
PRICE_LABELS = {
    "rental_price_cents": "Rental price",
    "purchase_price_cents": "Purchase price",
    "ppv_price_cents": "Pay-per-view price",
}
FIELD_LABELS: dict[str, str] = {
    "title": "Title",
    "slug": "Slug",
    "kind": "Kind",
    "collection_id": "Collection",
    "description": "Description",
    "release_date": "Release date",
    "release_year": "Release year",
    "duration_seconds": "Duration",
    "language": "Language",
    "country": "Country",
    "director": "Director",
    "genres": "Genres",
    **{k: v.split(" (")[0] for k, v in URL_LABELS.items()},
    "qualities": "Qualities",
    "access_level": "Access level",
    "monetization": "Monetization",
    **PRICE_LABELS,
    "performer_count": "Performer count",
    "is_featured": "Featured",
    "is_trending": "Trending",
}
HISTORY_LABELS = FIELD_LABELS | {
    "state": "State",
    "publish_at": "Scheduled for",
    "published_at": "Published at",
    "deleted_at": "Deleted at",
    "file_size_bytes": "File size",
    "performers": "Performers",
}
MONETIZATION_LABELS = {
    "svod": "svod · subscription",
    "avod": "avod · with ads",
    "tvod": "tvod · rent or buy",
    "ppv": "ppv · pay-per-view",
}
STATE_COLOURS = {"draft": "grey-7", "scheduled": "info", "published": "positive", "unpublished": "warning"}
ACCESS_COLOURS = {"FREE": "positive", "BASIC": "primary", "PREMIUM": "amber-9"}
DEFAULT_COLOURS = ("#263238", "#4FC3F7")


# --- pure helpers ----------------------------------------------------------------------------------------


def _iso(value: Any) -> str:
    if value in (None, ""):
        return ""
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def empty_view() -> dict[str, Any]:
    view: dict[str, Any] = dict.fromkeys(EDITABLE)
    view.update(
        kind="movie",
        genres=[],
        qualities=[],
        access_level="FREE",
        monetization="svod",
        performer_count=1,
        is_featured=False,
        is_trending=False,
        id=None,
        state="draft",
        version=None,
        publish_at=None,
        published_at=None,
        deleted_at=None,
    )
    return view


def form_values(view: dict[str, Any]) -> dict[str, Any]:
    """A stored video (video_view) as the editor's fields hold it: text for text inputs, lists for chips."""
    values: dict[str, Any] = {
        "title": _text(view.get("title")),
        "slug": _text(view.get("slug")),
        "kind": view.get("kind") or "movie",
        "collection_id": view.get("collection_id"),
        "description": _text(view.get("description")),
        "release_date": _iso(view.get("release_date"))[:10],
        "release_year": _text(view.get("release_year")),
        "duration_seconds": format_duration(view.get("duration_seconds")),
        "language": _text(view.get("language")),
        "country": view.get("country") or None,
        "director": _text(view.get("director")),
        "genres": list(view.get("genres") or []),
        "qualities": [q for q in QUALITIES if q in (view.get("qualities") or [])],
        "access_level": view.get("access_level") or "FREE",
        "monetization": view.get("monetization") or "svod",
        "performer_count": view.get("performer_count") or 1,
        "is_featured": bool(view.get("is_featured")),
        "is_trending": bool(view.get("is_trending")),
        "file_size_bytes": view.get("file_size_bytes"),
    }
    for name in URL_LABELS:
        values[name] = _text(view.get(name))
    for name in PRICE_LABELS:
        values[name] = format_money(view.get(name))
    return values


def element_values(values: dict[str, Any]) -> dict[str, Any]:
    """form_values as the editor's elements hold them: one switch per quality; the file size is not shown."""
    out = {k: v for k, v in values.items() if k not in ("qualities", "file_size_bytes")}
    out.update({f"quality:{q}": q in values["qualities"] for q in QUALITIES})
    return out


def comparable(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def parse_utc(day: str | None, clock: str | None) -> tuple[datetime | None, str | None]:
    """('2030-01-31', '14:30') -> an aware UTC datetime, or (None, what is wrong)."""
    day, clock = (day or "").strip(), (clock or "").strip()
    if not day or not clock:
        return None, "Enter a date and a time (UTC)"
    try:
        when = datetime.strptime(f"{day} {clock[:5]}", "%Y-%m-%d %H:%M").replace(tzinfo=UTC)
    except ValueError:
        return None, "Use a date like 2030-01-31 and a time like 14:30"
    if when <= datetime.now(UTC):
        return None, "Must be in the future"
    return when, None


def safe_image(url: str | None) -> str:
    """Only an https URL or an uploaded thumbnail's path may become an image source (never a server file path)."""
    url = (url or "").strip()
    if LOCAL_THUMBNAIL_RE.fullmatch(url):
        return url
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.netloc and not any(ch.isspace() for ch in url) and len(url) <= 2048:
        return url
    return ""


def safe_colour(value: str | None, default: str) -> str:
    return value if value and HEX_RE.match(value) else default


def history_of(session: Session, actor: Actor, video_id: int) -> tuple[list[dict[str, Any]], dict[int, list]]:
    """Rows for the History tab and, per event id, its field-level diff (kept on the server)."""
    if can(actor, Permission.AUDIT_READ):
        events = events_for(session, actor=actor, entity="video", entity_id=video_id)
    else:
        events = video_history(session, actor=actor, video_id=video_id)
    rows, diffs = [], {}
    for e in events:
        diff = [(k, b, a) for k, b, a in iter_diff(e.before, e.after) if k != "version"]
        names = [HISTORY_LABELS.get(k, k) for k, _, _ in diff]
        changes = "(created)" if e.before is None else ", ".join(names[:8]) + (" …" if len(names) > 8 else "")
        rows.append(
            {
                "id": e.id,
                "when": e.occurred_at.strftime("%Y-%m-%d %H:%M:%S"),
                "who": e.actor_label,
                "action": e.action,
                "changes": changes,
                "reason": e.reason or "",
            }
        )
        diffs[e.id] = diff
    return rows, diffs


def snapshot(session: Session, actor: Actor, video: Video) -> dict[str, Any]:
    """Everything the editor shows about a stored video, read in one unit of work."""
    performers = [
        {"id": p.id, "name": p.name + (" (deleted)" if p.deleted_at is not None else "")}
        for p, _order in performers_of(session, actor=actor, video_id=video.id)
    ]
    rows, diffs = history_of(session, actor, video.id)
    return {"view": video_view(video), "performers": performers, "history": rows, "diffs": diffs}


# --- the page ---------------------------------------------------------------------------------------------


def build(info: SessionInfo, video_id: int | None) -> None:
    actor = info.actor
    can_edit = can(actor, Permission.CATALOG_EDIT)
    can_publish = can(actor, Permission.CATALOG_PUBLISH)
    with session_scope() as session:
        collections = {
            c.id: {"name": c.name, "primary": c.color_primary, "accent": c.color_accent}
            for c in list_collections(session, actor=actor)
        }
        if video_id is not None:
            loaded: dict[str, Any] = snapshot(session, actor, get_video(session, actor=actor, video_id=video_id))
            episode_of = episode_context(session, actor=actor, video_id=video_id)
        else:
            loaded = {"view": empty_view(), "performers": [], "history": [], "diffs": {}}
            episode_of = None
    view = loaded["view"]
    editable = can_edit and view["deleted_at"] is None
    st: dict[str, Any] = {
        "id": video_id,
        "version": view["version"],
        "view": view,
        "saved": form_values(view),
        "saved_performers": [p["id"] for p in loaded["performers"]],
        "diffs": loaded["diffs"],
        "busy": False,
        "deriving": False,
        "slug_manual": True,
    }
    chosen: list[dict[str, Any]] = list(loaded["performers"])
    # Every field is built with its stored value: a value set after building reaches the browser after it
    # connects and would replace what was typed meanwhile (issue 8). Later fills go through `form.fill`.
    form = FormState(element_values(st["saved"]))
    ev = form.base

    collection_options: dict[Any, str] = {None: "— none —", **{cid: c["name"] for cid, c in collections.items()}}
    if view["collection_id"] is not None and view["collection_id"] not in collection_options:
        collection_options[view["collection_id"]] = f"#{view['collection_id']} (deleted collection)"
    kinds = [k for k in VIDEO_KINDS if k != "episode" or view["kind"] == "episode"]  # episodes belong to a season
    country_options: dict[Any, str] = {None: "—", **{c: f"{c} · {n}" for c, n in sorted(COUNTRIES.items())}}
    if view.get("country") and view["country"] not in country_options:
        country_options[view["country"]] = view["country"]

    # --- header and actions ---------------------------------------------------------------------------------
    with ui.row().classes("items-center gap-2 w-full"):
        ui.link("← Catalog", "/catalog").classes("text-sm")
        heading = ui.label("").classes("text-lg font-semibold").mark("video-heading")
        state_badge = ui.badge("").mark("video-state")
        version_label = ui.label("").classes("text-xs opacity-60").mark("video-version")
        ui.space()
        publish_btn: ui.button | None = None
        schedule_btn: ui.button | None = None
        unpublish_btn: ui.button | None = None
        if editable:
            ui.button("Save", icon="save", on_click=lambda: save()).props("unelevated color=primary dense").tooltip(
                "Ctrl+S"
            ).mark("video-save")
        if can_publish and video_id is not None:
            publish_btn = (
                ui.button("Publish", icon="public", on_click=lambda: do_publish())
                .props("outline dense color=positive")
                .mark("video-publish")
            )
            schedule_btn = (
                ui.button("Schedule…", icon="schedule", on_click=lambda: do_schedule())
                .props("outline dense")
                .mark("video-schedule")
            )
            unpublish_btn = (
                ui.button("Unpublish", icon="public_off", on_click=lambda: do_unpublish())
                .props("outline dense color=warning")
                .mark("video-unpublish")
            )
    status_line = ui.label("").classes("text-xs opacity-70").mark("video-status-line")
    if view["kind"] == "series" and video_id is not None:  # seasons and episodes live on their own page
        ui.link("Seasons & episodes →", f"/catalog/{video_id}/seasons").classes("text-sm").mark("video-seasons")
    elif episode_of is not None:
        with ui.row().classes("items-center gap-1 text-sm").mark("video-episode-of"):
            ui.label(f"Episode {episode_of.episode_number} of Season {episode_of.season_number} of")
            ui.link(episode_of.series_title, f"/catalog/{episode_of.series_id}/seasons").mark("video-series-link")
    if video_id is not None:  # 2257: the production (legal readers) and the statement to copy (every role)
        from console.compliance.production_pages import video_compliance_links

        video_compliance_links(actor, video_id)
    if view["deleted_at"] is not None:
        ui.label(
            "This video is deleted: restore it from the catalog list (Include deleted → Restore) to edit it."
        ).classes("text-warning text-sm").mark("video-deleted")
    elif not can_edit:
        ui.label("Read only: your roles can view the catalog but not change it.").classes("text-sm opacity-70").mark(
            "video-read-only"
        )
    summary = ui.label("").classes("text-negative text-sm whitespace-pre-line").mark("video-summary")
    summary.visible = False

    with ui.tabs().props("dense align=left no-caps").classes("w-full") as tabs:
        details_tab = ui.tab("details", label="Details").mark("tab-details")
        history_tab = ui.tab("history", label="History").mark("tab-history")
    if video_id is None:
        history_tab.set_visibility(False)

    with ui.tab_panels(tabs, value=details_tab).classes("w-full"):
        with ui.tab_panel(details_tab).classes("p-0"), ui.row().classes("w-full gap-4 items-start no-wrap"):
            # --- the form ---------------------------------------------------------------------------------
            with ui.column().classes("grow gap-1 min-w-[480px] max-w-[880px]"):
                title = form.add(
                    "title",
                    ui.input("Title", value=ev["title"], on_change=lambda: title_changed())
                    .props("dense")
                    .classes("w-full")
                    .mark("video-title"),
                )
                slug = form.add(
                    "slug",
                    ui.input("Slug (address on the platform)", value=ev["slug"], on_change=lambda: slug_changed())
                    .props("dense")
                    .classes("w-full")
                    .mark("video-slug"),
                )
                with ui.row().classes("w-full gap-2 no-wrap"):
                    kind = form.add(
                        "kind",
                        ui.select(kinds, label="Kind", value=ev["kind"])
                        .props("dense")
                        .classes("w-32")
                        .mark("video-kind"),
                    )
                    collection = form.add(
                        "collection_id",
                        ui.select(
                            collection_options,
                            label="Collection",
                            value=ev["collection_id"],
                            with_input=True,
                            on_change=lambda: preview(),
                        )
                        .props("dense options-dense")
                        .classes("grow")
                        .mark("video-collection"),
                    )
                description = form.add(
                    "description",
                    ui.textarea("Description", value=ev["description"], on_change=lambda: preview())
                    .props("dense autogrow")
                    .classes("w-full")
                    .mark("video-description"),
                )
                with ui.row().classes("w-full gap-2 no-wrap"):
                    release_date = form.add(
                        "release_date",
                        ui.input("Release date", value=ev["release_date"])
                        .props("dense type=date")
                        .classes("w-44")
                        .mark("video-release-date"),
                    )
                    release_year = form.add(
                        "release_year",
                        ui.input("Release year", value=ev["release_year"])
                        .props("dense maxlength=4")
                        .classes("w-28")
                        .mark("video-release-year"),
                    )
                    duration = form.add(
                        "duration_seconds",
                        ui.input("Duration (h:mm:ss)", value=ev["duration_seconds"], on_change=lambda: preview())
                        .props("dense maxlength=12")
                        .classes("w-36")
                        .mark("video-duration"),
                    )
                with ui.row().classes("w-full gap-2 no-wrap"):
                    language = form.add(
                        "language",
                        ui.input("Language", value=ev["language"])
                        .props("dense")
                        .classes("w-36")
                        .mark("video-language"),
                    )
                    country = form.add(
                        "country",
                        ui.select(country_options, label="Country", value=ev["country"], with_input=True)
                        .props("dense options-dense")
                        .classes("w-56")
                        .mark("video-country"),
                    )
                    director = form.add(
                        "director",
                        ui.input("Director", value=ev["director"])
                        .props("dense")
                        .classes("grow")
                        .mark("video-director"),
                    )
                genres = form.add(
                    "genres",
                    ui.input_chips("Genres (type, then Enter)", value=ev["genres"], new_value_mode="add-unique")
                    .props("dense")
                    .classes("w-full")
                    .mark("video-genres"),
                )
                urls: dict[str, Any] = {}
                for name, label in URL_LABELS.items():
                    urls[name] = form.add(
                        name,
                        ui.input(
                            label, value=ev[name], on_change=(lambda: preview()) if name == "thumbnail_url" else None
                        )
                        .props("dense")
                        .classes("w-full")
                        .mark(f"video-{name.replace('_', '-')}"),
                    )
                with ui.row().classes("items-center gap-3"):
                    ui.label("Qualities").classes("text-sm opacity-70")
                    quality_switches = {
                        q: form.add(
                            f"quality:{q}",
                            ui.switch(q, value=ev[f"quality:{q}"]).props("dense").mark(f"video-quality-{q}"),
                        )
                        for q in QUALITIES
                    }
                with ui.row().classes("items-center gap-3"):
                    ui.label("Access level").classes("text-sm opacity-70")
                    access = form.add(
                        "access_level",
                        ui.toggle(list(ACCESS_LEVELS), value=ev["access_level"], on_change=lambda: preview())
                        .props("dense no-caps")
                        .mark("video-access"),
                    )
                with ui.row().classes("w-full gap-2 no-wrap items-start"):
                    monetization = form.add(
                        "monetization",
                        ui.select(
                            {m: MONETIZATION_LABELS.get(m, m) for m in MONETIZATION},
                            label="Monetization",
                            value=ev["monetization"],
                        )
                        .props("dense")
                        .classes("w-48")
                        .mark("video-monetization"),
                    )
                    prices = {
                        name: form.add(
                            name,
                            ui.input(label, value=ev[name], placeholder="4.99")
                            .props("dense maxlength=12")
                            .classes("w-36")
                            .mark(f"video-{name.replace('_cents', '').replace('_', '-')}"),
                        )
                        for name, label in PRICE_LABELS.items()
                    }
                with ui.row().classes("items-center gap-4"):
                    performer_count = form.add(
                        "performer_count",
                        ui.number(
                            "Performer count",
                            value=ev["performer_count"],
                            min=1,
                            max=10,
                            step=1,
                            precision=0,
                            on_change=lambda: hint(),
                        )
                        .props("dense")
                        .classes("w-36")
                        .mark("video-performer-count"),
                    )
                    featured = form.add(
                        "is_featured", ui.switch("Featured", value=ev["is_featured"]).mark("video-featured")
                    )
                    trending = form.add(
                        "is_trending", ui.switch("Trending", value=ev["is_trending"]).mark("video-trending")
                    )

            # --- the side: preview, thumbnail, performers ----------------------------------------------------
            with ui.column().classes("w-80 gap-3 shrink-0"):
                ui.label("Preview").classes("text-sm opacity-70")
                with ui.card().classes("w-full p-0 gap-0 overflow-hidden").mark("video-preview"):
                    colour_bar = ui.element("div").classes("w-full h-2")
                    thumb = ui.image("").classes("w-full h-44").props("fit=cover").mark("preview-thumbnail")
                    no_thumb = (
                        ui.label("No thumbnail")
                        .classes("w-full h-44 flex items-center justify-center bg-grey-3 text-grey-7")
                        .mark("preview-no-thumbnail")
                    )
                    with ui.column().classes("p-3 gap-1 w-full"):
                        p_title = ui.label("").classes("font-semibold text-base break-words").mark("preview-title")
                        with ui.row().classes("items-center gap-2"):
                            p_duration = ui.label("").classes("text-xs opacity-70").mark("preview-duration")
                            p_access = ui.badge("").props("outline").mark("preview-access")
                            p_collection = ui.label("").classes("text-xs").mark("preview-collection")
                        p_description = (
                            ui.label("")
                            .classes("text-xs opacity-80 line-clamp-3 break-words")
                            .mark("preview-description")
                        )
                if editable:
                    ui.upload(
                        label="Upload thumbnail (PNG, JPEG or WebP, ≤ 5 MB)",
                        auto_upload=True,
                        max_file_size=media.MAX_BYTES,
                        on_upload=lambda e: uploaded(e),
                        on_rejected=lambda: ui.notify(
                            "That file was not accepted: PNG, JPEG or WebP up to 5 MB.", type="negative"
                        ),
                    ).props('accept=".png,.jpg,.jpeg,.webp,image/png,image/jpeg,image/webp" flat bordered').classes(
                        "w-full"
                    ).mark("thumbnail-upload")

                with ui.card().classes("w-full gap-1"):
                    ui.label("Performers (billing order)").classes("font-semibold text-sm")
                    chosen_box = ui.column().classes("w-full gap-0").mark("performer-chosen")
                    count_hint = ui.label("").classes("text-xs text-warning").mark("performer-count-hint")
                    if editable:
                        with ui.row().classes("w-full items-end gap-1 no-wrap"):
                            performer_search = (
                                ui.input("Find a performer")
                                .props("dense clearable maxlength=200")
                                .classes("grow")
                                .mark("performer-search")
                            )
                            ui.button(icon="search", on_click=lambda: find_performers()).props("dense flat").mark(
                                "performer-search-go"
                            )
                        performer_search.on("keydown.enter", lambda: find_performers())
                        results_box = ui.column().classes("w-full gap-0").mark("performer-results")

        with ui.tab_panel(history_tab).classes("p-0"):
            history_table = (
                ui.table(
                    columns=[
                        {"name": "when", "label": "When (UTC)", "field": "when", "align": "left"},
                        {"name": "who", "label": "Who", "field": "who", "align": "left"},
                        {"name": "action", "label": "Action", "field": "action", "align": "left"},
                        {"name": "changes", "label": "Changed fields", "field": "changes", "align": "left"},
                        {"name": "reason", "label": "Reason", "field": "reason", "align": "left"},
                    ],
                    rows=[],
                    row_key="id",
                )
                .props('dense flat bordered wrap-cells no-data-label="No recorded changes"')
                .classes("w-full console-table")
                .mark("video-history")
            )
            history_table.on("row-click", lambda e: show_event(e.args[1]))

    fields: dict[str, Any] = {
        "title": title,
        "slug": slug,
        "kind": kind,
        "collection_id": collection,
        "description": description,
        "release_date": release_date,
        "release_year": release_year,
        "duration_seconds": duration,
        "language": language,
        "country": country,
        "director": director,
        "genres": genres,
        **urls,
        **prices,
        "monetization": monetization,
        "performer_count": performer_count,
        "thumbnail": urls["thumbnail_url"],
    }
    limit_lengths(fields, TEXT_LIMITS, FIELD_LABELS)  # counters and "is too long" as typed; pasted text is not cut
    if not editable:
        for element in [*fields.values(), access, featured, trending, *quality_switches.values()]:
            element.disable()

    # --- filling and reading the form -----------------------------------------------------------------------

    def collect() -> dict[str, Any]:
        count = performer_count.value
        if isinstance(count, float) and count.is_integer():
            count = int(count)
        data: dict[str, Any] = {
            "title": title.value or "",
            "slug": slug.value or "",
            "kind": kind.value,
            "collection_id": collection.value,
            "description": description.value or "",
            "release_date": release_date.value or "",
            "release_year": release_year.value or "",
            "duration_seconds": duration.value or "",
            "language": language.value or "",
            "country": country.value,
            "director": director.value or "",
            "genres": list(genres.value or []),
            "qualities": [q for q in QUALITIES if quality_switches[q].value],
            "access_level": access.value,
            "monetization": monetization.value,
            "performer_count": count,
            "is_featured": bool(featured.value),
            "is_trending": bool(trending.value),
            "file_size_bytes": st["saved"]["file_size_bytes"],  # not edited here; sent back unchanged
        }
        for name, element in urls.items():
            data[name] = element.value or ""
        for name, element in prices.items():
            data[name] = element.value or ""
        return data

    def differences(mine: dict[str, Any], theirs: dict[str, Any]) -> list[str]:
        return [k for k in FIELD_LABELS if comparable(mine.get(k)) != comparable(theirs.get(k))]

    def dirty() -> bool:
        return bool(form.changed()) or [p["id"] for p in chosen] != st["saved_performers"]

    def fill(
        snap: dict[str, Any],
        *,
        since: dict[str, Any] | None = None,
        since_performers: list[int] | None = None,
        discard_input: bool = False,
    ) -> None:
        """Show a stored state. A field touched since the page last filled it (or since `since`, what a save
        sent) keeps the user's value, unless the user chose to discard their input (`discard_input`)."""
        v = snap["view"]
        values = form_values(v)
        before = st["saved_performers"] if since_performers is None else since_performers
        st.update(view=v, version=v["version"], saved=values, saved_performers=[p["id"] for p in snap["performers"]])
        st["diffs"] = snap["diffs"]
        if v.get("collection_id") is not None and v["collection_id"] not in collection_options:
            collection_options[v["collection_id"]] = f"#{v['collection_id']} (deleted collection)"
            collection.set_options(collection_options)
        if discard_input:
            form.reset(element_values(values))
        else:
            kept = form.fill(element_values(values), since=since)
            if kept:
                names = ", ".join(dict.fromkeys(FIELD_LABELS.get(k, "Qualities") for k in kept))
                ui.notify(f"Kept what you typed meanwhile in: {names}.", type="info")
        clear_errors(fields)
        summary.visible = False
        if discard_input or [p["id"] for p in chosen] == before:
            chosen[:] = list(snap["performers"])
        show(snap)

    def show(snap: dict[str, Any]) -> None:
        """The parts that are not fields: slug mode, performers, history, header, preview."""
        # A new or still-draft video follows its title until someone edits the slug by hand; a public one keeps
        # its address unless changed on purpose.
        typed_slug = (slug.value or "").strip()
        st["slug_manual"] = st["view"]["state"] != "draft" or typed_slug != slugify(title.value or "", SLUG_MAX)
        render_chosen()
        history_table.rows = snap["history"]
        history_table.update()
        history_tab.props(f'label="History ({len(snap["history"])})"')
        header()
        preview()

    def header() -> None:
        v = st["view"]
        heading.text = v["title"] or "New video"
        state_badge.text = v["state"] + (" · deleted" if v["deleted_at"] is not None else "")
        state_badge.props(f"color={'negative' if v['deleted_at'] else STATE_COLOURS.get(v['state'], 'grey')}")
        version_label.text = f"#{v['id']} · version {v['version']}" if v["id"] else "not saved yet"
        bits = []
        if v.get("published_at"):
            bits.append(f"published {fmt_dt(v['published_at'])}")
        if v.get("publish_at"):
            bits.append(f"scheduled for {fmt_dt(v['publish_at'])}")
        status_line.text = " · ".join(bits)
        public = v["state"] in ("published", "scheduled")
        if publish_btn is not None and schedule_btn is not None and unpublish_btn is not None:
            publish_btn.set_visibility(v["state"] != "published" and v["deleted_at"] is None)
            schedule_btn.set_visibility(v["state"] != "published" and v["deleted_at"] is None)
            unpublish_btn.set_visibility(public)

    def title_changed() -> None:
        preview()
        if form.filling or st["slug_manual"]:
            return
        st["deriving"] = True
        try:
            slug.value = slugify(title.value or "", SLUG_MAX)
        finally:
            st["deriving"] = False

    def slug_changed() -> None:
        if form.filling or st["deriving"]:
            return
        typed = (slug.value or "").strip()
        st["slug_manual"] = bool(typed) and typed != slugify(title.value or "", SLUG_MAX)

    def preview() -> None:
        if form.filling:
            return
        p_title.text = (title.value or "").strip() or "Untitled"
        p_duration.text = (duration.value or "").strip() or "–:––"
        level = access.value or "FREE"
        p_access.text = level
        p_access.props(f"color={ACCESS_COLOURS.get(level, 'grey')}")
        chosen_collection = collections.get(collection.value) if collection.value is not None else None
        p_collection.text = chosen_collection["name"] if chosen_collection else "No collection"
        primary = safe_colour(chosen_collection["primary"] if chosen_collection else None, DEFAULT_COLOURS[0])
        accent = safe_colour(chosen_collection["accent"] if chosen_collection else None, DEFAULT_COLOURS[1])
        colour_bar.style(replace=f"background: linear-gradient(90deg, {primary}, {accent})")
        p_collection.style(replace=f"color: {primary}")
        text = (description.value or "").strip()
        p_description.text = text[:300] + ("…" if len(text) > 300 else "")
        source = safe_image(urls["thumbnail_url"].value)
        thumb.set_source(source)
        thumb.set_visibility(bool(source))
        no_thumb.set_visibility(not source)

    def hint() -> None:
        count = performer_count.value
        wanted = int(count) if isinstance(count, int | float) else None
        if wanted is not None and wanted != len(chosen):
            count_hint.text = f"Performer count says {wanted}; {len(chosen)} linked. Publishing needs them equal."
        else:
            count_hint.text = ""

    # --- performers -------------------------------------------------------------------------------------------

    def render_chosen() -> None:
        chosen_box.clear()
        with chosen_box:
            if not chosen:
                ui.label("No performers linked.").classes("text-xs opacity-70")
            for i, p in enumerate(chosen):
                with ui.row().classes("items-center gap-1 w-full no-wrap"):
                    ui.label(f"{i + 1}. {p['name']}").classes("grow text-sm truncate").mark("chosen-performer")
                    if editable:
                        ui.button(icon="arrow_upward", on_click=lambda i=i: move(i, -1)).props(
                            f"dense flat round size=sm {'disable' if i == 0 else ''}"
                        ).mark(f"performer-up-{p['id']}")
                        ui.button(icon="arrow_downward", on_click=lambda i=i: move(i, 1)).props(
                            f"dense flat round size=sm {'disable' if i == len(chosen) - 1 else ''}"
                        ).mark(f"performer-down-{p['id']}")
                        ui.button(icon="close", on_click=lambda i=i: remove(i)).props(
                            "dense flat round size=sm color=negative"
                        ).mark(f"performer-remove-{p['id']}")
        hint()

    def performers_changed() -> None:
        render_chosen()
        drafts.changed()

    def move(i: int, step: int) -> None:
        j = i + step
        if 0 <= j < len(chosen):
            chosen[i], chosen[j] = chosen[j], chosen[i]
            performers_changed()

    def remove(i: int) -> None:
        if 0 <= i < len(chosen):
            del chosen[i]
            performers_changed()

    def add(performer: dict[str, Any]) -> None:
        if any(p["id"] == performer["id"] for p in chosen):
            return
        if len(chosen) >= 10:
            ui.notify("At most 10 performers.", type="warning")
            return
        chosen.append(performer)
        performers_changed()
        render_results(st.get("results", []))

    def render_results(found: list[dict[str, Any]]) -> None:
        st["results"] = found
        results_box.clear()
        with results_box:
            if st.get("searched") and not found:
                ui.label("No performer matches.").classes("text-xs opacity-70")
            linked = {p["id"] for p in chosen}
            for p in found:
                with ui.row().classes("items-center gap-1 w-full no-wrap"):
                    ui.label(p["name"]).classes("grow text-sm truncate").mark("found-performer")
                    ui.button("Add", on_click=lambda p=p: add(p)).props(
                        f"dense flat no-caps size=sm {'disable' if p['id'] in linked else ''}"
                    ).mark(f"performer-add-{p['id']}")

    async def find_performers() -> None:
        term = (performer_search.value or "").strip()

        def work() -> list[dict[str, Any]]:
            with session_scope() as session:
                page = list_performers(
                    session, actor=actor, flt=PerformerFilter(search=term or None), page=PageRequest(size=10)
                )
                return [{"id": p.id, "name": p.name} for p in page.rows]

        try:
            found = await run.io_bound(work)
        except ConsoleError as exc:
            report(exc)
            return
        st["searched"] = True
        render_results(found or [])

    # --- thumbnail upload ---------------------------------------------------------------------------------------

    async def uploaded(e: UploadEventArguments) -> None:
        live = require_live_session()
        if live is None or not can(live.actor, Permission.CATALOG_EDIT):
            return
        if e.file.size() > media.MAX_BYTES:
            urls["thumbnail_url"].error = "The file is larger than 5 MB"
            return
        data = await e.file.read()
        try:
            path = await run.io_bound(media.store_thumbnail, data, e.file.name)
        except ValidationFailed as exc:
            message = field_message("thumbnail", exc.errors.get("thumbnail", exc.message))
            urls["thumbnail_url"].error = message
            ui.notify(message, type="negative")
            return
        if path is None:  # shutting down
            return
        urls["thumbnail_url"].error = None
        urls["thumbnail_url"].value = path
        ui.notify("Thumbnail uploaded. Save to keep it.", type="positive")

    # --- save, conflicts ------------------------------------------------------------------------------------------

    async def save() -> None:
        if not editable or st["busy"]:
            return
        if st["id"] is not None and not dirty():
            ui.notify(NOTHING_TO_SAVE, type="info")
            return
        live = require_live_session()
        if live is None:
            return
        data = collect()
        if not st["slug_manual"]:
            data["slug"] = ""  # following the title: the service makes it and adds -2, -3 ... if it is taken
        sent = form.values()
        performer_ids = [p["id"] for p in chosen]
        current_id, version = st["id"], st["version"]

        def work() -> dict[str, Any]:
            with session_scope() as session:
                if current_id is None:
                    video = create_video(session, actor=live.actor, data=data)
                    if performer_ids:
                        video = set_performers(
                            session, actor=live.actor, video_id=video.id, performer_ids=performer_ids
                        )
                else:
                    video = update_video(
                        session, actor=live.actor, video_id=current_id, data=data, expected_version=version
                    )
                    video = set_performers(
                        session,
                        actor=live.actor,
                        video_id=video.id,
                        performer_ids=performer_ids,
                        expected_version=video.version,
                    )
                return snapshot(session, live.actor, video)

        st["busy"] = True
        clear_errors(fields)
        summary.visible = False
        try:
            snap = await run.io_bound(work)
        except Conflict as exc:
            await show_conflict(exc, data, performer_ids)
            return
        except ValidationFailed as exc:
            show_errors(exc, fields, summary, labels=FIELD_LABELS)
            return
        except ConsoleError as exc:
            report(exc)
            return
        finally:
            st["busy"] = False
        if snap is None:
            return
        if current_id is None:
            drafts.saved(leaving=True)
            ui.notify("Video created.", type="positive")
            ui.navigate.to(f"/catalog/{snap['view']['id']}")
            return
        stored_anything = snap["view"]["version"] != version
        fill(snap, since=sent, since_performers=performer_ids)
        drafts.saved()
        if stored_anything:
            ui.notify("Saved.", type="positive")
        else:  # e.g. "60:00" for a stored "1:00:00": the service stored nothing, and the page says so
            ui.notify(f"{NOTHING_TO_SAVE} The stored video already has these values.", type="info")

    async def load_stored() -> dict[str, Any] | None:
        def work() -> dict[str, Any]:
            with session_scope() as session:
                return snapshot(session, actor, get_video(session, actor=actor, video_id=st["id"]))

        try:
            return await run.io_bound(work)
        except ConsoleError as exc:
            report(exc)
            return None

    def display(name: str, value: Any) -> str:
        if name == "collection_id":
            return collection_options.get(value, "—") if value is not None else "—"
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, list):
            return ", ".join(map(str, value)) or "—"
        text = str(value).strip() if value is not None else ""
        return text or "—"

    async def show_conflict(exc: Conflict, mine: dict[str, Any], mine_ids: list[int]) -> None:
        stored = await load_stored()
        theirs = form_values(exc.current) if exc.current else (form_values(stored["view"]) if stored else {})
        rows = [
            {"field": FIELD_LABELS[k], "mine": display(k, mine.get(k)), "theirs": display(k, theirs.get(k))}
            for k in differences(mine, theirs)
        ]
        if stored is not None and [p["id"] for p in stored["performers"]] != mine_ids:
            names = {p["id"]: p["name"] for p in [*stored["performers"], *chosen]}
            rows.append(
                {
                    "field": "Performers",
                    "mine": ", ".join(names.get(i, f"#{i}") for i in mine_ids) or "—",
                    "theirs": ", ".join(p["name"] for p in stored["performers"]) or "—",
                }
            )
        current_version = (exc.current or {}).get("version") or (stored["view"]["version"] if stored else None)
        with (
            ui.dialog().props("persistent") as dialog,
            ui.card().classes("min-w-[640px] max-w-[92vw]").mark("conflict-dialog"),
        ):
            ui.label("Someone else saved this video while you were editing").classes("text-lg font-semibold")
            ui.label(exc.message).classes("text-sm")
            if exc.changed_by:
                ui.label(f"Last change by {exc.changed_by} (now version {current_version}).").classes(
                    "text-sm opacity-70"
                ).mark("conflict-changed-by")
            if rows:
                ui.table(
                    columns=[
                        {"name": "field", "label": "Field", "field": "field", "align": "left"},
                        {"name": "mine", "label": "Your input", "field": "mine", "align": "left"},
                        {"name": "theirs", "label": "Saved now", "field": "theirs", "align": "left"},
                    ],
                    rows=rows,
                    row_key="field",
                ).props("dense flat bordered wrap-cells").classes("w-full").mark("conflict-table")
            else:
                ui.label("The fields you see hold the same values; their change was elsewhere (e.g. state).").classes(
                    "text-sm"
                )

            async def keep_mine() -> None:
                dialog.close()
                if current_version is not None:
                    st["version"] = current_version
                await save()

            async def take_theirs() -> None:
                dialog.close()
                fresh = stored or await load_stored()
                if fresh is not None:
                    fill(fresh, discard_input=True)
                    drafts.saved()
                    ui.notify("Loaded the saved version; your input was discarded.", type="info")

            with ui.row().classes("justify-end w-full gap-1"):
                ui.button("Cancel (keep editing)", on_click=dialog.close).props("flat").mark("conflict-cancel")
                ui.button("Take theirs", on_click=take_theirs).props("outline").mark("conflict-take-theirs")
                ui.button("Keep mine and overwrite", on_click=keep_mine).props("color=warning").mark(
                    "conflict-keep-mine"
                )
        dialog.open()

    # --- publishing -------------------------------------------------------------------------------------------------

    def show_reasons(video_title: str, reasons: list[str]) -> None:
        with ui.dialog() as dialog, ui.card().classes("min-w-[420px] max-w-[90vw]").mark("publish-refused"):
            ui.label(f"“{video_title}” cannot be published yet").classes("text-lg font-semibold")
            ui.label("Fix these first:").classes("text-sm")
            with ui.column().classes("gap-0 pl-2"):
                for reason in reasons:
                    ui.label(f"• {reason}").classes("text-sm").mark("publish-reason")
            ui.button("Close", on_click=dialog.close).props("flat")
        dialog.open()

    async def publishing(label: str, call: Any) -> None:
        """Run one publishing service call against the saved version; refresh on success."""
        live = require_live_session()
        if live is None or st["busy"]:
            return
        version = st["version"]

        def work() -> dict[str, Any]:
            with session_scope() as session:
                video = call(session, live.actor, version)
                return snapshot(session, live.actor, video)

        st["busy"] = True
        try:
            snap = await run.io_bound(work)
        except PublishRefused as exc:
            show_reasons(st["view"]["title"], exc.reasons)
            return
        except ConsoleError as exc:
            report(exc)
            return
        finally:
            st["busy"] = False
        if snap is not None:
            fill(snap)
            ui.notify(label, type="positive")

    def unsaved_first() -> bool:
        if editable and dirty():
            ui.notify("Save your changes first: publishing works on the saved version.", type="warning")
            return True
        return False

    async def do_publish() -> None:
        if unsaved_first():
            return
        if not await confirm(
            f"Publish “{st['view']['title']}” now?",
            "It becomes public on the platform now. The publishing checks run first; anything missing is listed.",
            ok_label="Publish",
        ):
            return
        await publishing(
            "Published.",
            lambda s, a, v: publish(s, actor=a, video_id=st["id"], expected_version=v),
        )

    async def do_unpublish() -> None:
        if unsaved_first():
            return
        if not await confirm(
            f"Unpublish “{st['view']['title']}”?",
            "It is taken off the platform now (state: unpublished). You can publish it again later.",
            ok_label="Unpublish",
            danger=True,
        ):
            return
        await publishing(
            "Unpublished.",
            lambda s, a, v: unpublish(s, actor=a, video_id=st["id"], expected_version=v),
        )

    async def do_schedule() -> None:
        if unsaved_first():
            return
        with ui.dialog() as dialog, ui.card().classes("min-w-[360px]").mark("schedule-dialog"):
            ui.label("Publish at (UTC)").classes("text-lg font-semibold")
            day = ui.input("Date (YYYY-MM-DD)").props("dense type=date").mark("schedule-date")
            clock = ui.input("Time (HH:MM, UTC)").props("dense type=time").mark("schedule-time")

            def done() -> None:
                when, error = parse_utc(day.value, clock.value)
                day.error = error
                if when is not None:
                    dialog.submit(when)

            with ui.row().classes("justify-end w-full"):
                ui.button("Cancel", on_click=lambda: dialog.submit(None)).props("flat")
                ui.button("Schedule", on_click=done).props("color=primary").mark("schedule-ok")
        when = await dialog
        dialog.delete()
        if when is None:
            return
        await publishing(
            f"Scheduled for {when:%Y-%m-%d %H:%M} UTC.",
            lambda s, a, v: schedule(s, actor=a, video_id=st["id"], publish_at=when, expected_version=v),
        )

    # --- history --------------------------------------------------------------------------------------------------

    def show_event(row: dict[str, Any]) -> None:
        diff = st["diffs"].get(row.get("id"), [])
        with ui.dialog() as dialog, ui.card().classes("min-w-[560px] max-w-[90vw]").mark("history-event"):
            ui.label(f"{row['action']} · {row['when']} UTC · {row['who']}").classes("font-semibold")
            if row.get("reason"):
                ui.label(f"Reason: {row['reason']}").classes("text-sm")
            if diff:
                diff_table(diff, HISTORY_LABELS)
            else:
                ui.label("No field changes recorded.").classes("text-sm opacity-70")
            ui.button("Close", on_click=dialog.close).props("flat")
        dialog.open()

    # --- keyboard: Ctrl+S (or ⌘S) saves from anywhere on the page, inputs included; the sheet lists it ------------

    if editable:
        save_key(save, mark="editor-keys", description="Save the video")
    show(loaded)  # the fields already hold the stored values

    # --- unsaved changes: kept in this browser, offered back after a reload --------------------------------------

    def performers_now() -> dict[str, Any]:
        return {"performers": [p["id"] for p in chosen], "performer_names": {str(p["id"]): p["name"] for p in chosen}}

    async def restored(draft: Draft, outdated: bool) -> None:
        ids = draft.values.get("performers")
        names = draft.values.get("performer_names")
        names = names if isinstance(names, dict) else {}
        if isinstance(ids, list) and all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
            chosen[:] = [{"id": i, "name": str(names.get(str(i)) or f"#{i}")} for i in ids[:10]]
        show({"history": history_table.rows})
        if outdated:  # what a stale save does: both versions side by side, the input kept
            st["version"] = draft.version
            who = history_table.rows[0]["who"] if history_table.rows else None
            message = (
                f"“{st['view']['title']}” was changed by {who or 'someone else'} after your unsaved changes of "
                f"{fmt_dt(draft.saved_at)}. Compare them with the saved version and save again."
            )
            await show_conflict(
                Conflict(message, current=st["view"], changed_by=who), collect(), performers_now()["performers"]
            )

    drafts = DraftKeeper(
        BrowserDrafts(f"{actor.staff_id}:video:{video_id if video_id is not None else 'new'}"),
        form,
        row_id=video_id,
        version=lambda: st["version"],
        dirty=dirty,
        what="The video",
        extras=performers_now,
        stored_extras=lambda: {"performers": st["saved_performers"]},
        on_restore=restored,
    )
    if editable:
        drafts.start()

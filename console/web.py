"""Builds the NiceGUI application: static assets, middleware, error pages, every area's pages."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from nicegui import Client, app, run, ui

from console import gc_pacing
from console.config import ROOT, get_settings
from console.db import MAX_OVERFLOW, POOL_SIZE

ASSETS = ROOT / "assets"
TYPING_SCRIPT = '<script defer src="/assets/typing.js"></script>'


IO_WORKERS = POOL_SIZE + MAX_OVERFLOW  # the database connections are what the page threads wait on


def size_io_pool() -> None:
    """NiceGUI's `run.io_bound` pool has min(32, cores + 4) threads, 6 on two cores. Every page's session check,
    list and detail read goes through it, so six slow reads (an insights range, an export) would hold every
    other staff member's next page open; the database pool, not the core count, is the limit."""
    if getattr(run.thread_pool, "_max_workers", 0) < IO_WORKERS:
        run.thread_pool = ThreadPoolExecutor(max_workers=IO_WORKERS, thread_name_prefix="console-io")


def create_app() -> None:
    from console.ads import jobs as ads_jobs
    from console.ads import media_route as ad_media
    from console.ads import pages as ads_pages
    from console.audit import anchor
    from console.audit import pages as audit_pages
    from console.billing import jobs as billing_jobs
    from console.billing import pages as billing_pages
    from console.billing import webhook as stripe_webhook
    from console.catalog import collection_pages, import_pages, performer_pages, scheduler, series_pages
    from console.catalog import pages as catalog_pages
    from console.compliance import index_pages, production_pages, record_pages, scan_route, sweep, worklist_pages
    from console.insights import jobs as insights_jobs
    from console.insights import pages as insights_pages
    from console.members import pages as member_pages
    from console.moderation import api as moderation_api
    from console.moderation import jobs as moderation_jobs
    from console.moderation import pages as moderation_pages
    from console.staff import pages as staff_pages
    from console.ui import auth_pages, formatting, home_pages, nicegui_speedups, theme
    from console.ui.session import AuthMiddleware

    nicegui_speedups.install()  # three signature computations per element, answered once per method
    theme.install_colours()  # primary and positive that hold white text and read on white (ui/theme.BRAND)

    app.add_static_files("/assets", ASSETS)
    # Every page: events from before the page has connected reach the server in order (assets/typing.js). In
    # the body: deferred scripts run in document order, so it runs after nicegui.js and before the Vue app.
    if TYPING_SCRIPT not in Client.shared_body_html:  # the test fixture builds the app once per test
        ui.add_body_html(TYPING_SCRIPT, shared=True)
    ad_media.register()  # /media/ads/<hash>.<ext>: ad creatives (ads/creatives.py), before the /media mount
    app.add_media_files("/media", get_settings().data_dir / "media")  # uploaded thumbnails (catalog/media.py)
    app.add_middleware(AuthMiddleware)
    app.exception_handler(404)(home_pages.not_found_handler)

    def on_page_exception(exc: Exception) -> None:
        # Never a stack trace in front of staff: a plain message and where to go next.
        with ui.column().classes("absolute-center items-center"):
            ui.label("Something went wrong on our side.").classes("text-lg font-semibold")
            ui.label("Your last change was not saved if this happened while saving. Reload the page or go Home.")
            ui.link("Home", "/")
        del exc

    app.on_page_exception(on_page_exception)
    # One button style everywhere: the label as written (sentence case), not Quasar's upper case; tabs too.
    ui.button.default_props("no-caps")
    ui.tabs.default_props("no-caps")
    app.on_startup(size_io_pool)
    app.on_startup(scheduler.start)
    app.on_startup(sweep.start)
    app.on_startup(moderation_jobs.start)
    app.on_startup(billing_jobs.start)  # reconciles refunds left submitting, every CONSOLE_BILLING_RECONCILE_SECONDS
    app.on_startup(ads_jobs.start)  # rolls up raw impressions and clicks, every CONSOLE_ADS_ROLLUP_SECONDS
    app.on_startup(insights_jobs.start)  # the insights rollup tables, every CONSOLE_INSIGHTS_ROLLUP_SECONDS
    app.on_startup(formatting.warm_up)  # the time zone abbreviations fmt_dt names zones by, off the first page
    moderation_api.register()  # /api/reports, /api/appeals: the platform's bearer token, not a staff session
    stripe_webhook.register()  # /stripe/webhook: Stripe's signature, not a staff session
    app.on_startup(anchor.start)  # checkpoints of the audit chain's head, every CONSOLE_AUDIT_CHECKPOINT_MINUTES
    # Last: freeze what start-up made, then full garbage collections on a timer, not in the middle of a page build.
    app.on_startup(gc_pacing.start)
    app.on_shutdown(gc_pacing.stop)
    auth_pages.register()
    home_pages.register()
    member_pages.register()
    staff_pages.register()
    audit_pages.register()
    import_pages.register()  # before catalog_pages: /catalog/import must win over /catalog/{video_id}
    series_pages.register()  # /catalog/{video_id}/seasons, also before catalog_pages
    worklist_pages.register()  # /compliance
    record_pages.register()  # /compliance/records/{performer_id}
    scan_route.register()  # /compliance/scan/{token}: single-use addresses for ID scans
    index_pages.register()  # /compliance/index (and the export's one-time download address)
    production_pages.register()  # /compliance/productions/{video_id}, /compliance/custodian
    moderation_pages.register()  # /moderation, /moderation/appeals, /moderation/cases/{case_id}
    billing_pages.register()  # /billing
    ads_pages.register()  # /ads, /ads/campaigns/{id}, /ads/advertisers, /ads/blocklist
    insights_pages.register()  # /insights
    catalog_pages.register()
    collection_pages.register()
    performer_pages.register()


def run_options() -> dict[str, Any]:
    settings = get_settings()
    session_kwargs: dict[str, Any] = {"same_site": "lax", "max_age": settings.session_max_hours * 3600}
    if settings.is_production:
        session_kwargs["https_only"] = True
    settings.effective_records_key()  # production refuses to start without the 2257 scan key
    return {
        "title": "Staff Console",
        "host": settings.host,
        "port": settings.port,
        "storage_secret": settings.effective_storage_secret(),
        "session_middleware_kwargs": session_kwargs,
        "favicon": ASSETS / "logo.svg",
        "reload": False,
        "show": False,
        "show_welcome_message": False,
        "reconnect_timeout": 10.0,
        "language": "en-GB",
    }

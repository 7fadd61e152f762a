"""/catalog/import (CATALOG_EDIT): bulk metadata import (template download, dry run with per-row errors, import,
progress) and export.

`view.ImportView` builds the page; the file is read, checked and imported off the event loop (`run.io_bound`) and
the worker thread reports progress into a `query.Progress` that a `ui.timer` polls. `query` holds what the page
reads from the address and shows of a report. The services (console/catalog/transfer/) check the permission again
and own every rule.
"""

from __future__ import annotations

from nicegui import ui

from console.catalog.import_pages.query import Progress, describe, filter_from_query, issue_rows
from console.catalog.import_pages.view import ImportView
from console.staff.auth import SessionInfo
from console.staff.permissions import Permission
from console.ui.page import staff_page

__all__ = ["Progress", "describe", "filter_from_query", "issue_rows", "register"]


def register() -> None:
    @staff_page("/catalog/import", title="Catalog import & export", permission=Permission.CATALOG_EDIT)
    def import_page(info: SessionInfo) -> None:
        ImportView(ui.context.client.request.query_params).build()

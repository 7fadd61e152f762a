"""Productions (/compliance/productions/{video_id}): the date of production and notes, the cast with their legal
names, status, age on the day and the ID relied on, the gate's 2257 verdict, and the compliance statement the
depiction displays (read-only, with a copy button). The custodian of records (/compliance/custodian).

`production.ProductionView` and `custodian.CustodianView` build the pages (`paperwork_form` is what the two forms
share: drafts kept on the server, the save's messages); `cast` is the production's cast lines, `reads` what the
pages read, `shared` what other pages take from here (the compliance links, the status colours, the video editor's
production link). Handlers call the services (productions.py) in their own unit of
work; a stale save keeps the typed input and shows what is stored now.
"""

from __future__ import annotations

from nicegui import run

from console.compliance.production_pages.custodian import CustodianView
from console.compliance.production_pages.production import ProductionView
from console.compliance.production_pages.reads import load_production
from console.compliance.production_pages.shared import compliance_links, video_compliance_links
from console.compliance.status_look import STATUS_COLOURS
from console.errors import NotFound
from console.staff.auth import SessionInfo
from console.staff.permissions import Permission
from console.ui.formatting import in_viewer_zone
from console.ui.page import staff_page

__all__ = ["STATUS_COLOURS", "compliance_links", "load_production", "register", "video_compliance_links"]


def register() -> None:
    @staff_page("/compliance/productions/{video_id}", title="Production", permission=Permission.COMPLIANCE_READ_LEGAL)
    async def production_page(info: SessionInfo, video_id: str) -> None:
        # A str parameter: a non-numeric address gets the in-frame 404, not FastAPI's JSON 422.
        if not (video_id.isascii() and video_id.isdigit()) or not 0 < int(video_id) < 2**63:
            raise NotFound(f"There is no video #{video_id[:40]}.")
        # the audited read in a worker thread; the form stays in the first answer (typing before the socket)
        loaded = await run.io_bound(in_viewer_zone(load_production), info.actor, int(video_id), first=True)
        if loaded is not None:  # None: shutting down
            ProductionView(info.actor, int(video_id), loaded).build()

    @staff_page("/compliance/custodian", title="Custodian of records", permission=Permission.COMPLIANCE_READ_LEGAL)
    def custodian_page(info: SessionInfo) -> None:
        CustodianView(info.actor).build()

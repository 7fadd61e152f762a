"""Collections page: order, colours, active toggle, featured video, delete refusal.

The list pages on the server in display order (`listing.CollectionsView`); content staff reorder with the arrow
buttons or, with a row focused, Alt+ArrowUp/Alt+ArrowDown; everything else happens in one create/edit dialog
(`dialog.CollectionDialog`). Colours reach a `style` only after `safe_hex` accepted them. `rows` holds what the
page reads.
"""

from __future__ import annotations

from console.catalog.collection_pages.listing import CollectionsView
from console.staff.auth import SessionInfo
from console.staff.permissions import Permission
from console.ui.page import staff_page


def register() -> None:
    @staff_page("/collections", title="Collections", permission=Permission.CATALOG_READ)
    def collections_page(info: SessionInfo) -> None:
        CollectionsView(info.actor).build()

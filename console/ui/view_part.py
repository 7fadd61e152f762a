"""The base of a page's parts (a card, a tab's section): a part is built from the view that owns it and reads that
view's state, so it keeps no copy of what the view loaded."""

from __future__ import annotations

from typing import Any


class ViewPart:
    """One part of a view; `self.page` is the view (its loaded data, its permissions, its dialog host). A subclass
    names the view's class: `page: RecordView`."""

    page: Any

    def __init__(self, page: Any) -> None:
        self.page = page

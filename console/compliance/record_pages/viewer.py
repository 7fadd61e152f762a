"""The in-page ID viewer: a scan shown through a single-use address (scan_route), an image or a PDF frame."""

from __future__ import annotations

from typing import Any

from nicegui import ui

from console.ui.cards import titled_card


class ScanViewer:
    def __init__(self) -> None:
        self.shown: dict[str, Any] | None = None

    def build(self) -> None:
        with titled_card("ID viewer", mark="scan-viewer"):
            self.body()

    def show(self, url: str, content_type: str, label: str) -> None:
        self.shown = {"url": url, "content_type": content_type, "label": label}
        self.body.refresh()

    def close(self) -> None:
        self.shown = None
        self.body.refresh()

    @ui.refreshable_method
    def body(self) -> None:
        if self.shown is None:
            ui.label("Choose “View” on a scan to see it here.").classes("text-sm opacity-70")
        else:
            self.scan(self.shown)

    def scan(self, shown: dict[str, Any]) -> None:
        """The scan's label with a Close button, then the scan: a PDF in a frame, an image as itself."""
        with ui.row().classes("items-center w-full"):
            ui.label(shown["label"]).classes("text-xs opacity-70")
            ui.space()
            ui.button(icon="close", on_click=self.close).props("flat dense round size=sm aria-label=Close").mark(
                "scan-viewer-close"
            )
        if shown["content_type"] == "application/pdf":
            frame = ui.element("iframe").classes("w-full h-[640px] border-0").mark("scan-viewer-pdf")
            frame._props["src"] = shown["url"]
            frame._props["title"] = shown["label"]
            frame._props["referrerpolicy"] = "no-referrer"
            return
        image = ui.image(shown["url"]).classes("w-full").props("fit=contain").mark("scan-viewer-image")
        image._props["alt"] = shown["label"]
        image.on(
            "error",
            lambda: ui.notify(
                "The scan could not be shown (its link expired, or the stored file failed its integrity check). "
                "Choose View again.",
                type="warning",
            ),
        )

"""The preview of an ad's creative on its review card and campaign page.

A banner is shown at its real pixel size from the file this console stored and serves itself; a remote creative
(only a URL) is never loaded: the card says so and shows the address as text. A video ad shows its poster (when
one is stored) and its facts: duration, format, size and weight.
"""

from __future__ import annotations

from typing import Any

from nicegui import ui

from console.ads import creatives
from console.ads.models import BANNER_FORMATS, VIDEO_FORMATS
from console.ads.pages.common import FORMAT_LABELS, duration_text, fact, weight_text

REMOTE_NOTE = "Remote creative — not loaded"


def size_text(width: int | None, height: int | None) -> str:
    return "—" if not width or not height else f"{width}×{height} px"


def render(ad: Any) -> None:
    """The preview of one ad (an Ad row or anything with its columns)."""
    with ui.column().classes("w-full gap-2").mark("ad-preview"):
        if ad.type == "banner":
            banner(ad)
        else:
            video(ad)


def banner(ad: Any) -> None:
    expected = BANNER_FORMATS.get(ad.format)
    if ad.creative_path:
        width, height = ad.width or (expected or (0, 0))[0], ad.height or (expected or (0, 0))[1]
        # The real size: no scaling, a scroll bar when it is wider than the card (a 728 px leaderboard).
        with ui.element("div").classes("max-w-full overflow-auto border border-dashed border-grey-5"):
            ui.image(creatives.media_url(ad.creative_path) or "").style(
                f"width: {int(width)}px; height: {int(height)}px; max-width: none"
            ).props("no-spinner no-transition fit=fill").mark("ad-preview-image")
    else:
        remote(ad)
    with ui.grid(columns="auto 1fr").classes("gap-x-3 gap-y-0"):
        fact("Format", FORMAT_LABELS.get(ad.format, ad.format), "ad-preview-format")
        fact("Size", size_text(ad.width, ad.height), "ad-preview-size")
        if expected:
            fact("Expected", size_text(*expected))
        fact("Weight", weight_text(ad.creative_bytes), "ad-preview-weight")


def video(ad: Any) -> None:
    if ad.poster_path:
        ui.image(creatives.media_url(ad.poster_path) or "").classes("w-full max-w-[400px]").props(
            "no-spinner fit=contain"
        ).mark("ad-preview-poster")
    elif ad.creative_path:
        ui.label("No poster stored for this video").classes("text-xs opacity-70").mark("ad-preview-no-poster")
    if not ad.creative_path:
        remote(ad)
    with ui.grid(columns="auto 1fr").classes("gap-x-3 gap-y-0"):
        fact("Duration", duration_text(ad.duration_seconds), "ad-preview-duration")
        expected = VIDEO_FORMATS.get(ad.format)
        fact("Format", FORMAT_LABELS.get(ad.format, ad.format) + (f" (expects {expected} s)" if expected else ""))
        fact("Size", size_text(ad.width, ad.height), "ad-preview-size")
        fact("Weight", weight_text(ad.creative_bytes), "ad-preview-weight")


def remote(ad: Any) -> None:
    with ui.column().classes("w-full gap-0 p-2 rounded bg-grey-2 text-black").mark("ad-preview-remote"):
        ui.label(REMOTE_NOTE).classes("text-sm font-semibold").mark("ad-preview-remote-note")
        ui.label(ad.creative_url or "").classes("text-xs font-mono break-all").mark("ad-preview-remote-url")

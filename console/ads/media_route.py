"""`/media/ads/<sha256>.<ext>`: the stored ad creatives (console/ads/creatives.py), for the review preview.

Registered before the `/media` mount in web.py so it wins for this prefix. Only names that `creatives.NAME_RE`
accepts and that resolve to a file inside `data_dir/ads` are served (anything else is 404, no path is built from
raw input); the middleware already sent anyone without a session to /login, and the route also needs ads.read.
Files are content-addressed, so they never change: cached privately, never content-sniffed, never scripted.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import FileResponse, PlainTextResponse, Response
from nicegui import app

from console.ads import creatives
from console.staff.permissions import Permission, can

PATH = creatives.URL_PREFIX + "{name}"
HEADERS = {
    "Cache-Control": "private, max-age=86400, immutable",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
}


async def serve_creative(name: str, request: Request) -> Response:
    info = getattr(request.state, "session_info", None)
    if info is None or not can(info.actor, Permission.ADS_READ):
        return PlainTextResponse("Your roles do not allow viewing ad creatives.", status_code=403)
    path = creatives.creative_file(name)
    if path is None:
        return PlainTextResponse("No such creative.", status_code=404)
    return FileResponse(path, media_type=creatives.content_type_for(path.name), headers=HEADERS)


def register() -> None:
    app.get(PATH, include_in_schema=False)(serve_creative)

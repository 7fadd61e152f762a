"""Pre-checks of the creative itself: what the stored file is (by content), its pixel size, its weight, a video's
duration, a video's poster, and a warning when the creative is only a URL.

Limits (decided here, documented in the README):
- weight: IAB's 150 KB for the leaderboard (728x90), rectangle (300x250) and skyscraper (160x600), 50 KB for the
  mobile banner (320x50); 1 KB = 1,024 bytes. Video files: 10 MB for every video format, decided here (a
  common ad-server limit for 15-60 s MP4 ads; enough for 60 s at about 1.3 Mbit/s). CONSOLE_ADS_CREATIVE_MAX_MB
  (20) is the upload limit above it, so an over-weight file is stored and its check can say by how much.
- duration: the format's 15, 30 or 60 seconds within ±0.5 s, read from the MP4 (`mvhd`) by mutagen.
"""

from __future__ import annotations

from console.ads.checks_base import CheckContext, CheckResult
from console.ads.creatives import KINDS_TEXT, Sniffed, sniff
from console.ads.models import BANNER_FORMATS, VIDEO_FORMATS
from console.ui.formatting import fmt_bytes

KB = 1024
WEIGHT_LIMITS = {
    "leaderboard": 150 * KB,
    "rectangle": 150 * KB,
    "skyscraper": 150 * KB,
    "mobile_banner": 50 * KB,
}
VIDEO_MAX_BYTES = 10 * KB * KB
DURATION_TOLERANCE = 0.5  # seconds either side of the format's length
BY_URL = "Not checked: the creative is a URL, not an uploaded file"


def weight_limit(ad_format: str) -> int:
    return WEIGHT_LIMITS.get(ad_format, VIDEO_MAX_BYTES)


def _label(ad_format: str) -> str:
    return ad_format.replace("_", " ")


def _sniffed(ctx: CheckContext) -> Sniffed | None:
    return sniff(ctx.creative) if ctx.creative else None


def _wanted_kind(ctx: CheckContext) -> str:
    return "image" if ctx.ad.type == "banner" else "video"


def _fits(ctx: CheckContext) -> Sniffed | None:
    """The stored file's facts when it is readable and of the kind the ad's type needs; else None."""
    found = _sniffed(ctx)
    return found if found is not None and found.kind == _wanted_kind(ctx) else None


def creative_content(ctx: CheckContext) -> CheckResult | None:
    ad = ctx.ad
    if not ad.creative_path:
        return None  # a URL creative: creative_by_url warns
    if ctx.creative is None:
        return CheckResult("creative_content", "hard", False, "The stored creative file is missing; upload it again")
    found = _sniffed(ctx)
    if found is None:
        return CheckResult(
            "creative_content", "hard", False, f"The file is not {KINDS_TEXT} (checked by content, not by name)"
        )
    wanted = _wanted_kind(ctx)
    if found.kind != wanted:
        what = "an image (PNG, JPEG, GIF or WebP)" if wanted == "image" else "an MP4 video"
        message = f"A {ad.type.replace('_', ' ')} ad needs {what}; the file is a {found.format} {found.kind}"
        return CheckResult("creative_content", "hard", False, message)
    return CheckResult("creative_content", "hard", True, f"{found.format} {found.kind}, checked by content")


def image_size(ctx: CheckContext) -> CheckResult | None:
    ad = ctx.ad
    if ad.type != "banner" or ad.format not in BANNER_FORMATS:
        return None
    width, height = BANNER_FORMATS[ad.format]
    if not ad.creative_path:
        return CheckResult("image_size", "hard", True, f"{BY_URL} (expected {width}×{height})", skipped=True)
    found = _fits(ctx)
    if found is None:
        return None  # creative_content failed and says why
    if (found.width, found.height) != (width, height):
        message = f"The image is {found.width}×{found.height} pixels; a {_label(ad.format)} is {width}×{height}"
        return CheckResult("image_size", "hard", False, message)
    return CheckResult("image_size", "hard", True, f"{width}×{height} pixels, as a {_label(ad.format)} needs")


def file_weight(ctx: CheckContext) -> CheckResult | None:
    ad = ctx.ad
    limit = weight_limit(ad.format)
    if not ad.creative_path:
        return CheckResult("file_weight", "hard", True, f"{BY_URL} (limit {fmt_bytes(limit)})", skipped=True)
    if ctx.creative is None:
        return None
    size = len(ctx.creative)
    source = "IAB" if ad.format in WEIGHT_LIMITS else "this console's video limit"
    if size > limit:
        message = f"The file weighs {fmt_bytes(size)}; a {_label(ad.format)} may weigh {fmt_bytes(limit)} at most"
        return CheckResult("file_weight", "hard", False, f"{message} ({source})")
    return CheckResult("file_weight", "hard", True, f"{fmt_bytes(size)}, within {fmt_bytes(limit)} ({source})")


def _declared_duration(ctx: CheckContext, expected: int) -> CheckResult:
    declared = ctx.ad.duration_seconds
    if declared is None:
        return CheckResult("video_duration", "hard", True, f"{BY_URL} (expected {expected} s)", skipped=True)
    if abs(declared - expected) > DURATION_TOLERANCE:
        message = f"The declared duration is {declared} s; a {_label(ctx.ad.format)} ad runs {expected} s"
        return CheckResult("video_duration", "hard", False, message)
    return CheckResult(
        "video_duration", "hard", True, f"Declared {declared} s; not read from a file ({BY_URL.lower()})", skipped=True
    )


def video_duration(ctx: CheckContext) -> CheckResult | None:
    ad = ctx.ad
    if ad.format not in VIDEO_FORMATS:
        return None
    expected = VIDEO_FORMATS[ad.format]
    if not ad.creative_path:
        return _declared_duration(ctx, expected)
    found = _fits(ctx)
    if found is None:
        return None
    if found.duration is None:
        return CheckResult("video_duration", "hard", False, "The MP4 has no readable duration (no movie header)")
    if abs(found.duration - expected) > DURATION_TOLERANCE:
        message = (
            f"The video runs {found.duration:.2f} s; a {_label(ad.format)} ad runs {expected} s "
            f"(±{DURATION_TOLERANCE} s)"
        )
        return CheckResult("video_duration", "hard", False, message)
    return CheckResult("video_duration", "hard", True, f"{found.duration:.2f} s, read from the file")


def video_poster(ctx: CheckContext) -> CheckResult | None:
    if ctx.ad.type == "banner":
        return None
    if not ctx.ad.poster_path:
        return CheckResult(
            "video_poster", "soft", False, "No poster image: players show a blank frame until the video starts"
        )
    found = sniff(ctx.poster) if ctx.poster else None
    if found is None or found.kind != "image":
        return CheckResult("video_poster", "soft", False, "The poster file is missing or not an image; upload it again")
    return CheckResult("video_poster", "soft", True, f"Poster: {found.format} image, {found.width}×{found.height}")


def creative_by_url(ctx: CheckContext) -> CheckResult | None:
    if ctx.ad.creative_path or not ctx.ad.creative_url:
        return None
    return CheckResult(
        "creative_by_url",
        "soft",
        False,
        "The creative is a URL, not an uploaded file: its content, size, weight and duration cannot be checked and "
        "it cannot be previewed; upload the file to check it",
    )


CHECKS = [creative_content, image_size, file_weight, video_duration, video_poster, creative_by_url]

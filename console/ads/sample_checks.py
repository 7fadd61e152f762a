"""Stored pre-check results for generated ads (scale seed, and the demo where the real checks cannot run on a
creative given by URL): the shape checks.py stores (CheckResult.as_dict), with the verdict asked for — "pass" (every
check passes, the landing page skipped), "warn" (a soft check fails) or "fail" (a hard check fails)."""

from __future__ import annotations

from typing import Any

from console.ads.models import BANNER_FORMATS, VIDEO_FORMATS

LANDING = "Landing page not checked: this console has no network access (pluggable check off)."


def _result(code: str, level: str, ok: bool, message: str, skipped: bool = False) -> dict[str, Any]:
    return {"code": code, "level": level, "ok": ok, "message": message, "skipped": skipped}


def plausible_checks(fmt: str, verdict: str) -> list[dict[str, Any]]:
    banner = fmt in BANNER_FORMATS
    results = []
    if banner:
        width, height = BANNER_FORMATS[fmt]
        limit = 50 if fmt == "mobile_banner" else 150
        if verdict == "fail":
            results.append(
                _result(
                    "image_size",
                    "hard",
                    False,
                    f"The image is {width - 8}x{height} px; {fmt.replace('_', ' ')} needs exactly {width}x{height} px.",
                )
            )
        else:
            results.append(_result("image_size", "hard", True, f"{width}x{height} px, as the format needs."))
        results.append(_result("file_weight", "hard", True, f"Within the IAB limit of {limit} KB."))
    else:
        seconds = VIDEO_FORMATS[fmt]
        if verdict == "fail":
            message = f"The video runs {seconds + 2.4:.1f} s; {fmt.replace('_', ' ')} needs {seconds} s (±0.5 s)."
            results.append(_result("video_duration", "hard", False, message))
        else:
            results.append(_result("video_duration", "hard", True, f"Runs {seconds}.0 s, as the format needs."))
        if verdict == "warn":
            results.append(
                _result("video_poster", "soft", False, "No poster image: reviewers see the video's facts only.")
            )
        else:
            results.append(_result("video_poster", "soft", True, "A poster image is stored."))
    results += [
        _result("click_url", "hard", True, "https, with a real domain."),
        _result("click_domain", "hard", True, "The click URL's domain is not on the blocklist."),
        _result("dates", "hard", True, "Start before end; the end is not past."),
        _result("budget", "hard", True, "The budget buys at least 1,000 impressions at the CPM bid."),
    ]
    if verdict == "warn" and banner:
        message = "Even pacing: each remaining day's share of the budget buys fewer than 1,000 impressions."
        results.append(_result("pacing", "soft", False, message))
    results.append(_result("landing_page", "soft", True, LANDING, skipped=True))
    return results

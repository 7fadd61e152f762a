"""Each pre-check with a passing and a failing creative: real PNG/JPEG files of the right and wrong size and
weight, real MP4s of the right and wrong duration, URLs and campaigns that pass and fail. The checks are pure
functions of a CheckContext, so most tests build one from unsaved rows."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from console.ads import checks
from console.ads.checks import CheckContext, CheckResult, evaluate, worst
from console.ads.checks_media import VIDEO_MAX_BYTES, WEIGHT_LIMITS
from console.ads.checks_urls import url_problem
from console.ads.models import BANNER_FORMATS, VIDEO_FORMATS, Ad, AdCampaign
from console.ads.pages.common import weight_text
from tests.ads import factories as f

TODAY = date(2030, 6, 15)


def campaign(**overrides: Any) -> AdCampaign:
    values: dict[str, Any] = {
        "advertiser_id": 1,
        "name": "Summer",
        "budget_cents": 500_000,
        "cpm_bid_cents": 500,
        "currency": "USD",
        "pacing": "asap",
        "starts_on": TODAY,
        "ends_on": TODAY + timedelta(days=30),
    } | overrides
    return AdCampaign(**values)


def ad(ad_type: str = "banner", fmt: str = "rectangle", **overrides: Any) -> Ad:
    values: dict[str, Any] = {
        "campaign_id": 1,
        "name": "Ad",
        "type": ad_type,
        "format": fmt,
        "click_url": "https://shop.example.com/sale",
        "creative_path": "0" * 64 + (".png" if ad_type == "banner" else ".mp4"),
        "creative_url": None,
        "poster_path": None,
        "duration_seconds": None,
    } | overrides
    return Ad(**values)


def ctx(
    the_ad: Ad | None = None,
    creative: bytes | None = None,
    *,
    the_campaign: AdCampaign | None = None,
    poster: bytes | None = None,
    blocked: dict[str, str] | None = None,
) -> CheckContext:
    return CheckContext(
        ad=the_ad or ad(),
        campaign=the_campaign or campaign(),
        creative=creative,
        poster=poster,
        blocked=blocked or {},
        today=TODAY,
    )


def result(context: CheckContext, code: str) -> CheckResult:
    found = [r for r in evaluate(context) if r.code == code]
    assert len(found) == 1, f"{code} not in {[r.code for r in evaluate(context)]}"
    return found[0]


def codes(context: CheckContext) -> set[str]:
    return {r.code for r in evaluate(context)}


# --- content ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "GIF", "WEBP"])
def test_an_image_of_each_kind_passes_by_content(fmt: str) -> None:
    data = f.image(300, 250, fmt)
    got = result(ctx(ad(), data), "creative_content")
    assert got.ok and got.level == "hard" and fmt in got.message


def test_a_text_file_named_png_fails_by_content() -> None:
    got = result(ctx(ad(), b"<html><script>alert(1)</script></html>"), "creative_content")
    assert not got.ok and "checked by content, not by name" in got.message
    assert "image_size" not in codes(ctx(ad(), b"not an image"))  # nothing more to say about a non-image


def test_a_truncated_png_fails() -> None:
    data = f.png(300, 250, noisy=True)
    assert not result(ctx(ad(), data[: len(data) // 2]), "creative_content").ok


def test_a_banner_needs_an_image_and_a_video_ad_an_mp4() -> None:
    got = result(ctx(ad(), f.mp4(15)), "creative_content")
    assert not got.ok and "needs an image" in got.message and "MP4 video" in got.message
    got = result(ctx(ad("video_preroll", "video_15s"), f.png(300, 250)), "creative_content")
    assert not got.ok and "needs an MP4 video" in got.message
    assert result(ctx(ad("video_midroll", "video_15s"), f.mp4(15)), "creative_content").ok


def test_a_missing_stored_file_fails() -> None:
    got = result(ctx(ad(), None), "creative_content")
    assert not got.ok and "missing" in got.message


# --- pixel size ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", list(BANNER_FORMATS))
@pytest.mark.parametrize("maker", [f.png, f.jpeg])
def test_the_formats_size_passes_and_another_fails(fmt: str, maker: Any) -> None:
    width, height = BANNER_FORMATS[fmt]
    good = result(ctx(ad(fmt=fmt), maker(width, height)), "image_size")
    assert good.ok and f"{width}×{height}" in good.message
    bad = result(ctx(ad(fmt=fmt), maker(width + 1, height * 2)), "image_size")
    assert not bad.ok and bad.level == "hard"
    assert f"{width + 1}×{height * 2}" in bad.message and f"{width}×{height}" in bad.message


# --- weight -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["leaderboard", "rectangle", "skyscraper"])
def test_iab_150_kb_for_the_big_banners(fmt: str) -> None:
    width, height = BANNER_FORMATS[fmt]
    light = f.png(width, height)
    heavy = f.jpeg(width, height, noisy=True)  # random pixels at quality 100: far over 150 KB
    assert len(heavy) > WEIGHT_LIMITS[fmt] == 150 * 1024
    assert result(ctx(ad(fmt=fmt), light), "file_weight").ok
    got = result(ctx(ad(fmt=fmt), heavy), "file_weight")
    assert not got.ok and "150.0 KB at most" in got.message and "IAB" in got.message
    assert result(ctx(ad(fmt=fmt), heavy), "image_size").ok  # the right size, only too heavy


def test_iab_50_kb_for_the_mobile_banner() -> None:
    heavy = f.png(320, 50, noisy=True, mode="RGBA")  # 64,000 bytes of noise: PNG cannot shrink it
    assert len(heavy) > 50 * 1024
    assert result(ctx(ad(fmt="mobile_banner"), f.png(320, 50)), "file_weight").ok
    got = result(ctx(ad(fmt="mobile_banner"), heavy), "file_weight")
    assert not got.ok and "50.0 KB at most" in got.message


def test_the_weight_check_writes_a_light_file_as_the_review_card_does() -> None:
    """QA: the card said "Weight 775 bytes" beside the check's "0.8 KB" for the same file."""
    light = f.png(300, 250)
    assert len(light) < 1024
    got = result(ctx(ad(fmt="rectangle"), light), "file_weight")
    assert got.message.startswith(f"{weight_text(len(light))}, within 150.0 KB")


def test_a_too_long_url_is_counted_with_thousands_separators() -> None:
    """QA: "(3028 characters; 2000 at most)" where the counters and the reject dialog say "2,000"."""
    assert url_problem("https://a.example/" + "x" * 3010) == "is too long (3,028 characters; 2,000 at most)"


def test_a_video_file_may_weigh_10_mb() -> None:
    the_ad = ad("video_preroll", "video_30s")
    assert result(ctx(the_ad, f.mp4(30, padding=1_000_000)), "file_weight").ok
    got = result(ctx(the_ad, f.mp4(30, padding=VIDEO_MAX_BYTES + 1)), "file_weight")
    assert not got.ok and "10.0 MB at most" in got.message


# --- duration -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", list(VIDEO_FORMATS))
def test_duration_read_from_the_mp4_matches_the_format(fmt: str) -> None:
    seconds = VIDEO_FORMATS[fmt]
    the_ad = ad("video_preroll", fmt)
    for ok_length in (seconds, seconds + 0.4, seconds - 0.5):
        assert result(ctx(the_ad, f.mp4(ok_length)), "video_duration").ok, ok_length
    for bad_length in (seconds + 0.6, seconds - 1, seconds * 2):
        got = result(ctx(the_ad, f.mp4(bad_length)), "video_duration")
        assert not got.ok and f"runs {seconds} s" in got.message and f"{bad_length:.2f} s" in got.message


def test_an_mp4_without_a_movie_header_has_no_duration() -> None:
    the_ad = ad("video_preroll", "video_15s")
    context = ctx(the_ad, f.mp4(None))
    if result(context, "creative_content").ok:  # mutagen read the file: the duration check says why it fails
        assert not result(context, "video_duration").ok
    assert worst(evaluate(context)) == "fail"


def test_a_url_video_is_judged_by_its_declared_duration() -> None:
    url_ad = ad("video_preroll", "video_30s", creative_path=None, creative_url="https://cdn.example.com/spot.mp4")
    assert result(ctx(url_ad), "video_duration").skipped
    url_ad.duration_seconds = 30
    got = result(ctx(url_ad), "video_duration")
    assert got.ok and got.skipped and "Declared 30 s" in got.message
    url_ad.duration_seconds = 45
    assert not result(ctx(url_ad), "video_duration").ok


# --- soft checks --------------------------------------------------------------------------------------------


def test_a_video_ad_without_a_poster_warns() -> None:
    no_poster = ad("video_preroll", "video_15s")
    got = result(ctx(no_poster, f.mp4(15)), "video_poster")
    assert not got.ok and got.level == "soft"
    assert worst(evaluate(ctx(no_poster, f.mp4(15)))) == "warn"
    with_poster = ad("video_preroll", "video_15s", poster_path="1" * 64 + ".jpg")
    assert result(ctx(with_poster, f.mp4(15), poster=f.jpeg(640, 360)), "video_poster").ok
    assert not result(ctx(with_poster, f.mp4(15), poster=b"not an image"), "video_poster").ok
    assert worst(evaluate(ctx(with_poster, f.mp4(15), poster=f.jpeg(640, 360)))) == "pass"


def test_a_creative_url_cannot_be_checked_by_content_and_warns() -> None:
    url_ad = ad(creative_path=None, creative_url="https://cdn.example.com/banner.png")
    context = ctx(url_ad)
    warned = result(context, "creative_by_url")
    assert not warned.ok and warned.level == "soft" and "cannot be checked" in warned.message
    assert result(context, "image_size").skipped and result(context, "file_weight").skipped
    assert "creative_content" not in codes(context)
    assert worst(evaluate(context)) == "warn"


def test_the_landing_page_check_is_pluggable_and_off() -> None:
    got = result(ctx(ad(), f.png(300, 250)), "landing_page")
    assert got.skipped and got.ok and got.message == checks.LANDING_PAGE_OFF

    def broken(context: CheckContext) -> CheckResult:
        return CheckResult("landing_page", "soft", False, f"{context.ad.click_url} answered 404")

    checks.register_check("landing_page", broken)
    try:
        got = result(ctx(ad(), f.png(300, 250)), "landing_page")
        assert not got.ok and not got.skipped and "404" in got.message
    finally:
        checks.register_check("landing_page", None)
    assert result(ctx(ad(), f.png(300, 250)), "landing_page").skipped


# --- URLs ---------------------------------------------------------------------------------------------------

BAD_URLS = {
    "http://shop.example.com/": "must be an https:// address (found http:)",
    "javascript:alert(document.cookie)": "javascript: address",
    " JaVaScRiPt:alert(1)": "javascript: address",
    "\x01java\tscript:alert(1)": "javascript: address",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==": "data: address",
    "https://user:secret@shop.example.com/": "user name or password",
    "https://shop.example.com\\@evil.example/": "backslash",
    "https://localhost/admin": "public domain",
    "https://127.0.0.1/": "IP address",
    "https://[::1]/": "IP address",
    "https://shop example.com/": "white space",
    "//shop.example.com/": "https:// address",
    "https://bad_host.example.com/": "not valid",
    "https://shop.example.com:99999/": "not a valid address",
    "https://exa\u202emple.com/": "direction control",
    "https://" + "a" * 64 + ".com/": "not valid",
}


@pytest.mark.parametrize("url", list(BAD_URLS))
def test_bad_click_urls_fail(url: str) -> None:
    got = result(ctx(ad(click_url=url), f.png(300, 250)), "click_url")
    assert not got.ok and got.level == "hard" and BAD_URLS[url] in got.message, got.message
    assert "click_domain" not in codes(ctx(ad(click_url=url), f.png(300, 250)))


@pytest.mark.parametrize(
    ("url", "domain"),
    [
        ("https://shop.example.com/sale?utm_source=console&x=%20", "shop.example.com"),
        ("https://SHOP.Example.COM./", "shop.example.com"),
        ("https://bücher.de/angebot", "xn--bcher-kva.de"),
        ("https://xn--bcher-kva.de/", "xn--bcher-kva.de"),
        ("https://shop.example.com:8443/", "shop.example.com"),
    ],
)
def test_good_click_urls_pass_with_their_idna_domain(url: str, domain: str) -> None:
    got = result(ctx(ad(click_url=url), f.png(300, 250)), "click_url")
    assert got.ok and domain in got.message


def test_a_creative_url_must_be_https_too() -> None:
    bad = ad(creative_path=None, creative_url="http://cdn.example.com/b.png")
    assert not result(ctx(bad), "creative_url").ok
    good = ad(creative_path=None, creative_url="https://cdn.example.com/b.png")
    assert result(ctx(good), "creative_url").ok


def test_the_click_domain_and_its_parents_are_checked_against_the_blocklist() -> None:
    blocked = {"example.com": "phishing kit", "xn--bcher-kva.de": "malware"}
    got = result(ctx(ad(click_url="https://a.shop.example.com/x"), blocked=blocked), "click_domain")
    assert not got.ok and "under example.com" in got.message and "phishing kit" in got.message
    got = result(ctx(ad(click_url="https://example.com/"), blocked=blocked), "click_domain")
    assert not got.ok and "example.com is on the blocklist" in got.message
    assert not result(ctx(ad(click_url="https://Bücher.de/"), blocked=blocked), "click_domain").ok
    assert result(ctx(ad(click_url="https://notexample.com/"), blocked=blocked), "click_domain").ok
    assert result(ctx(ad(click_url="https://example.org/"), blocked=blocked), "click_domain").ok


# --- campaign -----------------------------------------------------------------------------------------------


def test_dates_in_order_and_not_past() -> None:
    assert result(ctx(the_campaign=campaign()), "dates").ok
    assert result(ctx(the_campaign=campaign(ends_on=TODAY)), "dates").ok  # ends today: still runs today
    past = result(ctx(the_campaign=campaign(starts_on=TODAY - timedelta(9), ends_on=TODAY - timedelta(1))), "dates")
    assert not past.ok and "ended on" in past.message
    backwards = result(ctx(the_campaign=campaign(starts_on=TODAY + timedelta(5), ends_on=TODAY)), "dates")
    assert not backwards.ok and "after it ends" in backwards.message


def test_the_budget_must_buy_a_thousand_impressions() -> None:
    assert result(ctx(the_campaign=campaign(budget_cents=500, cpm_bid_cents=500)), "budget").ok
    got = result(ctx(the_campaign=campaign(budget_cents=499, cpm_bid_cents=500)), "budget")
    assert not got.ok and "buys 998 impressions" in got.message and "$5.00 or more" in got.message


def test_even_pacing_warns_when_a_days_share_buys_too_little() -> None:
    thin = campaign(pacing="even", budget_cents=10_000, cpm_bid_cents=500, ends_on=TODAY + timedelta(days=29))
    got = result(ctx(the_campaign=thin), "pacing")  # $100 over 30 days at $5 CPM: ~666 a day
    assert not got.ok and got.level == "soft" and "30 days" in got.message
    assert worst(evaluate(ctx(ad(), f.png(300, 250), the_campaign=thin))) == "warn"
    enough = campaign(pacing="even", budget_cents=1_000_000, cpm_bid_cents=500)
    assert result(ctx(the_campaign=enough), "pacing").ok
    assert result(ctx(the_campaign=campaign(pacing="asap", budget_cents=10_000)), "pacing").ok


def test_the_daily_share_is_rounded_to_the_cent_not_cut_off() -> None:
    """QA: $1,800 over 61 days is $29.508 a day, shown $29.50; it reads $29.51."""
    spread = campaign(pacing="even", budget_cents=180_000, cpm_bid_cents=500, ends_on=TODAY + timedelta(days=60))
    assert result(ctx(the_campaign=spread), "pacing").message.startswith("$29.51 a day over 61 days")


def test_a_clean_banner_passes_everything() -> None:
    results = evaluate(ctx(ad(), f.png(300, 250)))
    assert worst(results) == "pass", [r for r in results if not r.ok]
    assert [r.code for r in results] == [
        "creative_content",
        "image_size",
        "file_weight",
        "click_url",
        "click_domain",
        "dates",
        "budget",
        "pacing",
        "landing_page",
    ]


def test_worst() -> None:
    hard_fail = CheckResult("a", "hard", False, "x")
    soft_fail = CheckResult("b", "soft", False, "x")
    fine = CheckResult("c", "hard", True, "x")
    skipped = CheckResult("d", "soft", True, "x", skipped=True)
    assert worst([fine, skipped]) == "pass"
    assert worst([fine, soft_fail]) == "warn"
    assert worst([soft_fail, hard_fail]) == "fail"
    assert worst([]) == "pass"
    assert CheckResult.from_dict(hard_fail.as_dict()) == hard_fail

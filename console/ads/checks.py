"""Automatic pre-checks of an ad: run when it is submitted (and when an edit sends it back to review, and before
approval), stored on the ad (`check_results`, `check_state`) and shown on its review card.

A hard check that fails blocks approval; a soft check warns. A check that cannot run here says so with
`skipped=True` (and counts as passed). The checks, in the order the card lists them:

| code | level | what |
|---|---|---|
| creative_content | hard | the uploaded file is a PNG/JPEG/GIF/WebP image (banner) or MP4 (video), by content |
| image_size | hard | a banner's pixel size equals its format's (BANNER_FORMATS) |
| file_weight | hard | IAB: 150 KB leaderboard/rectangle/skyscraper, 50 KB mobile banner; video 10 MB |
| video_duration | hard | 15/30/60 s (±0.5 s) read from the MP4 by mutagen (as declared for a URL) |
| video_poster | soft | a video ad has a poster image |
| creative_by_url | soft | a creative given as a URL cannot be checked by content nor previewed |
| creative_url, click_url | hard | https only; no javascript:/data:, no user:password@, a real (IDNA) domain |
| click_domain | hard | the click URL's domain and its parents are not on the blocklist (AdDomainBlock) |
| dates | hard | start ≤ end and the end is not past |
| budget | hard | the budget buys at least 1,000 impressions at the CPM bid |
| pacing | soft | even pacing: each remaining day's share buys at least 1,000 impressions |
| landing_page | soft | the landing page answers: pluggable, off here (skipped) |

The first six live in checks_media.py, the URL ones in checks_urls.py, the campaign ones in checks_campaign.py;
`CheckContext`, `CheckResult` and `AdCheck`, which they share, in checks_base.py (importable from here too).

Pluggable checks: anything that satisfies `AdCheck` (a callable from a `CheckContext` to a `CheckResult`, or None
when it does not apply) can be registered under a code with `register_check`; the landing-page check is such a
check, registered off. A deployment with network access registers a real one in its place.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.ads import checks_campaign, checks_media, checks_urls, creatives
from console.ads.checks_base import AdCheck, CheckContext, CheckResult
from console.ads.checks_urls import candidate_domains
from console.ads.models import Ad, AdCampaign, AdDomainBlock
from console.db import utcnow

Verdict = Literal["pass", "warn", "fail"]


def worst(results: list[CheckResult]) -> Verdict:
    """The verdict: "fail" when a hard check failed, else "warn" when a soft one did, else "pass" (skipped pass)."""
    failed = [r for r in results if not r.ok and not r.skipped]
    if any(r.level == "hard" for r in failed):
        return "fail"
    return "warn" if failed else "pass"


def hard_failures(results: list[CheckResult]) -> list[CheckResult]:
    return [r for r in results if r.level == "hard" and not r.ok and not r.skipped]


# --- pluggable checks ---------------------------------------------------------------------------------------

LANDING_PAGE_OFF = "Landing page not checked: this console has no network access (pluggable check off)"


def landing_page_off(ctx: CheckContext) -> CheckResult:
    return CheckResult("landing_page", "soft", True, LANDING_PAGE_OFF, skipped=True)


PLUGGABLE: dict[str, AdCheck] = {"landing_page": landing_page_off}


def register_check(code: str, check: AdCheck | None) -> None:
    """Add or replace a pluggable check under `code`; None puts the landing-page check back to off (or removes
    another check)."""
    if check is not None:
        PLUGGABLE[code] = check
    elif code == "landing_page":
        PLUGGABLE[code] = landing_page_off
    else:
        PLUGGABLE.pop(code, None)


# --- running them -------------------------------------------------------------------------------------------


def builtin_checks() -> list[Callable[[CheckContext], CheckResult | None]]:
    return [*checks_media.CHECKS, *checks_urls.CHECKS, *checks_campaign.CHECKS]


def evaluate(ctx: CheckContext) -> list[CheckResult]:
    """Every check that applies to the context, in the documented order (pure: tests call this directly)."""
    results: list[CheckResult] = []
    for check in [*builtin_checks(), *PLUGGABLE.values()]:
        result = check(ctx)
        if result is not None:
            results.append(result)
    return results


def blocked_domains(session: Session, ad: Ad) -> dict[str, str]:
    """The blocklist entries that match the ad's click URL's domain or one of its parents."""
    candidates = candidate_domains(ad.click_url)
    if not candidates:
        return {}
    rows = session.execute(
        select(AdDomainBlock.domain, AdDomainBlock.reason).where(AdDomainBlock.domain.in_(candidates))
    ).all()
    return {domain: reason for domain, reason in rows}


def context_for(session: Session, ad: Ad, *, today: date | None = None) -> CheckContext:
    campaign = session.get(AdCampaign, ad.campaign_id)
    if campaign is None:  # the foreign key makes this impossible; a clear error all the same
        raise LookupError(f"ad #{ad.id} has no campaign #{ad.campaign_id}")
    return CheckContext(
        ad=ad,
        campaign=campaign,
        creative=creatives.read_creative(ad.creative_path),
        poster=creatives.read_creative(ad.poster_path),
        blocked=blocked_domains(session, ad),
        today=today or utcnow().date(),
    )


def run_checks(session: Session, ad: Ad, *, today: date | None = None) -> list[CheckResult]:
    """Run every check on `ad` as stored now (files read from the creatives folder, the blocklist from the
    database). Does not change the ad: `store_results` does."""
    return evaluate(context_for(session, ad, today=today))


def store_results(ad: Ad, results: list[CheckResult]) -> Verdict:
    """Put the results on the ad (check_results as JSON, check_state as the worst); returns the verdict."""
    verdict = worst(results)
    ad.check_results = [r.as_dict() for r in results]
    ad.check_state = verdict
    return verdict


def stored_results(ad: Ad) -> list[CheckResult]:
    return [CheckResult.from_dict(item) for item in ad.check_results or []]

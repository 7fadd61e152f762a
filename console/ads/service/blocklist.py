"""The click-domain blocklist: add, remove, list. The `click_domain` pre-check refuses an ad whose click URL's
domain, or a parent of it, is listed (blocking example.com blocks ads.example.com).

Domains are stored lower-case in their IDNA (punycode) form: `Bücher.de` is stored as `xn--bcher-kva.de` and
matches click URLs written either way. Adding a domain sends the matching approved, running and paused ads back to
review (they stop running; the check now fails) and re-runs the checks of matching ads pending review; removing
one re-runs the checks of matching ads pending review. Each change is audited (entity "ad_domain_block").
"""

from __future__ import annotations

import contextlib

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from console.actor import Actor
from console.ads.checks_urls import candidate_domains, normalise_domain
from console.ads.models import Ad, AdDomainBlock
from console.ads.service.rows import OPEN_STATES, send_back_to_review, staff_label
from console.audit.service import record as audit
from console.errors import NotFound, ValidationFailed
from console.staff.permissions import Permission, require
from console.validation import clean_text

REASON_MAX = 1000


def _view(block: AdDomainBlock) -> dict[str, object]:
    return {"domain": block.domain, "reason": block.reason, "created_by_id": block.created_by_id}


def _unicode_form(domain: str) -> str:
    try:
        return domain.encode("ascii").decode("idna")
    except UnicodeError:
        return domain


def _matching_ads(session: Session, domain: str, states: tuple[str, ...]) -> list[Ad]:
    """Ads in `states` whose click URL's domain is `domain` or under it (a LIKE narrows, the URL parser decides)."""
    forms = {domain, _unicode_form(domain)}
    url = func.lower(Ad.click_url)
    narrowed = session.execute(
        select(Ad)
        .where(Ad.state.in_(states), or_(*(url.contains(form, autoescape=True) for form in forms)))
        .order_by(Ad.id)
        .with_for_update()
    ).scalars()
    return [ad for ad in narrowed if domain in candidate_domains(ad.click_url)]


def add_domain(session: Session, *, actor: Actor, domain: str, reason: str) -> AdDomainBlock:
    """Block a click-URL domain (and its subdomains) with a reason; matching reviewed ads go back to review."""
    require(actor, Permission.ADS_REVIEW)
    errors: dict[str, str] = {}
    normalised, problem = normalise_domain(domain)
    if problem is not None:
        errors["domain"] = problem
    text = clean_text(reason, "reason", errors, max_len=REASON_MAX, multiline=True)
    if normalised and "domain" not in errors:
        existing = session.execute(select(AdDomainBlock).where(AdDomainBlock.domain == normalised)).scalar_one_or_none()
        if existing is not None:
            errors["domain"] = (
                f"is already blocked (since {existing.created_at:%Y-%m-%d}, by "
                f"{staff_label(session, existing.created_by_id)})"
            )
    if errors or normalised is None:
        raise ValidationFailed(errors)
    block = AdDomainBlock(domain=normalised, reason=text, created_by_id=actor.staff_id)
    session.add(block)
    session.flush()
    audit(session, actor, "ad_domain.block", "ad_domain_block", block.id, None, _view(block), reason=text)
    for ad in _matching_ads(session, normalised, OPEN_STATES):
        send_back_to_review(session, actor=actor, ad=ad, why=f"click domain blocked: {normalised}")
    return block


def remove_domain(session: Session, *, actor: Actor, domain_id: int, reason: str | None = None) -> None:
    """Unblock a domain; the checks of matching ads pending review run again (decided ads stay as they are)."""
    require(actor, Permission.ADS_REVIEW)
    errors: dict[str, str] = {}
    text = clean_text(reason, "reason", errors, max_len=REASON_MAX, required=False, multiline=True) or None
    if errors:
        raise ValidationFailed(errors)
    block = session.get(AdDomainBlock, domain_id)
    if block is None:
        raise NotFound(f"Blocked domain #{domain_id} does not exist (someone may have removed it already).")
    before, domain = _view(block), block.domain
    session.delete(block)
    session.flush()
    audit(session, actor, "ad_domain.unblock", "ad_domain_block", domain_id, before, None, reason=text)
    for ad in _matching_ads(session, domain, ("pending_review",)):
        send_back_to_review(session, actor=actor, ad=ad, why=f"click domain unblocked: {domain}")


def list_domains(session: Session, *, actor: Actor, search: str | None = None, limit: int = 500) -> list[AdDomainBlock]:
    """Blocked domains A-Z, at most `limit` (≤ 1,000); `search` keeps those containing it (IDNA form too)."""
    require(actor, Permission.ADS_READ)
    query = select(AdDomainBlock).order_by(AdDomainBlock.domain).limit(max(1, min(limit, 1000)))
    text = (search or "").strip().lower()
    if text:
        forms = {text}
        with contextlib.suppress(UnicodeError):
            forms.add(text.encode("idna").decode("ascii"))
        query = query.where(or_(*(AdDomainBlock.domain.contains(form, autoescape=True) for form in forms)))
    return list(session.execute(query).scalars())

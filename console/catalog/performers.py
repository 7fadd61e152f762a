"""Performers: directory search, profile edits (version-checked), social links, photo gallery, soft delete."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.actor import Actor
from console.audit.last_change import last_change
from console.audit.service import record
from console.catalog.models import (
    PHOTO_TYPES,
    SOCIAL_PLATFORMS,
    Performer,
    Photo,
    SocialMediaLink,
    Video,
    VideoPerformer,
)
from console.catalog.rules import check_slug, check_url, slugify, unique_slug
from console.db import utcnow
from console.errors import Conflict, NotFound, RuleViolation, ValidationFailed
from console.paging import Page, PageRequest, exact_or_estimated_count, fetch_page
from console.staff.permissions import Permission, require
from console.textsearch import contains, fold
from console.validation import clean_text, text_problem

HANDLE_MAX = 100
NAME_MAX = 200
SLUG_MAX = 220
BIO_MAX = 10_000
ALT_TEXT_MAX = 255
# The longest text each field takes, for forms that show a counter (console.ui.forms.limit_lengths).
TEXT_LIMITS = {
    "name": NAME_MAX,
    "slug": SLUG_MAX,
    "bio": BIO_MAX,
    "handle": HANDLE_MAX,
    "alt_text": ALT_TEXT_MAX,
    "url": 2048,  # rules.check_url
}
MAX_ID = 2**63 - 1


def performer_view(p: Performer) -> dict[str, Any]:
    return {
        "id": p.id,
        "name": p.name,
        "slug": p.slug,
        "bio": p.bio,
        "profile_photo_url": p.profile_photo_url,
        "cover_photo_url": p.cover_photo_url,
        "is_active": p.is_active,
        "deleted_at": p.deleted_at,
        "version": p.version,
    }


@dataclass(frozen=True)
class PerformerFilter:
    search: str | None = None
    include_inactive: bool = True


def list_performers(session: Session, *, actor: Actor, flt: PerformerFilter, page: PageRequest) -> Page[Performer]:
    require(actor, Permission.CATALOG_READ)
    term = (flt.search or "").strip()
    if len(term) > 200:
        raise ValidationFailed({"search": "is too long (200 characters at most)"})
    if (problem := text_problem(term)) is not None:
        raise ValidationFailed({"search": problem})
    query = select(Performer).where(Performer.deleted_at.is_(None))
    if term:  # accent- and case-insensitive (textsearch.py)
        query = query.where(contains(Performer.name_search, fold(term)))
    if not flt.include_inactive:
        query = query.where(Performer.is_active.is_(True))
    total, estimated = exact_or_estimated_count(session, query)
    rows = fetch_page(
        session, query, [(Performer.name, False), (Performer.id, False)], page, total, estimated=estimated
    )
    return Page(rows=rows, total=total, estimated=estimated, request=page)


def get_performer(session: Session, *, actor: Actor, performer_id: int) -> Performer:
    require(actor, Permission.CATALOG_READ)
    # An id outside the 64-bit key range cannot exist (and the drivers refuse to bind it).
    p = session.get(Performer, performer_id) if 0 < performer_id <= MAX_ID else None
    if p is None:
        raise NotFound(f"Performer #{performer_id} does not exist.")
    return p


def videos_of(session: Session, *, actor: Actor, performer_id: int, limit: int = 200) -> list[Video]:
    require(actor, Permission.CATALOG_READ)
    return list(
        session.execute(
            select(Video)
            .join(VideoPerformer, VideoPerformer.video_id == Video.id)
            .where(VideoPerformer.performer_id == performer_id, Video.deleted_at.is_(None))
            .order_by(Video.created_at.desc())
            .limit(limit)
        ).scalars()
    )


def _slugs_taken(session: Session, slugs: list[str], current: Performer | None) -> set[str]:
    clash = select(Performer.slug).where(Performer.slug.in_(slugs), Performer.deleted_at.is_(None))
    if current is not None:
        clash = clash.where(Performer.id != current.id)
    return set(session.execute(clash).scalars())


def _clean(session: Session, data: dict[str, Any], current: Performer | None) -> dict[str, Any]:
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    out["name"] = clean_text(data.get("name"), "name", errors, max_len=NAME_MAX)
    typed_slug = bool(data.get("slug"))
    if typed_slug:  # a typed slug must be free; one made from the name gets a free -2, -3 ... suffix
        out["slug"] = check_slug(data.get("slug"), "slug", errors, max_len=SLUG_MAX)
    elif "name" in errors:  # refused anyway: no slug to make
        out["slug"] = ""
    else:
        base = slugify(out["name"], SLUG_MAX)
        out["slug"] = unique_slug(base, SLUG_MAX, lambda c: _slugs_taken(session, c, current), fallback="performer")
    out["bio"] = clean_text(data.get("bio"), "bio", errors, max_len=BIO_MAX, required=False, multiline=True) or None
    out["profile_photo_url"] = check_url(data.get("profile_photo_url"), "profile_photo_url", errors)
    out["cover_photo_url"] = check_url(data.get("cover_photo_url"), "cover_photo_url", errors)
    out["is_active"] = bool(data.get("is_active", True))
    if typed_slug and "slug" not in errors and _slugs_taken(session, [out["slug"]], current):
        errors["slug"] = "is already used by another performer"
    if errors:
        raise ValidationFailed(errors)
    return out


def create_performer(session: Session, *, actor: Actor, data: dict[str, Any]) -> Performer:
    require(actor, Permission.CATALOG_EDIT)
    p = Performer(**_clean(session, data, None))
    session.add(p)
    session.flush()
    record(session, actor, "performer.create", "performer", p.id, after=performer_view(p))
    return p


def _locked(session: Session, performer_id: int, expected_version: int | None) -> Performer:
    p = session.execute(select(Performer).where(Performer.id == performer_id).with_for_update()).scalar_one_or_none()
    if p is None:
        raise NotFound(f"Performer #{performer_id} does not exist.")
    if expected_version is not None and p.version != expected_version:
        last = last_change(session, "performer", performer_id)
        raise Conflict(
            f"{p.name} was changed by someone else; review and save again.",  # the panel says who and when
            current=performer_view(p),
            changed_by=last.by,
            changed_at=last.at,
        )
    return p


def update_performer(
    session: Session, *, actor: Actor, performer_id: int, data: dict[str, Any], expected_version: int | None
) -> Performer:
    require(actor, Permission.CATALOG_EDIT)
    p = _locked(session, performer_id, expected_version)
    values = _clean(session, data, p)
    before = performer_view(p)
    for name, value in values.items():
        setattr(p, name, value)
    if performer_view(p) == before:
        return p
    session.flush()
    record(session, actor, "performer.update", "performer", p.id, before, performer_view(p))
    return p


def set_social_link(
    session: Session, *, actor: Actor, performer_id: int, platform: str, handle: str, url: str | None
) -> SocialMediaLink:
    """One link per platform (seed 001's unique pair): adds it or replaces that platform's link."""
    require(actor, Permission.CATALOG_EDIT)
    errors: dict[str, str] = {}
    if platform not in SOCIAL_PLATFORMS:
        errors["platform"] = f"must be one of {', '.join(SOCIAL_PLATFORMS)}"
    handle = clean_text((handle or "").lstrip("@"), "handle", errors, max_len=HANDLE_MAX)
    if "handle" not in errors and any(ch.isspace() for ch in handle):
        errors["handle"] = "must not contain spaces"
    checked_url = check_url(url, "url", errors)
    if errors:
        raise ValidationFailed(errors)
    _locked(session, performer_id, None)
    link = session.execute(
        select(SocialMediaLink).where(
            SocialMediaLink.performer_id == performer_id, SocialMediaLink.platform == platform
        )
    ).scalar_one_or_none()
    before = None if link is None else {"platform": link.platform, "handle": link.handle, "url": link.url}
    if link is None:
        link = SocialMediaLink(performer_id=performer_id, platform=platform, handle=handle, url=checked_url)
        session.add(link)
    else:
        link.handle, link.url = handle, checked_url
    session.flush()
    record(
        session,
        actor,
        "performer.social_link",
        "performer",
        performer_id,
        before,
        {"platform": platform, "handle": handle, "url": checked_url},
    )
    return link


def remove_social_link(session: Session, *, actor: Actor, performer_id: int, platform: str) -> None:
    require(actor, Permission.CATALOG_EDIT)
    link = session.execute(
        select(SocialMediaLink).where(
            SocialMediaLink.performer_id == performer_id, SocialMediaLink.platform == platform
        )
    ).scalar_one_or_none()
    if link is None:
        return
    before = {"platform": link.platform, "handle": link.handle, "url": link.url}
    session.delete(link)
    session.flush()
    record(session, actor, "performer.social_link_remove", "performer", performer_id, before, None)


def add_photo(
    session: Session,
    *,
    actor: Actor,
    url: str,
    photo_type: str,
    performer_id: int | None = None,
    video_id: int | None = None,
    alt_text: str | None = None,
    primary: bool = False,
) -> Photo:
    require(actor, Permission.CATALOG_EDIT)
    errors: dict[str, str] = {}
    checked = check_url(url, "url", errors, required=True)
    if photo_type not in PHOTO_TYPES:
        errors["photo_type"] = "is not a photo type"
    if performer_id is None and video_id is None:
        errors["photo"] = "must belong to a performer or a video"
    alt = clean_text(alt_text, "alt_text", errors, max_len=ALT_TEXT_MAX, required=False) or None
    if errors:
        raise ValidationFailed(errors)
    assert checked is not None
    photo = Photo(url=checked, photo_type=photo_type, performer_id=performer_id, video_id=video_id, alt_text=alt)
    session.add(photo)
    session.flush()
    if primary:
        _make_primary(session, photo)
    entity, entity_id = ("performer", performer_id) if performer_id else ("video", video_id)
    record(
        session,
        actor,
        "photo.add",
        entity,
        entity_id,
        None,
        {"photo_id": photo.id, "url": checked, "type": photo_type, "primary": photo.is_primary},
    )
    return photo


def _make_primary(session: Session, photo: Photo) -> None:
    siblings = select(Photo).where(Photo.deleted_at.is_(None), Photo.id != photo.id)
    siblings = (
        siblings.where(Photo.performer_id == photo.performer_id)
        if photo.performer_id
        else siblings.where(Photo.video_id == photo.video_id)
    )
    for other in session.execute(siblings).scalars():
        if other.is_primary:
            other.is_primary = False
    photo.is_primary = True
    if photo.performer_id:
        performer = session.get(Performer, photo.performer_id)
        if performer is not None:
            performer.profile_photo_url = photo.url


def set_primary_photo(session: Session, *, actor: Actor, photo_id: int) -> Photo:
    require(actor, Permission.CATALOG_EDIT)
    photo = session.get(Photo, photo_id)
    if photo is None or photo.deleted_at is not None:
        raise NotFound(f"Photo #{photo_id} does not exist.")
    if not photo.is_primary:
        _make_primary(session, photo)
        session.flush()
        entity, entity_id = ("performer", photo.performer_id) if photo.performer_id else ("video", photo.video_id)
        record(session, actor, "photo.primary", entity, entity_id, None, {"photo_id": photo.id})
    return photo


def remove_photo(session: Session, *, actor: Actor, photo_id: int) -> None:
    require(actor, Permission.CATALOG_EDIT)
    photo = session.get(Photo, photo_id)
    if photo is None or photo.deleted_at is not None:
        return
    if photo.is_primary and photo.performer_id:  # the profile photo follows the primary: do not keep a removed one
        performer = session.get(Performer, photo.performer_id)
        if performer is not None and performer.profile_photo_url == photo.url:
            performer.profile_photo_url = None
    photo.deleted_at = utcnow()
    photo.is_primary = False
    session.flush()
    entity, entity_id = ("performer", photo.performer_id) if photo.performer_id else ("video", photo.video_id)
    record(session, actor, "photo.remove", entity, entity_id, {"photo_id": photo.id, "url": photo.url}, None)


def photos_of(
    session: Session, *, actor: Actor, performer_id: int | None = None, video_id: int | None = None
) -> list[Photo]:
    require(actor, Permission.CATALOG_READ)
    query = (
        select(Photo).where(Photo.deleted_at.is_(None)).order_by(Photo.is_primary.desc(), Photo.sort_order, Photo.id)
    )
    query = query.where(Photo.performer_id == performer_id) if performer_id else query.where(Photo.video_id == video_id)
    return list(session.execute(query).scalars())


def links_of(session: Session, *, actor: Actor, performer_id: int) -> list[SocialMediaLink]:
    require(actor, Permission.CATALOG_READ)
    return list(
        session.execute(
            select(SocialMediaLink)
            .where(SocialMediaLink.performer_id == performer_id)
            .order_by(SocialMediaLink.platform)
        ).scalars()
    )


def delete_performer(
    session: Session, *, actor: Actor, performer_id: int, expected_version: int | None = None
) -> Performer:
    require(actor, Permission.CATALOG_EDIT)
    p = _locked(session, performer_id, expected_version)
    if p.deleted_at is not None:
        return p
    public = session.execute(
        select(Video.id, Video.title)
        .join(VideoPerformer, VideoPerformer.video_id == Video.id)
        .where(
            VideoPerformer.performer_id == p.id, Video.deleted_at.is_(None), Video.state.in_(("published", "scheduled"))
        )
        .order_by(Video.id)
        .limit(6)
    ).all()
    if public:
        titles = ", ".join(f"#{vid} {title}" for vid, title in public[:5]) + (" …" if len(public) > 5 else "")
        raise RuleViolation(
            f"{p.name} appears in public videos ({titles}). Unpublish them or change their "
            "performers first, so no public video loses a performer."
        )
    before = performer_view(p)
    p.deleted_at = utcnow()
    session.flush()
    record(session, actor, "performer.delete", "performer", p.id, before, performer_view(p))
    return p


def restore_performer(session: Session, *, actor: Actor, performer_id: int) -> Performer:
    require(actor, Permission.CATALOG_EDIT)
    p = _locked(session, performer_id, None)
    if p.deleted_at is None:
        return p
    if session.execute(select(Performer.id).where(Performer.slug == p.slug, Performer.deleted_at.is_(None))).first():
        raise ValidationFailed({"slug": "is now used by another performer; change it first"})
    before = performer_view(p)
    p.deleted_at = None
    session.flush()
    record(session, actor, "performer.restore", "performer", p.id, before, performer_view(p))
    return p

"""Reading members (server-paged, indexed filters) and creating them (seeds, later imports)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, false, or_, select
from sqlalchemy.orm import Session

from console.actor import Actor
from console.audit.service import record
from console.db import dialect_name, utcnow
from console.errors import NotFound, ValidationFailed
from console.members.countries import COUNTRIES
from console.members.models import AGE_METHODS, MEMBER_ROLES, MEMBER_STATUSES, Member
from console.paging import Page, PageRequest, exact_or_estimated_count, fetch_page
from console.staff.permissions import Permission, require
from console.textsearch import escape_like, fold, pattern, word_in
from console.validation import clean_email, clean_text, text_problem

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9_.]{2,29}$")
SEARCH_MAX = 254
MAX_ID = 2**63 - 1


@dataclass(frozen=True)
class MemberFilter:
    search: str | None = None
    status: str | None = None
    country: str | None = None


SORTABLE = {
    "created_at": Member.created_at,
    "last_login_at": Member.last_login_at,
}


def member_view(member: Member) -> dict[str, Any]:
    return {
        "id": member.id,
        "email": member.email,
        "username": member.username,
        "display_name": member.display_name,
        "country": member.country,
        "role": member.role,
        "status": member.status,
        "email_verified": member.email_verified,
        "age_verified": member.age_verified,
        "age_verification_method": member.age_verification_method,
        "date_of_birth": member.date_of_birth,
        "created_at": member.created_at,
        "last_login_at": member.last_login_at,
        "deleted_at": member.deleted_at,
    }


def _prefix(session: Session, column: Any, term: str) -> Any:
    """Prefix match that an ordinary btree index serves on both databases."""
    if dialect_name(session) == "postgresql":  # the column has the "C" collation; the pattern is planned as written
        return column.like(pattern(escape_like(term) + "%"), escape="/")
    return and_(column >= term, column < term + "\U0010ffff")  # SQLite's BINARY order: a prefix is a range


def _by_name(folded: str) -> list[Any]:
    """Members whose display name has every word of `folded` (served by the name's trigram index on PostgreSQL);
    nothing for a one-letter word, which would match nearly every name."""
    words = folded.split()
    if not words or any(len(w) < 2 for w in words):
        return []
    return [and_(*(word_in(Member.display_name_search, w) for w in words))]


def _validated(flt: MemberFilter) -> MemberFilter:
    errors: dict[str, str] = {}
    search = (flt.search or "").strip().lower()
    if len(search) > SEARCH_MAX:
        errors["search"] = f"is too long ({SEARCH_MAX} characters at most)"
    elif (problem := text_problem(search)) is not None:
        errors["search"] = problem
    if flt.status and flt.status not in MEMBER_STATUSES:
        errors["status"] = "is not a member status"
    country = (flt.country or "").strip().upper() or None
    if country and country not in COUNTRIES:
        errors["country"] = "is not a known country code"
    if errors:
        raise ValidationFailed(errors)
    return MemberFilter(search=search or None, status=flt.status or None, country=country)


def list_members(session: Session, *, actor: Actor, flt: MemberFilter, page: PageRequest) -> Page[Member]:
    """One page of members. Search is a prefix of the e-mail or the username, words of the display name ("amelie
    pou" finds "Amélie Poulain": each word of two letters is a whole word of the name, of three or more anywhere in
    it), or a member number ("#126" only that member; "126" also finds it). A term with an "@" inside is an e-mail
    prefix only, one starting with "@" a handle (e-mail or username prefix); the username prefix and the name are
    folded (case and accents), the e-mail prefix only lower-cased."""
    require(actor, Permission.MEMBERS_READ)
    flt = _validated(flt)
    query = select(Member)
    if flt.search:
        term = flt.search.lstrip("@") if flt.search.startswith("@") else flt.search
        digits = flt.search.removeprefix("#")
        # A member number: "#126" is that member only; "126" is that member or an e-mail/username starting so.
        by_id = (
            [Member.id == int(digits)] if digits.isascii() and digits.isdigit() and 0 < int(digits) <= MAX_ID else []
        )
        if flt.search.startswith("#"):
            query = query.where(by_id[0] if by_id else false())
        elif "@" in flt.search.strip("@"):
            query = query.where(_prefix(session, Member.email, flt.search))
        elif term:
            # Usernames are a-z, 0-9, '_' and '.': "Amélie" looks for the username "amelie" (textsearch.py)
            by_username = [_prefix(session, Member.username, folded)] if (folded := fold(term)) else []
            by_name = [] if flt.search.startswith("@") else _by_name(folded)
            query = query.where(or_(_prefix(session, Member.email, term), *by_username, *by_id, *by_name))
    if flt.status:
        query = query.where(Member.status == flt.status)
    if flt.country:
        query = query.where(Member.country == flt.country)
    total, estimated = exact_or_estimated_count(session, query)
    sort_col = SORTABLE.get(page.sort or "", Member.created_at)
    descending = page.descending if page.sort in SORTABLE else True
    rows = fetch_page(
        session, query, [(sort_col, descending), (Member.id, descending)], page, total, estimated=estimated
    )
    return Page(rows=rows, total=total, estimated=estimated, request=page)


def get_member(session: Session, *, actor: Actor, member_id: int) -> Member:
    require(actor, Permission.MEMBERS_READ)
    # An id outside the 64-bit key range cannot exist (and the drivers refuse to bind it).
    member = session.get(Member, member_id) if 0 < member_id <= MAX_ID else None
    if member is None:
        raise NotFound(f"Member #{member_id} does not exist.")
    return member


def status_counts(session: Session, *, actor: Actor) -> dict[str, tuple[int, bool]]:
    """Members per status as (count, estimated); exact for small tables, planner estimates for big ones."""
    require(actor, Permission.MEMBERS_READ)
    return {
        status: exact_or_estimated_count(session, select(Member).where(Member.status == status))
        for status in MEMBER_STATUSES
    }


def create_member(
    session: Session,
    *,
    actor: Actor,
    email: str,
    username: str,
    display_name: str,
    country: str | None = None,
    role: str = "viewer",
    status: str = "active",
    date_of_birth: date | None = None,
    age_verified: bool = False,
    age_verification_method: str | None = None,
    email_verified: bool = False,
    created_at: datetime | None = None,
    last_login_at: datetime | None = None,
) -> Member:
    require(actor, Permission.MEMBERS_EDIT)
    errors: dict[str, str] = {}
    email = clean_email(email, errors)
    username = (username or "").strip().lower()
    if not USERNAME_RE.match(username):
        errors["username"] = "must be 3-30 characters: a-z, 0-9, '_' or '.', starting with a letter or digit"
    display_name = clean_text(display_name, "display_name", errors, max_len=80)
    country = (country or "").upper() or None
    if country and country not in COUNTRIES:
        errors["country"] = "is not a known country code"
    if role not in MEMBER_ROLES:
        errors["role"] = "is not a member role"
    if status not in MEMBER_STATUSES:
        errors["status"] = "is not a member status"
    if age_verification_method and age_verification_method not in AGE_METHODS:
        errors["age_verification_method"] = "is not a verification method"
    if "email" not in errors and session.execute(select(Member.id).where(Member.email == email)).first():
        errors["email"] = "is already used by another member"
    if "username" not in errors and session.execute(select(Member.id).where(Member.username == username)).first():
        errors["username"] = "is already taken"
    if errors:
        raise ValidationFailed(errors)

    now = utcnow()
    member = Member(
        email=email,
        username=username,
        display_name=display_name,
        country=country,
        role=role,
        status=status,
        date_of_birth=date_of_birth,
        age_verified=age_verified,
        age_verified_at=(created_at or now) if age_verified else None,
        age_verification_method=age_verification_method if age_verified else None,
        email_verified=email_verified,
        created_at=created_at or now,
        updated_at=created_at or now,
        last_login_at=last_login_at,
        deleted_at=(last_login_at or created_at or now) if status == "deleted" else None,
    )
    session.add(member)
    session.flush()
    record(session, actor, "member.create", "member", member.id, after=member_view(member))
    return member

"""Sign-in, lockout, TOTP two-factor, and staff sessions with idle and absolute limits.

Sign-in functions return a result instead of raising: a failed attempt must still be written
(attempt row + audit event) when the caller commits.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

import pyotp
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from console.actor import Actor, ClientInfo, anonymous
from console.audit.service import record
from console.config import get_settings
from console.crypto import UnreadableSecret, open_text, seal_text
from console.db import utcnow
from console.errors import ValidationFailed
from console.staff.models import LoginAttempt, Staff, StaffSession
from console.staff.passwords import hash_password, needs_rehash, password_problem, verify_password
from console.staff.permissions import TOTP_REQUIRED_ROLES

GENERIC_FAILURE = "E-mail or password is not correct."
TOTP_FAILURE = "That code is not correct. Use the 6-digit code from your authenticator app or a recovery code."
TOTP_UNREADABLE = (
    "Authenticator codes cannot be checked right now because of a problem with the console's key, not with your "
    "code. Sign in with one of your recovery codes, or ask an administrator."
)
MAX_SECRET_CHARS = 64  # pyotp's secrets are 32; the Fernet token of 64 characters still fits the 255-character column
RECOVERY_CODE_COUNT = 10
PENDING_TOTP_MINUTES = 5
TOUCH_EVERY = timedelta(seconds=30)
ISSUER = "Staff Console"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SignInResult:
    status: Literal["ok", "totp_required", "invalid", "locked"]
    message: str = ""
    token: str | None = None
    staff_id: int | None = None
    locked_until: datetime | None = None


@dataclass(frozen=True)
class SessionInfo:
    actor: Actor
    name: str
    must_change_password: bool
    totp_enrolment_required: bool
    expires_at: datetime
    time_zone: str = "UTC"  # the IANA zone the staff member reads times in (console/ui/formatting.py)


def staff_actor(staff: Staff, *, session_id: str | None = None, client: ClientInfo | None = None) -> Actor:
    return Actor(
        kind="staff",
        label=staff.email,
        staff_id=staff.id,
        roles=frozenset(staff.roles),
        session_id=session_id,
        client=client or ClientInfo(),
    )


def token_id(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _lockout_until(session: Session, email: str, now: datetime) -> datetime | None:
    """When the account unlocks, if the last N failures (since the last success) fell within the window."""
    settings = get_settings()
    window = timedelta(minutes=settings.lockout_window_minutes)
    last_success = session.execute(
        select(LoginAttempt.attempted_at)
        .where(LoginAttempt.email == email, LoginAttempt.succeeded.is_(True))
        .order_by(LoginAttempt.attempted_at.desc())
        .limit(1)
    ).scalar_one_or_none()
    query = select(LoginAttempt.attempted_at).where(
        LoginAttempt.email == email,
        LoginAttempt.succeeded.is_(False),
        LoginAttempt.attempted_at > now - 2 * window,
    )
    if last_success is not None:
        query = query.where(LoginAttempt.attempted_at > last_success)
    failures = (
        session.execute(query.order_by(LoginAttempt.attempted_at.desc()).limit(settings.lockout_attempts))
        .scalars()
        .all()
    )
    if len(failures) < settings.lockout_attempts:
        return None
    newest, oldest = failures[0], failures[-1]
    if newest - oldest > window:
        return None
    until = newest + window
    return until if now < until else None


def _fail(
    session: Session, *, email: str, staff: Staff | None, client: ClientInfo, stage: str, now: datetime
) -> SignInResult:
    session.add(
        LoginAttempt(
            email=email,
            staff_id=staff.id if staff else None,
            attempted_at=now,
            succeeded=False,
            stage=stage,
            ip=client.ip,
        )
    )
    session.flush()
    who = staff_actor(staff, client=client) if staff else anonymous(email or "anonymous", client)
    record(
        session, who, "auth.login_failed", "staff", staff.id if staff else None, after={"email": email, "stage": stage}
    )
    until = _lockout_until(session, email, now)
    if until is not None:
        record(
            session,
            who,
            "auth.lockout",
            "staff",
            staff.id if staff else None,
            after={"email": email, "locked_until": until},
        )
        return SignInResult("locked", _locked_message(until, now), locked_until=until)
    return SignInResult("invalid", TOTP_FAILURE if stage == "totp" else GENERIC_FAILURE)


def _locked_message(until: datetime, now: datetime) -> str:
    minutes = max(1, math.ceil((until - now).total_seconds() / 60))  # 15:00 left is 15 minutes, 14:01 is 15
    return (
        f"Too many failed sign-in attempts. This account is locked for {minutes} more minute"
        f"{'s' if minutes != 1 else ''}; try again later or ask an administrator."
    )


def _refuse_locked(
    session: Session, *, email: str, staff: Staff | None, client: ClientInfo, now: datetime, until: datetime
) -> SignInResult:
    who = staff_actor(staff, client=client) if staff else anonymous(email or "anonymous", client)
    record(session, who, "auth.login_refused_locked", "staff", staff.id if staff else None, after={"email": email})
    return SignInResult("locked", _locked_message(until, now), locked_until=until)


def sign_in(session: Session, *, email: str, password: str, client: ClientInfo) -> SignInResult:
    """First factor. Unknown e-mail, wrong password and deactivated account all get the same answer."""
    now = utcnow()
    email = (email or "").strip().lower()[:254]
    password = (password or "")[:1024]
    staff = session.execute(select(Staff).where(Staff.email == email)).scalar_one_or_none() if email else None
    until = _lockout_until(session, email, now)
    if until is not None:
        return _refuse_locked(session, email=email, staff=staff, client=client, now=now, until=until)
    ok = verify_password(staff.password_hash if staff else None, password)
    if not ok or staff is None or not staff.is_active:
        return _fail(session, email=email, staff=staff, client=client, stage="password", now=now)
    if needs_rehash(staff.password_hash):
        staff.password_hash = hash_password(password)
    if staff.totp_enabled:
        return SignInResult("totp_required", staff_id=staff.id)
    return _open_session(session, staff, client, now)


def verify_second_factor(
    session: Session, *, staff_id: int, code: str, client: ClientInfo, pending_since: datetime
) -> SignInResult:
    """Second factor: a current TOTP code (each used once) or one unused recovery code."""
    now = utcnow()
    staff = session.get(Staff, staff_id)
    if staff is None or not staff.is_active or not staff.totp_enabled or staff.totp_secret_encrypted is None:
        return SignInResult("invalid", GENERIC_FAILURE)
    if now - pending_since > timedelta(minutes=PENDING_TOTP_MINUTES):
        return SignInResult("invalid", "The sign-in took too long. Enter your e-mail and password again.")
    until = _lockout_until(session, staff.email, now)
    if until is not None:
        return _refuse_locked(session, email=staff.email, staff=staff, client=client, now=now, until=until)
    code = "".join((code or "").split())[:32]
    try:
        totp_ok = _check_totp(staff, code, now)
    except UnreadableSecret:
        return _totp_unreadable(session, staff, client)
    if totp_ok:
        return _open_session(session, staff, client, now)
    if _use_recovery_code(staff, code):
        record(
            session,
            staff_actor(staff, client=client),
            "staff.recovery_code_used",
            "staff",
            staff.id,
            after={"recovery_codes_left": len(staff.recovery_code_hashes)},
        )
        return _open_session(session, staff, client, now)
    return _fail(session, email=staff.email, staff=staff, client=client, stage="totp", now=now)


def _check_totp(staff: Staff, code: str, now: datetime) -> bool:
    """Whether `code` is a current, unused code; the secret is decrypted here only, for this check."""
    if not (code.isdigit() and len(code) == 6) or staff.totp_secret_encrypted is None:
        return False
    totp = pyotp.TOTP(open_text(staff.totp_secret_encrypted))
    step_now = int(now.timestamp()) // totp.interval
    for step in (step_now - 1, step_now, step_now + 1):
        if staff.totp_last_step is not None and step <= staff.totp_last_step:
            continue  # a code is good once: a shoulder-surfed or replayed code is refused
        if hmac.compare_digest(totp.at(step * totp.interval), code):
            staff.totp_last_step = step
            return True
    return False


def _totp_unreadable(session: Session, staff: Staff, client: ClientInfo) -> SignInResult:
    """The stored secret does not decrypt: tell the staff member what they can do, the operator what to fix.

    Not a failed attempt (the code may well be right), so it does not count towards the lockout.
    """
    log.error(
        "Staff %s (id %s) cannot sign in with an authenticator code: the stored TOTP secret does not decrypt with "
        "CONSOLE_RECORDS_KEY (the key was changed or rotated since the secret was stored). Restore the key the "
        "console ran with, or have an administrator reset this account's 2FA (Staff > Reset 2FA) so it enrols again; "
        "recovery codes still work.",
        staff.email,
        staff.id,
    )
    record(session, staff_actor(staff, client=client), "auth.totp_unreadable", "staff", staff.id)
    return SignInResult("invalid", TOTP_UNREADABLE)


def _hash_recovery(code: str) -> str:
    return hashlib.sha256(code.replace("-", "").lower().encode()).hexdigest()


def _use_recovery_code(staff: Staff, code: str) -> bool:
    wanted = _hash_recovery(code)
    remaining = list(staff.recovery_code_hashes or [])
    for stored in remaining:
        if hmac.compare_digest(stored, wanted):
            remaining.remove(stored)
            staff.recovery_code_hashes = remaining
            return True
    return False


def _open_session(session: Session, staff: Staff, client: ClientInfo, now: datetime) -> SignInResult:
    settings = get_settings()
    token = secrets.token_urlsafe(32)
    session.add(
        StaffSession(
            id=token_id(token),
            staff_id=staff.id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(hours=settings.session_max_hours),
            ip=client.ip,
            user_agent=(client.user_agent or "")[:512] or None,
        )
    )
    session.add(LoginAttempt(email=staff.email, staff_id=staff.id, attempted_at=now, succeeded=True, ip=client.ip))
    staff.last_login_at = now
    record(
        session,
        staff_actor(staff, session_id=token_id(token), client=client),
        "auth.login",
        "staff",
        staff.id,
        after={"email": staff.email, "totp": staff.totp_enabled},
    )
    return SignInResult("ok", token=token, staff_id=staff.id)


# Built once: the middleware runs it on every request (see compliance/records/reading.py).
_SESSION_AND_STAFF = (
    select(StaffSession, Staff)
    .outerjoin(Staff, Staff.id == StaffSession.staff_id)
    .where(StaffSession.id == bindparam("token_id"))
)


def resolve_session(
    session: Session, token: str | None, client: ClientInfo | None = None, *, touch: bool = True
) -> SessionInfo | None:
    """The signed-in staff member for a session token, or None once it ended (idle, expired, deactivated).

    `touch` marks the session as active; a background check passes False so an open tab alone never
    keeps a session from idling out.
    """
    if not token:
        return None
    now = utcnow()
    settings = get_settings()
    # One round trip per page open (the middleware runs this on every request): the session and its staff member.
    found = session.execute(_SESSION_AND_STAFF, {"token_id": token_id(token)}).first()
    if found is None:
        return None
    row, staff = found  # (StaffSession, Staff | None)
    if row.ended_at is not None:
        return None
    reason = None
    if staff is None or not staff.is_active:
        reason = "deactivated"
    elif now >= row.expires_at:
        reason = "expired"
    elif now - row.last_seen_at > timedelta(minutes=settings.idle_timeout_minutes):
        reason = "idle"
    if reason is not None:
        row.ended_at, row.end_reason = now, reason
        if staff is not None:
            record(
                session,
                staff_actor(staff, session_id=row.id, client=client),
                "auth.session_ended",
                "staff",
                staff.id,
                after={"reason": reason},
            )
        return None
    assert staff is not None
    if touch and now - row.last_seen_at > TOUCH_EVERY:
        row.last_seen_at = now
    needs_totp = settings.is_production and not staff.totp_enabled and bool(TOTP_REQUIRED_ROLES & set(staff.roles))
    return SessionInfo(
        actor=staff_actor(staff, session_id=row.id, client=client or ClientInfo(ip=row.ip, user_agent=row.user_agent)),
        name=staff.name,
        must_change_password=staff.must_change_password,
        totp_enrolment_required=needs_totp,
        expires_at=row.expires_at,
        time_zone=staff.time_zone,
    )


def sign_out(session: Session, *, token: str | None, client: ClientInfo | None = None) -> None:
    if not token:
        return
    row = session.get(StaffSession, token_id(token))
    if row is None or row.ended_at is not None:
        return
    row.ended_at, row.end_reason = utcnow(), "signed_out"
    staff = session.get(Staff, row.staff_id)
    if staff is not None:
        record(session, staff_actor(staff, session_id=row.id, client=client), "auth.logout", "staff", staff.id)


def end_sessions_of(session: Session, staff_id: int, reason: str) -> int:
    """End every open session of a staff member (deactivation, password reset); returns how many."""
    now = utcnow()
    rows = (
        session.execute(select(StaffSession).where(StaffSession.staff_id == staff_id, StaffSession.ended_at.is_(None)))
        .scalars()
        .all()
    )
    for row in rows:
        row.ended_at, row.end_reason = now, reason
    return len(rows)


# --- TOTP enrolment --------------------------------------------------------------------------------


def new_totp_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def totp_is_on(session: Session, *, actor: Actor) -> bool:
    """Whether the signed-in staff member's own two-factor sign-in is turned on."""
    staff = session.get(Staff, actor.staff_id) if actor.staff_id else None
    return bool(staff and staff.totp_enabled)


def _new_recovery_codes() -> list[str]:
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(alphabet) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def confirm_totp_enrolment(session: Session, *, actor: Actor, secret: str, code: str) -> list[str]:
    """Turn on TOTP once the staff member proves their app shows the right code; returns recovery codes once."""
    staff = session.get(Staff, actor.staff_id) if actor.staff_id else None
    if staff is None:
        raise ValidationFailed({"account": "sign in first"})
    if staff.totp_enabled:
        raise ValidationFailed({"totp": "is already on; make new recovery codes instead, or ask an admin to reset it"})
    code = "".join((code or "").split())
    matched: int | None = None
    try:
        totp = pyotp.TOTP(secret)
        step_now = int(utcnow().timestamp()) // totp.interval
        if code.isdigit() and len(code) == 6 and len(secret) <= MAX_SECRET_CHARS:
            for step in (step_now - 1, step_now, step_now + 1):
                if hmac.compare_digest(totp.at(step * totp.interval), code):
                    matched = step
                    break
    except (ValueError, TypeError):
        matched = None
    if matched is None:
        raise ValidationFailed({"code": "does not match; check the time on your phone and try the next code"})
    before = {"totp": staff.totp_enabled}
    codes = _new_recovery_codes()
    staff.totp_secret_encrypted = seal_text(secret)
    staff.totp_enabled_at = utcnow()
    staff.totp_last_step = matched  # the enrolment code cannot be replayed to sign in
    staff.recovery_code_hashes = [_hash_recovery(c) for c in codes]
    record(session, actor, "staff.totp_enable", "staff", staff.id, before=before, after={"totp": True})
    return codes


def regenerate_recovery_codes(session: Session, *, actor: Actor) -> list[str]:
    staff = session.get(Staff, actor.staff_id) if actor.staff_id else None
    if staff is None or not staff.totp_enabled:
        raise ValidationFailed({"totp": "two-factor sign-in is not turned on"})
    codes = _new_recovery_codes()
    staff.recovery_code_hashes = [_hash_recovery(c) for c in codes]
    record(session, actor, "staff.recovery_codes_regenerate", "staff", staff.id)
    return codes


def change_own_password(session: Session, *, actor: Actor, current: str, new: str) -> None:
    staff = session.get(Staff, actor.staff_id) if actor.staff_id else None
    if staff is None:
        raise ValidationFailed({"account": "sign in first"})
    errors: dict[str, str] = {}
    if not verify_password(staff.password_hash, current or ""):
        errors["current"] = "is not your current password"
    problem = password_problem(new, email=staff.email)
    if problem:
        errors["new"] = problem
    elif new == current:
        errors["new"] = "must differ from the current password"
    if errors:
        raise ValidationFailed(errors)
    staff.password_hash = hash_password(new)
    staff.password_changed_at = utcnow()
    staff.must_change_password = False
    record(session, actor, "staff.password_change", "staff", staff.id)

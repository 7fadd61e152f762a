"""Staff administration services: create, validation, permissions, last-admin rule, versions, audit, listing."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pyotp
import pytest
from sqlalchemy import func, select

from console.actor import SYSTEM, Actor, ClientInfo
from console.audit.models import AuditEvent
from console.db import session_scope
from console.errors import Conflict, Forbidden, RuleViolation, ValidationFailed
from console.paging import PageRequest
from console.staff import service
from console.staff.auth import confirm_totp_enrolment, resolve_session, sign_in, token_id
from console.staff.models import Staff, StaffSession
from console.staff.permissions import Role
from console.staff.service import StaffFilter
from tests.conftest import PASSWORD

MakeStaff = Callable[..., tuple[int, str]]
ActorFor = Callable[[int], Actor]
CLIENT = ClientInfo(ip="198.51.100.9", user_agent="pytest-admin")
GOOD_PASSWORD = "a perfectly fine passphrase"


# --- helpers ---------------------------------------------------------------------------------------


def audit_count() -> int:
    with session_scope() as session:
        return int(session.execute(select(func.count()).select_from(AuditEvent)).scalar_one())


def staff_count() -> int:
    with session_scope() as session:
        return int(session.execute(select(func.count()).select_from(Staff)).scalar_one())


def new_events(after_count: int) -> list[AuditEvent]:
    with session_scope() as session:
        rows = session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars().all()
        return list(rows[after_count:])


def load(staff_id: int) -> Staff:
    with session_scope() as session:
        staff = session.get(Staff, staff_id)
        assert staff is not None
        return staff


def sign_in_token(email: str, password: str = PASSWORD) -> str:
    with session_scope() as session:
        result = sign_in(session, email=email, password=password, client=CLIENT)
    assert result.status == "ok", result
    assert result.token
    return result.token


def session_row(token: str) -> StaffSession:
    with session_scope() as session:
        row = session.get(StaffSession, token_id(token))
        assert row is not None
        return row


def create(actor: Actor, **overrides: Any) -> tuple[Staff, str]:
    fields: dict[str, Any] = {
        "email": "new.person@test.example",
        "name": "New Person",
        "roles": ["moderator"],
        "password": GOOD_PASSWORD,
    }
    fields.update(overrides)
    with session_scope() as session:
        return service.create_staff(session, actor=actor, **fields)


def listing(actor: Actor, flt: StaffFilter | None = None, page: PageRequest | None = None) -> tuple[list[str], int]:
    with session_scope() as session:
        result = service.list_staff(session, actor=actor, flt=flt or StaffFilter(), page=page or PageRequest(size=200))
        return [s.email for s in result.rows], result.total


# --- create_staff: validation ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "fields"),
    [
        ({"name": ""}, {"name"}),
        ({"name": "   "}, {"name"}),
        ({"name": "x" * 121}, {"name"}),
        ({"name": "Bad\x00Name"}, {"name"}),
        ({"email": "not-an-email"}, {"email"}),
        ({"email": ""}, {"email"}),
        ({"email": "ROOT@Test.Example"}, {"email"}),  # the admin fixture's address, in other case
        ({"roles": ["wizard"]}, {"roles"}),
        ({"roles": ["moderator", "wizard"]}, {"roles"}),
        ({"roles": []}, {"roles"}),
        ({"password": "short"}, {"password"}),
        ({"password": "aaaaaaaaaaaaaaaa"}, {"password"}),
        ({"password": "new.person@test.example"}, {"password"}),
        ({"password": " padded passphrase "}, {"password"}),
        ({"name": "", "email": "nope", "roles": [], "password": "x"}, {"name", "email", "roles", "password"}),
    ],
    ids=[
        "empty-name",
        "blank-name",
        "name-121",
        "name-control-char",
        "email-without-at",
        "empty-email",
        "duplicate-email-other-case",
        "unknown-role",
        "known-and-unknown-role",
        "no-role",
        "short-password",
        "repetitive-password",
        "password-is-email",
        "password-with-spaces",
        "everything-wrong",
    ],
)
def test_create_staff_validation(admin: Actor, overrides: dict[str, Any], fields: set[str]) -> None:
    events_before, staff_before = audit_count(), staff_count()
    fields_in = {"email": "new.person@test.example", "name": "New Person", "roles": ["moderator"]}
    fields_in |= {"password": GOOD_PASSWORD} | overrides

    with session_scope() as session:
        with pytest.raises(ValidationFailed) as info:
            service.create_staff(session, actor=admin, **fields_in)
        # Nothing is even pending in the unit of work (a caller that catches the error and commits stays clean).
        assert [o for o in session.new if isinstance(o, AuditEvent | Staff)] == []

    assert set(info.value.errors) == fields
    assert all(info.value.errors.values())
    assert audit_count() == events_before
    assert staff_count() == staff_before


def test_duplicate_email_message_is_clear(admin: Actor) -> None:
    with pytest.raises(ValidationFailed) as info:
        create(admin, email=" Root@TEST.example ")
    assert "already used" in info.value.errors["email"]


def test_name_of_exactly_120_characters_is_accepted(admin: Actor) -> None:
    staff, _ = create(admin, name="n" * 120)
    assert load(staff.id).name == "n" * 120


@pytest.mark.parametrize(
    "name",
    ["Zoë Ångström 李小龙", "<script>alert(1)</script>", 'O\'Brien "Bob" & Sons; DROP TABLE staff;--', "🙂 Emoji"],
)
def test_names_are_stored_verbatim(admin: Actor, name: str) -> None:
    staff, _ = create(admin, name=name)
    assert load(staff.id).name == name
    [event] = [e for e in new_events(0) if e.action == "staff.create" and e.entity_id == str(staff.id)]
    assert event.after["name"] == name


def test_email_is_stored_trimmed_and_lowercase(admin: Actor) -> None:
    staff, _ = create(admin, email="  Mixed.Case@Test.Example ")
    assert load(staff.id).email == "mixed.case@test.example"
    token = sign_in_token("mixed.case@test.example", GOOD_PASSWORD)
    assert token


def test_create_staff_without_a_password_generates_one_that_signs_in(admin: Actor) -> None:
    staff, password = create(admin, password=None, must_change_password=True)
    assert len(password) >= 12
    stored = load(staff.id)
    assert stored.must_change_password is True
    assert stored.password_hash != password
    assert stored.roles == ["moderator"]
    assert stored.is_active is True and stored.version == 1
    sign_in_token(stored.email, password)


def test_create_staff_deduplicates_and_sorts_roles(admin: Actor) -> None:
    staff, _ = create(admin, roles=["moderator", "content", "moderator"])
    assert load(staff.id).roles == ["content", "moderator"]


def test_create_staff_writes_one_audit_event_without_secrets(admin: Actor) -> None:
    before = audit_count()
    staff, password = create(admin)
    [event] = new_events(before)
    assert event.action == "staff.create"
    assert event.entity == "staff" and event.entity_id == str(staff.id)
    assert event.actor_id == admin.staff_id and event.actor_label == admin.label
    assert event.before is None
    assert event.after == {
        "id": staff.id,
        "email": "new.person@test.example",
        "name": "New Person",
        "roles": ["moderator"],
        "is_active": True,
        "totp": False,
        "must_change_password": True,
        "version": 1,
    }
    dumped = json.dumps([event.before, event.after, event.reason])
    assert password not in dumped
    assert load(staff.id).password_hash not in dumped
    assert "argon2" not in dumped


# --- permissions -----------------------------------------------------------------------------------


NON_ADMIN_ROLES = [r.value for r in Role if r is not Role.ADMIN]


def _call_every_admin_service(actor: Actor, target_id: int) -> dict[str, Callable[[Any], Any]]:
    return {
        "list_staff": lambda s: service.list_staff(s, actor=actor, flt=StaffFilter(), page=PageRequest()),
        "get_staff": lambda s: service.get_staff(s, actor=actor, staff_id=target_id),
        "all_staff_brief": lambda s: service.all_staff_brief(s, actor=actor),
        "create_staff": lambda s: service.create_staff(
            s, actor=actor, email="sneaky@test.example", name="Sneaky", roles=["admin"], password=GOOD_PASSWORD
        ),
        "set_active": lambda s: service.set_active(s, actor=actor, staff_id=target_id, active=False),
        "set_roles": lambda s: service.set_roles(s, actor=actor, staff_id=target_id, roles=["moderator"]),
        "update_profile": lambda s: service.update_profile(s, actor=actor, staff_id=target_id, name="Renamed"),
        "reset_password": lambda s: service.reset_password(s, actor=actor, staff_id=target_id),
        "reset_totp": lambda s: service.reset_totp(s, actor=actor, staff_id=target_id),
    }


SERVICES = [
    "list_staff",
    "get_staff",
    "all_staff_brief",
    "create_staff",
    "set_active",
    "set_roles",
    "update_profile",
    "reset_password",
    "reset_totp",
]


@pytest.mark.parametrize("service_name", SERVICES)
@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_non_admins_are_forbidden(
    admin: Actor, make_staff: MakeStaff, actor_for: ActorFor, role: str, service_name: str
) -> None:
    caller_id, _ = make_staff(role)
    caller = actor_for(caller_id)
    target = load(admin.staff_id or 0)
    events_before, staff_before = audit_count(), staff_count()

    with session_scope() as session, pytest.raises(Forbidden) as info:
        _call_every_admin_service(caller, target.id)[service_name](session)

    assert "staff.manage" in info.value.message
    assert audit_count() == events_before
    assert staff_count() == staff_before
    after = load(target.id)
    assert (after.is_active, after.roles, after.name, after.version) == (True, ["admin"], "Root Admin", 1)
    assert after.password_hash == target.password_hash


def test_all_roles_but_admin_together_are_still_forbidden(make_staff: MakeStaff, actor_for: ActorFor) -> None:
    caller_id, _ = make_staff(*NON_ADMIN_ROLES)
    with session_scope() as session, pytest.raises(Forbidden):
        service.list_staff(session, actor=actor_for(caller_id), flt=StaffFilter(), page=PageRequest())


def test_staff_actor_without_roles_is_forbidden(admin: Actor) -> None:
    nobody = Actor(kind="staff", label="x@test.example", staff_id=admin.staff_id, roles=frozenset())
    with session_scope() as session, pytest.raises(Forbidden):
        service.list_staff(session, actor=nobody, flt=StaffFilter(), page=PageRequest())


# --- last administrator, self-deactivation ---------------------------------------------------------


def test_the_last_admin_cannot_be_deactivated(admin: Actor) -> None:
    before = audit_count()
    with session_scope() as session, pytest.raises(RuleViolation) as info:
        service.set_active(session, actor=SYSTEM, staff_id=admin.staff_id or 0, active=False)
    assert "last active administrator" in info.value.message
    assert load(admin.staff_id or 0).is_active is True
    assert audit_count() == before


def test_the_last_admin_cannot_lose_the_admin_role(admin: Actor) -> None:
    before = audit_count()
    for actor in (admin, SYSTEM):
        with session_scope() as session, pytest.raises(RuleViolation):
            service.set_roles(session, actor=actor, staff_id=admin.staff_id or 0, roles=["moderator"])
    assert load(admin.staff_id or 0).roles == ["admin"]
    assert audit_count() == before


def test_the_last_admin_may_gain_roles(admin: Actor) -> None:
    with session_scope() as session:
        service.set_roles(session, actor=admin, staff_id=admin.staff_id or 0, roles=["admin", "finance"])
    assert load(admin.staff_id or 0).roles == ["admin", "finance"]


def test_a_deactivated_admin_does_not_count(admin: Actor, make_staff: MakeStaff) -> None:
    second_id, _ = make_staff("admin")
    with session_scope() as session:
        service.set_active(session, actor=admin, staff_id=second_id, active=False)
    with session_scope() as session, pytest.raises(RuleViolation):
        service.set_roles(session, actor=admin, staff_id=admin.staff_id or 0, roles=["moderator"])
    with session_scope() as session, pytest.raises(RuleViolation):
        service.set_active(session, actor=SYSTEM, staff_id=admin.staff_id or 0, active=False)


def test_with_a_second_admin_an_admin_can_be_deactivated(admin: Actor, make_staff: MakeStaff) -> None:
    second_id, _ = make_staff("admin")
    with session_scope() as session:
        service.set_active(session, actor=admin, staff_id=second_id, active=False)
    assert load(second_id).is_active is False
    # Now root is the last one again.
    with session_scope() as session, pytest.raises(RuleViolation):
        service.set_active(session, actor=SYSTEM, staff_id=admin.staff_id or 0, active=False)


def test_with_a_second_admin_the_admin_role_can_be_removed(admin: Actor, make_staff: MakeStaff) -> None:
    second_id, _ = make_staff("admin")
    with session_scope() as session:
        service.set_roles(session, actor=admin, staff_id=admin.staff_id or 0, roles=["moderator"])
    assert load(admin.staff_id or 0).roles == ["moderator"]
    with session_scope() as session, pytest.raises(RuleViolation):
        service.set_roles(session, actor=SYSTEM, staff_id=second_id, roles=["finance"])


def test_you_cannot_deactivate_yourself(admin: Actor, make_staff: MakeStaff) -> None:
    make_staff("admin")  # so the last-admin rule is not what refuses it
    before = audit_count()
    with session_scope() as session, pytest.raises(RuleViolation) as info:
        service.set_active(session, actor=admin, staff_id=admin.staff_id or 0, active=False)
    assert "your own account" in info.value.message
    assert load(admin.staff_id or 0).is_active is True
    assert audit_count() == before


def test_deactivation_refusal_says_what_set_active_would_refuse(
    admin: Actor, make_staff: MakeStaff, actor_for: ActorFor
) -> None:
    """The page disables Deactivate with this reason; it must be the reason `set_active` gives."""
    root = admin.staff_id or 0
    mod_id, _ = make_staff("moderator")

    def refusal(actor: Actor, staff_id: int) -> str | None:
        with session_scope() as session:
            return service.deactivation_refusal(session, actor=actor, staff_id=staff_id)

    def refused_with(actor: Actor, staff_id: int) -> str:
        with session_scope() as session, pytest.raises(RuleViolation) as info:
            service.set_active(session, actor=actor, staff_id=staff_id, active=False)
        return info.value.message

    assert refusal(admin, mod_id) is None
    assert refusal(SYSTEM, root) == refused_with(SYSTEM, root) == service.LAST_ADMIN
    second_id, _ = make_staff("admin")
    assert refusal(SYSTEM, root) is None  # two active administrators
    assert refusal(admin, root) == refused_with(admin, root) == service.OWN_ACCOUNT
    with session_scope() as session:
        service.set_active(session, actor=admin, staff_id=mod_id, active=False)
    assert refusal(admin, mod_id) is None  # a deactivated account is reactivated, not deactivated
    with session_scope() as session, pytest.raises(Forbidden):
        service.deactivation_refusal(session, actor=actor_for(mod_id), staff_id=second_id)


# --- deactivation, reactivation, sessions ----------------------------------------------------------


def test_deactivation_ends_open_sessions(admin: Actor, make_staff: MakeStaff) -> None:
    staff_id, email = make_staff("moderator")
    first, second = sign_in_token(email), sign_in_token(email)
    before = audit_count()

    with session_scope() as session:
        service.set_active(session, actor=admin, staff_id=staff_id, active=False, reason="left the company")

    for token in (first, second):
        row = session_row(token)
        assert row.end_reason == "deactivated" and row.ended_at is not None
        with session_scope() as session:
            assert resolve_session(session, token) is None
    stored = load(staff_id)
    assert stored.is_active is False and stored.deactivated_at is not None
    [event] = new_events(before)
    assert event.action == "staff.deactivate"
    assert event.reason == "left the company"
    assert event.before["is_active"] is True
    assert event.after["is_active"] is False
    assert event.after["sessions_ended"] == 2
    assert event.after["version"] == event.before["version"] + 1
    with session_scope() as session:
        refused = sign_in(session, email=email, password=PASSWORD, client=CLIENT)
    assert refused.status == "invalid"


def test_reactivation_lets_the_staff_member_sign_in_again(admin: Actor, make_staff: MakeStaff) -> None:
    staff_id, email = make_staff("moderator")
    with session_scope() as session:
        service.set_active(session, actor=admin, staff_id=staff_id, active=False)
    before = audit_count()
    with session_scope() as session:
        service.set_active(session, actor=admin, staff_id=staff_id, active=True)
    [event] = new_events(before)
    assert event.action == "staff.reactivate"
    assert (event.before["is_active"], event.after["is_active"]) == (False, True)
    assert "sessions_ended" not in event.after
    assert load(staff_id).deactivated_at is None
    sign_in_token(email)


def test_setting_the_same_state_again_changes_nothing(admin: Actor, make_staff: MakeStaff) -> None:
    staff_id, _ = make_staff("moderator")
    name = load(staff_id).name
    before = audit_count()
    with session_scope() as session:
        service.set_active(session, actor=admin, staff_id=staff_id, active=True)
        service.set_roles(session, actor=admin, staff_id=staff_id, roles=["moderator"])
        service.update_profile(session, actor=admin, staff_id=staff_id, name=f"  {name} ")
    assert audit_count() == before
    assert load(staff_id).version == 1


# --- reset password, reset TOTP --------------------------------------------------------------------


def test_reset_password(admin: Actor, make_staff: MakeStaff) -> None:
    staff_id, email = make_staff("finance")
    token = sign_in_token(email)
    old_hash = load(staff_id).password_hash
    before = audit_count()

    with session_scope() as session:
        password = service.reset_password(session, actor=admin, staff_id=staff_id)

    assert len(password) >= 12 and password != PASSWORD
    stored = load(staff_id)
    assert stored.must_change_password is True
    assert stored.password_hash != old_hash
    assert session_row(token).end_reason == "password_reset"
    [event] = new_events(before)
    assert event.action == "staff.password_reset"
    assert event.after["must_change_password"] is True and event.after["sessions_ended"] == 1
    assert event.before["must_change_password"] is False
    assert event.after["password_changed_at"] > event.before["password_changed_at"]
    dumped = json.dumps([event.before, event.after, event.reason])
    assert password not in dumped and stored.password_hash not in dumped and old_hash not in dumped
    with session_scope() as session:
        assert sign_in(session, email=email, password=PASSWORD, client=CLIENT).status == "invalid"
    new_token = sign_in_token(email, password)
    with session_scope() as session:
        info = resolve_session(session, new_token)
    assert info is not None and info.must_change_password is True


def test_reset_password_refuses_a_weak_chosen_password(admin: Actor, make_staff: MakeStaff) -> None:
    staff_id, email = make_staff("finance")
    before = audit_count()
    with session_scope() as session, pytest.raises(ValidationFailed) as info:
        service.reset_password(session, actor=admin, staff_id=staff_id, new_password="short")
    assert set(info.value.errors) == {"password"}
    assert audit_count() == before
    sign_in_token(email)  # old password still works


def test_reset_totp(admin: Actor, make_staff: MakeStaff, actor_for: ActorFor) -> None:
    staff_id, email = make_staff("finance")
    secret = pyotp.random_base32()
    with session_scope() as session:
        confirm_totp_enrolment(session, actor=actor_for(staff_id), secret=secret, code=pyotp.TOTP(secret).now())
    before = audit_count()

    with session_scope() as session:
        service.reset_totp(session, actor=admin, staff_id=staff_id, reason="lost phone")

    stored = load(staff_id)
    assert stored.totp_enabled is False
    assert stored.totp_secret_encrypted is None and stored.recovery_code_hashes == []
    [event] = new_events(before)
    assert event.action == "staff.totp_reset" and event.reason == "lost phone"
    assert event.before == {"totp": True}
    assert event.after == {"totp": False, "sessions_ended": 0}
    assert secret not in json.dumps([event.before, event.after])
    with session_scope() as session:
        assert sign_in(session, email=email, password=PASSWORD, client=CLIENT).status == "ok"
    # Resetting again is a no-op without an event.
    with session_scope() as session:
        service.reset_totp(session, actor=admin, staff_id=staff_id)
    assert audit_count() == before + 2  # the reset and the sign-in above


# --- versions and conflicts ------------------------------------------------------------------------


def test_stale_expected_version_raises_conflict(admin: Actor, make_staff: MakeStaff) -> None:
    staff_id, _ = make_staff("moderator")
    with session_scope() as session:
        service.set_roles(session, actor=admin, staff_id=staff_id, roles=["content"], expected_version=1)
    assert load(staff_id).version == 2
    before = audit_count()

    calls: list[Callable[[Any], Any]] = [
        lambda s: service.set_active(s, actor=admin, staff_id=staff_id, active=False, expected_version=1),
        lambda s: service.set_roles(s, actor=admin, staff_id=staff_id, roles=["ads"], expected_version=1),
        lambda s: service.update_profile(s, actor=admin, staff_id=staff_id, name="Renamed", expected_version=1),
    ]
    for call in calls:
        with session_scope() as session, pytest.raises(Conflict) as info:
            call(session)
        assert info.value.current["version"] == 2
        assert info.value.current["roles"] == ["content"]
        assert "changed by someone else" in info.value.message

    stored = load(staff_id)
    assert (stored.is_active, stored.roles, stored.version) == (True, ["content"], 2)
    assert audit_count() == before
    with session_scope() as session:
        service.set_active(session, actor=admin, staff_id=staff_id, active=False, expected_version=2)
    assert load(staff_id).version == 3


# --- audit of every change -------------------------------------------------------------------------


def test_every_change_writes_exactly_one_event_with_before_and_after(
    admin: Actor, make_staff: MakeStaff, actor_for: ActorFor
) -> None:
    staff, _ = create(admin, roles=["ads"])

    def one_event(action: str, change: Callable[[Any], Any]) -> AuditEvent:
        before = audit_count()
        with session_scope() as session:
            change(session)
        events = new_events(before)
        assert [e.action for e in events] == [action]
        assert events[0].entity == "staff" and events[0].entity_id == str(staff.id)
        assert events[0].actor_id == admin.staff_id
        return events[0]

    event = one_event(
        "staff.roles_change", lambda s: service.set_roles(s, actor=admin, staff_id=staff.id, roles=["ads", "finance"])
    )
    assert event.before["roles"] == ["ads"] and event.after["roles"] == ["ads", "finance"]

    event = one_event(
        "staff.update", lambda s: service.update_profile(s, actor=admin, staff_id=staff.id, name="Renamed Person")
    )
    assert event.before["name"] == "New Person" and event.after["name"] == "Renamed Person"

    event = one_event("staff.deactivate", lambda s: service.set_active(s, actor=admin, staff_id=staff.id, active=False))
    assert event.before["is_active"] is True and event.after["is_active"] is False

    event = one_event("staff.reactivate", lambda s: service.set_active(s, actor=admin, staff_id=staff.id, active=True))
    assert event.before["is_active"] is False and event.after["is_active"] is True

    event = one_event("staff.password_reset", lambda s: service.reset_password(s, actor=admin, staff_id=staff.id))
    assert event.after["must_change_password"] is True

    secret = pyotp.random_base32()
    with session_scope() as session:
        confirm_totp_enrolment(session, actor=actor_for(staff.id), secret=secret, code=pyotp.TOTP(secret).now())
    event = one_event("staff.totp_reset", lambda s: service.reset_totp(s, actor=admin, staff_id=staff.id))
    assert event.before == {"totp": True}

    # Nothing in the whole audit log carries a password hash or a TOTP secret.
    with session_scope() as session:
        hashes = list(session.execute(select(Staff.password_hash)).scalars())
        rows = session.execute(select(AuditEvent.before, AuditEvent.after, AuditEvent.reason)).all()
    dumped = json.dumps([list(r) for r in rows])
    assert "argon2" not in dumped
    assert "password_hash" not in dumped
    assert secret not in dumped
    for stored in hashes:
        assert stored not in dumped


def test_not_found(admin: Actor) -> None:
    from console.errors import NotFound

    with session_scope() as session, pytest.raises(NotFound):
        service.set_active(session, actor=admin, staff_id=999_999, active=False)


# --- list_staff ------------------------------------------------------------------------------------


@pytest.fixture
def crew(admin: Actor, make_staff: MakeStaff) -> dict[str, int]:
    ids = {
        "fin": make_staff("finance", email="fiona@test.example", name="Fiona Finance")[0],
        "finmod": make_staff("moderator", "finance", email="max@test.example", name="Max Multi")[0],
        "mod": make_staff("moderator", email="mona@test.example", name="Mona Moderator")[0],
        "exec": make_staff("executive", email="eve@test.example", name="Eve Executive")[0],
        "odd": make_staff("content", email="under_score@test.example", name="100% Content")[0],
    }
    with session_scope() as session:
        service.set_active(session, actor=admin, staff_id=ids["exec"], active=False)
    return ids


def test_list_staff_filters_by_role(admin: Actor, crew: dict[str, int]) -> None:
    assert listing(admin, StaffFilter(role="finance")) == (["fiona@test.example", "max@test.example"], 2)
    assert listing(admin, StaffFilter(role="moderator")) == (["max@test.example", "mona@test.example"], 2)
    assert listing(admin, StaffFilter(role="admin")) == (["root@test.example"], 1)
    assert listing(admin, StaffFilter(role="executive")) == (["eve@test.example"], 1)
    # Whole list elements only: no substring or JSON-text matches.
    assert listing(admin, StaffFilter(role="fin")) == ([], 0)
    assert listing(admin, StaffFilter(role='finance"')) == ([], 0)
    assert listing(admin, StaffFilter(role="ads")) == ([], 0)


def test_list_staff_filters_by_active(admin: Actor, crew: dict[str, int]) -> None:
    inactive, total = listing(admin, StaffFilter(active=False))
    assert (inactive, total) == (["eve@test.example"], 1)
    active, total = listing(admin, StaffFilter(active=True))
    assert total == 5 and "eve@test.example" not in active
    assert listing(admin, StaffFilter(active=False, role="finance")) == ([], 0)
    assert listing(admin)[1] == 6


def test_list_staff_search(admin: Actor, crew: dict[str, int]) -> None:
    assert listing(admin, StaffFilter(search="MO"))[0] == ["mona@test.example"]  # e-mail prefix, any case
    assert listing(admin, StaffFilter(search="moderator"))[0] == ["mona@test.example"]  # name, anywhere
    assert listing(admin, StaffFilter(search="  finance "))[0] == ["fiona@test.example"]
    assert listing(admin, StaffFilter(search="test.example"))[0] == []  # e-mail matches by prefix only
    assert listing(admin, StaffFilter(search="multi"))[0] == ["max@test.example"]
    # LIKE wildcards are taken literally.
    assert listing(admin, StaffFilter(search="_"))[0] == []
    assert listing(admin, StaffFilter(search="under_"))[0] == ["under_score@test.example"]
    assert listing(admin, StaffFilter(search="%"))[0] == ["under_score@test.example"]  # "100% Content"
    assert listing(admin, StaffFilter(search="zzz")) == ([], 0)
    assert listing(admin, StaffFilter(search="m", role="finance", active=True))[0] == ["max@test.example"]


def test_list_staff_pages(admin: Actor, make_staff: MakeStaff) -> None:
    for i in range(22):
        make_staff("ads", email=f"p{i:02d}@test.example")
    expected = sorted([f"p{i:02d}@test.example" for i in range(22)] + ["root@test.example"])

    seen: list[str] = []
    for number in (1, 2, 3, 4, 5):
        emails, total = listing(admin, page=PageRequest(page=number, size=5))
        assert total == 23
        assert len(emails) == (5 if number < 5 else 3)
        seen += emails
    assert seen == expected  # no gaps, no duplicates, in order - also on pages read from the end
    assert listing(admin, page=PageRequest(page=6, size=5))[0] == []

    with session_scope() as session:
        page = service.list_staff(session, actor=admin, flt=StaffFilter(), page=PageRequest(size=5))
        assert page.last_page == 5 and page.estimated is False

    descending: list[str] = []
    for number in (1, 2, 3, 4, 5):
        descending += listing(admin, page=PageRequest(page=number, size=5, sort="email", descending=True))[0]
    assert descending == list(reversed(expected))


def test_list_staff_unknown_sort_falls_back_to_email(admin: Actor, crew: dict[str, int]) -> None:
    emails, _ = listing(admin, page=PageRequest(sort="password_hash; DROP TABLE staff"))
    assert emails == sorted(emails)
    assert staff_count() == 6

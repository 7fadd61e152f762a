"""Test set-up: one database per run or pytest-xdist worker (SQLite file, or the PostgreSQL in
CONSOLE_TEST_DATABASE_URL), migrated once, emptied after every test. Environment is set before any console module is
imported.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

_TMP = Path(tempfile.mkdtemp(prefix="console-test-"))
# Under pytest-xdist (`run.py test` runs the whole suite's PostgreSQL pass on two workers) each worker ("gw0", "gw1")
# empties the tables after every test, so it gets its own database in the cluster, its own local Stripe server (when
# the runner started one per worker) and its own NiceGUI storage; the temporary directory above is per process.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")


def _worker_database(url: str, worker: str) -> str:
    """`<database>_<worker>` on the same server, created when missing (the worker's own tables)."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url
    from sqlalchemy.pool import NullPool

    base = make_url(url)
    name = f"{base.database}_{worker}"
    server = create_engine(base, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with server.connect() as conn:
            if conn.exec_driver_sql("SELECT 1 FROM pg_database WHERE datname = %(n)s", {"n": name}).first() is None:
                conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    finally:
        server.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


TEST_URL = os.environ.get("CONSOLE_TEST_DATABASE_URL") or f"sqlite:///{_TMP / 'test.db'}"
if WORKER:
    if TEST_URL.startswith("postgresql"):
        TEST_URL = _worker_database(TEST_URL, WORKER)
    if own_stripe := os.environ.get(f"CONSOLE_TEST_STRIPE_URL_{WORKER.upper()}"):
        os.environ["CONSOLE_TEST_STRIPE_URL"] = own_stripe
    os.environ["NICEGUI_STORAGE_PATH"] = str(_TMP / "nicegui")
os.environ["CONSOLE_DATABASE_URL"] = TEST_URL
os.environ["CONSOLE_DATA_DIR"] = str(_TMP / "var")
os.environ["CONSOLE_STORAGE_SECRET"] = "test-storage-secret-0123456789abcdef"
os.environ["CONSOLE_DB_POOL"] = "null"
os.environ["CONSOLE_ENVIRONMENT"] = "development"
os.environ["CONSOLE_SCHEDULER_SECONDS"] = "0"  # tests call the scheduler's tick() themselves
os.environ["CONSOLE_COMPLIANCE_SWEEP_HOURS"] = "0"  # and run the 2257 sweep themselves
os.environ["CONSOLE_MODERATION_INTAKE_SECONDS"] = "0"  # and the moderation intake
os.environ["CONSOLE_BILLING_RECONCILE_SECONDS"] = "0"  # and the billing reconcile
os.environ["CONSOLE_ADS_ROLLUP_SECONDS"] = "0"  # and the ads rollup
os.environ["CONSOLE_INSIGHTS_ROLLUP_SECONDS"] = "0"  # and the insights rollup
os.environ["CONSOLE_AUDIT_CHECKPOINT_MINUTES"] = "0"  # tests call anchor.checkpoint_head() themselves

import pytest  # noqa: E402
from argon2 import PasswordHasher, profiles  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402

from console import db, migrate  # noqa: E402
from console.actor import SYSTEM, Actor  # noqa: E402
from console.config import get_settings  # noqa: E402
from console.models import metadata  # noqa: E402
from console.staff import passwords as _passwords  # noqa: E402
from console.staff import service as staff_service  # noqa: E402
from console.staff.auth import staff_actor  # noqa: E402
from tests import emptying  # noqa: E402

# Password hashing at argon2-cffi's CHEAPEST profile in the test processes. The console's own hasher (RFC 9106's
# low-memory profile: 64 MiB, 3 passes, 4 lanes) takes ~0.14 s a hash on an idle core and up to ~0.9 s with the four
# workers of `run.py test` on two cores, and nearly every test creates staff or signs one in: it was about a third of
# the suite's time. The real hasher is kept in REAL_HASHER and tests/staff/test_passwords.py checks its parameters
# and a round trip; servers the browser tests start are separate processes and hash for real.
REAL_HASHER = _passwords._hasher
_passwords._hasher = PasswordHasher.from_parameters(profiles.CHEAPEST)
_passwords._DUMMY_HASH = _passwords._hasher.hash("unknown e-mail")

IS_POSTGRES = TEST_URL.startswith("postgresql")
# CONSOLE_TEST_AS_APP_ROLE=1 (PostgreSQL): the code under test connects as a least-privilege role made by
# `db grant-app-role` while the suite migrates, empties and tampers as the owner (the `engine` fixture).
AS_APP_ROLE = IS_POSTGRES and os.environ.get("CONSOLE_TEST_AS_APP_ROLE") == "1"
APP_ROLE = f"console_test_app_{WORKER}" if WORKER else "console_test_app"  # roles are cluster-wide
APP_URL = TEST_URL
PASSWORD = "correct horse battery staple"


def pytest_report_header(config: pytest.Config) -> str:
    return f"console database: {'postgresql' if IS_POSTGRES else 'sqlite'} ({TEST_URL.split('@')[-1]})"


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    shutil.rmtree(_TMP, ignore_errors=True)


def _make_app_role(owner: Engine) -> str:
    from sqlalchemy.engine import make_url

    from console.dbroles import grant_app_role

    with owner.begin() as conn:
        if not conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": APP_ROLE}).first():
            conn.exec_driver_sql(f"CREATE ROLE {APP_ROLE} LOGIN")
        grant_app_role(conn, APP_ROLE)
    return make_url(TEST_URL).set(username=APP_ROLE, password=None).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def engine() -> Iterator[Engine]:
    """The owner's engine (migrations, emptying, tampering); the console's own engine is db.get_engine()."""
    global APP_URL
    migrate.upgrade(TEST_URL)
    if not AS_APP_ROLE:
        engine = db.configure(TEST_URL)
        yield engine
        engine.dispose()
        return
    from sqlalchemy.pool import NullPool

    owner = db.make_engine(TEST_URL, poolclass=NullPool)
    APP_URL = _make_app_role(owner)
    os.environ["CONSOLE_DATABASE_URL"] = APP_URL  # child processes (the audit page's verifier) too
    os.environ["CONSOLE_MIGRATION_DATABASE_URL"] = TEST_URL
    get_settings.cache_clear()
    db.configure(APP_URL)
    yield owner
    with owner.begin() as conn:
        conn.exec_driver_sql(f"DROP OWNED BY {APP_ROLE}")
        conn.exec_driver_sql(f"DROP ROLE {APP_ROLE}")
    owner.dispose()


@pytest.fixture(scope="session")
def cleaner(engine: Engine) -> Iterator[tuple[Engine, str]]:
    """The owner's connection that empties the database after every test (tests/emptying.py), kept open, with the
    query that finds the tables holding rows; the database is emptied once here, so the first test starts empty too.
    """
    cleaner = emptying.cleaner_engine(TEST_URL) if IS_POSTGRES else engine
    with cleaner.connect() as conn:
        filled_sql = emptying.leftovers_query(conn, emptying.tables(conn))
    _empty_database(cleaner, filled_sql)
    yield cleaner, filled_sql
    if cleaner is not engine:
        cleaner.dispose()


def _empty_database(engine: Engine, filled_sql: str) -> None:
    if IS_POSTGRES:
        emptying.empty_postgres(engine, filled_sql)
        return
    tables = [t.name for t in metadata.sorted_tables]
    with engine.begin() as conn:
        # The append-only and retention triggers refuse DELETE: lift them, empty, put them back as they were.
        triggers = conn.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").all()
        for name, _sql in triggers:
            conn.exec_driver_sql(f"DROP TRIGGER {name}")
        # videos <-> seasons reference each other: no delete order satisfies both, so check at commit.
        conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
        for name in reversed(tables):
            conn.exec_driver_sql(f"DELETE FROM {name}")
        for _name, sql in triggers:
            conn.exec_driver_sql(sql)


# NiceGUI's simulated user looks 3 times, 0.1 s apart, before `should_see` / `should_not_see` fail: on a loaded
# 2-core CI machine a page's answer can take longer than that. Tests wait up to 5 s unless they say otherwise.
PATIENT_RETRIES = 50


@pytest.fixture(autouse=True)
def patient_user(monkeypatch: pytest.MonkeyPatch) -> None:
    from nicegui.testing import User

    for name in ("should_see", "should_not_see"):
        original = getattr(User, name)

        async def patient(self: Any, *args: Any, _original: Any = original, retries: int = PATIENT_RETRIES, **kw: Any):
            return await _original(self, *args, retries=retries, **kw)

        monkeypatch.setattr(User, name, patient)


@pytest.fixture(autouse=True)
def acting_user() -> Iterator[None]:
    """Send `ui.navigate.to` and `ui.notify` to the simulated user whose page the handler runs in.

    NiceGUI's simulated users share one module-level `ui.navigate` and `ui.notify`, pointed at whichever `User`
    object was touched last, and a user's outbox touches its own `User` whenever its page runs JavaScript (a draft
    keeper does so every few seconds). With two users in one test, the sign-in redirect or a message meant for one
    could go to the other: the second user's sign-in then never left the sign-in page (seen in full runs, in the
    catalog and 2257 record tests that sign in a second person). Outside a page's handler nothing changes. Inside
    one whose element was deleted, they raise as the browser's do."""
    from nicegui.slot import Slot
    from nicegui.testing import User
    from nicegui.testing.user_navigate import UserNavigate
    from nicegui.testing.user_notify import UserNotify

    users: weakref.WeakSet[Any] = weakref.WeakSet()
    original_open, original_to, original_notify = User.open, UserNavigate.to, UserNotify.__call__

    original_slot = Slot.__init__

    def slot_with_page(self: Any, parent: Any, *args: Any, **kwargs: Any) -> None:
        original_slot(self, parent, *args, **kwargs)
        self._page_client = parent._client  # the page's client, still known once this slot's element is gone

    async def open_page(self: Any, *args: Any, **kwargs: Any) -> Any:  # every user opens a page before acting
        users.add(self)
        return await original_open(self, *args, **kwargs)

    def acting(name: str) -> Any | None:
        """The acting user's own `navigate` or `notify` (read without `User.__getattribute__`, which would repoint
        the module-level ones), or None outside a page's handler."""
        stack = Slot.get_stack()
        if not stack:
            return None
        try:
            client = stack[-1].parent.client
        except RuntimeError:
            # The element the handler runs in was deleted. While its page is open that is the browser's failure
            # too (a dialog deleted on close takes its buttons with it; the simulated calls need no slot and hid
            # it): raise. Once the page itself is gone (a test ended mid-handler) there is nobody to tell.
            page = getattr(stack[-1], "_page_client", lambda: None)()
            if page is not None and not page.is_deleted:
                raise
            return None
        for user in list(users):
            if object.__getattribute__(user, "client") is client:
                return object.__getattribute__(user, name)
        return None

    def to(self: Any, target: Any, new_tab: bool = False) -> None:
        original_to(acting("navigate") or self, target, new_tab)

    def notify(self: Any, message: str, **kwargs: Any) -> None:
        original_notify(acting("notify") or self, message, **kwargs)

    # Its own MonkeyPatch, not the `monkeypatch` fixture: an autouse fixture that requests that one sets it up
    # before `clean_db` (they run in name order), and a test's own patches would then be undone only after
    # `clean_db`'s teardown had read the settings they changed.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Slot, "__init__", slot_with_page)
        patch.setattr(User, "open", open_page)
        patch.setattr(UserNavigate, "to", to)
        patch.setattr(UserNotify, "__call__", notify)
        yield


@pytest.fixture(autouse=True)
def outboxes_stop_before_teardown() -> Iterator[None]:
    """Stop every client's outbox loop before NiceGUI cancels its background tasks as the `user` fixture ends.

    The loop waits in `asyncio.wait_for(event.wait(), timeout=1.0)`, and Python 3.11's `wait_for` swallows a
    cancellation that arrives as the event is set (an update a cancelled task enqueues on its way out): the loop then
    goes on, and NiceGUI's teardown waits its full 2 s (`Could not cancel N tasks within timeout`) before cancelling
    it again. That was 2 s in the teardown of about one page test in twenty (~90 s of a full run). A stopped outbox
    leaves its loop at the next turn whether or not the cancellation got through; nothing is sent after shutdown
    either way. Patched before the `user` fixture starts the app, which registers `background_tasks.teardown`."""
    from nicegui import background_tasks
    from nicegui.client import Client

    original = background_tasks.teardown

    async def teardown() -> None:
        for client in list(Client.instances.values()):
            client.outbox.stop()
        await original()

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(background_tasks, "teardown", teardown)
        yield


def _listeners(engine: Engine) -> tuple[int, ...]:
    """How many listeners each event of the engine and its pool has (a test that left one behind changes this)."""
    return tuple(len(getattr(d, name)) for d in (engine.dispatch, engine.pool.dispatch) for name in d._event_names)


_CONFIGURED: dict[str, Any] = {}  # the engine clean_db configured last ("engine") and its listeners then


def _console_engine() -> None:
    """Give the test the console's engine on APP_URL, as `db.configure(APP_URL)` made it.

    The engine clean_db made for the test before is kept when nothing replaced it (db.configure) and no listener was
    left on it: a new engine starts with an empty compiled-statement cache (SQLAlchemy keys it by the engine's
    dialect), so every test compiled every statement it ran afresh, a fifth to a third of the CPU time of a test
    that works through the services. With NullPool the engine holds no connection between tests."""
    current = _CONFIGURED.get("engine")
    if current is not None and db._engine is current and _listeners(current) == _CONFIGURED["listeners"]:
        return
    engine = db.configure(APP_URL)
    _CONFIGURED.update(engine=engine, listeners=_listeners(engine))


@pytest.fixture(autouse=True)
def clean_db(cleaner: tuple[Engine, str]) -> Iterator[None]:
    get_settings.cache_clear()
    _console_engine()
    if IS_POSTGRES:  # a pass before too (under 1 ms when empty): the test before may have left a save that had not
        # begun its transaction when that test's emptying ran, and committed a row since, with its sequence already
        # set back; the next insert then collided with it (seen once under load: "duplicate key pk_videos (id)=(1)")
        emptying.empty_postgres(*cleaner)
    yield
    _empty_database(*cleaner)
    get_settings.cache_clear()
    # A new chain starts in the next test: the checkpoints of this one would report it as truncated.
    get_settings().checkpoint_path.unlink(missing_ok=True)


@pytest.fixture
def make_staff() -> Callable[..., tuple[int, str]]:
    """Create a staff member with the given roles; returns (id, email). Password is PASSWORD."""
    counter = {"n": 0}

    def make(*roles: str, email: str | None = None, name: str | None = None, **kwargs: Any) -> tuple[int, str]:
        counter["n"] += 1
        address = email or f"{'-'.join(roles) or 'nobody'}{counter['n']}@test.example"
        with db.session_scope() as session:
            staff, _ = staff_service.create_staff(
                session,
                actor=SYSTEM,
                email=address,
                name=name or f"Test {counter['n']}",
                roles=list(roles),
                password=PASSWORD,
                must_change_password=kwargs.pop("must_change_password", False),
            )
            return staff.id, staff.email

    return make


@pytest.fixture
def actor_for() -> Callable[[int], Actor]:
    def build(staff_id: int) -> Actor:
        from console.staff.models import Staff

        with db.session_scope() as session:
            staff = session.get(Staff, staff_id)
            assert staff is not None
            return staff_actor(staff)

    return build


def staff_name(actor: Actor) -> str:
    """The staff member's name, as a conflict names who changed a row (`audit.last_change`)."""
    from console.staff.models import Staff

    with db.session_scope() as session:
        staff = session.get(Staff, actor.staff_id)
        assert staff is not None
        return staff.name


@pytest.fixture
def admin(make_staff: Callable[..., tuple[int, str]], actor_for: Callable[[int], Actor]) -> Actor:
    staff_id, _ = make_staff("admin", email="root@test.example", name="Root Admin")
    return actor_for(staff_id)


@pytest.fixture
def actor_with(make_staff: Callable[..., tuple[int, str]], actor_for: Callable[[int], Actor]) -> Callable[..., Actor]:
    """A fresh staff member holding the given roles, as an actor."""

    def build(*roles: str) -> Actor:
        staff_id, _ = make_staff(*roles)
        return actor_for(staff_id)

    return build

"""`run.py bench`: server-side timings on the database in CONSOLE_DATABASE_URL (seeded with `seed --scale`).

Pages are opened through NiceGUI's simulated user (the real page functions, middleware and session
checks, in-process over ASGI, signed in through the real login form). Table pages and searches are
timed through the same fetch the page's table calls. Results: p50/p95 per measurement and the RSS.

Each area's own measurements live beside it (`ads/bench.py`, `billing/bench.py`, ...); this module runs them. The
timers and the summary they share are in `bench_common.py`, which they import instead of this module.
"""

from __future__ import annotations

import asyncio
import gc
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psutil

from console.ads.bench import ads_measurements
from console.bench_common import BENCH_EMAIL, jobs_off, sign_in, summary, time_async, time_sync, yardstick_ms
from console.billing.bench import billing_measurements
from console.catalog.import_bench import import_measurements
from console.compliance.sweep_bench import sweep_measurements
from console.insights.bench import insights_measurements
from console.moderation.bench import moderation_measurements, moderation_pages

MAIN_FILE = Path(__file__).resolve().parent / "main.py"


def _bench_account() -> tuple[str, str]:
    from sqlalchemy import select

    from console.actor import SYSTEM
    from console.db import session_scope
    from console.staff import service
    from console.staff.models import Staff

    with session_scope() as session:
        staff = session.execute(select(Staff).where(Staff.email == BENCH_EMAIL)).scalar_one_or_none()
        if staff is None:
            _, password = service.create_staff(
                session,
                actor=SYSTEM,
                email=BENCH_EMAIL,
                name="Bench Admin",
                roles=["admin"],
                must_change_password=False,
            )
        else:
            password = service.reset_password(session, actor=SYSTEM, staff_id=staff.id)
            staff.must_change_password = False
    return BENCH_EMAIL, password


def _name_words(name: str) -> str:
    """'Maria Gonzalez' -> 'maria gonz': what a clerk types with a name in front of them."""
    words = name.split()
    return " ".join([*words[:-1], words[-1][:4]]) if len(words) > 1 else name[:4]


def _member_measurements(runs: int) -> list[dict[str, Any]]:
    from sqlalchemy import func, select

    from console.db import session_scope
    from console.members import pages as member_pages
    from console.members.models import Member
    from console.members.service import MemberFilter, list_members
    from console.paging import PageRequest
    from console.staff.auth import staff_actor
    from console.staff.models import Staff

    with session_scope() as session:
        staff = session.execute(select(Staff).where(Staff.email == BENCH_EMAIL)).scalar_one()
        actor = staff_actor(staff)
        sample = session.execute(select(Member).order_by(Member.id.desc()).limit(1)).scalar_one()
        first = session.execute(select(func.min(Member.id))).scalar_one()
        probe = session.get(Member, (first + sample.id) // 2) or sample

    def fetch(flt: MemberFilter, page: PageRequest) -> Callable[[], Any]:
        def run() -> Any:
            with session_scope() as session:
                result = list_members(session, actor=actor, flt=flt, page=page)
                rows = [member_pages.row_of(m) for m in result.rows]
                assert rows or result.total <= page.offset
                return result

        return run

    size = 25
    with session_scope() as session:
        total = list_members(session, actor=actor, flt=MemberFilter(), page=PageRequest(1, size)).total
    last = max(1, -(-total // size))
    with session_scope() as session:
        banned = list_members(session, actor=actor, flt=MemberFilter(status="banned"), page=PageRequest(1, size)).total
    banned_last = max(1, -(-banned // size))
    cases = {
        "members.page_1": (MemberFilter(), PageRequest(1, size, "created_at", True)),
        "members.page_100": (MemberFilter(), PageRequest(100, size, "created_at", True)),
        "members.page_last": (MemberFilter(), PageRequest(last, size, "created_at", True)),
        "members.search_email": (MemberFilter(search=probe.email[:8]), PageRequest(1, size)),
        "members.search_username": (MemberFilter(search=probe.username[:6]), PageRequest(1, size)),
        # by name: a surname whole, a first name with a surname's start, and a common three letters ("mar")
        "members.search_name": (MemberFilter(search=probe.display_name.split()[-1]), PageRequest(1, size)),
        "members.search_name_words": (MemberFilter(search=_name_words(probe.display_name)), PageRequest(1, size)),
        "members.search_name_common": (MemberFilter(search="mar"), PageRequest(1, size)),
        "members.filter_status_country": (MemberFilter(status="suspended", country="DE"), PageRequest(1, size)),
        "members.filter_status_page_last": (MemberFilter(status="banned"), PageRequest(banned_last, size)),
    }
    return [summary(name, time_sync(runs, fetch(flt, page))) for name, (flt, page) in cases.items()]


def _catalog_measurements(runs: int) -> list[dict[str, Any]]:
    from sqlalchemy import select

    from console.catalog import service as catalog
    from console.catalog.models import Performer, Video
    from console.db import session_scope
    from console.paging import PageRequest
    from console.staff.auth import staff_actor
    from console.staff.models import Staff

    with session_scope() as session:
        staff = session.execute(select(Staff).where(Staff.email == BENCH_EMAIL)).scalar_one()
        actor = staff_actor(staff)
        if session.execute(select(Video.id).limit(1)).first() is None:
            return []
        probe_title = session.execute(select(Video.title).order_by(Video.id.desc()).limit(1)).scalar_one()
        probe_performer = session.execute(select(Performer.name).order_by(Performer.id.desc()).limit(1)).scalar_one()
        total = catalog.list_videos(session, actor=actor, flt=catalog.VideoFilter(), page=PageRequest(1, 25)).total

    def fetch(flt: catalog.VideoFilter, page: PageRequest) -> Callable[[], Any]:
        def run() -> Any:
            with session_scope() as session:
                return catalog.list_videos(session, actor=actor, flt=flt, page=page)

        return run

    last = max(1, -(-total // 25))
    cases = {
        "catalog.page_1": (catalog.VideoFilter(), PageRequest(1, 25)),
        "catalog.page_100": (catalog.VideoFilter(), PageRequest(100, 25)),
        "catalog.page_last": (catalog.VideoFilter(), PageRequest(last, 25)),
        "catalog.search_title": (catalog.VideoFilter(search=probe_title.split()[0]), PageRequest(1, 25)),
        "catalog.search_performer": (catalog.VideoFilter(search=probe_performer.split()[-1]), PageRequest(1, 25)),
        # the same search typed in capitals: the folded column makes it the same query (textsearch.py)
        "catalog.search_title_capitals": (
            catalog.VideoFilter(search=probe_title.split()[0].upper()),
            PageRequest(1, 25),
        ),
        "catalog.filter_state_collection": (catalog.VideoFilter(state="draft", collection_id=1), PageRequest(1, 25)),
    }
    results = [summary(name, time_sync(runs, fetch(flt, page))) for name, (flt, page) in cases.items()]

    def drafts(n: int) -> list[int]:
        with session_scope() as session:
            return list(
                session.execute(
                    select(Video.id)
                    .where(Video.state == "draft", Video.deleted_at.is_(None))
                    .order_by(Video.id)
                    .limit(n)
                ).scalars()
            )

    samples = []
    for _ in range(3):
        ids = drafts(1000)
        started = time.perf_counter()
        with session_scope() as session:
            outcome = catalog.bulk(session, actor=actor, action="publish", video_ids=ids)
        samples.append((time.perf_counter() - started) * 1000)
        assert len(outcome.changed) == len(ids), (
            f"{len(outcome.refused)} refused, e.g. {list(outcome.refused.items())[:3]}"
        )
        with session_scope() as session:  # put them back (not timed)
            catalog.bulk(session, actor=actor, action="unpublish", video_ids=ids)
        with session_scope() as session:
            for video in session.execute(select(Video).where(Video.id.in_(ids))).scalars():
                video.state = "draft"  # unpublished -> draft again so the next run finds them (bench data only)
    results.append(summary("catalog.bulk_publish_1000", samples, 3_000))  # issue 3: 1,000 in 3 s
    results += import_measurements(actor)
    return results


GATE_VIDEO_SLUG = "bench-gate-10-performers"


def _gate_video() -> int | None:
    """A draft with 10 linked performers (verified records) and a production: the gate's worst ordinary case.
    Made once through the services (untimed) and reused by later runs."""
    from datetime import timedelta

    from sqlalchemy import func, select

    from console.actor import SYSTEM
    from console.catalog import service as catalog
    from console.catalog.models import Collection, Video
    from console.compliance import productions
    from console.compliance.models import LegalRecord
    from console.db import session_scope, utc_today

    with session_scope() as session:
        existing = session.execute(select(Video.id).where(Video.slug == GATE_VIDEO_SLUG)).scalar_one_or_none()
        if existing is not None:
            return int(existing)
        verified = select(LegalRecord.performer_id).where(LegalRecord.status == "verified")
        total = session.execute(select(func.count()).select_from(verified.subquery())).scalar_one()
        if total < 10:
            return None
        cast = list(session.execute(verified.order_by(LegalRecord.id).offset(total // 2).limit(10)).scalars())
        video = catalog.create_video(
            session,
            actor=SYSTEM,
            data={
                "title": "Bench: ten performers",
                "slug": GATE_VIDEO_SLUG,
                "collection_id": session.execute(select(func.min(Collection.id))).scalar_one_or_none(),
                "hls_url": "https://stream.example.com/v/bench-gate/master.m3u8",
                "thumbnail_url": "https://img.example.com/thumbs/bench-gate.jpg",
                "performer_count": 10,
            },
        )
        catalog.set_performers(session, actor=SYSTEM, video_id=video.id, performer_ids=cast)
        productions.save_production(
            session,
            actor=SYSTEM,
            video_id=video.id,
            data={"production_date": utc_today() - timedelta(days=30)},
            expected_version=None,
        )
        return video.id


def _compliance_measurements(runs: int) -> list[dict[str, Any]]:
    """compliance.*: the 2257 gate check for a 10-performer video (goal 10 ms), the index by legal name and
    the name search (goal 150 ms), each through the service the page calls (audited reads included)."""
    from sqlalchemy import func, select

    from console.catalog import gate
    from console.catalog.models import Video
    from console.compliance import gate_checks
    from console.compliance.index import legal_name_index
    from console.compliance.models import LegalRecord, PerformerName
    from console.db import session_scope
    from console.paging import PageRequest
    from console.staff.auth import staff_actor
    from console.staff.models import Staff
    from console.textsearch import fold

    video_id = _gate_video()
    if video_id is None:
        return []
    results = []
    for name, check in (
        ("compliance.gate_10_performers", gate_checks.compliance_blockers),
        ("compliance.gate_10_performers_full", gate.publish_blockers),
    ):
        samples = []
        for n in range(runs + 1):  # the first is a warm-up
            with session_scope() as session:
                video = session.get(Video, video_id)
                assert video is not None
                started = time.perf_counter()
                reasons = check(session, video)
                elapsed = (time.perf_counter() - started) * 1000
            assert reasons == [], reasons
            if n:
                samples.append(elapsed)
        results.append(summary(name, samples, 10))

    with session_scope() as session:
        actor = staff_actor(session.execute(select(Staff).where(Staff.email == BENCH_EMAIL)).scalar_one())
        total = session.execute(select(func.count()).select_from(LegalRecord)).scalar_one()
        probe = session.execute(
            select(LegalRecord).order_by(LegalRecord.id).offset(total * 2 // 3).limit(1)
        ).scalar_one()
        alias = session.execute(
            select(PerformerName.name)
            .where(PerformerName.kind == "alias", PerformerName.legal_record_id >= probe.id)
            .order_by(PerformerName.legal_record_id)
            .limit(1)
        ).scalar_one_or_none()

    def index(page: PageRequest, search: str | None = None) -> Callable[[], Any]:
        def run() -> Any:
            with session_scope() as session:
                result = legal_name_index(session, actor=actor, page=page, search=search)
                assert result.rows or result.total <= page.offset
                return result

        return run

    size = 25
    last = max(1, -(-total // size))
    cases = {
        "compliance.index_page": index(PageRequest(1, size)),
        "compliance.index_page_100": index(PageRequest(100, size)),
        "compliance.index_page_last": index(PageRequest(last, size)),
        "compliance.search_name": index(PageRequest(1, size), f"{probe.legal_last_name} {probe.legal_first_name}"),
        "compliance.search_surname": index(PageRequest(1, size), probe.legal_last_name),
        # typed without accents, in capitals ("GARCIA" for "García")
        "compliance.search_surname_folded": index(PageRequest(1, size), fold(probe.legal_last_name).upper()),
    }
    if alias:
        cases["compliance.search_other_name"] = index(PageRequest(1, size), alias)
    results += [summary(name, time_sync(runs, fn)) for name, fn in cases.items()]
    return results


def _compliance_pages() -> dict[str, str]:
    """The 2257 pages to open: worklist, index, one record, one production (empty before `seed --scale`)."""
    from sqlalchemy import select

    from console.compliance.models import LegalRecord, Production
    from console.db import session_scope

    with session_scope() as session:
        performer_id = session.execute(
            select(LegalRecord.performer_id).order_by(LegalRecord.id.desc()).limit(1)
        ).scalar_one_or_none()
        video_id = session.execute(select(Production.video_id).order_by(Production.id.desc()).limit(1)).scalar()
    if performer_id is None or video_id is None:
        return {}
    return {
        "page.compliance": "/compliance",
        "page.compliance_index": "/compliance/index",
        "page.compliance_record": f"/compliance/records/{performer_id}",
        "page.compliance_production": f"/compliance/productions/{video_id}",
    }


def page_paths(member_id: int) -> dict[str, str]:
    """The pages the bench opens, by measurement name (tools/page_open_profile.py profiles the same list)."""
    return {
        "page.home": "/",
        "page.members": "/members",
        "page.member_detail": f"/members/{member_id}",
        "page.staff": "/staff",
        "page.audit": "/audit",
        "page.account": "/account",
        "catalog.page_open": "/catalog",
        "catalog.collections_open": "/collections",
        "catalog.performers_open": "/performers",
        **_compliance_pages(),
        **moderation_pages(),
    }


async def _page_measurements(runs: int, email: str, password: str, member_id: int) -> list[dict[str, Any]]:
    # NiceGUI's user simulation only runs in its pytest mode (it checks this variable); nothing else reads it.
    os.environ.setdefault("PYTEST_CURRENT_TEST", "console-bench")
    with jobs_off():  # the pages, not the app's periodic jobs (they have their own entries)
        return await _open_pages(runs, email, password, member_id)


async def _open_pages(runs: int, email: str, password: str, member_id: int) -> list[dict[str, Any]]:
    from nicegui.testing.user_simulation import user_simulation

    results = []
    async with user_simulation(main_file=MAIN_FILE) as user:
        await sign_in(user, email, password)
        gc.collect()
        gc.freeze()  # as the server does after start-up (console/gc_pacing.py)
        for name, path in page_paths(member_id).items():

            async def open_page(path: str = path) -> None:
                await user.open(path)

            results.append(summary(name, await time_async(runs, open_page, user=user)))
    return results


AREAS = ("members", "catalog", "compliance", "moderation", "billing", "ads", "insights", "pages")
NEEDS_NO_MEMBERS = ("ads", "insights")


def _area_measurements(area: str, runs: int) -> list[dict[str, Any]]:
    if area == "members":
        return _member_measurements(runs)
    if area == "catalog":
        return _catalog_measurements(runs)
    if area == "compliance":
        return _compliance_measurements(runs) + sweep_measurements()
    if area == "moderation":
        return moderation_measurements(runs)
    if area == "billing":
        return billing_measurements(runs)
    if area == "ads":
        return ads_measurements(runs)
    if area == "insights":
        return insights_measurements(runs)
    return []


def run_bench(*, runs: int = 20, only: tuple[str, ...] = AREAS) -> dict[str, Any]:
    """Every area's measurements, or `only` some of them (`bench --only moderation`)."""
    os.environ.setdefault("NICEGUI_STORAGE_PATH", tempfile.mkdtemp(prefix="console-bench-storage-"))
    from sqlalchemy import select

    from console import migrate
    from console.db import get_engine, session_scope
    from console.members.models import Member

    unknown = set(only) - set(AREAS)
    if unknown:
        raise SystemExit(f"Unknown bench areas: {', '.join(sorted(unknown))} (known: {', '.join(AREAS)}).")
    migrate.upgrade(None)
    email, password = _bench_account()
    with session_scope() as session:
        member_id = session.execute(select(Member.id).order_by(Member.id.desc()).limit(1)).scalar_one_or_none()
    if member_id is None and set(only) - set(NEEDS_NO_MEMBERS):
        raise SystemExit("The database has no members: run `python3 run.py seed --scale` first.")
    results = [r for area in AREAS if area in only for r in _area_measurements(area, runs)]
    if "pages" in only and member_id is not None:
        results += asyncio.run(_page_measurements(runs, email, password, member_id))
    rss_mb = psutil.Process().memory_info().rss / 1024 / 1024
    database = get_engine().dialect.name
    yardstick = yardstick_ms()
    print(f"\nDatabase: {database} ({get_engine().url.render_as_string(hide_password=True)}), runs={runs}")
    print(f"Machine yardstick: {yardstick} ms (a fixed Python loop; the figures below scale with it)")
    print(f"{'measurement':<34}{'n':>5}{'p50 ms':>10}{'p95 ms':>10}")
    for r in results:
        goal = r.get("goal_ms", 150)
        flag = "" if r["p95_ms"] <= goal else f"  > {goal:,} ms goal"
        print(f"{r['name']:<34}{r['n']:>5}{r['p50_ms']:>10.1f}{r['p95_ms']:>10.1f}{flag}")
    print(f"RSS: {rss_mb:.0f} MB")
    return {"database": database, "rss_mb": round(rss_mb, 1), "yardstick_ms": yardstick, "results": results}

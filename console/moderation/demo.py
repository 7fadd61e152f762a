"""Demo moderation data, written through the services so the queue shows real work: comments (threads) on
published videos, live streams with chat, a few hundred reports over every target type and reason with
duplicates on the same targets (filed over the last ten days as the platform would send them), two emergency
reports, some cases already decided by the demo moderator (strikes) and open appeals; then eighteen months of
history behind them (demo_history.py: a few thousand decided cases, written directly with one audit event) so the
insights moderation charts have a past."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from console.actor import SYSTEM, Actor
from console.catalog.models import Performer, Video
from console.db import session_scope, utcnow
from console.members.models import Member
from console.moderation import demo_history
from console.moderation.jobs import PLATFORM
from console.moderation.models import ModerationCase
from console.moderation.service import appeals, content, intake, queue
from console.moderation.service.decisions import ActionRequest, act
from console.staff.auth import staff_actor
from console.staff.models import Staff

HISTORY_STAFF = ("moderator@console.example", "admin@console.example")  # the moderator first: most of the work
COMMENTS = [
    "Loved this one, the lighting is gorgeous.",
    "Best scene of the year so far.",
    "Can we get a part two please?",
    "The audio is out of sync around the middle.",
    "Subscribed just for this series!",
    "Not my thing but well made.",
    "Who is the performer on the left? Need more of her work.",
    "This is why I keep my subscription.",
]
NASTY = {  # each with the reason a member would report it for (a threat reported as spam confused the demo)
    "BUY CHEAP FOLLOWERS at fastfollowz dot biz — DM me!!!": "spam",
    "You are a pathetic loser and everyone here hates you.": "harassment",
    "I know where you live. Watch yourself.": "violence",
    "<script>alert('pwned')</script> lol": "spam",
    "Nobody asked for your opinion, go back to your basement.": "harassment",
    "Reuploaded from my channel without permission, this is MY content.": "copyright",
    "Free premium accounts: hxxp://totally-legit.example/free": "spam",
}
CHAT = ["hi!!", "love you", "🔥🔥🔥", "what song is this?", "turn around pls", "tip incoming", "hello from Berlin"]
NASTY_CHAT = {
    "send nudes or I leak your address": "violence",
    "spam spam spam t.me/scamchan": "spam",
    "you're ugly, quit": "harassment",
}
# What each kind of target is plausibly reported for (a video "keeps insulting other members" read as nonsense).
TARGET_REASONS = {
    "video": ("inappropriate_content", "copyright", "violence", "other"),
    "live_stream": ("inappropriate_content", "violence", "other"),
    "member": ("harassment", "spam", "inappropriate", "other"),
    "performer": ("inappropriate", "copyright", "other"),
}
DESCRIPTIONS = {
    "spam": "Advertising links in the comments.",
    "harassment": "Keeps insulting other members.",
    "violence": "Threatening someone.",
    "inappropriate": "Not appropriate for this section.",
    "inappropriate_content": "Content breaks the rules.",
    "copyright": "This is my content, uploaded without permission.",
    "other": "Something feels off here.",
    "underage": "The performer looks under 18.",
    "non_consensual": "This looks like it was recorded without consent.",
}


def _demo_moderator(session: Session) -> Actor | None:
    staff = session.execute(select(Staff).where(Staff.email == "moderator@console.example")).scalar_one_or_none()
    return staff_actor(staff) if staff is not None else None


Made = dict[str, list[tuple[int, str, datetime]]]  # target kind -> (id, reason it is reported for, made at)


def _content(session: Session, rng: random.Random, members: list[int], videos: list[int]) -> Made:
    """Comments, live streams and chat to report; the offending ones with the reason they are reported for."""
    now = utcnow()
    comments: list[int] = []
    nasty_comments: list[tuple[int, str, datetime]] = []
    for video_id in videos[:60]:
        for _ in range(rng.randint(2, 9)):
            parent = rng.choice(comments) if comments and rng.random() < 0.3 else None
            bad = rng.random() < 0.2
            body = rng.choice(list(NASTY) if bad else COMMENTS)
            at = now - timedelta(days=rng.uniform(0, 14))
            row = content.create_comment(
                session,
                actor=SYSTEM,
                member_id=rng.choice(members),
                video_id=video_id,
                body=body,
                parent_id=parent,
                at=at,
            )
            comments.append(row.id)
            if bad:
                nasty_comments.append((row.id, NASTY[body], at))
    performers = list(session.execute(select(Performer.id).where(Performer.deleted_at.is_(None)).limit(6)).scalars())
    streams: list[tuple[int, str, datetime]] = []
    nasty_messages: list[tuple[int, str, datetime]] = []
    for i, performer_id in enumerate(performers):
        status = ("live", "live", "live", "live", "scheduled", "ended")[i % 6]
        started = now - timedelta(hours=rng.uniform(0.2, 3))
        stream = content.create_stream(
            session,
            actor=SYSTEM,
            performer_id=performer_id,
            title=f"Late night live #{i + 1}",
            status=status,
            viewers=rng.randint(40, 2500) if status == "live" else 0,
            at=started,
        )
        streams.append((stream.id, rng.choice(TARGET_REASONS["live_stream"]), started))
        if status == "scheduled":
            continue
        for n in range(50):
            bad = n % 10 == 7  # a few per stream, so every stream has some to report
            body = rng.choice(list(NASTY_CHAT) if bad else CHAT)
            posted = now - timedelta(minutes=120 - n * 2)
            message = content.post_chat(
                session, actor=SYSTEM, stream_id=stream.id, member_id=rng.choice(members), body=body, at=posted
            )
            if bad:
                nasty_messages.append((message.id, NASTY_CHAT[body], posted))
    return {"comment": nasty_comments, "live_stream": streams, "chat_message": nasty_messages}


REPORT_WINDOW_DAYS = 10  # the queue's reports are from the last ten days


def _file(
    session: Session,
    rng: random.Random,
    members: list[int],
    target: tuple[str, int],
    reason: str,
    made_at: datetime | None = None,
) -> int:
    """Reports of `target` from a few members, each made after the target was (`made_at`), within ten days."""
    reporters = rng.sample(members, k=min(len(members), rng.choice((1, 1, 1, 2, 3, 5, 8))))
    now = utcnow()
    window = REPORT_WINDOW_DAYS * 24.0
    hours = window if made_at is None else max(0.05, min(window, (now - made_at).total_seconds() / 3600))
    case_id = 0
    for reporter in reporters:
        outcome = intake.record_report(
            session,
            actor=PLATFORM,
            data={
                "reporter_id": reporter,
                "target_type": target[0],
                "target_id": target[1],
                "reason": reason,
                "description": DESCRIPTIONS[reason] if rng.random() < 0.7 else None,
                "reported_at": (now - timedelta(hours=rng.uniform(0.02, hours))).isoformat(),
            },
        )
        case_id = outcome.case_id
    return case_id


def seed_moderation_demo() -> str:
    """Idempotent: does nothing when cases exist already."""
    rng = random.Random(20261129)
    with session_scope() as session:
        if session.execute(select(func.count()).select_from(ModerationCase)).scalar_one():
            return "Moderation demo already present; nothing added."
        settled = utcnow() - timedelta(days=REPORT_WINDOW_DAYS + 1)  # they report and comment within the window
        members = list(
            session.execute(
                select(Member.id).where(Member.status == "active", Member.created_at < settled).limit(300)
            ).scalars()
        )
        videos = list(
            session.execute(select(Video.id).where(Video.state == "published", Video.kind != "series")).scalars()
        )
        if len(members) < 20 or len(videos) < 10:
            return "Moderation demo skipped: it needs the member and catalog demo first."
        made = _content(session, rng, members, videos)
        performers = list(session.execute(select(Performer.id).limit(40)).scalars())
    made["live_stream"] = made["live_stream"][:4]
    targets: list[tuple[tuple[str, int], str, datetime | None]] = [
        ((kind, target_id), reason, at) for kind, found in made.items() for target_id, reason, at in found
    ]
    cases: list[int] = []
    with session_scope() as session:
        for kind, model, ids in (
            ("video", Video, rng.sample(videos[10:], k=min(40, len(videos) - 10))),
            ("member", Member, rng.sample(members, k=40)),
            ("performer", Performer, rng.sample(performers, k=min(10, len(performers)))),
        ):
            created = dict(session.execute(select(model.id, model.created_at).where(model.id.in_(ids))).tuples().all())
            targets += [((kind, i), rng.choice(TARGET_REASONS[kind]), created.get(i)) for i in ids]
        for target, reason, made_at in targets:
            cases.append(_file(session, rng, members, target, reason, made_at))
        # Emergencies: held or ended before any moderator looks.
        _file(session, rng, members, ("video", videos[0]), "underage")
        _file(session, rng, members, ("video", videos[1]), "non_consensual")
    decided = _decide_some(rng, cases[: len(cases) // 5])
    history = _history(rng)
    return (
        f"Seeded moderation: {len(targets) + 2} reported targets, {decided} cases decided, appeals open; "
        f"{history} cases over the last {demo_history.MONTHS} months."
    )


def _history(rng: random.Random) -> int:
    """Eighteen months of decided cases behind today's queue (demo_history.py), by the demo moderator and admin."""
    with session_scope() as session:
        staff = session.execute(
            select(Staff.id, Staff.name).where(Staff.email.in_(HISTORY_STAFF)).order_by(Staff.email.desc())
        ).tuples()
        moderators = [(int(i), str(n)) for i, n in staff]
        if not moderators:
            return 0
        planned = demo_history.plan_history(session, rng, utcnow(), moderators)
        return demo_history.write_history(session, planned)["cases"]


def _decide_some(rng: random.Random, case_ids: list[int]) -> int:
    """The demo moderator works through a few cases; two members appeal their strikes."""
    decided = 0
    strikes: list[int] = []
    with session_scope() as session:
        moderator = _demo_moderator(session)
    if moderator is None:
        return 0
    for case_id in case_ids:
        with session_scope() as session:
            case = queue.claim(session, actor=moderator, case_id=case_id)
            plan = _plan_for(case.target_type, rng)
            for action, days in plan:
                outcome = act(
                    session,
                    actor=moderator,
                    case_id=case_id,
                    request=ActionRequest(action=action, reason="Breaks the community rules", days=days),
                    expected_version=None,
                )
                if outcome.strike_id:
                    strikes.append(outcome.strike_id)
        decided += 1
    for strike_id in strikes[:3]:
        with session_scope() as session:
            appeals.record_appeal(
                session, actor=PLATFORM, strike_id=strike_id, body="I think this was a mistake, please look again."
            )
    return decided


def _plan_for(target_type: str, rng: random.Random) -> list[tuple[str, int | None]]:
    """(action, days) the demo moderator takes on a case of this kind."""
    if rng.random() < 0.35:
        return [("dismiss", None)]
    remove = {"comment": "hide_comment", "chat_message": "delete_chat_message", "video": "unpublish_video"}
    steps: list[tuple[str, int | None]] = []
    if target_type in remove:
        steps.append((remove[target_type], None))
    if target_type in ("comment", "chat_message", "member"):
        steps.append(rng.choice([("warn", None), ("mute", 3), ("suspend", 7)]))
    if target_type == "live_stream":
        steps.append(("disable_chat", None))
    if not steps:
        return [("dismiss", None)]
    return [*steps, ("resolve", None)]

"""The catalog import's bench (`catalog.import_10000_*`): a generated 10,000-row file parsed, dry-run and committed
(rolled back, so every run imports the very same changes). Called by console/bench.py's catalog area."""

from __future__ import annotations

import time
from typing import Any

from console.bench_common import summary

IMPORT_ROWS = 10_000
IMPORT_RUNS = 3  # a 10,000-row import takes seconds: a few runs, not --runs


def _import_csv(rows: int) -> bytes:
    """A CSV in the export/template format: half the rows re-import existing videos (four in five with a new
    description, one in ten also with its performers' billing order reversed, the rest unchanged), half
    create videos under new slugs, with collections and 1-3 performers like the seeded ones."""
    from sqlalchemy import select

    from console.catalog import transfer
    from console.catalog.models import Collection, Performer, Video, VideoPerformer
    from console.db import session_scope

    existing = rows // 2
    out: list[dict[str, str]] = []
    with session_scope() as session:
        collections = dict(session.execute(select(Collection.id, Collection.slug)).tuples().all())
        performer_slugs = list(
            session.execute(
                select(Performer.slug).where(Performer.deleted_at.is_(None)).order_by(Performer.id).limit(3_000)
            ).scalars()
        )
        videos = list(
            session.execute(
                select(Video)
                .where(Video.deleted_at.is_(None), Video.kind == "movie", Video.id % 20 == 0)
                .order_by(Video.id)
                .limit(existing)
            ).scalars()
        )
        cast: dict[int, list[str]] = {}
        for video_id, slug in session.execute(
            select(VideoPerformer.video_id, Performer.slug)
            .join(Performer, Performer.id == VideoPerformer.performer_id)
            .where(VideoPerformer.video_id.in_([v.id for v in videos]), Performer.deleted_at.is_(None))
            .order_by(VideoPerformer.video_id, VideoPerformer.billing_order)
        ):
            cast.setdefault(video_id, []).append(slug)
        for n, video in enumerate(videos):
            collection = collections.get(video.collection_id, "") if video.collection_id is not None else ""
            row = transfer._export_row(video, collection, cast.get(video.id, []))
            if n % 5:
                row["description"] = f"Re-imported description {n}"
            if n % 10 == 1:
                row["performers"] = "; ".join(reversed(cast.get(video.id, [])))
            out.append(row)
    slugs = list(collections.values())
    for n in range(rows - len(out)):
        people = [performer_slugs[(n * 7 + k * 13) % len(performer_slugs)] for k in range(1 + n % 3)]
        out.append(
            {
                "slug": f"bench-import-{n}",
                "title": f"Bench import {n}",
                "kind": "movie",
                "collection": slugs[n % len(slugs)] if slugs else "",
                "description": f"Imported by the benchmark ({n})",
                "release_date": f"20{10 + n % 15}-0{1 + n % 9}-1{n % 10}",
                "duration": f"1:{n % 60:02d}:{(n * 7) % 60:02d}",
                "language": "English",
                "country": "US",
                "director": "Bench Director",
                "genres": "Drama; Romance",
                "hls_url": f"https://cdn.example.com/bench-{n}/master.m3u8",
                "thumbnail_url": f"https://img.example.com/bench-{n}.jpg",
                "qualities": "720p; 1080p",
                "access_level": "BASIC",
                "monetization": "tvod" if n % 4 == 0 else "svod",
                "rental_price": "3.99" if n % 4 == 0 else "",
                "performer_count": str(len(people)),
                "performers": "; ".join(people),
                "featured": "no",
            }
        )
    return transfer.to_csv(out)


def import_measurements(actor: Any) -> list[dict[str, Any]]:
    """catalog.import_10000: the same 10,000-row file as a dry run and as a commit ("valid rows only"); each
    commit is rolled back afterwards, so every run starts from the same catalog and audit chain."""
    from console.catalog import transfer
    from console.db import session_scope

    data = _import_csv(IMPORT_ROWS)
    parse, dry, commit = [], [], []
    for _ in range(IMPORT_RUNS):
        started = time.perf_counter()
        frame = transfer.read_table(data, "bench-import.csv")
        parse.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        with session_scope() as session:
            report = transfer.dry_run(session, actor=actor, frame=frame)
        dry.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        with session_scope() as session:
            report = transfer.commit(session, actor=actor, frame=frame, all_or_nothing=False)
            session.flush()
            commit.append((time.perf_counter() - started) * 1000)
            session.rollback()  # keep the catalog as it was: the next run imports the very same changes
        assert report.created + report.updated + report.unchanged + report.failed == len(frame)
    # Rows the gate or the rules refused (0 on the seeded catalog; a new gate check may refuse some).
    outcome = {"created": report.created, "updated": report.updated, "failed": report.failed}
    return [
        summary(f"catalog.import_{IMPORT_ROWS}_parse", parse, 1_000),
        summary(f"catalog.import_{IMPORT_ROWS}_dry_run", dry, 20_000),
        summary(f"catalog.import_{IMPORT_ROWS}_commit", commit, 20_000) | {"rows": outcome},
    ]

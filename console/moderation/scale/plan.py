"""The plan of `seed --scale`'s moderation cases: which targets they are about, how many reports each has, and
how each ended (still open or escalated, or resolved or dismissed by a scale moderator at realistic delays)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

SHARES = {
    "comment": 0.45,
    "chat_message": 0.20,
    "video": 0.15,
    "member": 0.145,
    "performer": 0.03,
    "live_stream": 0.025,
}
REASON_WEIGHTS = {
    "spam": 30,
    "harassment": 20,
    "inappropriate": 12,
    "inappropriate_content": 10,
    "copyright": 8,
    "violence": 5,
    "other": 14,
    "underage": 0.5,
    "non_consensual": 0.5,
}


@dataclass
class PlannedCase:
    target_type: str
    target_id: int
    reasons: list[str]
    reporters: list[int]
    times: list[datetime]
    status: str
    assignee: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _report_counts(rng: random.Random, cases: int, reports: int) -> list[int]:
    counts = [rng.choices((1, 2, 3, 5, 8, 20), weights=(60, 20, 8, 6, 4, 2))[0] for _ in range(cases)]
    surplus = sum(counts) - reports
    i = 0
    while surplus != 0 and i < 10 * cases:
        j = i % cases
        if surplus > 0 and counts[j] > 1:
            counts[j] -= 1
            surplus -= 1
        elif surplus < 0:
            counts[j] += 1
            surplus += 1
        i += 1
    return counts


def plan_cases(
    rng: random.Random,
    now: datetime,
    cases: int,
    reports: int,
    members: tuple[int, int],
    videos: tuple[int, int],
    performer_ids: list[int],
    first: dict[str, int],
    comments: int,
    chat: int,
    streams: int,
    staff: list[tuple[int, str]],
) -> list[PlannedCase]:
    pools = {
        "comment": range(first["Comment"], first["Comment"] + comments),
        "chat_message": range(first["ChatMessage"], first["ChatMessage"] + chat),
        "video": range(videos[0], videos[1] + 1),
        "member": range(members[0], members[1] + 1),
        "performer": performer_ids,
        "live_stream": range(first["LiveStream"], first["LiveStream"] + streams),
    }
    per_case = _report_counts(rng, cases, reports)
    reasons, weights = list(REASON_WEIGHTS), list(REASON_WEIGHTS.values())
    planned: list[PlannedCase] = []
    for target_type, share in SHARES.items():
        pool = pools[target_type]
        n = min(len(pool), round(cases * share)) if target_type != "comment" else 0
        if target_type == "comment":  # the largest share takes whatever the others leave
            n = cases - sum(min(len(pools[t]), round(cases * s)) for t, s in SHARES.items() if t != "comment")
        for target_id in rng.sample(pool, n):
            planned.append(
                _one(rng, now, target_type, target_id, per_case[len(planned) % cases], members, reasons, weights, staff)
            )
    rng.shuffle(planned)
    return planned


def _one(
    rng: random.Random,
    now: datetime,
    target_type: str,
    target_id: int,
    count: int,
    members: tuple[int, int],
    reasons: list[str],
    weights: list[float],
    staff: list[tuple[int, str]],
) -> PlannedCase:
    main = rng.choices(reasons, weights)[0]
    picked = [main if rng.random() < 0.8 else rng.choices(reasons, weights)[0] for _ in range(count)]
    start = now - timedelta(days=rng.random() ** 1.5 * 180)
    times = sorted(start + timedelta(hours=rng.random() * 48) for _ in range(count))
    times = [min(t, now) for t in times]
    reporters = [rng.randint(*members) for _ in range(count)]
    roll = rng.random()
    status = "open" if roll < 0.09 else "escalated" if roll < 0.10 else "resolved" if roll < 0.65 else "dismissed"
    case = PlannedCase(target_type, target_id, picked, reporters, times, status)
    if status in ("resolved", "dismissed"):
        case.assignee = rng.choice(staff)[0]
        first_action = times[0] + timedelta(minutes=rng.lognormvariate(4.0, 1.0))
        case.extra = {
            "first_action_at": min(first_action, now),
            "resolved_at": min(first_action + timedelta(minutes=rng.lognormvariate(2.5, 1.0)), now),
            "removed": status == "resolved" and target_type in ("comment", "chat_message") and rng.random() < 0.8,
        }
    return case

"""The queue's priority: how urgent a case is, from its parts, each shown on the case page.

    priority = severity + volume + reach + accuracy + age

- severity: the worst reason's weight (SEVERITY); UNDERAGE and NON_CONSENSUAL weigh 1,000 (and lead: below).
- volume: 15 x log2(1 + distinct reporters), at most 60 (one reporter 15, three 30, seven 45).
- reach: how many people see the target: 8 x log10(1 + views) of a video (at most 40); a live stream
  10 + 10 x log10(1 + current viewers) while live (at most 50); a comment half its video's; a chat message 10
  while its stream is live.
- accuracy: reporters whose reports led to action before count more: 40 x (mean over the case's reporters of
  (actioned + 1) / (actioned + dismissed + 2) - 0.5), between -20 and +20 (a new reporter counts 0).
- age: +1 per hour since the first report, with no cap: a case nobody takes keeps rising.

Everything but age is stored as `base_priority`; the queue orders by `queue_key` = base_priority x 3600 - epoch
seconds of the first report, which orders exactly like base_priority + hours waiting (the age part grows for
every case alike), so one index serves "highest priority first".

An emergency (an UNDERAGE or NON_CONSENSUAL report) always comes first: its key also carries EMERGENCY_LEAD. Its
weight of 1,000 alone did not hold that: age has no cap, so a spam case left waiting 42 days (1,000 hours)
outranked an underage report of the same day, and "Next case" handed out the spam first. Among emergencies, and
among the other cases, the order is still priority + hours waiting; the priority shown is unchanged.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

from console.moderation.models import EMERGENCY_REASONS, REASONS

SEVERITY = {
    "underage": 1000,
    "non_consensual": 1000,
    "violence": 70,
    "harassment": 60,
    "inappropriate_content": 45,
    "inappropriate": 40,
    "copyright": 35,
    "spam": 20,
    "other": 10,
}
# How long a case may wait for its decision (time to resolution), by its worst reason.
SLA_HOURS = {
    "underage": 1,
    "non_consensual": 1,
    "violence": 4,
    "harassment": 4,
    "inappropriate_content": 24,
    "inappropriate": 24,
    "copyright": 24,
    "spam": 72,
    "other": 72,
}
REASON_BITS = {reason: 1 << i for i, reason in enumerate(REASONS)}
REASON_LABELS = {
    "underage": "Underage (a depicted person may be a minor)",
    "non_consensual": "Non-consensual",
    "violence": "Violence",
    "harassment": "Harassment",
    "inappropriate_content": "Inappropriate content",
    "inappropriate": "Inappropriate",
    "copyright": "Copyright",
    "spam": "Spam",
    "other": "Other",
}


def worst(reasons: list[str] | set[str] | dict[str, int]) -> str:
    return max(reasons, key=lambda r: (SEVERITY[r], -REASONS.index(r)))


def is_emergency(reasons: list[str] | set[str] | dict[str, int]) -> bool:
    return any(r in EMERGENCY_REASONS for r in reasons)


def volume(reporters: int) -> int:
    return min(60, round(15 * math.log2(1 + max(0, reporters))))


def accuracy(scores: list[tuple[int, int]]) -> int:
    """`scores`: (actioned, dismissed) per distinct reporter."""
    if not scores:
        return 0
    mean = sum((a + 1) / (a + d + 2) for a, d in scores) / len(scores)
    return max(-20, min(20, round(40 * (mean - 0.5))))


def parts(*, worst_reason: str, reporters: int, reach: int, scores: list[tuple[int, int]]) -> dict[str, int]:
    return {
        "severity": SEVERITY[worst_reason],
        "volume": volume(reporters),
        "reach": reach,
        "accuracy": accuracy(scores),
    }


EMERGENCY_LEAD = 10**12  # above any other key: base x 3600 stays below 10^9, epoch seconds below 10^10
EMERGENCY_FLOOR = EMERGENCY_LEAD // 2  # every emergency key is above it, every other key below


def queue_key(base: int, first_report_at: datetime, *, emergency: bool) -> int:
    return base * 3600 - int(first_report_at.timestamp()) + (EMERGENCY_LEAD if emergency else 0)


def min_priority_bounds(min_priority: int, now: datetime) -> tuple[int, int]:
    """The lowest key of a case whose shown priority (base + hours waiting) is at least `min_priority` now: for
    the other cases, and for emergencies."""
    lowest = min_priority * 3600 - int(now.timestamp())
    return lowest, lowest + EMERGENCY_LEAD


def age_hours(first_report_at: datetime, now: datetime) -> int:
    return max(0, int((now - first_report_at).total_seconds() // 3600))


def shown_priority(base: int, first_report_at: datetime, now: datetime) -> int:
    return base + age_hours(first_report_at, now)


def sla_due(first_report_at: datetime, worst_reason: str) -> datetime:
    return first_report_at + timedelta(hours=SLA_HOURS[worst_reason])


def video_reach(views: int) -> int:
    return min(40, round(8 * math.log10(1 + max(0, views))))


def stream_reach(live: bool, viewers: int) -> int:
    return min(50, 10 + round(10 * math.log10(1 + max(0, viewers)))) if live else 0


def reasons_mask(reasons: list[str] | set[str] | dict[str, int]) -> int:
    mask = 0
    for reason in reasons:
        mask |= REASON_BITS[reason]
    return mask


def seeded_case_columns(reasons: list[str], reporters: list[int], times: list[datetime]) -> dict[str, Any]:
    """The priority and report columns of a case written directly by a seed (the demo history, the scale data):
    one report per (reason, reporter, time), `times` sorted, no reach and no reporter history."""
    counts: dict[str, int] = {}
    for reason in reasons:
        counts[reason] = counts.get(reason, 0) + 1
    worst_reason = worst(counts)
    case_parts = parts(worst_reason=worst_reason, reporters=len(set(reporters)), reach=0, scores=[])
    base = sum(case_parts.values())
    return {
        "emergency": is_emergency(counts),
        "worst_reason": worst_reason,
        "reason_counts": dict(sorted(counts.items())),
        "reason_mask": reasons_mask(counts),
        "report_count": len(reasons),
        "reporter_count": len(set(reporters)),
        "base_priority": base,
        "priority_parts": case_parts,
        "queue_key": queue_key(base, times[0], emergency=is_emergency(counts)),
        "first_report_at": times[0],
        "last_report_at": times[-1],
        "sla_due_at": sla_due(times[0], worst_reason),
    }

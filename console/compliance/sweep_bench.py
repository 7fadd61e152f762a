"""`bench` entry compliance.sweep: the 2257 sweep over every public video of the scale data (goal: 100,000
videos in 60 s). Each run asks the same batches as `run_sweep` in one transaction that is rolled back, so runs
compare and the bench database keeps no holds (the per-batch commits of a real run add ~1 ms per batch)."""

from __future__ import annotations

import time
from typing import Any

SWEEP_RUNS = 3  # a run takes seconds; three give a median without making the bench minutes longer
GOAL_MS = 60_000


def sweep_measurements() -> list[dict[str, Any]]:
    from console.actor import SYSTEM
    from console.compliance.sweep import count_public, sweep_batch
    from console.db import session_scope

    samples: list[float] = []
    checked = held = 0
    for _ in range(SWEEP_RUNS):
        with session_scope() as session:
            public = count_public(session)
            started = time.perf_counter()
            checked, held, after = 0, 0, 0
            while True:
                outcome = sweep_batch(session, actor=SYSTEM, after_id=after)
                if outcome.last_id is None:
                    break
                after = outcome.last_id
                checked += outcome.checked
                held += outcome.held
            session.flush()
            samples.append((time.perf_counter() - started) * 1000)
            session.rollback()
        assert checked == public, (checked, public)
    ordered = sorted(samples)
    return [
        {
            "name": "compliance.sweep",
            "n": len(samples),
            "p50_ms": round(ordered[len(ordered) // 2], 1),
            "p95_ms": round(ordered[-1], 1),
            "goal_ms": GOAL_MS,
            "public_videos": checked,
            "held": held,
        }
    ]

"""The page bench (and the page tools) start the app with its periodic jobs off, and leave the settings as found;
the machine yardstick printed beside the figures."""

from __future__ import annotations

import pytest

from console.bench_common import JOB_SETTINGS, jobs_off
from console.config import Settings, get_settings

JOB_FIELDS = (
    "scheduler_seconds",
    "moderation_intake_seconds",
    "compliance_sweep_hours",
    "billing_reconcile_seconds",
    "ads_rollup_seconds",
    "insights_rollup_seconds",
    "audit_checkpoint_minutes",
)


def test_every_job_setting_is_turned_off_inside_and_restored_after(monkeypatch: pytest.MonkeyPatch) -> None:
    assert {f"CONSOLE_{name.upper()}" for name in JOB_FIELDS} == set(JOB_SETTINGS)
    assert set(JOB_FIELDS) <= set(Settings.model_fields)  # the names are the settings' own
    monkeypatch.setenv("CONSOLE_INSIGHTS_ROLLUP_SECONDS", "1234")
    monkeypatch.delenv("CONSOLE_ADS_ROLLUP_SECONDS", raising=False)
    get_settings.cache_clear()
    before = {name: getattr(get_settings(), name) for name in JOB_FIELDS}
    assert before["insights_rollup_seconds"] == 1234 and before["ads_rollup_seconds"] > 0
    with jobs_off():
        assert {name: getattr(get_settings(), name) for name in JOB_FIELDS} == dict.fromkeys(JOB_FIELDS, 0)
    assert {name: getattr(get_settings(), name) for name in JOB_FIELDS} == before
    get_settings.cache_clear()


def test_the_yardstick_is_the_fastest_of_its_rounds(monkeypatch: pytest.MonkeyPatch) -> None:
    """One slow round (another process took the CPU) does not make the machine look slow."""
    from console import bench_common

    clock = iter([0.0, 0.003, 1.0, 1.001, 2.0, 2.002])  # rounds of 3, 1 and 2 ms
    monkeypatch.setattr(bench_common.time, "perf_counter", lambda: next(clock))
    assert bench_common.yardstick_ms(rounds=3) == 1.0

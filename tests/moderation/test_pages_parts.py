"""The moderation pages' small pieces without a page: which digit presets a target gets, the thumbnail rule (only
this console's /media), and the plain-text formatting of ages, time ranges and reasons."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from console.moderation.models import TARGET_TYPES
from console.moderation.pages.case_actions import SPEC, available, presets_for
from console.moderation.pages.case_target import local_thumbnail
from console.moderation.pages.common import age_text, reasons_text, time_range


@pytest.mark.parametrize(
    ("target_type", "expected"),
    [
        ("comment", ["dismiss", "hide_comment", "warn", "mute", "suspend", "ban", "escalate", "resolve", "blocklist"]),
        ("chat_message", ["dismiss", "delete_chat_message", "warn", "mute", "suspend", "ban", "escalate", "resolve",
                          "blocklist"]),
        ("video", ["dismiss", "unpublish_video", "escalate", "resolve", "blocklist"]),
        ("live_stream", ["dismiss", "end_stream", "escalate", "resolve", "blocklist"]),
        ("member", ["dismiss", "warn", "mute", "suspend", "ban", "escalate", "resolve", "blocklist"]),
        ("performer", ["dismiss", "escalate", "resolve", "blocklist"]),
    ],
)  # fmt: skip
def test_presets_are_the_ones_that_apply_to_the_target(target_type: str, expected: list[str]) -> None:
    presets = presets_for(target_type)
    assert [p.action for p in presets] == expected
    by_digit = {p.digit: p for p in presets}
    assert by_digit["1"].action == "dismiss" and by_digit["7"].action == "escalate"
    if "4" in by_digit:
        assert (by_digit["4"].action, by_digit["4"].days, by_digit["5"].days) == ("mute", 1, 7)
        assert by_digit["4"].label == "Mute the member for 1 day"
    valid = {s.action for s in available(target_type)}
    assert {p.action for p in presets} <= valid


def test_every_target_can_be_dismissed_escalated_and_blocklisted() -> None:
    for target_type in TARGET_TYPES:
        assert {"dismiss", "resolve", "escalate", "blocklist"} <= {s.action for s in available(target_type)}
    assert SPEC["end_stream"].danger and not SPEC["dismiss"].danger


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("/media/thumbnails/" + "0123456789abcdef" * 2 + ".webp", True),
        ("https://cdn.example.com/t.jpg", False),
        ("http://10.0.0.1/admin.png", False),
        ("/media/thumbnails/../../etc/passwd", False),
        ("//evil.example/x.png", False),
        ("javascript:alert(1)", False),
        (None, False),
    ],
)
def test_only_local_media_thumbnails_are_shown(url: str | None, shown: bool) -> None:
    assert local_thumbnail(url) == (url if shown else None)


def test_plain_text_formatting() -> None:
    now = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)
    assert age_text(now - timedelta(minutes=12), now) == "12 min"
    assert age_text(now - timedelta(hours=5, minutes=59), now) == "5 h"
    assert age_text(now - timedelta(days=3, hours=4), now) == "3 d 4 h"
    assert age_text(None, now) == "—"
    assert time_range(65, 90) == "0:01:05–0:01:30"
    assert time_range(3600, None) == "from 1:00:00"
    assert time_range(None, None) == ""
    assert reasons_text({"spam": 1, "underage": 2, "harassment": 3}) == "Underage ×2, Harassment ×3, Spam ×1"


def test_durations_and_closed_counts_read_as_numbers() -> None:
    from console.moderation.pages.common import closed_text, minutes_text

    assert [minutes_text(m) for m in (None, 45, 1194, 13_530)] == ["—", "45 min", "19.9 h", "9 d 10 h"]
    assert closed_text([]) == "none yet"
    assert closed_text([("Demo Moderator", 30), ("Max Mod", 1_006)]) == "1,036 (Demo Moderator: 30, Max Mod: 1,006)"

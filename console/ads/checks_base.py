"""What an ad pre-check is: the context it reads (`CheckContext`), the result it gives (`CheckResult`) and the
shape of a pluggable check (`AdCheck`).

The checks (checks_media.py, checks_urls.py, checks_campaign.py) and the runner that lists and runs them
(checks.py) import these from here, so the imports run one way: checks.py -> the check modules -> this module.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any, Literal, Protocol

from console.ads.models import Ad, AdCampaign

Level = Literal["hard", "soft"]


@dataclass(frozen=True)
class CheckResult:
    """One check's outcome; `message` is staff-facing and says what was found and what is expected."""

    code: str
    level: Level
    ok: bool
    message: str
    skipped: bool = False

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CheckResult:
        level: Level = "soft" if data.get("level") == "soft" else "hard"
        return cls(
            code=str(data.get("code", "")),
            level=level,
            ok=bool(data.get("ok")),
            message=str(data.get("message", "")),
            skipped=bool(data.get("skipped", False)),
        )


@dataclass(frozen=True)
class CheckContext:
    """What the checks look at: the ad and its campaign, the stored files' bytes (None when the creative is a URL
    or the file is missing), the blocked domains among the ad's URLs' domains (domain -> reason), and today."""

    ad: Ad
    campaign: AdCampaign
    creative: bytes | None
    poster: bytes | None
    blocked: Mapping[str, str]
    today: date


class AdCheck(Protocol):
    def __call__(self, ctx: CheckContext) -> CheckResult | None: ...

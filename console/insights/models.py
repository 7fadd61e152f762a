"""Insights: watch events (the raw views the content charts need) and the rollup tables every chart reads.

Seeds: 000 (WatchHistory), 002 (playback events, hotness tiers), 003 (daily system metrics: signups, plan mix).
Charts never scan raw rows on a view: a job (console/insights/jobs.py) keeps these tables current, per UTC day
(or per month for MRR), by recomputing whole days/months in SQL — so a rollup always equals a direct aggregate
of the raw rows and can be redone at any time.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from console.db import Base, BigIntPK, UTCDateTime, utcnow


class WatchEvent(Base):
    """One playback of a video by a member (000 WatchHistory / 002 playback events): raw, written by the platform."""

    __tablename__ = "watch_events"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    video_id: Mapped[int] = mapped_column(ForeignKey("videos.id", ondelete="RESTRICT"), nullable=False)
    member_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)  # no FK: raw event data, kept cheap
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    seconds_watched: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    completed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    country: Mapped[str | None] = mapped_column(String(2), nullable=True)

    __table_args__ = (Index("ix_watch_events_started", "started_at"),)


class RevenueDaily(Base):
    """Money per UTC day and dimension. Gross = succeeded payments created that day (refunded or not); refunds =
    refunds that succeeded that day (by the day the money went back); fee = the platform's fee of tips."""

    __tablename__ = "insights_revenue_daily"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    plan_code: Mapped[str] = mapped_column(String(24), primary_key=True)  # '' when not a subscription payment
    country: Mapped[str] = mapped_column(String(2), primary_key=True)  # '' when the member has none
    provider: Mapped[str] = mapped_column(String(8), primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    gross_cents: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    refunded_cents: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    fee_cents: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    payments: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    failed_payments: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    refunds: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class RefundReasonDaily(Base):
    """Refunds that succeeded per UTC day and reason."""

    __tablename__ = "insights_refund_reasons_daily"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    reason: Mapped[str] = mapped_column(String(24), primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    refunds: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    amount_cents: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)


class MrrMonthly(Base):
    """Each paying member's monthly-normalised recurring revenue at the end of a month (active and past_due paid
    subscriptions; trials, free plans and comps excluded). Movements and cohorts are computed from consecutive
    months of this table, so every movement can be drilled down to its members."""

    __tablename__ = "insights_mrr_monthly"

    month: Mapped[date] = mapped_column(Date, primary_key=True)  # the first day of the month
    member_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), nullable=False)
    mrr_cents: Mapped[int] = mapped_column(BigInteger, nullable=False)
    plan_code: Mapped[str] = mapped_column(String(24), nullable=False)
    first_paid_month: Mapped[date] = mapped_column(Date, nullable=False)  # the cohort

    __table_args__ = (
        Index("ix_insights_mrr_monthly_cohort", "first_paid_month", "month"),
        Index("ix_insights_mrr_monthly_member", "member_id", "month"),  # "had MRR before?" per member
    )


class MrrCohortMonthly(Base):
    """MRR per month, cohort (first paid month) and currency: members with MRR at the month's end, their MRR, and
    how many of them had none in any earlier month (a cohort's size is the sum of its newcomers). Written with the
    month's MRR rows; the Subscriptions tab reads these few rows instead of a row per paying member."""

    __tablename__ = "insights_mrr_cohorts_monthly"

    month: Mapped[date] = mapped_column(Date, primary_key=True)
    first_paid_month: Mapped[date] = mapped_column(Date, primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    members: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    mrr_cents: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    newcomers: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class MrrMovementMonthly(Base):
    """Per month: new, expansion, contraction, churned, reactivation (members and MRR change), from MrrMonthly."""

    __tablename__ = "insights_mrr_movements_monthly"

    month: Mapped[date] = mapped_column(Date, primary_key=True)
    movement: Mapped[str] = mapped_column(String(16), primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    members: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    mrr_cents: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)


class ContentDaily(Base):
    """Views per video and UTC day (from watch_events): top videos, hotness tiers, views over time."""

    __tablename__ = "insights_content_daily"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    video_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    views: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    completes: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    seconds_watched: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)

    __table_args__ = (Index("ix_insights_content_daily_video", "video_id", "day"),)


class ContentTotals(Base):
    """Cumulative views per video through the end of each month (for the month still running: through its last
    rolled-up day), and the totals under video_id 0 — so the views of any period are one month's snapshot minus
    another's plus a few edge days of insights_content_daily. Maintained by the content rollup (rollup_content.py)."""

    __tablename__ = "insights_content_totals"

    month: Mapped[date] = mapped_column(Date, primary_key=True)  # the first day of the month
    video_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    views: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    completes: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)

    # the most viewed videos through a month first: top videos checks the few that can make the page
    __table_args__ = (Index("ix_insights_content_totals_month_views", "month", "views"),)


class HotnessDaily(Base):
    """The hottest videos at the end of a UTC day (seed 002's score from the views of that day, its 7 and its 30
    days), ranked 1.. by weight = 5·views_1d + 3·views_7d + 2·views_30d (= score times 100,000), the first HOT_KEEP."""

    __tablename__ = "insights_hotness_daily"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    rank: Mapped[int] = mapped_column(Integer, primary_key=True)
    video_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    views_1d: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    views_7d: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    views_30d: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    weight: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)


class HotnessTiers(Base):
    """Per UTC day: how many videos with a view in the 30 days ending that day sit in each hotness tier, and the
    views of those 30 days (a check that the snapshot matches insights_content_daily)."""

    __tablename__ = "insights_hotness_tiers"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    global_videos: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    regional_videos: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    on_demand_videos: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    window_views: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)


class MembersDaily(Base):
    """003's daily metrics: signups per country, and the plan mix (live subscriptions per plan and provider)."""

    __tablename__ = "insights_members_daily"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    dimension: Mapped[str] = mapped_column(String(16), primary_key=True)  # 'signups' | 'plan_mix'
    key: Mapped[str] = mapped_column(String(40), primary_key=True)  # country code, or plan_code/provider
    value: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class ModerationDaily(Base):
    """Moderation per UTC day: decisions per action and moderator, and the SLA histograms (cases whose first
    action / resolution fell that day, by minutes bucket) from which p50/p90 over any range are read."""

    __tablename__ = "insights_moderation_daily"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    metric: Mapped[str] = mapped_column(String(24), primary_key=True)  # decisions / first_action / resolution / ...
    key: Mapped[str] = mapped_column(String(40), primary_key=True)  # action:moderator id, or bucket minutes
    value: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class InsightsRollupRun(Base):
    """What the insights rollup did: area, day or month, rows written, how long, and any error."""

    __tablename__ = "insights_rollup_runs"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    area: Mapped[str] = mapped_column(String(16), nullable=False)
    day: Mapped[date] = mapped_column(Date, nullable=False)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    rows: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)

    __table_args__ = (Index("ix_insights_rollup_runs_area_day", "area", "day", "id"),)

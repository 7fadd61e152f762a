"""Imports every domain's models so the one MetaData knows all tables (Alembic and tests use this)."""

from console.audit.models import AuditEvent
from console.billing.models import (
    CreditLedgerEntry,
    Payment,
    Payout,
    Plan,
    Refund,
    StripeEvent,
    Subscription,
)
from console.catalog.models import Collection, Performer, Photo, Season, SocialMediaLink, Video, VideoPerformer
from console.compliance.models import (
    ComplianceHold,
    ComplianceSweep,
    Custodian,
    IdDocument,
    IdScan,
    LegalRecord,
    PerformerName,
    Production,
    ProductionPerformer,
)
from console.db import Base, metadata
from console.members.models import Member
from console.moderation.models import (
    Appeal,
    BlockEntry,
    CaseDecision,
    CaseNote,
    ChatMessage,
    Comment,
    LiveStream,
    MemberStrike,
    ModerationCase,
    Report,
    ReporterScore,
)
from console.staff.models import LoginAttempt, Staff, StaffSession
from console.system.models import SystemConfig

__all__ = [
    "Appeal",
    "AuditEvent",
    "Base",
    "BlockEntry",
    "CaseDecision",
    "CaseNote",
    "ChatMessage",
    "Collection",
    "Comment",
    "ComplianceHold",
    "ComplianceSweep",
    "CreditLedgerEntry",
    "Custodian",
    "IdDocument",
    "IdScan",
    "LegalRecord",
    "LiveStream",
    "LoginAttempt",
    "Member",
    "MemberStrike",
    "ModerationCase",
    "Payment",
    "Payout",
    "Performer",
    "PerformerName",
    "Photo",
    "Plan",
    "Production",
    "ProductionPerformer",
    "Refund",
    "Report",
    "ReporterScore",
    "Season",
    "SocialMediaLink",
    "Staff",
    "StaffSession",
    "StripeEvent",
    "Subscription",
    "SystemConfig",
    "Video",
    "VideoPerformer",
    "metadata",
]

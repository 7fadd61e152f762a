"""The audit log in words: what each stored action code and entity name means to the person reading the log.

The codes stay what is stored and hashed (and what the "Action starts with" filter takes); these words are only how
the page shows them. A test fails when an action written in console/ has no words here.
"""

from __future__ import annotations

ENTITY_WORDS = {
    "ad": "Ad",
    "ad_campaign": "Campaign",
    "ad_domain": "Ad domain",
    "ad_domain_block": "Blocked ad domain",
    "ad_stats": "Ad statistics",
    "ad_stats_daily": "Ad statistics",
    "advertiser": "Advertiser",
    "appeal": "Appeal",
    "auth": "Sign-in",
    "blocklist": "Blocklist",
    "blocklist_entry": "Blocklist entry",
    "campaign": "Campaign",
    "case": "Case",
    "chart": "Chart",
    "chat_message": "Chat message",
    "collection": "Collection",
    "comment": "Comment",
    "compliance": "2257",
    "compliance_index": "2257 index",
    "compliance_sweep": "2257 sweep",
    "compliance_worklist": "2257 worklist",
    "config": "Setting",
    "credits": "Credits",
    "custodian": "2257 custodian",
    "dataset": "Dataset",
    "insights": "Insights",
    "insights_mrr_monthly": "MRR history",
    "insights_rollup_runs": "Insights rollup",
    "legal_record": "2257 record",
    "live_stream": "Live stream",
    "member": "Member",
    "moderation_case": "Case",
    "payment": "Payment",
    "plan": "Plan",
    "credit": "Credit",
    "credit_ledger": "Credit",
    "payout": "Payout",
    "performer": "Performer",
    "photo": "Photo",
    "production": "Production",
    "records": "2257 records",
    "records_key": "2257 scan key",
    "refund": "Refund",
    "report": "Report",
    "season": "Season",
    "seed": "Demo data",
    "series": "Series",
    "staff": "Staff",
    "subscription": "Subscription",
    "system_config": "Setting",
    "video": "Video",
}

# Action code -> what happened, for the codes whose verb alone would not say it ("ad.checks", "video.move").
ACTION_WORDS = {
    "ad.checks": "Ad: automatic checks run",
    "ad.claim": "Ad taken for review",
    "ad.release": "Ad review claim given back",
    "ad.requeue": "Ad put back for review",
    "ad.serve": "Ad served",
    "ad_domain.block": "Ad domain blocked",
    "ad_domain.unblock": "Ad domain unblocked",
    "ad_stats.rollup": "Ad statistics rolled up",
    "appeal.overturn": "Appeal upheld: decision overturned",
    "appeal.receive": "Appeal received",
    "appeal.uphold": "Appeal refused: decision stands",
    "auth.lockout": "Account locked after failed sign-ins",
    "auth.login": "Signed in",
    "auth.login_failed": "Sign-in failed",
    "auth.login_refused_locked": "Sign-in refused: account locked",
    "auth.logout": "Signed out",
    "auth.session_ended": "Session ended",
    "auth.totp_unreadable": "Authenticator secret unreadable",
    "blocklist.add": "Added to the blocklist",
    "blocklist.deactivate": "Blocklist entry lifted",
    "case.claim": "Case claimed",
    "case.claim_expired": "Case claim expired",
    "case.close": "Case closed",
    "case.note": "Case note added",
    "case.open": "Case opened",
    "case.reassign": "Case reassigned",
    "case.release": "Case given back",
    "case.reverse": "Case decision reversed",
    "case.status": "Case status changed",
    "case.dismiss": "Case dismissed (no violation)",
    "case.resolve": "Case resolved (action taken)",
    "case.hide_comment": "Comment hidden (case)",
    "case.delete_chat_message": "Chat message deleted (case)",
    "case.end_stream": "Live stream ended (case)",
    "case.disable_chat": "Stream chat turned off (case)",
    "case.unpublish_video": "Video unpublished (case)",
    "case.warn": "Member warned",
    "case.mute": "Member muted",
    "case.suspend": "Member suspended",
    "case.ban": "Member banned",
    "case.blocklist": "Blocklisted (case)",
    "case.escalate": "Case escalated",
    "chat_message.delete": "Chat message deleted",
    "chat_message.restore": "Chat message restored",
    "collection.feature_video": "Video featured in a collection",
    "collection.reorder": "Collections reordered",
    "comment.hide": "Comment hidden",
    "comment.unhide": "Comment shown again",
    "compliance.export": "2257 records exported",
    "compliance.index_view": "2257 index viewed",
    "compliance.sweep": "2257 sweep run",
    "compliance.sweep_abandoned": "2257 sweep abandoned",
    "compliance.sweep_start": "2257 sweep started",
    "compliance.worklist_view": "2257 worklist viewed",
    "config.set": "Setting changed",
    "credits.grant": "Credits granted",
    "custodian.set": "2257 custodian set",
    "insights.export": "Insights exported",
    "insights.mrr_rebuild": "MRR history rebuilt",
    "insights.rollup": "Insights rolled up",
    "insights.rollup_span": "Insights rolled up over a span",
    "legal_record.id_add": "2257 record: ID added",
    "legal_record.id_amend": "2257 record: ID corrected",
    "legal_record.name_add": "2257 record: other name added",
    "legal_record.name_remove": "2257 record: other name removed",
    "legal_record.scan_add": "2257 record: ID scan added",
    "legal_record.scan_download": "2257 record: ID scan downloaded",
    "legal_record.scan_view": "2257 record: ID scan viewed",
    "legal_record.submit": "2257 record submitted for verification",
    "live_stream.chat_off": "Stream chat turned off",
    "live_stream.chat_on": "Stream chat turned on",
    "live_stream.end": "Live stream ended",
    "member.unmute": "Member unmuted",
    "member.unsuspend": "Member unsuspended",
    "payment.record": "Payment recorded",
    "payout.approve": "Payout approved",
    "payout.hold": "Payout held",
    "payout.release": "Payout released from hold",
    "payment.refund": "Payment refunded",
    "performer.social_link": "Performer social link added",
    "performer.social_link_remove": "Performer social link removed",
    "photo.primary": "Primary photo chosen",
    "records.rekey": "2257 scans re-encrypted with a new key",
    "refund.approve": "Refund approved",
    "refund.fail": "Refund failed",
    "refund.record_external": "Refund made outside the console recorded",
    "refund.pending": "Refund pending at Stripe",
    "refund.reject": "Refund rejected",
    "refund.request": "Refund requested",
    "refund.resend": "Refund sent again",
    "refund.submit": "Refund sent to Stripe",
    "refund.submit_unknown": "Refund sent, outcome unknown",
    "refund.succeed": "Refund succeeded",
    "report.receive": "Report received",
    "seed.moderation_history": "Demo moderation history generated",
    "seed.scale": "Scale demo data generated",
    "staff.password_change": "Password changed",
    "staff.password_reset": "Password reset",
    "staff.recovery_code_used": "Recovery code used to sign in",
    "staff.recovery_codes_regenerate": "Recovery codes made anew",
    "staff.roles_change": "Staff roles changed",
    "staff.time_zone_change": "Time zone changed",
    "staff.totp_enable": "Authenticator turned on",
    "staff.totp_reset": "Authenticator reset",
    "subscription.cancel": "Subscription canceled now",
    "subscription.cancel_at_period_end": "Subscription set to end at period end",
    "subscription.cancel_at_period_end_reached": "Subscription ended at period end",
    "subscription.change_plan": "Subscription plan changed",
    "subscription.extend": "Subscription extended",
    "subscription.expire": "Subscription expired",
    "subscription.past_due": "Subscription past due",
    "subscription.sync": "Subscription synced from Stripe",
    "video.access_level": "Video access level changed",
    "video.compliance_hold": "Video held (2257)",
    "video.compliance_release": "Video released from 2257 hold",
    "video.episode_detach": "Episode taken out of its series",
    "video.episode_number": "Episode renumbered",
    "video.move": "Video moved to another collection",
    "video.performers": "Video performers changed",
    "video.schedule": "Video scheduled",
    "video.schedule_refused": "Scheduled publish refused",
}

# The plain verbs: "member.create" -> "Member created".
VERB_WORDS = {
    "amend": "amended",
    "approve": "approved",
    "add": "added",
    "create": "created",
    "deactivate": "deactivated",
    "delete": "deleted",
    "end": "ended",
    "pause": "paused",
    "publish": "published",
    "reactivate": "reactivated",
    "reinstate": "reinstated",
    "reject": "rejected",
    "remove": "removed",
    "restore": "restored",
    "resume": "resumed",
    "revoke": "revoked",
    "submit": "submitted",
    "unpublish": "unpublished",
    "update": "updated",
    "verify": "verified",
    "view": "viewed",
}


# A stored field name's words ("claimed_by_id" -> "Claimed by", "video_id" -> "Video ID"): most read well once the
# underscores go; these need more. An amount in cents keeps the unit, since the value shown is the stored number.
FIELD_WORDS = {
    "id": "ID",
    "assignee_id": "Assignee",
    "sha256": "SHA-256",
    "creative_sha256": "Creative SHA-256",
    "totp": "Two-factor (TOTP)",
    "mrr": "MRR",
    "name_id": "Other name",
    "from": "From",
    "to": "To",
}
_ACRONYMS = {"url": "URL", "hls": "HLS", "cpm": "CPM", "ppv": "PPV", "ip": "IP", "mrr": "MRR", "id": "ID"}


def field_words(field: str) -> str:
    """Words for a stored before/after field name; the stored name itself stays beside them in the event's
    details (it is what the data holds)."""
    if field in FIELD_WORDS:
        return FIELD_WORDS[field]
    name, unit = field, ""
    if name.endswith("_cents"):
        name, unit = name.removesuffix("_cents"), " (cents)"
    elif name.endswith("_by_id"):  # a staff id, which the details show by name ("Demo Ads (#5)")
        name = name.removesuffix("_id")
    name = name.removeprefix("is_")
    words = [_ACRONYMS.get(word, word) for word in name.split("_") if word]
    if not words:
        return field
    first = words[0] if words[0].isupper() else words[0].capitalize()
    return " ".join([first, *words[1:]]) + unit


def entity_codes(typed: str) -> list[str]:
    """The stored entity codes an Entity filter means: the words the list shows ("Case" is a moderation case and an
    appeal's case, "2257 record" a legal record), any case, or a stored code itself ("moderation_case")."""
    text = typed.strip()
    folded = text.casefold()
    codes = {code for code, words in ENTITY_WORDS.items() if folded in (words.casefold(), code)}
    return sorted(codes | {text})  # an entity the words do not list is matched as stored


def entity_words(entity: str) -> str:
    return ENTITY_WORDS.get(entity) or entity.replace("_", " ").capitalize()


def known_action_words(code: str) -> str | None:
    """The words for an action code, or None when there are none (the page then shows the code)."""
    if code in ACTION_WORDS:
        return ACTION_WORDS[code]
    entity, _, verb = code.partition(".")
    if entity in ENTITY_WORDS and verb in VERB_WORDS:
        return f"{ENTITY_WORDS[entity]} {VERB_WORDS[verb]}"
    return None


def action_words(code: str) -> str:
    return known_action_words(code) or code


def subject_words(entity: str, entity_id: str | None) -> str:
    """What the event is about: "2257 record #812", "Setting maintenance"."""
    if not entity_id:
        return entity_words(entity)
    return f"{entity_words(entity)} #{entity_id}" if entity_id.isdigit() else f"{entity_words(entity)} {entity_id}"

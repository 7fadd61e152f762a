"""/ads with NiceGUI's simulated user: the queue (pending first, oldest first, filters), the review card (a banner at
its real size from the console's own file, a remote creative never loaded, check results), approve, reject with
reasons, a failing hard check blocking approve, bulk with a result per ad, a stale version keeping the typed note,
and the roles (a moderator gets the 403 page; a read-only ads role sees no action and the service refuses)."""

from __future__ import annotations

from typing import Any

import pytest
from nicegui import ui
from nicegui.testing import User

from console.ads.models import Ad
from console.ads.service import review
from console.db import session_scope
from console.errors import Forbidden, RuleViolation
from console.staff import permissions
from console.staff.permissions import Permission, Role
from console.ui.formatting import fmt_dt
from tests.ads.page_helpers import ad, signed_in, stored_ad
from tests.moderation.page_helpers import click, press, texts, type_into, wait_shown
from tests.ui.helpers import (
    all_marked,
    current_path,
    element,
    in_navigation,
    rows,
    shown,
    wait_for_caption,
    wait_for_rows,
    wait_until,
)


def card_title(user: User) -> str:
    found = texts(user, "review-title")
    return found[0] if found else ""


async def wait_card(user: User, ad_id: int) -> None:
    await wait_until(lambda: card_title(user).startswith(f"#{ad_id} "), what=f"the card of #{ad_id}")


def select_all(user: User) -> None:
    found = rows(user)
    user.find(marker="paged-table").trigger(
        "selection", {"added": True, "rows": found, "keys": [r["id"] for r in found]}
    )


async def test_the_queue_lists_pending_first_oldest_first_and_filters(user: User, make_staff: Any) -> None:
    await signed_in(user, make_staff)
    old = ad(format="rectangle", minutes_ago=300, name="Old rectangle")
    new = ad(format="leaderboard", minutes_ago=10, name="New leaderboard")
    done = ad(state="approved", name="Approved one")
    await user.open("/ads")
    found = await wait_for_rows(user, lambda r: len(r) == 2, "the two pending ads")
    assert [r["id"] for r in found] == [old, new]
    assert found[0]["state_label"] == "Pending review" and found[0]["check_label"] == "Checks passed"
    await wait_card(user, old)  # the first ad opens (and is claimed) at once
    assert stored_ad(old).claimed_by_id is not None

    element(user, "ads-format").value = "leaderboard"
    await wait_for_rows(user, lambda r: [x["id"] for x in r] == [new], "the leaderboard only")
    element(user, "ads-format").value = None
    element(user, "ads-state").value = "all"
    await wait_for_rows(user, lambda r: [x["id"] for x in r] == [old, new, done], "pending first, then the rest")


async def test_the_card_shows_the_banner_at_its_size_and_approve_decides_it(user: User, make_staff: Any) -> None:
    staff_id = await signed_in(user, make_staff)
    first, second = ad(minutes_ago=90), ad(minutes_ago=30)
    await user.open("/ads")
    await wait_card(user, first)
    image = element(user, "ad-preview-image")
    assert isinstance(image, ui.image)
    assert image.source.startswith("/media/ads/")
    assert (image.style["width"], image.style["height"]) == ("300px", "250px")
    assert texts(user, "ad-preview-size") == ["300×250 px"]
    assert all_marked(user, "ad-check-skipped") and all_marked(user, "ad-check-ok")
    assert "no network access" in " ".join(texts(user, "ad-check-message"))
    submitted = stored_ad(first).submitted_at
    assert submitted is not None  # shown in the card: the list's column is for wide screens only
    assert texts(user, "ad-submitted") == [fmt_dt(submitted)]
    history = element(user, "ad-history")
    assert isinstance(history, ui.table)
    actions = [row["action"] for row in history.rows]
    assert actions and all(not a.startswith("ad.") for a in actions), actions  # words, not audit codes
    type_into(user, "review-note", "looks fine")
    click(user, "review-approve")
    await wait_until(lambda: stored_ad(first).state == "approved", what="the approval")
    assert stored_ad(first).reviewed_by_id == staff_id
    await wait_card(user, second)  # the next pending ad opens
    await wait_for_caption(user, "1–1 of 1")


async def test_a_remote_creative_is_never_loaded(user: User, make_staff: Any) -> None:
    await signed_in(user, make_staff)
    remote = ad(remote="https://cdn.brand.example/banner.png")
    await user.open(f"/ads?ad={remote}")
    await wait_card(user, remote)
    assert texts(user, "ad-preview-remote-note") == ["Remote creative — not loaded"]
    assert texts(user, "ad-preview-remote-url") == ["https://cdn.brand.example/banner.png"]
    assert not all_marked(user, "ad-preview-image")
    assert all_marked(user, "ad-check-warn")  # a creative by URL cannot be checked: a soft warning


async def test_reject_needs_a_reason_and_other_needs_a_note(user: User, make_staff: Any) -> None:
    await signed_in(user, make_staff)
    target = ad()
    await user.open("/ads")
    await wait_card(user, target)
    press(user, "r")
    await wait_shown(user, "reject-dialog")
    from console.ads.models import REJECTION_REASONS

    # Quasar's dialog focuses the first reason (a keyboard user chooses with Space at once; QA: nothing had the focus)
    assert "data-autofocus" in element(user, f"reject-reason-{REJECTION_REASONS[0]}").props
    click(user, "reject-ok")
    await wait_until(lambda: texts(user, "reject-reasons-error") == ["Choose at least one reason"], what="reasons")
    element(user, "reject-reason-misleading").value = True
    element(user, "reject-reason-other").value = True
    click(user, "reject-ok")
    await wait_until(lambda: bool(element(user, "reject-note").error), what="the note message")
    type_into(user, "reject-note", "the discount is not real")
    click(user, "reject-ok")
    await wait_until(lambda: stored_ad(target).state == "rejected", what="the rejection")
    stored = stored_ad(target)
    assert stored.rejection_reasons == ["misleading", "other"] and stored.rejection_note == "the discount is not real"


async def test_a_failing_hard_check_blocks_approve(user: User, make_staff: Any, actor_for: Any) -> None:
    staff_id = await signed_in(user, make_staff)
    bad = ad(size=(320, 240))
    await user.open("/ads")
    await wait_card(user, bad)
    assert "320×240" in texts(user, "review-blocked")[0]
    assert not element(user, "review-approve").enabled
    assert all_marked(user, "ad-check-fail")
    rows = all_marked(user, "ad-check-fail")
    shown_names = [str(e.text) for row in rows for e in row.descendants() if isinstance(e, ui.label)]
    assert "Image size" in shown_names and "image_size" not in shown_names  # the check in words, not its code
    press(user, "a")
    with session_scope() as session, pytest.raises(RuleViolation, match="hard check"):
        review.approve_ad(session, actor=actor_for(staff_id), ad_id=bad, version=stored_ad(bad).version)
    assert stored_ad(bad).state == "pending_review"


async def test_bulk_approve_lists_each_ad(user: User, make_staff: Any) -> None:
    await signed_in(user, make_staff)
    good = [ad(minutes_ago=50), ad(minutes_ago=40)]
    bad = ad(size=(320, 240), minutes_ago=30)
    await user.open("/ads")
    await wait_for_caption(user, "1–3 of 3")
    select_all(user)
    await wait_until(lambda: texts(user, "ads-bulk-selected") == ["3 selected"], what="the bulk bar")
    click(user, "ads-bulk-approve")
    await wait_shown(user, "confirm-ok")
    click(user, "confirm-ok")
    await wait_shown(user, "ads-bulk-result")
    lines = {r["ad_id"]: r["outcome"] for r in element(user, "ads-bulk-result-table").rows}
    assert lines == {good[0]: "done", good[1]: "done", bad: "refused"}
    assert [stored_ad(i).state for i in (*good, bad)] == ["approved", "approved", "pending_review"]


async def test_bulk_reject_needs_reasons(user: User, make_staff: Any) -> None:
    await signed_in(user, make_staff)
    both = [ad(minutes_ago=50), ad(minutes_ago=40)]
    await user.open("/ads")
    await wait_for_caption(user, "1–2 of 2")
    select_all(user)
    await wait_shown(user, "ads-bulk-reject")
    click(user, "ads-bulk-reject")
    await wait_shown(user, "bulk-reject-dialog")
    click(user, "bulk-reject-ok")
    await wait_until(lambda: texts(user, "bulk-reject-reasons-error") == ["Choose at least one reason"], what="reason")
    element(user, "bulk-reject-reason-wrong_size").value = True
    click(user, "bulk-reject-ok")
    await wait_shown(user, "ads-bulk-result")
    assert {r["outcome"] for r in element(user, "ads-bulk-result-table").rows} == {"done"}
    assert [stored_ad(i).rejection_reasons for i in both] == [["wrong_size"], ["wrong_size"]]


async def test_a_stale_version_shows_the_conflict_and_keeps_the_note(user: User, make_staff: Any) -> None:
    await signed_in(user, make_staff)
    target = ad(name="Before")
    await user.open("/ads")
    await wait_card(user, target)
    with session_scope() as session:  # someone changes the ad while the card is open
        row = session.get(Ad, target)
        assert row is not None
        row.name = "Renamed meanwhile"
    type_into(user, "review-note", "approved after a call")
    click(user, "review-approve")
    await wait_shown(user, "review-conflict")
    assert element(user, "review-note").value == "approved after a call"
    assert stored_ad(target).state == "pending_review"
    click(user, "review-approve")  # again: acts on the stored version
    await wait_until(lambda: stored_ad(target).state == "approved", what="the approval on the second try")


async def test_an_ad_decided_meanwhile_leaves_nothing_to_decide(user: User, make_staff: Any, actor_for: Any) -> None:
    """The conflict panel advised "Decide again" for an ad someone had approved meanwhile, which only got a
    refusal; and the list behind the card still showed it as pending review."""
    await signed_in(user, make_staff)
    other_id, _ = make_staff("ads", name="Rita Reviewer")
    target = ad(name="Decided elsewhere")
    await user.open("/ads")
    await wait_card(user, target)
    other = actor_for(other_id)
    with session_scope() as session:  # another reviewer approves it while the card is open (the claim ran out)
        row = session.get(Ad, target)
        assert row is not None
        row.claimed_by_id, row.claim_expires_at = None, None
        session.flush()
        review.approve_ad(session, actor=other, ad_id=target, version=row.version)
    click(user, "review-approve")
    await wait_shown(user, "review-conflict")
    assert texts(user, "review-conflict-keep") == ["Nothing is left to decide here: the ad is approved now."]
    assert "Version" not in " ".join(texts(user, "review-conflict-field"))


async def test_an_ad_another_reviewer_holds_cannot_be_decided_here(user: User, make_staff: Any, actor_for: Any) -> None:
    other_id, _ = make_staff("ads", name="Rita Reviewer")
    target = ad()
    with session_scope() as session:
        review.claim_ad(session, actor=actor_for(other_id), ad_id=target)
    await signed_in(user, make_staff)
    await user.open("/ads")
    await wait_card(user, target)
    assert texts(user, "review-claim")[0].startswith("Claimed by Rita Reviewer until")
    assert texts(user, "review-claim-note")  # why this reviewer does not hold it
    assert not element(user, "review-approve").enabled and not element(user, "review-reject").enabled
    press(user, "a")
    assert stored_ad(target).claimed_by_id == other_id and stored_ad(target).state == "pending_review"


async def test_a_moderator_gets_the_403_page(user: User, make_staff: Any) -> None:
    await signed_in(user, make_staff, "moderator", email="mo@test.example")
    assert not in_navigation(user, "/ads")
    for path in ("/ads", "/ads/campaigns/1", "/ads/advertisers", "/ads/blocklist"):
        await user.open(path)
        await user.should_see(marker="forbidden")
        assert not all_marked(user, "paged-table")


async def test_a_read_only_ads_role_sees_no_action_and_the_service_refuses(
    user: User, make_staff: Any, actor_for: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    read_only = permissions.MATRIX[Role.EXECUTIVE] | {Permission.ADS_READ}
    monkeypatch.setitem(permissions.MATRIX, Role.EXECUTIVE, read_only)
    staff_id = await signed_in(user, make_staff, "executive", email="eve@test.example")
    target = ad()
    await user.open("/ads")
    await wait_card(user, target)
    assert shown(user, "ads-read-only")
    assert not all_marked(user, "review-approve") and not all_marked(user, "review-reject")
    assert stored_ad(target).claimed_by_id is None  # reading is not claiming
    with session_scope() as session, pytest.raises(Forbidden):
        review.approve_ad(session, actor=actor_for(staff_id), ad_id=target, version=stored_ad(target).version)


async def test_g_d_opens_the_queue_and_j_k_move_between_ads(user: User, make_staff: Any) -> None:
    await signed_in(user, make_staff)
    first, second = ad(minutes_ago=20), ad(minutes_ago=10)
    assert in_navigation(user, "/ads")
    press(user, "g")
    press(user, "d")
    await wait_until(lambda: current_path(user) == "/ads", what="the queue")
    await wait_card(user, first)
    press(user, "j")
    await wait_card(user, second)
    assert stored_ad(first).claimed_by_id is None and stored_ad(second).claimed_by_id is not None
    press(user, "k")
    await wait_card(user, first)
    press(user, "?")
    await wait_shown(user, "shortcut-sheet")
    assert texts(user, "shortcut-key")[:5] == ["j", "k", "a", "r", "x"]


async def test_closing_the_tab_gives_the_claimed_ad_back_to_the_queue(user: User, make_staff: Any) -> None:
    """Opening the queue claims the first ad; a tab closed for good kept it from the other reviewers until the
    claim ran out."""
    await signed_in(user, make_staff)
    first = ad(minutes_ago=90)
    await user.open("/ads")
    await wait_card(user, first)
    assert stored_ad(first).claimed_by_id is not None
    assert user.client is not None
    user.client.delete()  # what NiceGUI does once a closed tab has not come back
    await wait_until(lambda: stored_ad(first).claimed_by_id is None, what="the claim given back")


def test_every_pre_check_code_has_a_name() -> None:
    """The codes the checks write (console/ads/checks*.py) each have words on the review card."""
    import re
    from pathlib import Path

    from console.ads.pages.card_parts import CHECK_NAMES

    source = "".join(p.read_text() for p in Path("console/ads").glob("checks*.py"))
    codes = set(re.findall(r'(?:CheckResult|_url_check)\(\s*"([a-z_]+)"', source))
    assert len(codes) >= 10 and codes <= set(CHECK_NAMES), sorted(codes - set(CHECK_NAMES))

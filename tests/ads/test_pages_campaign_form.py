"""The campaign and ad dialogs (FormDialog) with NiceGUI's simulated user: after a stale save the fields not typed
in take what is stored now and the conflict panel lists only what was typed."""

from __future__ import annotations

from typing import Any

from nicegui.testing import User

from console.ads.models import Ad, AdCampaign
from console.db import session_scope
from tests.ads.page_helpers import ad, campaign, signed_in
from tests.moderation.page_helpers import click, type_into, wait_shown
from tests.ui.helpers import all_marked, conflict_rows, element, wait_until


async def open_campaign_editor(user: User, cid: int) -> None:
    await user.open(f"/ads/campaigns/{cid}")
    await wait_shown(user, "campaign-edit")
    click(user, "campaign-edit")
    await wait_shown(user, "campaign-form")


async def test_a_stale_campaign_edit_lists_only_the_typed_fields_and_saves_only_them(
    user: User, make_staff: Any
) -> None:
    """B opened the editor, A then saved a new name and budget, B changed only the budget: the panel lists the
    budget alone, the name field shows A's name, and Save again keeps A's name with B's budget."""
    await signed_in(user, make_staff)
    cid = campaign(name="<b>Bold</b> banners", budget_cents=300_000)
    await open_campaign_editor(user, cid)
    with session_scope() as session:  # A saves first
        stored = session.get(AdCampaign, cid)
        assert stored is not None
        stored.name, stored.budget_cents = "Ritual A-edit", 55_555

    type_into(user, "campaign-budget-in", "777.77")
    click(user, "campaign-form-save")
    await wait_shown(user, "campaign-conflict-message")
    assert conflict_rows(user, "campaign-conflict") == {"Budget": ("555.55", "777.77")}
    assert element(user, "campaign-name-in").value == "Ritual A-edit"
    click(user, "campaign-form-save")
    await wait_until(lambda: not all_marked(user, "campaign-form"), what="the dialog closed")
    with session_scope() as session:
        saved = session.get(AdCampaign, cid)
        assert saved is not None
        assert (saved.name, saved.budget_cents) == ("Ritual A-edit", 77_777)


async def test_a_stale_ad_edit_keeps_the_name_someone_else_saved(user: User, make_staff: Any) -> None:
    await signed_in(user, make_staff)
    cid = campaign()
    aid = ad(cid, state="draft", name="Old name")
    await user.open(f"/ads/campaigns/{cid}")
    await wait_shown(user, f"ad-edit-{aid}")
    click(user, f"ad-edit-{aid}")
    await wait_shown(user, "ad-form")
    with session_scope() as session:
        stored = session.get(Ad, aid)
        assert stored is not None
        stored.name = "Their name"

    type_into(user, "ad-click-url-in", "https://brand.example/new")
    click(user, "ad-form-save")
    await wait_shown(user, "ad-conflict-message")
    assert list(conflict_rows(user, "ad-conflict")) == ["Click URL"]
    assert element(user, "ad-name-in").value == "Their name"
    click(user, "ad-form-save")
    await wait_until(lambda: not all_marked(user, "ad-form"), what="the dialog closed")
    with session_scope() as session:
        saved = session.get(Ad, aid)
        assert saved is not None
        assert (saved.name, saved.click_url) == ("Their name", "https://brand.example/new")
